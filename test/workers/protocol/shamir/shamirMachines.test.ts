// The Shamir state machines: every handler × stage pair of the client, the server and the aggregator — valid
// pairs move to the documented stage, every other pair throws ProtocolStageError naming the stage — plus whole
// rounds routed as the contracts announce them: the frozen submitted set, the server's one share-sum, a
// late client left out, a dropped server. The routed Verification stage, which the Shamir client and aggregator
// share with MASH, is tested in ../verification/verificationStage.test.ts.
import { expect } from "chai";
import {
  SHAMIR_CLIENT_HANDLER_STAGES,
  SHAMIR_CLIENT_STAGES,
  routeShamirClientEvent,
  shamirClientHandlers,
  shamirClientPendingAction,
  startShamirClientRound,
  type ShamirClientHandler,
  type ShamirClientRoundState,
  type ShamirClientStage,
} from "../../../../workers/protocol/shamir/clientMachine";
import {
  SHAMIR_SERVER_HANDLER_STAGES,
  SHAMIR_SERVER_STAGES,
  routeShamirServerEvent,
  shamirServerHandlers,
  shamirServerPendingAction,
  startShamirServerRound,
  type ShamirServerHandler,
  type ShamirServerRoundState,
  type ShamirServerStage,
} from "../../../../workers/protocol/shamir/serverMachine";
import {
  SHAMIR_AGGREGATOR_HANDLER_STAGES,
  SHAMIR_AGGREGATOR_STAGES,
  routeShamirAggregatorEvent,
  shamirAggregatorHandlers,
  shamirAggregatorPendingAction,
  startShamirAggregatorRound,
  type ShamirAggregatorHandler,
  type ShamirAggregatorRoundState,
  type ShamirAggregatorStage,
} from "../../../../workers/protocol/shamir/aggregatorMachine";
import { FailureReason, Phase, VerificationOutcome } from "../../../../workers/protocol/enums";
import type { CoordinatorEvent } from "../../../../workers/protocol/events";
import { describeStageTable } from "../describeStageTable";
import { eventsThrough } from "../eventsThrough";
import { replayEvents } from "../replayEvents";

const A = "0x000000000000000000000000000000000000000A";
const B = "0x000000000000000000000000000000000000000B";
const C = "0x000000000000000000000000000000000000000C";
const S0 = "0x00000000000000000000000000000000000000d0";
const S1 = "0x00000000000000000000000000000000000000D1";
const S2 = "0x00000000000000000000000000000000000000d2";
const AGG = "0x00000000000000000000000000000000000000ee";
const base = { blockNumber: 1, logIndex: 0, transactionHash: "0x" };
const opened = { taskId: 1n, roundId: 5n, index: 1n, modelCid: "bafy-model" };
const submission = { client: A, cid: "bafy-a", contentHash: "0xaa", numSamples: "10", loss: "0" };
const shareSum = { server: S0, serverIndex: 0, cid: "bafy-s0", contentHash: "0x50" };

const CLIENT_CALLS: Record<ShamirClientHandler, [(s: ShamirClientRoundState) => ShamirClientRoundState, ShamirClientStage | "same"]> = {
  confirmJoin: [(s) => shamirClientHandlers.confirmJoin(s), "joined"],
  missJoin: [(s) => shamirClientHandlers.missJoin(s), "left-out"],
  refuseModel: [(s) => shamirClientHandlers.refuseModel(s, "unknown-model"), "refused"],
  openSubmission: [(s) => shamirClientHandlers.openSubmission(s), "training"],
  confirmSubmission: [(s) => shamirClientHandlers.confirmSubmission(s, "bafy-manifest"), "submitted"],
  closeSubmission: [(s) => shamirClientHandlers.closeSubmission(s), "excluded"],
  recordAggregate: [(s) => shamirClientHandlers.recordAggregate(s, { aggregateCid: "bafy-agg", aggregateHash: "0xaa", modelCid: "bafy-new" }), "same"],
  startVerification: [(s) => shamirClientHandlers.startVerification(s, 40), "same"],
  receiveBatchSums: [(s) => shamirClientHandlers.receiveBatchSums(s, { batchSums: "0x00", sampleSeed: "0x01", batchSumsBlock: 41 }), "verifying"],
  refuseAggregate: [(s) => shamirClientHandlers.refuseAggregate(s), "same"],
  confirmCommitment: [(s) => shamirClientHandlers.confirmCommitment(s), "committed"],
  // Only a committed client is owed a reward and claims before its round ends; the others are done.
  settleVerification: [(s) => shamirClientHandlers.settleVerification(s, VerificationOutcome.Passed), "same"],
  confirmClaim: [(s) => shamirClientHandlers.confirmClaim({ ...s, outcome: VerificationOutcome.Passed }), "finalized"],
  closeRound: [(s) => shamirClientHandlers.closeRound(s, { finalized: false, reason: FailureReason.ServersMissing }), "failed"],
};

