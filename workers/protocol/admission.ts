// Who may join a task's rounds (FedmashVerifier.Admission): the pure decision a client makes before it joins, from
// the task's policy and its own standing, and the allowlist's size folded from the AllowlistChanged events. The
// coordinator checks the same on every join (VerifierNotAdmitted); deciding first spares a refused client the
// transaction, and lets it stake the difference when the owner asks for a stake it accepts (--max-stake).

/** FedmashVerifier.Admission: the zero value is open admission. */
export interface AdmissionPolicy {
  /** Only accounts the owner allowed may join. */
  allowlistOnly: boolean;
  /** Wei a client must have staked for the task to join. */
  clientStake: bigint;
}

/** A client's own standing in a task: isAllowed and stakeOf. */
export interface AdmissionStanding {
  allowed: boolean;
  /** Wei staked for the task. */
  staked: bigint;
}

/**
 * What the client does before joining: join as it is, stake `amount` wei first, or refuse the round: "not-allowed"
 * (an allowlist-only task that does not list it; staking cannot help) or "stake-required" (the task asks for more
 * than the client's `maxStake`).
 */
export type AdmissionDecision =
  | { action: "join" }
  | { action: "stake"; amount: bigint }
  | { action: "refuse"; reason: "not-allowed" }
  | { action: "refuse"; reason: "stake-required"; missing: bigint };

/**
 * `maxStake` is the most wei this client keeps staked for one task (0: never stakes by itself): it stakes the
 * difference to `policy.clientStake` only when that total stays within it.
 */
export function decideAdmission(policy: AdmissionPolicy, standing: AdmissionStanding, maxStake: bigint): AdmissionDecision {
  if (policy.allowlistOnly && !standing.allowed) return { action: "refuse", reason: "not-allowed" };
  if (standing.staked >= policy.clientStake) return { action: "join" };
  const missing = policy.clientStake - standing.staked;
  if (policy.clientStake > maxStake) return { action: "refuse", reason: "stake-required", missing };
  return { action: "stake", amount: missing };
}

/** AllowlistChanged(taskId, account, allowed), as read from the chain. */
export interface AllowlistChange {
  account: string;
  allowed: boolean;
}

/** How many accounts are on the allowlist after `changes` (oldest first): the last change of each account wins. */
export function countAllowed(changes: readonly AllowlistChange[]): number {
  const last = new Map<string, boolean>();
  for (const change of changes) last.set(change.account.toLowerCase(), change.allowed);
  return [...last.values()].filter(Boolean).length;
}

/** The task's admission policy as the owner's banner and report.json show it. */
export interface AdmissionReport {
  allowlistOnly: boolean;
  /** Accounts on the task's allowlist (from its AllowlistChanged events). */
  allowed: number;
  /** The stake each client must hold, in ETH ("0": none). */
  clientStake: string;
}

/** "open", "allowlist of 4 clients", "open · stake 0.5 ETH": the owner's and the demo's admission line. */
export function describeAdmission(admission: AdmissionReport): string {
  const who = admission.allowlistOnly ? `allowlist of ${admission.allowed} client${admission.allowed === 1 ? "" : "s"}` : "open";
  return Number(admission.clientStake) > 0 ? `${who} · stake ${admission.clientStake} ETH` : who;
}
