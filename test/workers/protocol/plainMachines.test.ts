// The plain-mode state machines: every handler × stage pair (valid ones move to the right stage, every other
// pair throws ProtocolStageError naming expected and actual), the event routing, and the pending actions a
// restarted worker performs again.
import { expect } from "chai";
import {
  CLIENT_HANDLER_STAGES,
  CLIENT_STAGES,
  clientHandlers,
  clientPendingAction,
  routeClientEvent,
  startClientRound,
  type ClientHandler,
  type ClientRoundState,
  type ClientStage,
} from "../../../workers/protocol/plain/clientMachine";
import {
  AGGREGATOR_HANDLER_STAGES,
  AGGREGATOR_STAGES,
  aggregatorHandlers,
  aggregatorPendingAction,
  routeAggregatorEvent,
  startAggregatorRound,
  type AggregatorHandler,
  type AggregatorRoundState,
  type AggregatorStage,
} from "../../../workers/protocol/plain/aggregatorMachine";
import { FailureReason, Phase } from "../../../workers/protocol/enums";
import type { CoordinatorEvent } from "../../../workers/protocol/events";
import { isAdvanceDue } from "../../../workers/protocol/keeper";
import { describeStageTable } from "./describeStageTable";

const SELF = "0x00000000000000000000000000000000000000aA";
const OTHER = "0x00000000000000000000000000000000000000bB";
const base = { blockNumber: 1, logIndex: 0, transactionHash: "0x" };
const opened = { taskId: 7n, roundId: 3n, index: 2n, modelCid: "bafy-model" };

function clientIn(stage: ClientStage): ClientRoundState {
  return { ...startClientRound(opened), stage };
}
function aggregatorIn(stage: AggregatorStage): AggregatorRoundState {
  return { ...startAggregatorRound(opened), stage };
}

const CLIENT_CALLS: Record<ClientHandler, [(s: ClientRoundState) => ClientRoundState, ClientStage]> = {
  confirmJoin: [(s) => clientHandlers.confirmJoin(s), "joined"],
  missJoin: [(s) => clientHandlers.missJoin(s), "left-out"],
  openSubmission: [(s) => clientHandlers.openSubmission(s), "training"],
  confirmSubmission: [(s) => clientHandlers.confirmSubmission(s, "bafy-update"), "submitted"],
  closeRound: [(s) => clientHandlers.closeRound(s, { finalized: true, modelCid: "bafy-next" }), "finalized"],
};

const AGGREGATOR_CALLS: Record<AggregatorHandler, [(s: AggregatorRoundState) => AggregatorRoundState, AggregatorStage]> = {
  recordSubmission: [(s) => aggregatorHandlers.recordSubmission(s, { client: OTHER, cid: "c", contentHash: "0x1", numSamples: "5", loss: "0" }), "collecting"],
  openAggregation: [(s) => aggregatorHandlers.openAggregation(s), "aggregating"],
  confirmAggregate: [(s) => aggregatorHandlers.confirmAggregate(s, { aggregateCid: "a", modelCid: "m" }), "posted"],
  closeRound: [(s) => aggregatorHandlers.closeRound(s, { finalized: false, reason: FailureReason.AggregatorMissing }), "failed"],
};

