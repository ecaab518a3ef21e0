// The MASH state machines: every handler × stage pair of the participant (member and holder paths, and the
// Verification stage both share) and of the aggregator — valid pairs move to the documented stage, every other
// pair throws ProtocolStageError — plus the routing of a whole round up to Aggregation as the contracts announce it.
// The routed Verification stage, which MASH and Shamir machines share, is tested in verification/verificationStage.test.ts.
import { expect } from "chai";
import {
  MASH_CLIENT_HANDLER_STAGES,
  MASH_CLIENT_STAGES,
  mashClientHandlers,
  mashClientPendingAction,
  routeMashClientEvent,
  startMashClientRound,
  type MashClientHandler,
  type MashClientRoundState,
  type MashClientStage,
} from "../../../workers/protocol/mash/clientMachine";
import {
  MASH_AGGREGATOR_HANDLER_STAGES,
  MASH_AGGREGATOR_STAGES,
  mashAggregatorHandlers,
  mashAggregatorPendingAction,
  routeMashAggregatorEvent,
  startMashAggregatorRound,
  type MashAggregatorHandler,
  type MashAggregatorRoundState,
  type MashAggregatorStage,
} from "../../../workers/protocol/mash/aggregatorMachine";
import { FailureReason, Phase, VerificationOutcome } from "../../../workers/protocol/enums";
import type { CoordinatorEvent } from "../../../workers/protocol/events";
import { describeStageTable } from "./describeStageTable";
import { eventsThrough } from "./eventsThrough";
import { replayEvents } from "./replayEvents";

const A = "0x000000000000000000000000000000000000000a";
const B = "0x000000000000000000000000000000000000000b";
const C = "0x000000000000000000000000000000000000000c";
const H = "0x00000000000000000000000000000000000000ff";
const base = { blockNumber: 1, logIndex: 0, transactionHash: "0x" };
const opened = { taskId: 1n, roundId: 5n, index: 1n, modelCid: "bafy-model" };
const group = { index: 0, position: 1, members: [A, B, C] };

function clientIn(stage: MashClientStage, extra: Partial<MashClientRoundState> = {}): MashClientRoundState {
  return { ...startMashClientRound(opened, "42"), stage, ...extra };
}

const CLIENT_CALLS: Record<MashClientHandler, [(s: MashClientRoundState) => MashClientRoundState, MashClientStage | "same"]> = {
  confirmJoin: [(s) => mashClientHandlers.confirmJoin(s), "joined"],
  missJoin: [(s) => mashClientHandlers.missJoin(s), "left-out"],
  recordHolder: [(s) => mashClientHandlers.recordHolder(s, H), "same"],
  becomeHolder: [(s) => mashClientHandlers.becomeHolder(s, H), "holder-keying"],
  joinGroup: [(s) => mashClientHandlers.joinGroup(s, group), "awaiting-key"],
  confirmHolderKey: [(s) => mashClientHandlers.confirmHolderKey(s, "0x01"), "holder-waiting"],
  receiveHolderKey: [(s) => mashClientHandlers.receiveHolderKey(s, "0x01"), "shuffling"],
  receiveShuffleMessage: [(s) => mashClientHandlers.receiveShuffleMessage(s, "0x02"), "same"],
  confirmShuffleStep: [(s) => mashClientHandlers.confirmShuffleStep(s), "shuffled"],
  recordOwnGroupSum: [(s) => mashClientHandlers.recordOwnGroupSum(s), "same"],
  recordGroupSum: [(s) => mashClientHandlers.recordGroupSum(s, 0, "0x03"), "same"],
  openSubmission: [(s) => mashClientHandlers.openSubmission({ ...s, ownGroupSumPosted: true }), "training"],
  confirmSubmission: [(s) => mashClientHandlers.confirmSubmission(s, "bafy-m"), "submitted"],
  includeGroups: [(s) => mashClientHandlers.includeGroups({ ...s, group }, [0]), "same"],
  confirmHolderSubmission: [(s) => mashClientHandlers.confirmHolderSubmission(s, "bafy-h"), "holder-submitted"],
  refuseModel: [(s) => mashClientHandlers.refuseModel(s, "unknown-model"), "refused"],
  recordAggregate: [(s) => mashClientHandlers.recordAggregate(s, { aggregateCid: "bafy-agg", aggregateHash: "0xaa", modelCid: "bafy-new" }), "same"],
  startVerification: [(s) => mashClientHandlers.startVerification(s, 40), "same"],
  receiveBatchSums: [(s) => mashClientHandlers.receiveBatchSums(s, { batchSums: "0x00", sampleSeed: "0x01", batchSumsBlock: 41 }), "verifying"],
  refuseAggregate: [(s) => mashClientHandlers.refuseAggregate(s), "same"],
  confirmCommitment: [(s) => mashClientHandlers.confirmCommitment(s), "committed"],
  settleVerification: [(s) => mashClientHandlers.settleVerification(s, VerificationOutcome.Passed), "finalized"],
  confirmClaim: [(s) => mashClientHandlers.confirmClaim({ ...s, outcome: VerificationOutcome.Passed }), "finalized"],
  closeRound: [(s) => mashClientHandlers.closeRound(s, { finalized: false, reason: FailureReason.HolderMissing }), "failed"],
  openChallengeWindow: [(s) => mashClientHandlers.openChallengeWindow(s, { aggregateHash: "0xaa", deadline: 100 }), "verifying"],
  recordWatch: [(s) => mashClientHandlers.recordWatch(s, "verified"), "same"],
  recordOwnChallenge: [(s) => mashClientHandlers.recordOwnChallenge(s), "challenged"],
  settleChallengeWindow: [(s) => mashClientHandlers.settleChallengeWindow(s, VerificationOutcome.Passed), "claiming"],
};

