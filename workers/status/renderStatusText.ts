// The terminal view of a StatusSnapshot, for `npx hardhat fl:status` and `fedmash status`: what the deployment
// holds, then per round its phase and deadline in human time, who joined and submitted (with CIDs), the MASH
// groups or Shamir share-sums, the verification with its gas, and the payouts. Deterministic (UTC, no colours)
// so the same snapshot always prints the same text.
import { describeMaskGroup } from "../crypto/mask/maskGroup";
import { formatEther } from "ethers";
import { BaseError } from "../errors";
import type { AdmissionStatus, RoundStatus, StatusSnapshot, TaskStatus } from "./statusSnapshot";
import { formatDuration, formatUnixTime } from "./formatTime";
import { shortAddress } from "./summarizeEvent";

export class StatusRoundNotInSnapshotError extends BaseError {
  override name = "StatusRoundNotInSnapshotError" as const;
}

export interface RenderStatusTextParameters {
  /** Only this round, in detail; otherwise every task with a line per round and its latest round in detail. */
  round?: bigint | string;
  /** Also list each detailed round's events with their full transaction hashes. */
  events?: boolean;
}

export type RenderStatusTextReturnType = string;

function eth(wei: string): string {
  return `${formatEther(BigInt(wei))} ETH`;
}

function gas(value: string | undefined): string | undefined {
  return value === undefined ? undefined : Number(value).toLocaleString("en-US");
}

function shortTx(hash: string): string {
  return `${hash.slice(0, 8)}…${hash.slice(-4)}`;
}

function deadlineText(round: RoundStatus, now: number): string {
  if (round.phase === "Finalized" || round.phase === "Failed" || round.deadline === 0) return "";
  const when = formatUnixTime(round.deadline);
  if (now > round.deadline) {
    return ` · deadline ${when}, passed ${formatDuration(now - round.deadline)} ago (anyone may advance the round)`;
  }
  return ` · until ${when} (in ${formatDuration(round.deadline - now)})`;
}

function roundHeadline(round: RoundStatus, now: number): string {
  const failure = round.phase === "Failed" ? ` (${round.failureReason})` : "";
  const verification = round.verification && round.verification.outcome !== "None" ? ` · verification ${round.verification.outcome}` : "";
  return `round ${round.roundId} (#${round.index} of task ${round.taskId}) · ${round.mode} · ${round.phase}${failure}${deadlineText(round, now)} · ${round.participants.length} joined, ${round.submittedCount} submitted${verification}`;
}

/** "open", "allowlist (4 allowed) · stake 0 ETH", "open · stake 0.5 ETH". */
export function admissionText(admission: AdmissionStatus): string {
  if (!admission.allowlistOnly && admission.clientStake === "0") return "open";
  const who = admission.allowlistOnly ? `allowlist (${admission.allowed} allowed)` : "open";
  return `${who} · stake ${eth(admission.clientStake)}`;
}

function taskLines(task: TaskStatus): string[] {
  const config = task.config;
  const shape =
    task.mode === "Mash"
      ? `, groups of ${config.groupSize}${config.maskGroup ? `, mask group ${describeMaskGroup(config.maskGroup)}` : ""}`
      : task.mode === "Shamir"
        ? `, ${task.servers?.length ?? 0} servers, threshold ${task.threshold ?? 0}`
        : "";
  const lines = [
    `task ${task.taskId} · ${task.mode} · owner ${task.owner} · aggregator ${task.aggregator}`,
    `  model ${config.modelKind} (${config.modelSize.toLocaleString("en-US")} parameters), ${config.minClients}–${config.maxClients} clients per round${config.minIncluded ? ` (at least ${config.minIncluded} summed)` : ""}${shape}; ${task.roundCount} round(s)`,
    `  current model ${task.currentModelCid}`,
  ];
  if (task.servers && task.servers.length > 0) lines.push(`  servers ${task.servers.map((s, i) => `${i}:${s}`).join(", ")}`);
  if (task.admission) lines.push(`  admission: ${admissionText(task.admission)}`);
  if (task.funds) {
    const { terms } = task.funds;
    lines.push(
      `  terms: bond ${eth(terms.aggregatorBond)}, client reward ${eth(terms.clientReward)}, aggregator reward ${eth(terms.aggregatorReward)}; pool ${eth(task.funds.pool)}, bonded ${eth(task.funds.bond)}`,
    );
  }
  return lines;
}