describe("plain protocol state machines", function () {
  describe("client stage table", function () {
    describeStageTable<ClientStage, ClientRoundState>({ calls: CLIENT_CALLS, stages: CLIENT_STAGES, table: CLIENT_HANDLER_STAGES, fresh: clientIn });
  });

  describe("aggregator stage table", function () {
    describeStageTable<AggregatorStage, AggregatorRoundState>({ calls: AGGREGATOR_CALLS, stages: AGGREGATOR_STAGES, table: AGGREGATOR_HANDLER_STAGES, fresh: aggregatorIn });
  });

  describe("client routing over a whole round", function () {
    it("joins, trains after Joining → Submission, confirms its own submission only, and closes on finalization", function () {
      const ctx = { address: SELF, taskId: 7n };
      const rounds: Record<string, ClientRoundState> = {};
      const step = (event: CoordinatorEvent): ClientRoundState | undefined => {
        const next = routeClientEvent(rounds, event, ctx);
        if (next) rounds[next.roundId] = next;
        return next;
      };
      expect(step({ ...base, type: "RoundOpened", ...opened, taskId: 8n, joinDeadline: 0n })).to.equal(undefined, "other task ignored");
      expect(step({ ...base, type: "RoundOpened", ...opened, joinDeadline: 0n })?.stage).to.equal("awaiting-join");
      expect(clientPendingAction(rounds["3"])).to.deep.equal({ type: "join", roundId: 3n });
      expect(step({ ...base, type: "ClientJoined", roundId: 3n, client: OTHER, joinedCount: 1n })).to.equal(undefined);
      expect(step({ ...base, type: "ClientJoined", roundId: 3n, client: SELF.toLowerCase(), joinedCount: 2n })?.stage).to.equal("joined");
      expect(clientPendingAction(rounds["3"])).to.equal(undefined);
      expect(step({ ...base, type: "PhaseChanged", roundId: 3n, previous: Phase.Joining, current: Phase.Submission, deadline: 9n })?.stage).to.equal("training");
      expect(clientPendingAction(rounds["3"])).to.deep.equal({ type: "train-and-submit", roundId: 3n, modelCid: "bafy-model" });
      const update = { ...base, type: "UpdateSubmitted" as const, roundId: 3n, cid: "bafy-u", contentHash: "0x", numSamples: 1n, loss: 0n };
      expect(step({ ...update, client: OTHER })).to.equal(undefined);
      expect(step({ ...update, client: SELF })?.updateCid).to.equal("bafy-u");
      expect(step({ ...base, type: "RoundFinalized", taskId: 7n, roundId: 3n, modelCid: "bafy-new" })).to.include({ stage: "finalized", newModelCid: "bafy-new" });
      expect(step({ ...base, type: "RoundFailed", taskId: 7n, roundId: 3n, reason: FailureReason.Cancelled })).to.equal(undefined, "terminal stays terminal");
    });

    it("sits the round out when joining closes without it", function () {
      const rounds = { "3": clientIn("awaiting-join") };
      const next = routeClientEvent(rounds, { ...base, type: "PhaseChanged", roundId: 3n, previous: Phase.Joining, current: Phase.Submission, deadline: 1n }, { address: SELF, taskId: 7n });
      expect(next?.stage).to.equal("left-out");
      expect(clientPendingAction(next as ClientRoundState)).to.equal(undefined);
    });
  });

  describe("aggregator routing", function () {
    it("collects each client's submission once and owes one aggregate action when Aggregation opens", function () {
      const tasks = new Set(["7"]);
      const rounds: Record<string, AggregatorRoundState> = {};
      const step = (event: CoordinatorEvent): void => {
        const next = routeAggregatorEvent(rounds, event, tasks);
        if (next) rounds[next.roundId] = next;
      };
      step({ ...base, type: "RoundOpened", ...opened, joinDeadline: 0n });
      const submitted = { ...base, type: "UpdateSubmitted" as const, roundId: 3n, client: OTHER, cid: "bafy-u", contentHash: "0xab", numSamples: 40n, loss: 5n };
      step(submitted);
      step(submitted);
      step({ ...submitted, client: SELF, cid: "bafy-v" });
      expect(aggregatorPendingAction(rounds["3"])).to.equal(undefined);
      step({ ...base, type: "PhaseChanged", roundId: 3n, previous: Phase.Submission, current: Phase.Aggregation, deadline: 1n });
      expect(aggregatorPendingAction(rounds["3"])).to.deep.equal({
        type: "aggregate",
        roundId: 3n,
        modelCid: "bafy-model",
        submissions: [
          { client: OTHER, cid: "bafy-u", contentHash: "0xab", numSamples: "40", loss: "5" },
          { client: SELF, cid: "bafy-v", contentHash: "0xab", numSamples: "40", loss: "5" },
        ],
      });
    });

    it("ignores rounds of tasks it does not serve", function () {
      expect(routeAggregatorEvent({}, { ...base, type: "RoundOpened", ...opened, joinDeadline: 0n }, new Set(["1"]))).to.equal(undefined);
    });
  });

  describe("keeper", function () {
    it("advances only non-terminal phases whose deadline has passed", function () {
      expect(isAdvanceDue({ phase: Phase.Submission, deadline: 100n, now: 101n })).to.equal(true);
      expect(isAdvanceDue({ phase: Phase.Submission, deadline: 100n, now: 100n })).to.equal(false);
      expect(isAdvanceDue({ phase: Phase.Finalized, deadline: 100n, now: 500n })).to.equal(false);
      expect(isAdvanceDue({ phase: Phase.Failed, deadline: 100n, now: 500n })).to.equal(false);
      expect(isAdvanceDue({ phase: Phase.None, deadline: 100n, now: 500n })).to.equal(false);
    });
  });
});
