// One human line per chain event for the status views ("0x70997970…79C8 submitted bafy… (600 samples)"):
// the event list of a round reads like a log of who did what, without decoding ABI in the page.
import { formatEther } from "ethers";
import type { CoordinatorEvent } from "../protocol/events";
import { enumName, FailureReason, Mode, Phase, VerificationOutcome } from "../protocol/enums";
import { lossFromFixed } from "../protocol/events";
import { formatUnixTime } from "./formatTime";
import { DISPUTE_END_NAMES, type DisputeEnd } from "../protocol/watch/disputeGame";

const MAX_UINT256 = 2n ** 256n - 1n;

/** `0x7099…79C8`: enough to tell accounts apart in a line, the full address stays in the structured fields. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** CIDs are long and their first characters are shared (bafy…), so show the distinguishing tail too. */
export function shortCid(cid: string): string {
  return cid.length > 20 ? `${cid.slice(0, 8)}…${cid.slice(-6)}` : cid;
}

export function summarizeEvent(event: CoordinatorEvent): string {
  switch (event.type) {
    case "TaskCreated":
      return `task ${event.taskId} created by ${shortAddress(event.owner)} (${enumName(Mode, event.mode)}, aggregator ${shortAddress(event.aggregator)}), model ${shortCid(event.initialModelCid)}`;
    case "RoundOpened":
      return `round ${event.roundId} opened (#${event.index} of task ${event.taskId}) on model ${shortCid(event.modelCid)}`;
    case "ClientJoined":
      return `${shortAddress(event.client)} joined (${event.joinedCount} joined)`;
    case "PhaseChanged":
      return `${enumName(Phase, event.previous)} → ${enumName(Phase, event.current)}`;
    case "UpdateSubmitted":
      return `${shortAddress(event.client)} submitted ${shortCid(event.cid)} (${event.numSamples} samples, loss ${lossFromFixed(event.loss).toFixed(4)})`;
    case "AggregatePosted":
      return `${shortAddress(event.aggregator)} posted aggregate ${shortCid(event.aggregateCid)} → model ${shortCid(event.modelCid)}`;
    case "GroupsDrawArmed":
      return `groups to be drawn from the hash of block ${event.drawBlock}`;
    case "GroupsFormed":
      return `holder ${shortAddress(event.holder)} drawn, ${event.groupCount} group(s) formed`;
    case "GroupFormed":
      return `group ${event.groupIndex}: ${event.members.map(shortAddress).join(", ")}`;
    case "HolderKeyPosted":
      return `holder ${shortAddress(event.holder)} posted its Paillier key (${(event.paillierPublicKey.length - 2) / 2} bytes)`;
    case "ShuffleMessagePosted":
      return `group ${event.groupIndex}: ${shortAddress(event.sender)} passed the shuffle on (position ${event.position})`;
    case "GroupSumPosted":
      return `group ${event.groupIndex}: leader ${shortAddress(event.leader)} posted the encrypted group sum`;
    case "GroupsIncluded":
      return `included groups [${event.groupIndices.join(", ")}], ${event.includedClients} client(s)`;
    case "RoundFinalized":
      return `finalized, next model ${shortCid(event.modelCid)}`;
    case "RoundFailed":
      return `failed: ${enumName(FailureReason, event.reason)}`;
    case "RewardsReserved":
      return `${formatEther(event.amount)} ETH reserved for rewards`;
    case "VerificationStarted":
      return `verification started, ${event.includedCount} included client(s), batch sums due by ${formatUnixTime(Number(event.deadline))}`;
    case "BatchSumsPosted":
      return `batch sums posted (${event.partitions}×${event.batches})`;
    case "CommitmentPosted":
      return `${shortAddress(event.client)} committed (${event.committedCount} so far)`;
    case "ChallengeWindowOpened":
      return `challenge window open until ${formatUnixTime(Number(event.deadline))}`;
    case "ChallengeRejected":
      return `${shortAddress(event.challenger)} challenged leaf ${event.leafIndex}: rejected, bond of ${formatEther(event.bond)} ETH burned`;
    case "AggregateFraudProven":
      return event.coordinate === MAX_UINT256
        ? `${shortAddress(event.challenger)}'s dispute proved the aggregate wrong (the aggregator did not open its commitment, or its padding was not zero): aggregator slashed ${formatEther(event.slashed)} ETH`
        : `${shortAddress(event.challenger)} proved the aggregate wrong at coordinate ${event.coordinate}: aggregator slashed ${formatEther(event.slashed)} ETH`;
    case "DisputeOpened":
      return `${shortAddress(event.challenger)} disputed the aggregate commitment: the aggregator must answer by ${formatUnixTime(Number(event.deadline))}`;
    case "DisputeNodesRevealed":
      return `dispute of ${shortAddress(event.challenger)}: ${event.nodes.length} nodes revealed under depth ${event.depth}, position ${event.position}`;
    case "DisputeNodePicked":
      return `dispute of ${shortAddress(event.challenger)}: node at depth ${event.depth}, position ${event.position} picked`;
    case "DisputeLeafRevealed":
      return `dispute of ${shortAddress(event.challenger)}: leaf ${event.leafIndex} revealed`;
    case "DisputeClosed":
      return `dispute of ${shortAddress(event.challenger)} closed (${DISPUTE_END_NAMES[event.end as DisputeEnd] ?? event.end})${event.bond > 0n ? `: its bond of ${formatEther(event.bond)} ETH went to the aggregator` : ""}`;
    case "VerificationSettled":
      return `verification ${enumName(VerificationOutcome, event.outcome)}: ${event.committedCount}/${event.includedCount} committed, ${formatEther(event.paid)} ETH owed, ${formatEther(event.slashed)} ETH slashed`;
    case "AggregatorSlashed":
      return `aggregator ${shortAddress(event.aggregator)} slashed ${formatEther(event.amount)} ETH`;
    case "RewardClaimed":
      return `${shortAddress(event.account)} claimed ${formatEther(event.amount)} ETH`;
    case "ServersConfigured":
      return `servers ${event.servers.map(shortAddress).join(", ")}, threshold ${event.threshold}`;
    case "ShareSumPosted":
      return `server ${event.serverIndex} (${shortAddress(event.server)}) posted share-sum ${shortCid(event.cid)} (${event.count} posted)`;
    case "ShareDisputeOpened":
      return `${shortAddress(event.opener)} disputed leaf ${event.leafIndex} of the share-sums: every live server must answer by ${formatUnixTime(Number(event.deadline))}`;
    case "ShareDisputeAnswered":
      return `server ${shortAddress(event.server)} answered the share-sum dispute: ${event.consistent ? "consistent with what its clients committed" : "its own answer proves its share-sum wrong"}`;
    case "ServerSlashed":
      return `server ${shortAddress(event.server)} slashed ${formatEther(event.amount)} ETH (${event.reason === 0 ? "wrong share-sum" : "no answer"}), ${formatEther(event.toOpener)} ETH to the dispute's opener`;
    case "ShareDisputeClosed":
      return event.clientFault
        ? `share-sum dispute of leaf ${event.leafIndex} closed: every server consistent, so a client's shares are not (client fault)`
        : `share-sum dispute of leaf ${event.leafIndex} closed: servers slashed (mask ${event.slashed})`;
    case "ClientFaultProven":
      return `${shortAddress(event.prover)} proved ${shortAddress(event.client)}'s shares of leaf ${event.leafIndex} off one polynomial: its stake of ${formatEther(event.stake)} ETH forfeited (${formatEther(event.toProver)} ETH to the prover, ${formatEther(event.toServers)} ETH to the servers)`;
  }
}
