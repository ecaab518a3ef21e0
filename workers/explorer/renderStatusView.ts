// The live part of the round explorer page, rendered on the server from one StatusSnapshot: every task with its
// rounds (newest first), each round's phase and deadline, groups, share-sums, submissions with CIDs, the aggregate,
// verification with gas, payouts and slashing, and every item linked to its transaction. Pure: the same snapshot
// always gives the same markup, which the page swaps in whole on each update.
import { describeMaskGroup } from "../crypto/mask/maskGroup";
import { formatEther } from "ethers";
import { html, type SafeHtml } from "./html";
import { explainFailure, explainOutcome, explainPhase } from "./explainStatus";
import { formatUnixTime } from "../status/formatTime";
import { shortAddress } from "../status/summarizeEvent";
import type {
  AggregateStatus,
  GroupStatus,
  ParticipantStatus,
  PayoutsStatus,
  RoundStatus,
  ShamirRoundStatus,
  StatusSnapshot,
  SubmissionStatus,
  TaskStatus,
  TxRef,
  VerificationStatus,
} from "../status/statusSnapshot";

export interface RenderStatusViewOptions {
  /** Where a transaction hash links to: a block explorer's page, or this server's own /tx/ view. */
  txUrl: (hash: string) => string;
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const TERMINAL_PHASES = new Set(["Finalized", "Failed", "None"]);

/** "BatchSumsMissing" → "Batch sums missing". */
function words(name: string): string {
  const spaced = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function eth(wei: string): string {
  return `${formatEther(BigInt(wei))} ETH`;
}

function gas(value: string | undefined): string {
  return value === undefined ? "—" : BigInt(value).toLocaleString("en-US");
}

function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

function address(value: string, role?: string): SafeHtml {
  return html`<code class="addr" title="${value}">${shortAddress(value)}</code>${role ? html` <span class="tag">${role}</span>` : ""}`;
}

function txLink(ref: TxRef | undefined, options: RenderStatusViewOptions): SafeHtml {
  if (!ref) return html`<span class="none">—</span>`;
  return html`<a class="tx" href="${options.txUrl(ref.tx)}" title="Transaction ${ref.tx} in block ${ref.block}" data-tx="${ref.tx}">tx ${shortAddress(ref.tx)}</a>`;
}

function cid(value: string): SafeHtml {
  return value ? html`<code class="cid">${value}</code>` : html`<span class="none">—</span>`;
}

function deadlineLine(round: RoundStatus): SafeHtml {
  if (TERMINAL_PHASES.has(round.phase) || round.deadline === 0) return html``;
  return html`<p class="deadline">Phase deadline <time datetime="${isoTime(round.deadline)}">${formatUnixTime(round.deadline)}</time>
    · <span class="countdown" role="timer" aria-live="off" data-deadline="${round.deadline}">${round.deadlinePassed ? "passed" : ""}</span>
    ${round.deadlinePassed ? html`<span class="note">The deadline passed; anyone may advance the round.</span>` : ""}</p>`;
}

function roleOf(account: string, round: RoundStatus, task: TaskStatus): string | undefined {
  if (round.mash && account === round.mash.holder) return "holder";
  if (account === task.aggregator) return "aggregator";
  return undefined;
}

function groupsTable(round: RoundStatus, options: RenderStatusViewOptions): SafeHtml {
  const mash = round.mash;
  if (!mash || mash.groups.length === 0) return html``;
  const row = (g: GroupStatus): SafeHtml => html`<tr>
      <th scope="row">Group ${g.index}</th>
      <td>${g.members.map((m, i) => html`${i ? ", " : ""}${address(m, m === g.leader ? "leader" : undefined)}`)}</td>
      <td>${g.shuffleStep} / ${Math.max(g.members.length - 1, 0)}</td>
      <td>${g.sumPosted ? html`yes ${txLink(g.sumTx, options)}` : "no"}</td>
      <td>${g.submittedCount} / ${g.members.length}</td>
      <td class="${g.included ? "good" : ""}">${g.included ? "included" : round.phase === "Submission" || round.phase === "Shuffle" || round.phase === "Grouping" ? "not decided yet" : "excluded"}</td>
    </tr>`;
  return html`<h4>Groups (MASH)</h4>
    <p>Total-sum holder ${mash.holder === ZERO_ADDRESS ? html`<span class="none">not drawn yet</span>` : address(mash.holder)}
      ${mash.holderKey ? html`· Paillier key ${txLink(mash.holderKey, options)}` : ""}
      · holder submitted: ${mash.holderSubmitted ? "yes" : "no"}
      · ${mash.groupSumCount} of ${plural(mash.groups.length, "group sum")} posted · ${plural(mash.includedGroupCount, "group")} (${plural(mash.includedClientCount, "client")}) included</p>
    <table class="groups">
      <caption class="sr-only">Shuffle groups of round ${round.index}</caption>
      <thead><tr><th scope="col">Group</th><th scope="col">Members (chain order)</th><th scope="col">Shuffle messages</th><th scope="col">Group sum</th><th scope="col">Submitted</th><th scope="col">Included</th></tr></thead>
      <tbody>${mash.groups.map(row)}</tbody>
    </table>`;
}

function shareSumsTable(shamir: ShamirRoundStatus | undefined, round: RoundStatus, options: RenderStatusViewOptions): SafeHtml {
  if (!shamir) return html``;
  const posted = new Map(shamir.shareSums.map((s) => [s.index, s]));
  return html`<h4>Share-sums (Shamir, ${shamir.threshold} of ${shamir.servers.length})</h4>
    <table class="share-sums">
      <caption class="sr-only">Share-sums of round ${round.index}</caption>
      <thead><tr><th scope="col">Server</th><th scope="col">Address</th><th scope="col">Share-sum CID</th><th scope="col">Transaction</th></tr></thead>
      <tbody>${shamir.servers.map((server, index) => {
        const sum = posted.get(index);
        return html`<tr><th scope="row">Server ${index}</th><td>${address(server)}</td><td>${sum ? cid(sum.cid) : html`<span class="none">not posted</span>`}</td><td>${txLink(sum, options)}</td></tr>`;
      })}</tbody>
    </table>`;
}

function submissionsTable(round: RoundStatus, task: TaskStatus, options: RenderStatusViewOptions): SafeHtml {
  const row = (s: SubmissionStatus): SafeHtml => html`<tr>
      <th scope="row">${address(s.client, roleOf(s.client, round, task))}</th>
      <td>${cid(s.cid)}</td>
      <td class="num">${s.numSamples}</td>
      <td class="num">${s.lossValue.toFixed(4)}</td>
      <td>${txLink(s, options)}</td>
    </tr>`;
  const waiting = round.participants.filter((p) => !round.submissions.some((s) => s.client === p));
  return html`<h4>Submissions (${round.submissions.length} of ${round.participants.length} joined)</h4>
    ${
      round.submissions.length === 0
        ? html`<p class="none">No update submitted yet.</p>`
        : html`<table class="submissions">
      <caption class="sr-only">Updates submitted in round ${round.index}</caption>
      <thead><tr><th scope="col">Client</th><th scope="col">Update CID</th><th scope="col" class="num">Samples</th><th scope="col" class="num">Loss</th><th scope="col">Transaction</th></tr></thead>
      <tbody>${round.submissions.map(row)}</tbody>
    </table>`
    }
    ${waiting.length && round.submissions.length ? html`<p class="note">Joined without an update: ${waiting.map((p, i) => html`${i ? ", " : ""}${address(p)}`)}</p>` : ""}`;
}

function aggregateBlock(aggregate: AggregateStatus | undefined, options: RenderStatusViewOptions): SafeHtml {
  if (!aggregate) return html``;
  return html`<h4>Aggregate</h4>
    <dl class="facts">
      <dt>Posted by</dt><dd>${address(aggregate.aggregator)} ${txLink(aggregate, options)}</dd>
      <dt>Aggregate CID</dt><dd>${cid(aggregate.cid)}</dd>
      <dt>New model CID</dt><dd>${cid(aggregate.modelCid)}</dd>
    </dl>`;
}

function verificationBlock(v: VerificationStatus | undefined, round: RoundStatus, task: TaskStatus, options: RenderStatusViewOptions): SafeHtml {
  if (!v || v.stage === "None") return html``;
  if (v.stage === "Reserved") {
    return html`<h4>Verification</h4>
    <p>Not started: ${eth(v.reserved)} of rewards are reserved for this round; the verification starts when the aggregate is posted.</p>`;
  }
  const settled = v.stage === "Settled";
  // MASH is verified by fraud proofs (a challenge window), Shamir by batch sums and the clients' commitments.
  const mash = task.mode === "Mash";
  const challengeLine = v.challengeCount ? html` · <strong class="bad">${plural(v.challengeCount, "challenge")}</strong>` : "";
  return html`<h4>Verification</h4>
    <dl class="facts verification">
      <dt>Stage</dt><dd class="stage">${words(v.stage)}</dd>
      <dt>Outcome</dt><dd><strong class="outcome outcome-${v.outcome}">${settled ? words(v.outcome) : "Pending"}</strong> <span class="explain">${settled ? explainOutcome(v.outcome) : ""}</span></dd>
      ${
        mash
          ? html`<dt>Included</dt><dd>${v.includedCount} vectors, open to challenge${challengeLine}</dd>`
          : html`<dt>Commitments</dt><dd>${v.committedCount} of ${v.includedCount} included clients${challengeLine}</dd>`
      }
      ${!settled && v.deadline ? html`<dt>${mash ? "Challenge window closes" : "Stage deadline"}</dt><dd><time datetime="${isoTime(v.deadline)}">${formatUnixTime(v.deadline)}</time> · <span class="countdown" role="timer" aria-live="off" data-deadline="${v.deadline}"></span></dd>` : ""}
      ${mash ? "" : html`<dt>Batch sums</dt><dd>${txLink(v.batchSums, options)}</dd>`}
      <dt>Settlement</dt><dd>${txLink(v.settled, options)}</dd>
      <dt>Gas</dt><dd class="gas">aggregate <span class="num">${gas(v.gasUsed.postAggregate)}</span>${mash ? "" : html` · batch sums <span class="num">${gas(v.gasUsed.postBatchSums)}</span> · commitments <span class="num">${gas(v.gasUsed.commits)}</span>`} · settle <span class="num" data-gas="settle">${gas(v.gasUsed.settle)}</span> · total <span class="num">${gas(v.gasUsed.total)}</span></dd>
    </dl>
    ${
      v.commitments.length
        ? html`<table class="commitments">
      <caption class="sr-only">Commitments of round ${round.index}</caption>
      <thead><tr><th scope="col">Client</th><th scope="col">Commitment</th></tr></thead>
      <tbody>${v.commitments.map((c) => html`<tr><th scope="row">${address(c.client)}</th><td>${txLink(c, options)}</td></tr>`)}</tbody>
    </table>`
        : ""
    }
    ${
      v.challenges.length
        ? html`<table class="challenges">
      <caption>Challenges</caption>
      <thead><tr><th scope="col">Challenger</th><th scope="col">Result</th><th scope="col" class="num">Coordinate or leaf</th><th scope="col">Transaction</th></tr></thead>
      <tbody>${v.challenges.map((c) => html`<tr><th scope="row">${address(c.challenger)}</th><td>${c.dispute !== undefined ? `dispute ${c.dispute}${c.upheld ? ": fraud proven" : ": bond to the aggregator"}` : c.upheld ? "upheld: fraud proven" : "rejected: bond burned"}</td><td class="num">${c.dispute !== undefined ? "" : c.upheld ? `coordinate ${c.coordinate}` : `leaf ${c.leafIndex}`}</td><td>${txLink(c, options)}</td></tr>`)}</tbody>
    </table>`
        : ""
    }`;
}

/** The bonds of rejected challenges, each burned: who lost what, beside the aggregator's slash. */
function burnedChallenges(round: RoundStatus): SafeHtml {
  const rejected = (round.verification?.challenges ?? []).filter((c) => !c.upheld);
  if (rejected.length === 0) return html``;
  return html`<ul class="slashed-parties">${rejected.map((c) => html`<li class="bad">${address(c.challenger)}: challenge bond burned (rejected challenge of leaf ${c.leafIndex ?? "?"})</li>`)}</ul>`;
}

function payoutsBlock(p: PayoutsStatus, round: RoundStatus, task: TaskStatus, options: RenderStatusViewOptions): SafeHtml {
  if (task.mode === "Plain") return html``;
  const slashed = BigInt(p.slashed) > 0n;
  if (round.verification?.stage !== "Settled" && p.claims.length === 0 && !slashed) {
    return html`<h4>Payouts</h4>
    <p class="none">Nothing paid yet: rewards become claimable when the verification settles.</p>`;
  }
  return html`<h4>Payouts</h4>
    <dl class="facts payouts">
      <dt>Claimable at settlement</dt><dd>${eth(p.owed)}</dd>
      <dt>Claimed</dt><dd>${eth(p.paidTotal)}</dd>
      <dt>Unclaimed</dt><dd>${eth(p.unclaimed)}</dd>
      <dt>Slashed</dt><dd class="${slashed ? "bad" : ""}">${slashed ? html`<strong>${eth(p.slashed)} taken from the aggregator's bond</strong>` : "nothing"}${burnedChallenges(round)}</dd>
      <dt>Released to the pool</dt><dd>${eth(p.released)}</dd>
    </dl>
    ${
      p.claims.length
        ? html`<table class="claims">
      <caption class="sr-only">Rewards claimed for round ${round.index}</caption>
      <thead><tr><th scope="col">Account</th><th scope="col" class="num">Amount</th><th scope="col">Transaction</th></tr></thead>
      <tbody>${p.claims.map((c) => html`<tr><th scope="row">${address(c.account, c.account === task.aggregator ? "aggregator" : undefined)}</th><td class="num">${eth(c.amount)}</td><td>${txLink(c, options)}</td></tr>`)}</tbody>
    </table>`
        : html`<p class="none">No reward claimed yet.</p>`
    }`;
}

function roundArticle(round: RoundStatus, task: TaskStatus, options: RenderStatusViewOptions): SafeHtml {
  const id = `round-${round.roundId}`;
  return html`<article class="round" id="${id}" data-round-id="${round.roundId}" data-phase="${round.phase}" aria-labelledby="${id}-title">
    <h3 id="${id}-title">Round ${round.index} <span class="muted">(id ${round.roundId})</span> <span class="phase phase-${round.phase}">${round.phase}</span></h3>
    <p class="explain">${explainPhase(round.phase)}</p>
    ${deadlineLine(round)}
    ${round.phase === "Failed" ? html`<p class="failure"><strong>Why it failed:</strong> ${explainFailure(round.failureReason)} <span class="muted">(${round.failureReason})</span></p>` : ""}
    <dl class="facts">
      <dt>Input model</dt><dd>${cid(round.modelCid)}</dd>
      <dt>Opened</dt><dd>${round.openedAt ? html`<time datetime="${isoTime(round.openedAt)}">${formatUnixTime(round.openedAt)}</time> ` : ""}${txLink(round.opened, options)}</dd>
      <dt>Joined</dt><dd>${plural(round.participants.length, "client")}</dd>
    </dl>
    <details class="phases" id="${id}-phases">
      <summary>Phase history (${round.phases.length})</summary>
      <ol>${round.phases.map((p) => html`<li><span class="phase phase-${p.phase}">${p.phase}</span> at block ${p.block} ${txLink(p, options)}${p.deadline ? html` · deadline <time datetime="${isoTime(p.deadline)}">${formatUnixTime(p.deadline)}</time>` : ""}</li>`)}</ol>
    </details>
    ${groupsTable(round, options)}
    ${shareSumsTable(round.shamir, round, options)}
    ${submissionsTable(round, task, options)}
    ${aggregateBlock(round.aggregate, options)}
    ${verificationBlock(round.verification, round, task, options)}
    ${payoutsBlock(round.payouts, round, task, options)}
    <details class="events" id="${id}-events">
      <summary>Events (${round.events.length})</summary>
      <table>
        <caption class="sr-only">Events of round ${round.index}, oldest first</caption>
        <thead><tr><th scope="col">Event</th><th scope="col" class="num">Block</th><th scope="col">What happened</th><th scope="col">Transaction</th></tr></thead>
        <tbody>${round.events.map((e) => html`<tr><th scope="row">${e.name}</th><td class="num">${e.block}</td><td>${e.summary}</td><td>${txLink(e, options)}</td></tr>`)}</tbody>
      </table>
    </details>
  </article>`;
}

function taskSection(task: TaskStatus, options: RenderStatusViewOptions): SafeHtml {
  const id = `task-${task.taskId}`;
  const c = task.config;
  return html`<section class="task" id="${id}" aria-labelledby="${id}-title">
    <h2 id="${id}-title">Task ${task.taskId} <span class="mode">${task.mode}</span></h2>
    <dl class="facts">
      <dt>Owner</dt><dd>${address(task.owner)} ${txLink(task.created, options)}</dd>
      <dt>Aggregator</dt><dd>${address(task.aggregator)}</dd>
      <dt>Model</dt><dd>${c.modelKind}, ${c.modelSize.toLocaleString("en-US")} parameters</dd>
      <dt>Clients per round</dt><dd>${c.minClients} to ${c.maxClients}${task.mode === "Mash" ? `, groups of ${c.groupSize}` : ""}${c.minIncluded ? `; a round sums at least ${c.minIncluded} updates` : ""}</dd>
      ${c.maskGroup ? html`<dt>Mask group</dt><dd class="${c.maskGroup.secure ? "secure" : "insecure"}">${describeMaskGroup(c.maskGroup)}</dd>` : ""}
      <dt>Current model</dt><dd>${cid(task.currentModelCid)}</dd>
      ${task.servers ? html`<dt>Shamir servers</dt><dd>${task.threshold} of ${task.servers.length}: ${task.servers.map((s, i) => html`${i ? ", " : ""}${address(s)}`)}</dd>` : ""}
      ${
        task.funds
          ? html`<dt>Rewards</dt><dd>${eth(task.funds.terms.clientReward)} per included client, ${eth(task.funds.terms.aggregatorReward)} to the aggregator; bond ${eth(task.funds.terms.aggregatorBond)}</dd>
      <dt>Pool</dt><dd>${eth(task.funds.pool)} unreserved · bond held ${eth(task.funds.bond)}</dd>`
          : ""
      }
    </dl>
    ${task.rounds.length === 0 ? html`<p class="none">No round opened yet.</p>` : [...task.rounds].reverse().map((r) => roundArticle(r, task, options))}
  </section>`;
}

function participantsDetails(snapshot: StatusSnapshot, options: RenderStatusViewOptions): SafeHtml {
  const { clients, aggregators, servers } = snapshot.participants;
  const rows = (role: string, list: ParticipantStatus[]): SafeHtml[] =>
    list.map((p) => html`<tr><th scope="row">${address(p.address)}</th><td>${role}</td><td>${p.active ? "active" : "left"}</td><td>${txLink(p.registered, options)}</td></tr>`);
  return html`<details class="participants" id="participants">
    <summary>Registered: ${plural(clients.length, "client")}, ${plural(aggregators.length, "aggregator")}, ${plural(servers.length, "server")}</summary>
    <table>
      <caption class="sr-only">Registered participants</caption>
      <thead><tr><th scope="col">Account</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Registration</th></tr></thead>
      <tbody>${rows("client", clients)}${rows("aggregator", aggregators)}${rows("server", servers)}</tbody>
    </table>
  </details>`;
}

/** The markup of the page's live region for one snapshot. */
export function renderStatusView(snapshot: StatusSnapshot, options: RenderStatusViewOptions): SafeHtml {
  // How far the chain clock runs ahead of the wall clock (time-travelled local chains); countdowns add it.
  const skewMs = Math.max(0, snapshot.blockTimestamp * 1000 - Date.parse(snapshot.generatedAt));
  const k = snapshot.contracts;
  return html`<div class="snapshot" data-block="${snapshot.blockNumber}" data-clock-skew-ms="${skewMs}">
    <p class="chain">Chain ${snapshot.chainId} · block <strong class="block-number">${snapshot.blockNumber}</strong> at <time datetime="${isoTime(snapshot.blockTimestamp)}">${formatUnixTime(snapshot.blockTimestamp)}</time></p>
    <details class="contracts" id="contracts">
      <summary>Contracts</summary>
      <dl class="facts">
        <dt>FedmashRegistry</dt><dd><code>${k.registry}</code></dd>
        <dt>FedmashCoordinator</dt><dd><code>${k.coordinator}</code></dd>
        <dt>FedmashVerifier</dt><dd><code>${k.verifier}</code></dd>
        <dt>FedmashShamir</dt><dd><code>${k.shamir}</code></dd>
      </dl>
    </details>
    ${participantsDetails(snapshot, options)}
    ${snapshot.tasks.length === 0 ? html`<p class="none empty">No task yet. A task owner creates one with <code>fedmash owner</code>.</p>` : snapshot.tasks.map((t) => taskSection(t, options))}
  </div>`;
}