const AGGREGATOR_CALLS: Record<MashAggregatorHandler, [(s: MashAggregatorRoundState) => MashAggregatorRoundState, MashAggregatorStage]> = {
  recordGrouping: [(s) => mashAggregatorHandlers.recordGrouping(s, { holder: H }), "collecting"],
  recordGroupSum: [(s) => mashAggregatorHandlers.recordGroupSum(s, 0), "collecting"],
  recordSubmission: [(s) => mashAggregatorHandlers.recordSubmission(s, { client: A, cid: "c", contentHash: "0x", numSamples: "1", loss: "0" }), "collecting"],
  recordInclusion: [(s) => mashAggregatorHandlers.recordInclusion(s, [0]), "collecting"],
  openAggregation: [(s) => mashAggregatorHandlers.openAggregation(s), "aggregating"],
  confirmAggregate: [(s) => mashAggregatorHandlers.confirmAggregate(s, { aggregateCid: "a", modelCid: "m" }), "posted"],
  startVerification: [(s) => mashAggregatorHandlers.startVerification(s, { aggregateBlock: 40, includedCount: 4 }), "batch-sums"],
  openChallengeWindow: [(s) => mashAggregatorHandlers.openChallengeWindow(s, { aggregateBlock: 40, includedCount: 4, deadline: 100 }), "challenge"],
  confirmBatchSums: [(s) => mashAggregatorHandlers.confirmBatchSums(s, "0x00"), "commitments"],
  recordCommitment: [(s) => mashAggregatorHandlers.recordCommitment(s, 1), "commitments"],
  settleVerification: [(s) => mashAggregatorHandlers.settleVerification(s, VerificationOutcome.Passed), "claiming"],
  confirmClaim: [(s) => mashAggregatorHandlers.confirmClaim(s), "finalized"],
  closeRound: [(s) => mashAggregatorHandlers.closeRound(s, { finalized: true }), "finalized"],
};