const SERVER_CALLS: Record<ShamirServerHandler, [(s: ShamirServerRoundState) => ShamirServerRoundState, ShamirServerStage]> = {
  recordSubmission: [(s) => shamirServerHandlers.recordSubmission(s, submission), "collecting"],
  openAggregation: [(s) => shamirServerHandlers.openAggregation(s), "summing"],
  confirmShareSum: [(s) => shamirServerHandlers.confirmShareSum(s, "bafy-s0"), "posted"],
  withhold: [(s) => shamirServerHandlers.withhold(s, { client: A, error: "ShamirShareTamperedError" }), "withheld"],
  closeRound: [(s) => shamirServerHandlers.closeRound(s, { finalized: true }), "finalized"],
};

const AGGREGATOR_CALLS: Record<ShamirAggregatorHandler, [(s: ShamirAggregatorRoundState) => ShamirAggregatorRoundState, ShamirAggregatorStage | "same"]> = {
  recordSubmission: [(s) => shamirAggregatorHandlers.recordSubmission(s, submission), "same"],
  openAggregation: [(s) => shamirAggregatorHandlers.openAggregation(s, 1_000), "aggregating"],
  recordShareSum: [(s) => shamirAggregatorHandlers.recordShareSum(s, shareSum), "same"],
  confirmAggregate: [(s) => shamirAggregatorHandlers.confirmAggregate(s, { aggregateCid: "a", modelCid: "m" }), "posted"],
  startVerification: [(s) => shamirAggregatorHandlers.startVerification(s, { aggregateBlock: 40, includedCount: 3 }), "batch-sums"],
  confirmBatchSums: [(s) => shamirAggregatorHandlers.confirmBatchSums(s, "0x00"), "commitments"],
  // A Shamir round never opens a challenge window: no stage allows it.
  openChallengeWindow: [(s) => shamirAggregatorHandlers.openChallengeWindow(s, { aggregateBlock: 40, includedCount: 4, deadline: 100 }), "same"],
  recordCommitment: [(s) => shamirAggregatorHandlers.recordCommitment(s, 1), "same"],
  settleVerification: [(s) => shamirAggregatorHandlers.settleVerification(s, VerificationOutcome.Passed), "claiming"],
  confirmClaim: [(s) => shamirAggregatorHandlers.confirmClaim(s), "finalized"],
  closeRound: [(s) => shamirAggregatorHandlers.closeRound(s, { finalized: false, reason: FailureReason.ServersMissing }), "failed"],
};