function roundDetail(round: RoundStatus, now: number, withEvents: boolean): string[] {
  const lines = [roundHeadline(round, now)];
  const indent = "  ";
  lines.push(`${indent}input model ${round.modelCid}${round.opened ? ` · opened at ${formatUnixTime(round.openedAt)} in block ${round.opened.block}` : ""}`);
  if (round.phases.length > 0) {
    lines.push(`${indent}phases: ${round.phases.map((p) => `${p.phase}@${p.block}`).join(" → ")}`);
  }
  const submitted = new Set(round.submissions.map((s) => s.client));
  lines.push(`${indent}joined (${round.participants.length}): ${round.participants.map((p) => `${shortAddress(p)}${submitted.has(p) ? " ✓" : ""}`).join(", ") || "nobody yet"}`);

  if (round.mash) {
    const mash = round.mash;
    if (mash.groups.length === 0) {
      lines.push(`${indent}groups: not formed yet`);
    } else {
      lines.push(
        `${indent}holder ${mash.holder}: key ${mash.holderKey ? "posted" : "not posted"}, ${mash.holderSubmitted ? "submitted" : "not submitted"}; ${mash.groupSumCount}/${mash.groups.length} group sums, ${mash.includedGroupCount} group(s) included`,
      );
      for (const group of mash.groups) {
        const members = group.members.map((m, i) => (i === group.members.length - 1 ? `${shortAddress(m)} (leader)` : shortAddress(m))).join(", ");
        const state = [
          group.sumPosted ? "sum posted" : `shuffle at position ${group.shuffleStep}`,
          `${group.submittedCount}/${group.members.length} submitted`,
          group.included ? "included" : round.mash.includedGroupCount > 0 || round.phase === "Failed" ? "excluded" : undefined,
        ].filter((part) => part !== undefined);
        lines.push(`${indent}  group ${group.index}: ${members} — ${state.join(", ")}`);
      }
    }
  }

  if (round.shamir) {
    const posted = new Map(round.shamir.shareSums.map((s) => [s.server, s]));
    lines.push(`${indent}share-sums: ${round.shamir.shareSums.length}/${round.shamir.servers.length} posted, threshold ${round.shamir.threshold}`);
    for (const [index, server] of round.shamir.servers.entries()) {
      const sum = posted.get(server);
      lines.push(`${indent}  server ${index} ${shortAddress(server)}: ${sum ? `${sum.cid} tx ${shortTx(sum.tx)} @${sum.block}` : "not posted"}`);
    }
  }

  lines.push(`${indent}submissions (${round.submissions.length}):${round.submissions.length === 0 ? " none yet" : ""}`);
  for (const s of round.submissions) {
    lines.push(`${indent}  ${shortAddress(s.client)}  ${s.cid}  ${s.numSamples} samples  loss ${s.lossValue.toFixed(4)}  tx ${shortTx(s.tx)} @${s.block}`);
  }

  if (round.aggregate) {
    lines.push(`${indent}aggregate ${round.aggregate.cid} → model ${round.aggregate.modelCid} by ${shortAddress(round.aggregate.aggregator)} tx ${shortTx(round.aggregate.tx)} @${round.aggregate.block}`);
  }

  const v = round.verification;
  if (v && v.stage !== "None") {
    const stageDeadline =
      v.deadline > 0 && v.stage !== "Settled" ? ` · ${v.stage === "BatchSums" ? "batch sums due" : v.stage === "Challenge" ? "challenge window closes" : "commitments due"} ${formatUnixTime(v.deadline)}${now > v.deadline ? " (passed: anyone may settle)" : ` (in ${formatDuration(v.deadline - now)})`}` : "";
    if (v.stage === "Reserved") {
      lines.push(`${indent}verification: rewards reserved (${eth(v.reserved)}); it starts when the aggregate is posted`);
    } else if (v.outcome === "Released") {
      lines.push(`${indent}verification: none ran (the round failed before its aggregate); the reserve went back to the pool`);
    } else {
      lines.push(
        `${indent}verification: ${v.stage}${v.outcome !== "None" ? `, ${v.outcome}` : ""} · ${v.committedCount}/${v.includedCount} committed, ${v.challengeCount} challenge(s)${stageDeadline}`,
      );
    }
    const gasParts = [
      ["aggregate", gas(v.gasUsed.postAggregate)],
      ["batch sums", gas(v.gasUsed.postBatchSums)],
      ["commits", gas(v.gasUsed.commits)],
      ["settle", gas(v.gasUsed.settle)],
    ].filter((entry): entry is [string, string] => entry[1] !== undefined);
    if (gasParts.length > 0) lines.push(`${indent}  gas: ${gasParts.map(([name, used]) => `${name} ${used}`).join(" · ")} · total ${gas(v.gasUsed.total)}`);
    for (const c of v.challenges) {
      lines.push(
        c.dispute !== undefined
          ? `${indent}  dispute by ${shortAddress(c.challenger)}: ${c.dispute}${c.upheld ? ", fraud proven" : ", its bond went to the aggregator"}`
          : `${indent}  challenge by ${shortAddress(c.challenger)}: ${c.upheld ? `upheld, the aggregate is wrong at coordinate ${c.coordinate}` : `rejected (leaf ${c.leafIndex}), bond burned`}`,
      );
    }
    if (v.settled) lines.push(`${indent}  settled tx ${v.settled.tx} @${v.settled.block}`);
  }

  const p = round.payouts;
  if (round.mode !== "Plain" && (BigInt(p.owed) > 0n || BigInt(p.slashed) > 0n || BigInt(p.released) > 0n || p.claims.length > 0)) {
    lines.push(`${indent}payouts: owed ${eth(p.owed)}, claimed ${eth(p.paidTotal)}, unclaimed ${eth(p.unclaimed)}, slashed ${eth(p.slashed)}, released ${eth(p.released)}`);
    for (const claim of p.claims) lines.push(`${indent}  ${shortAddress(claim.account)} claimed ${eth(claim.amount)} tx ${shortTx(claim.tx)} @${claim.block}`);
  }

  if (withEvents) {
    lines.push(`${indent}events (${round.events.length}):`);
    for (const event of round.events) lines.push(`${indent}  @${event.block} ${event.tx} ${event.name}: ${event.summary}`);
  }
  return lines;
}