describe("MASH protocol state machines", function () {
  describe("participant stage table", function () {
    describeStageTable<MashClientStage, MashClientRoundState>({
      calls: CLIENT_CALLS,
      stages: MASH_CLIENT_STAGES,
      table: MASH_CLIENT_HANDLER_STAGES,
      fresh: (stage) => clientIn(stage),
      expected: (handler, stage, next) => {
        // includeGroups decides per path: the holder completes, an included submitter stays, others are out.
        if (handler === "includeGroups") return stage === "holder-waiting" ? "holder-completing" : stage === "submitted" ? "submitted" : "excluded";
        // Only a client that committed is owed a reward, and claims it before its round ends.
        if (handler === "settleVerification") return stage === "committed" ? "claiming" : "finalized";
        // The watch records its result; a client whose own challenge is on-chain stays "challenged".
        if (handler === "recordWatch") return stage === "challenged" ? "challenged" : "verifying";
        return next === "same" ? stage : next;
      },
    });
  });

  describe("aggregator stage table", function () {
    describeStageTable<MashAggregatorStage, MashAggregatorRoundState>({
      calls: AGGREGATOR_CALLS,
      stages: MASH_AGGREGATOR_STAGES,
      table: MASH_AGGREGATOR_HANDLER_STAGES,
      fresh: (stage) => ({ ...startMashAggregatorRound(opened), stage }),
    });
  });

  describe("a whole round as the contract announces it", function () {
    const events: CoordinatorEvent[] = [
      { ...base, type: "RoundOpened", ...opened, joinDeadline: 0n },
      ...[A, B, C, H].map((client, i): CoordinatorEvent => ({ ...base, type: "ClientJoined", roundId: 5n, client, joinedCount: BigInt(i + 1) })),
      { ...base, type: "GroupsFormed", roundId: 5n, holder: H, groupCount: 1n, seed: "0x" },
      { ...base, type: "GroupFormed", roundId: 5n, groupIndex: 0n, members: [A, B, C] },
      { ...base, type: "PhaseChanged", roundId: 5n, previous: Phase.Joining, current: Phase.Grouping, deadline: 1n },
      { ...base, type: "HolderKeyPosted", roundId: 5n, holder: H, paillierPublicKey: "0xkey" },
      { ...base, type: "ShuffleMessagePosted", roundId: 5n, groupIndex: 0n, position: 0n, sender: A, message: "0xm0" },
      { ...base, type: "ShuffleMessagePosted", roundId: 5n, groupIndex: 0n, position: 1n, sender: B, message: "0xm1" },
      { ...base, type: "GroupSumPosted", roundId: 5n, groupIndex: 0n, leader: C, encryptedSum: "0xsum" },
      { ...base, type: "PhaseChanged", roundId: 5n, previous: Phase.Shuffle, current: Phase.Submission, deadline: 1n },
      ...[A, B, C].map((client): CoordinatorEvent => ({ ...base, type: "UpdateSubmitted", roundId: 5n, client, cid: `bafy-${client.slice(-1)}`, contentHash: "0x", numSamples: 10n, loss: 0n })),
      { ...base, type: "GroupsIncluded", roundId: 5n, groupIndices: [0n], includedClients: 3n },
      { ...base, type: "UpdateSubmitted", roundId: 5n, client: H, cid: "bafy-h", contentHash: "0x", numSamples: 10n, loss: 0n },
      { ...base, type: "PhaseChanged", roundId: 5n, previous: Phase.Completion, current: Phase.Aggregation, deadline: 1n },
    ];

    function replay(address: string, until: number): MashClientRoundState {
      return replayEvents<MashClientRoundState>(events.slice(0, until), (rounds, event) => routeMashClientEvent(rounds, event, { address, taskId: 1n, freshSeed: () => "7" }))["5"]!;
    }
    const at = (type: CoordinatorEvent["type"], nth = 1): number => eventsThrough(events, type, nth);

    it("member B waits for A's message, then owes exactly its shuffle step with that message", function () {
      const beforeA = replay(B, at("HolderKeyPosted"));
      expect(beforeA.stage).to.equal("shuffling");
      expect(mashClientPendingAction(beforeA)).to.equal(undefined);
      const afterA = replay(B, at("ShuffleMessagePosted"));
      expect(mashClientPendingAction(afterA)).to.deep.equal({ type: "shuffle-step", roundId: 5n, group: { index: 0, position: 1, members: [A, B, C] }, holderKey: "0xkey", incoming: "0xm0", seed: "7" });
      expect(replay(B, at("ShuffleMessagePosted", 2)).stage).to.equal("shuffled");
    });

    it("the leader's posted group sum completes its step, and Submission makes every member train", function () {
      expect(replay(C, at("GroupSumPosted")).stage).to.equal("shuffled");
      const training = replay(C, at("PhaseChanged", 2));
      expect(mashClientPendingAction(training)).to.deep.equal({ type: "train-and-submit", roundId: 5n, modelCid: "bafy-model", seed: "7" });
      expect(replay(A, events.length).stage).to.equal("submitted");
    });

    it("the holder posts a key, collects the sums and completes with the included groups only", function () {
      expect(mashClientPendingAction(replay(H, at("GroupFormed")))).to.deep.equal({ type: "post-holder-key", roundId: 5n });
      const completing = replay(H, at("GroupsIncluded"));
      expect(mashClientPendingAction(completing)).to.deep.equal({ type: "holder-submit", roundId: 5n, modelCid: "bafy-model", groupSums: [{ groupIndex: 0, encryptedSum: "0xsum" }] });
      expect(replay(H, events.length).stage).to.equal("holder-submitted");
    });

    it("a member whose group never got its sum is excluded when Submission opens", function () {
      const withoutSum = events.filter((e) => e.type !== "GroupSumPosted");
      const rounds: Record<string, MashClientRoundState> = {};
      for (const event of withoutSum.slice(0, withoutSum.findIndex((e) => e.type === "PhaseChanged" && e.current === Phase.Submission) + 1)) {
        const next = routeMashClientEvent(rounds, event, { address: A, taskId: 1n, freshSeed: () => "7" });
        if (next) rounds[next.roundId] = next;
      }
      expect(rounds["5"].stage).to.equal("excluded");
      expect(mashClientPendingAction(rounds["5"])).to.equal(undefined);
    });

    it("an included client watches once the challenge window opens, settles after it, and claims on a pass or a proven fraud", function () {
      const window: CoordinatorEvent[] = [
        { ...base, type: "AggregatePosted", roundId: 5n, aggregator: H, aggregateCid: "bafy-agg", modelCid: "bafy-new", aggregateHash: "0xaa" },
        { ...base, type: "VerificationStarted", taskId: 1n, roundId: 5n, aggregateBlock: 40n, includedCount: 4n, deadline: 100n },
        { ...base, type: "ChallengeWindowOpened", roundId: 5n, aggregateHash: "0xaa", deadline: 100n },
      ];
      const rounds = replayEvents<MashClientRoundState>([...events, ...window], (r, event) => routeMashClientEvent(r, event, { address: A, taskId: 1n, freshSeed: () => "7" }));
      const verifying = rounds["5"]!;
      expect(verifying.stage).to.equal("verifying");
      expect(mashClientPendingAction(verifying)).to.deep.equal({ type: "watch", roundId: 5n, deadline: 100 });
      const watched = mashClientHandlers.recordWatch(verifying, "verified");
      expect(mashClientPendingAction(watched)).to.deep.equal({ type: "settle-when-due", roundId: 5n, deadline: 100 });
      const settled = (outcome: VerificationOutcome): MashClientRoundState | undefined =>
        routeMashClientEvent({ "5": watched }, { ...base, type: "VerificationSettled", taskId: 1n, roundId: 5n, outcome, committedCount: 0n, includedCount: 4n, paid: 0n, slashed: 0n, released: 0n }, { address: A, taskId: 1n, freshSeed: () => "7" });
      expect(settled(VerificationOutcome.Passed)?.stage).to.equal("claiming");
      expect(settled(VerificationOutcome.FraudProven)?.stage).to.equal("claiming");
      expect(settled(VerificationOutcome.FraudProven)?.failureReason).to.equal(FailureReason.AggregateFraudProven);
      expect(mashClientHandlers.confirmClaim({ ...settled(VerificationOutcome.FraudProven)! }).stage).to.equal("failed");
    });

    it("a client's own challenge event marks its watch done, so it never challenges twice", function () {
      const verifying = mashClientHandlers.openChallengeWindow({ ...startMashClientRound(opened, "7"), stage: "submitted" }, { aggregateHash: "0xaa", deadline: 100 });
      const next = routeMashClientEvent({ "5": verifying }, { ...base, type: "ChallengeRejected", roundId: 5n, challenger: A, leafIndex: 0n, bond: 10n ** 16n }, { address: A, taskId: 1n, freshSeed: () => "7" });
      expect(next?.stage).to.equal("challenged");
      expect(mashClientPendingAction(next!)).to.deep.equal({ type: "settle-when-due", roundId: 5n, deadline: 100 });
    });

    it("the MASH aggregator waits out the challenge window instead of posting batch sums", function () {
      const rounds: Record<string, MashAggregatorRoundState> = {};
      const posted: CoordinatorEvent[] = [
        ...events,
        { ...base, type: "AggregatePosted", roundId: 5n, aggregator: H, aggregateCid: "bafy-agg", modelCid: "bafy-new", aggregateHash: "0xaa" },
        { ...base, type: "VerificationStarted", taskId: 1n, roundId: 5n, aggregateBlock: 40n, includedCount: 4n, deadline: 100n },
      ];
      for (const event of posted) {
        const next = routeMashAggregatorEvent(rounds, event, () => true);
        if (next) rounds[next.roundId] = next;
      }
      const started = rounds["5"]!;
      expect(started.stage).to.equal("challenge");
      expect(mashAggregatorPendingAction(started)).to.equal(undefined);
      const settled = routeMashAggregatorEvent({ "5": started }, { ...base, type: "VerificationSettled", taskId: 1n, roundId: 5n, outcome: VerificationOutcome.FraudProven, committedCount: 0n, includedCount: 4n, paid: 0n, slashed: 1n, released: 0n }, () => true)!;
      expect(settled.stage).to.equal("failed");
      expect(settled.failureReason).to.equal(FailureReason.AggregateFraudProven);
    });

    it("the aggregator owes one action over the included members and the holder", function () {
      const rounds: Record<string, MashAggregatorRoundState> = {};
      for (const event of events) {
        const next = routeMashAggregatorEvent(rounds, event, () => true);
        if (next) rounds[next.roundId] = next;
      }
      const action = mashAggregatorPendingAction(rounds["5"]);
      expect(action?.type).to.equal("aggregate-masked");
      if (action?.type !== "aggregate-masked") return;
      expect(action.contributors.map((c) => c.client)).to.deep.equal([A, B, C, H]);
      expect(action.missing).to.deep.equal([]);
    });
  });
});