describe("Shamir protocol state machines", function () {
  describe("client stage table", function () {
    describeStageTable<ShamirClientStage, ShamirClientRoundState>({
      calls: CLIENT_CALLS,
      stages: SHAMIR_CLIENT_STAGES,
      table: SHAMIR_CLIENT_HANDLER_STAGES,
      fresh: (stage) => ({ ...startShamirClientRound(opened), stage }),
      expected: (handler, stage, next) => (handler === "settleVerification" ? (stage === "committed" ? "claiming" : "finalized") : next === "same" ? stage : next),
    });
  });

  describe("server stage table", function () {
    describeStageTable<ShamirServerStage, ShamirServerRoundState>({
      calls: SERVER_CALLS,
      stages: SHAMIR_SERVER_STAGES,
      table: SHAMIR_SERVER_HANDLER_STAGES,
      fresh: (stage) => ({ ...startShamirServerRound(opened), stage }),
    });
  });

  describe("aggregator stage table", function () {
    describeStageTable<ShamirAggregatorStage, ShamirAggregatorRoundState>({
      calls: AGGREGATOR_CALLS,
      stages: SHAMIR_AGGREGATOR_STAGES,
      table: SHAMIR_AGGREGATOR_HANDLER_STAGES,
      fresh: (stage) => ({ ...startShamirAggregatorRound(opened), stage }),
    });
  });

  describe("a whole round as the contracts announce it", function () {
    const submitted = (client: string): CoordinatorEvent => ({ ...base, type: "UpdateSubmitted", roundId: 5n, client, cid: `bafy-${client.slice(-1)}`, contentHash: "0x01", numSamples: 10n, loss: 7n });
    const posted = (server: string, serverIndex: bigint, count: bigint): CoordinatorEvent => ({
      ...base,
      type: "ShareSumPosted",
      roundId: 5n,
      server,
      serverIndex,
      cid: `bafy-sum-${serverIndex}`,
      contentHash: `0x${serverIndex}`,
      count,
    });
    const events: CoordinatorEvent[] = [
      { ...base, type: "TaskCreated", taskId: 1n, owner: AGG, mode: 2, aggregator: AGG, initialModelCid: "bafy-model" },
      { ...base, type: "ServersConfigured", taskId: 1n, servers: [S0, S1, S2], threshold: 2n },
      { ...base, type: "RoundOpened", ...opened, joinDeadline: 0n },
      ...[A, B, C].map((client, i): CoordinatorEvent => ({ ...base, type: "ClientJoined", roundId: 5n, client, joinedCount: BigInt(i + 1) })),
      { ...base, type: "PhaseChanged", roundId: 5n, previous: Phase.Joining, current: Phase.Submission, deadline: 100n },
      submitted(A),
      submitted(B),
      // C is still training when the deadline passes: Aggregation freezes {A, B}.
      { ...base, type: "PhaseChanged", roundId: 5n, previous: Phase.Submission, current: Phase.Aggregation, deadline: 500n },
      posted(S1, 1n, 1n),
      posted(S0, 0n, 2n),
    ];
    const until = (type: CoordinatorEvent["type"], nth = 1): number => eventsThrough(events, type, nth);

    function client(address: string, upTo = events.length): ShamirClientRoundState {
      return replayEvents<ShamirClientRoundState>(events.slice(0, upTo), (rounds, event) => routeShamirClientEvent(rounds, event, { address, taskId: 1n }))["5"]!;
    }

    function server(address: string, upTo = events.length): ShamirServerRoundState | undefined {
      const tasks = new Set<string>();
      return replayEvents<ShamirServerRoundState>(events.slice(0, upTo), (rounds, event) => {
        if (event.type === "ServersConfigured" && event.servers.some((s) => s.toLowerCase() === address.toLowerCase())) tasks.add(event.taskId.toString());
        return routeShamirServerEvent(rounds, event, { address, servesTask: (taskId) => tasks.has(taskId) });
      })["5"];
    }

    function aggregator(upTo = events.length): ShamirAggregatorRoundState {
      return replayEvents<ShamirAggregatorRoundState>(events.slice(0, upTo), (rounds, event) => routeShamirAggregatorEvent(rounds, event, (taskId) => taskId === "1", AGG))["5"]!;
    }

    it("a client joins, trains once Submission opens, and is in the frozen set once its submission is announced", function () {
      expect(shamirClientPendingAction(client(A, until("RoundOpened")))).to.deep.equal({ type: "join", roundId: 5n });
      expect(shamirClientPendingAction(client(A, until("PhaseChanged")))).to.deep.equal({ type: "train-and-submit", roundId: 5n, modelCid: "bafy-model" });
      const done = client(A);
      expect([done.stage, done.updateCid]).to.deep.equal(["submitted", "bafy-A"]);
      expect(shamirClientPendingAction(done)).to.equal(undefined);
    });

    it("a client still training when Aggregation opens is excluded and owes nothing more", function () {
      const late = client(C);
      expect(late.stage).to.equal("excluded");
      expect(shamirClientPendingAction(late)).to.equal(undefined);
    });

    it("a server of the task owes exactly one share-sum over the frozen set, and its own ShareSumPosted confirms it", function () {
      const summing = server(S0, until("PhaseChanged", 2));
      expect(summing?.stage).to.equal("summing");
      const action = summing ? shamirServerPendingAction(summing) : undefined;
      expect(action?.type).to.equal("post-share-sum");
      expect(action?.taskId).to.equal(1n);
      expect(action?.submissions.map((s) => s.client)).to.deep.equal([A, B]);
      expect(action?.submissions[0]).to.deep.equal({ client: A, cid: "bafy-A", contentHash: "0x01", numSamples: "10", loss: "7" });
      const done = server(S0);
      expect([done?.stage, done?.shareSumCid]).to.deep.equal(["posted", "bafy-sum-0"]);
      // Another server's posting (S1's) does not confirm S2's, which (dropped) still owes it.
      expect(server(S2)?.stage).to.equal("summing");
    });

    it("an account that is not among the task's servers takes no part", function () {
      expect(server(AGG)).to.equal(undefined);
    });

    it("the aggregator owes a reconstruction over the frozen set with the share-sums seen, by server index", function () {
      const waiting = aggregator(until("PhaseChanged", 2));
      expect(waiting.aggregationDeadline).to.equal(500);
      expect(shamirAggregatorPendingAction(waiting)).to.deep.include({ type: "reconstruct", roundId: 5n, taskId: 1n, modelCid: "bafy-model", shareSums: [] });
      const action = shamirAggregatorPendingAction(aggregator());
      expect(action?.type).to.equal("reconstruct");
      if (action?.type !== "reconstruct") return;
      expect(action.submissions.map((s) => s.client)).to.deep.equal([A, B]);
      expect(action.shareSums).to.deep.equal([
        { server: S0, serverIndex: 0, cid: "bafy-sum-0", contentHash: "0x0" },
        { server: S1, serverIndex: 1, cid: "bafy-sum-1", contentHash: "0x1" },
      ]);
      expect(action.aggregationDeadline).to.equal(500);
    });

    it("a round that fails for missing servers closes every role as ServersMissing", function () {
      const failed: CoordinatorEvent = { ...base, type: "RoundFailed", taskId: 1n, roundId: 5n, reason: FailureReason.ServersMissing };
      events.push(failed);
      try {
        expect([client(A).stage, client(A).failureReason]).to.deep.equal(["failed", FailureReason.ServersMissing]);
        expect([server(S2)?.stage, server(S2)?.failureReason]).to.deep.equal(["failed", FailureReason.ServersMissing]);
        expect([aggregator().stage, aggregator().failureReason]).to.deep.equal(["failed", FailureReason.ServersMissing]);
      } finally {
        events.pop();
      }
    });
  });
});