export function renderStatusText(snapshot: StatusSnapshot, parameters: RenderStatusTextParameters = {}): RenderStatusTextReturnType {
  const now = snapshot.blockTimestamp;
  const lines = [
    `fedmash on chain ${snapshot.chainId} at block ${snapshot.blockNumber} (${formatUnixTime(now)})`,
    `  coordinator ${snapshot.contracts.coordinator} · verifier ${snapshot.contracts.verifier} · shamir ${snapshot.contracts.shamir} · registry ${snapshot.contracts.registry}`,
  ];
  const count = (list: { active: boolean }[], noun: string): string => {
    const active = list.filter((p) => p.active).length;
    return `${list.length} ${noun}${list.length === 1 ? "" : "s"}${active === list.length ? "" : ` (${active} active)`}`;
  };
  lines.push(
    `  participants: ${count(snapshot.participants.clients, "client")}, ${count(snapshot.participants.aggregators, "aggregator")}, ${count(snapshot.participants.servers, "server")}`,
  );

  if (parameters.round !== undefined) {
    const wanted = parameters.round.toString();
    const task = snapshot.tasks.find((t) => t.rounds.some((r) => r.roundId === wanted));
    const round = task?.rounds.find((r) => r.roundId === wanted);
    if (!task || !round) {
      throw new StatusRoundNotInSnapshotError(`Round ${wanted} is not in the snapshot.`, {
        details: "Collect the status with this round (collectStatus({ roundId })) before rendering it.",
      });
    }
    lines.push("", ...taskLines(task), "", ...roundDetail(round, now, parameters.events ?? false));
    return `${lines.join("\n")}\n`;
  }

  if (snapshot.tasks.length === 0) {
    lines.push("", "no task yet: create one with `fedmash owner` (or createTask / createShamirTask on the coordinator)");
    return `${lines.join("\n")}\n`;
  }
  for (const task of snapshot.tasks) {
    lines.push("", ...taskLines(task));
    if (task.rounds.length === 0) {
      lines.push(`  no round yet: open one with \`npx hardhat fl:open-round --task ${task.taskId} --network <net>\``);
      continue;
    }
    for (const round of task.rounds.slice(0, -1)) lines.push(`  ${roundHeadline(round, now)}`);
    const latest = task.rounds[task.rounds.length - 1];
    lines.push(...roundDetail(latest, now, parameters.events ?? false).map((line) => `  ${line}`));
  }
  return `${lines.join("\n")}\n`;
}
