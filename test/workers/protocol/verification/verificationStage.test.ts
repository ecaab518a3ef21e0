// The batch-sum Verification stage (workers/protocol/verification), run through the Shamir machines that compose it
// (MASH rounds are verified by fraud proofs instead: test/workers/protocol/mashMachines.test.ts), routed as the
// verifier announces it: every included client owes the aggregate check and its commitment once T is posted, then
// claims when the outcome pays; the aggregator owes T, settles exactly when every included client committed and
// claims its own reward; stage errors still name the composing machine's role.
import { expect } from "chai";
import {
  routeShamirClientEvent,
  shamirClientHandlers,
  shamirClientPendingAction,
  startShamirClientRound,
  type ShamirClientAction,
  type ShamirClientRoundState,
} from "../../../../workers/protocol/shamir/clientMachine";
import {
  routeShamirAggregatorEvent,
  shamirAggregatorHandlers,
  shamirAggregatorPendingAction,
  startShamirAggregatorRound,
  type ShamirAggregatorAction,
  type ShamirAggregatorRoundState,
} from "../../../../workers/protocol/shamir/aggregatorMachine";
import type { VerificationClientHandlers } from "../../../../workers/protocol/verification/verificationClientHandlers";
import type { VerificationAggregatorHandlers } from "../../../../workers/protocol/verification/verificationAggregatorHandlers";
import { ProtocolStageError } from "../../../../workers/protocol/stage";
import { FailureReason, VerificationOutcome } from "../../../../workers/protocol/enums";
import type { CoordinatorEvent } from "../../../../workers/protocol/events";
import { replayEvents } from "../replayEvents";

// Checksummed-looking (upper-case) addresses in events, so own events are recognised whatever their case.
const A = "0x000000000000000000000000000000000000000A";
const B = "0x000000000000000000000000000000000000000B";
const C = "0x000000000000000000000000000000000000000C";
const H = "0x00000000000000000000000000000000000000fF";
const AGG = "0x00000000000000000000000000000000000000eE";
const base = { blockNumber: 1, logIndex: 0, transactionHash: "0x" };
const opened = { taskId: 1n, roundId: 5n, index: 1n, modelCid: "bafy-model" };

const aggregatePosted: CoordinatorEvent = { ...base, type: "AggregatePosted", roundId: 5n, aggregator: AGG, aggregateCid: "bafy-agg", modelCid: "bafy-new", aggregateHash: "0xaa" };
const verificationStarted = (includedCount: number): CoordinatorEvent => ({
  ...base,
  type: "VerificationStarted",
  taskId: 1n,
  roundId: 5n,
  aggregateBlock: 40n,
  includedCount: BigInt(includedCount),
  deadline: 100n,
});
const batchSumsPosted: CoordinatorEvent = { ...base, blockNumber: 41, type: "BatchSumsPosted", roundId: 5n, sampleSeed: "0x5eed", partitions: 64n, batches: 2n, batchSums: "0x7e", deadline: 200n };
const committed = (client: string, count: number): CoordinatorEvent => ({ ...base, type: "CommitmentPosted", roundId: 5n, client, x: 1n, y: 2n, committedCount: BigInt(count) });
const settled = (outcome: VerificationOutcome, includedCount: number): CoordinatorEvent => ({
  ...base,
  type: "VerificationSettled",
  taskId: 1n,
  roundId: 5n,
  outcome,
  committedCount: BigInt(includedCount),
  includedCount: BigInt(includedCount),
  paid: 0n,
  slashed: 0n,
  released: 0n,
});
const claimed = (account: string): CoordinatorEvent => ({ ...base, type: "RewardClaimed", roundId: 5n, account, amount: 1n });
const finalized: CoordinatorEvent = { ...base, type: "RoundFinalized", taskId: 1n, roundId: 5n, modelCid: "bafy-new" };

interface ClientMachine<State extends { stage: string; roundId: string; aggregateRefused?: boolean }, Action> {
  name: string;
  role: string;
  /** The clients whose updates the aggregate holds (A among them). */
  includedClients: readonly string[];
  /** The stages of an included client before T arrives. */
  includedStages: readonly State["stage"][];
  start: (stage: State["stage"]) => State;
  route: (rounds: Readonly<Record<string, State>>, event: CoordinatorEvent, address: string) => State | undefined;
  pendingAction: (state: State) => Action | undefined;
  handlers: VerificationClientHandlers<State> & { refuseModel: (state: State, reason: string) => State };
}

interface AggregatorMachine<State extends { stage: string; roundId: string }, Action> {
  name: string;
  role: string;
  includedClients: readonly string[];
  start: (stage: State["stage"]) => State;
  /** `address` is the aggregator's own account, which the roles may not pass. */
  route: (rounds: Readonly<Record<string, State>>, event: CoordinatorEvent, address: string | undefined) => State | undefined;
  pendingAction: (state: State) => Action | undefined;
  handlers: VerificationAggregatorHandlers<State>;
}

const shamirClient: ClientMachine<ShamirClientRoundState, ShamirClientAction> = {
  name: "Shamir client",
  role: "ShamirClient",
  includedClients: [A, B],
  includedStages: ["submitted"],
  start: (stage) => ({ ...startShamirClientRound(opened), stage }),
  route: (rounds, event, address) => routeShamirClientEvent(rounds, event, { address, taskId: 1n }),
  pendingAction: shamirClientPendingAction,
  handlers: shamirClientHandlers,
};

const shamirAggregator: AggregatorMachine<ShamirAggregatorRoundState, ShamirAggregatorAction> = {
  name: "Shamir aggregator",
  role: "ShamirAggregator",
  includedClients: [A, B],
  start: (stage) => ({ ...startShamirAggregatorRound(opened), stage }),
  route: (rounds, event, address) => routeShamirAggregatorEvent(rounds, event, (taskId) => taskId === "1", address),
  pendingAction: shamirAggregatorPendingAction,
  handlers: shamirAggregatorHandlers,
};

/** Round 5, from `state`, after `events`. */
function replay<State extends { roundId: string }>(
  state: State,
  events: readonly CoordinatorEvent[],
  route: (rounds: Readonly<Record<string, State>>, event: CoordinatorEvent) => State | undefined,
): State {
  return replayEvents(events, route, { "5": state })["5"]!;
}

function describeClient<State extends { stage: string; roundId: string; aggregateRefused?: boolean; failureReason?: FailureReason; newModelCid?: string; refusal?: string }, Action>(
  machine: ClientMachine<State, Action>,
): void {
  describe(`${machine.name}`, function () {
    const included = machine.includedClients.length;
    const aggregated = [aggregatePosted, verificationStarted(included)];
    // Routed as the lower-case account, while the events carry A as checksummed.
    const after = (stage: State["stage"], events: readonly CoordinatorEvent[], address = A.toLowerCase()): State =>
      replay(machine.start(stage), events, (rounds, event) => machine.route(rounds, event, address));

    it("an included client owes the check and commitment once T is posted, with T, σ and both seed blocks", function () {
      for (const stage of machine.includedStages) {
        const verifying = after(stage, [...aggregated, batchSumsPosted]);
        expect(verifying.stage).to.equal("verifying", stage);
        expect(verifying.newModelCid).to.equal("bafy-new");
        expect(machine.pendingAction(verifying)).to.deep.equal({ type: "verify-and-commit", roundId: 5n, batchSums: "0x7e", sampleSeed: "0x5eed", batchSumsBlock: 41, aggregateBlock: 40 });
      }
    });

    it("a client that is not in the aggregate takes no part", function () {
      const excluded = after("excluded", [...aggregated, batchSumsPosted, settled(VerificationOutcome.Passed, included)]);
      expect([excluded.stage, machine.pendingAction(excluded)]).to.deep.equal(["excluded", undefined]);
    });

    it("a pass makes a committed client claim, and its round closes only once it claimed", function () {
      const others = [committed(B, 1), claimed(B)];
      const claiming = after("submitted", [...aggregated, batchSumsPosted, ...others, committed(A, 2), settled(VerificationOutcome.Passed, included)]);
      expect(claiming.stage).to.equal("claiming");
      expect(machine.pendingAction(claiming)).to.deep.equal({ type: "claim", roundId: 5n });
      const alone = after("submitted", [...aggregated, batchSumsPosted, committed(A, 1), settled(VerificationOutcome.Passed, included)]);
      expect(machine.pendingAction(alone)).to.deep.equal({ type: "claim", roundId: 5n });
      const stillClaiming = after("claiming", [finalized, claimed(B)]);
      expect(stillClaiming.stage).to.equal("claiming");
      const done = after("submitted", [...aggregated, batchSumsPosted, committed(A, 1), settled(VerificationOutcome.Passed, included), claimed(A)]);
      expect(done.stage).to.equal("finalized");
    });

    it("a client that never got to commit ends with the pass, owed nothing", function () {
      const ended = after("submitted", [...aggregated, batchSumsPosted, settled(VerificationOutcome.Passed, included)]);
      expect([ended.stage, machine.pendingAction(ended)]).to.deep.equal(["finalized", undefined]);
    });

    it("a failed check ends the round as VerificationFailed, with nothing to claim", function () {
      const failed = after("submitted", [...aggregated, batchSumsPosted, committed(A, 1), settled(VerificationOutcome.Failed, included)]);
      expect(failed.stage).to.equal("failed");
      expect(failed.failureReason).to.equal(FailureReason.VerificationFailed);
      expect(machine.pendingAction(failed)).to.equal(undefined);
    });

    it("a client that refused the aggregate owes no commitment, and its round ends as CommitmentsMissing", function () {
      const refused = machine.handlers.refuseAggregate(after("submitted", [...aggregated, batchSumsPosted]));
      expect(refused.aggregateRefused).to.equal(true);
      expect(machine.pendingAction(refused)).to.equal(undefined);
      const ended = machine.route({ "5": refused }, settled(VerificationOutcome.CommitmentsMissing, included), A);
      expect([ended?.stage, ended?.failureReason]).to.deep.equal(["failed", FailureReason.CommitmentsMissing]);
    });

    it("missing commitments still pay a client that committed, whose round then fails as CommitmentsMissing", function () {
      const claiming = after("submitted", [...aggregated, batchSumsPosted, committed(A, 1), settled(VerificationOutcome.CommitmentsMissing, included)]);
      expect(claiming.stage).to.equal("claiming");
      const ended = machine.handlers.confirmClaim(claiming);
      expect([ended.stage, ended.failureReason]).to.deep.equal(["failed", FailureReason.CommitmentsMissing]);
      const silent = after("submitted", [...aggregated, batchSumsPosted, settled(VerificationOutcome.CommitmentsMissing, included)]);
      expect(silent.stage).to.equal("failed", "a client that did not commit is owed nothing");
    });

    it("another client's commitment does not count as this client's", function () {
      const waiting = after("submitted", [...aggregated, batchSumsPosted, committed(B, 1)]);
      expect(waiting.stage).to.equal("verifying");
    });

    it("a refused model leaves the client out of the round it closes", function () {
      const refused = machine.handlers.refuseModel(machine.start("awaiting-join"), "verification-not-passed");
      expect(machine.pendingAction(refused)).to.equal(undefined);
      expect(machine.handlers.closeRound(refused, { finalized: false, reason: FailureReason.NotEnoughClients }).refusal).to.equal("verification-not-passed");
    });

    it("a Verification handler in the wrong stage throws ProtocolStageError naming this machine's role", function () {
      try {
        machine.handlers.confirmCommitment(machine.start("submitted"));
        expect.fail("confirmCommitment ran in stage submitted");
      } catch (error) {
        expect(error).to.be.instanceOf(ProtocolStageError);
        expect(error).to.deep.include({ role: machine.role, handler: "confirmCommitment", expected: ["verifying"], actual: "submitted" });
      }
    });
  });
}

function describeAggregator<State extends { stage: string; roundId: string; failureReason?: FailureReason }, Action>(machine: AggregatorMachine<State, Action>): void {
  describe(`${machine.name}`, function () {
    const included = machine.includedClients.length;
    const aggregated = [aggregatePosted, verificationStarted(included)];
    const afterAs = (address: string | undefined, events: readonly CoordinatorEvent[]): State =>
      replay(machine.start("aggregating"), events, (rounds, event) => machine.route(rounds, event, address));
    const after = (events: readonly CoordinatorEvent[]): State => afterAs(AGG.toLowerCase(), events);
    const commitments = machine.includedClients.map((client, i) => committed(client, i + 1));

    it("owes T under the aggregate's block, then settles exactly when every included client committed", function () {
      expect(machine.pendingAction(after(aggregated))).to.deep.equal({ type: "post-batch-sums", roundId: 5n, aggregateBlock: 40 });
      const allButOne = after([...aggregated, batchSumsPosted, ...commitments.slice(0, -1)]);
      expect(allButOne.stage).to.equal("commitments");
      expect(machine.pendingAction(allButOne)).to.equal(undefined);
      const all = after([...aggregated, batchSumsPosted, ...commitments]);
      expect(machine.pendingAction(all)).to.deep.equal({ type: "settle", roundId: 5n, batchSums: "0x7e" });
    });

    it("claims after a pass (its own claim only) and fails with the verifier's reason otherwise", function () {
      const passed = after([...aggregated, batchSumsPosted, settled(VerificationOutcome.Passed, included), claimed(A)]);
      expect(passed.stage).to.equal("claiming");
      expect(machine.pendingAction(passed)).to.deep.equal({ type: "claim", roundId: 5n });
      expect(after([...aggregated, batchSumsPosted, settled(VerificationOutcome.Passed, included), claimed(AGG)]).stage).to.equal("finalized");
      const missing = after([...aggregated, settled(VerificationOutcome.BatchSumsMissing, included)]);
      expect([missing.stage, missing.failureReason]).to.deep.equal(["failed", FailureReason.AggregatorMissing]);
      const failed = after([...aggregated, batchSumsPosted, settled(VerificationOutcome.Failed, included)]);
      expect([failed.stage, failed.failureReason]).to.deep.equal(["failed", FailureReason.VerificationFailed]);
    });

    it("without its own account it recognises no claim, so a passed round stays owed its claim", function () {
      expect(afterAs(undefined, [...aggregated, batchSumsPosted, settled(VerificationOutcome.Passed, included), claimed(AGG)]).stage).to.equal("claiming");
    });

    it("a round that ends before Verification started closes it; once T is owed only the verifier ends it", function () {
      expect(after([aggregatePosted, finalized]).stage).to.equal("finalized");
      expect(after([...aggregated, finalized]).stage).to.equal("batch-sums");
    });

    it("a Verification handler in the wrong stage throws ProtocolStageError naming this machine's role", function () {
      try {
        machine.handlers.confirmBatchSums(machine.start("posted"), "0x00");
        expect.fail("confirmBatchSums ran in stage posted");
      } catch (error) {
        expect(error).to.be.instanceOf(ProtocolStageError);
        expect(error).to.deep.include({ role: machine.role, handler: "confirmBatchSums", expected: ["batch-sums"], actual: "posted" });
      }
    });
  });
}

describe("the batch-sum Verification stage (Shamir rounds)", function () {
  describe("clients", function () {
    describeClient(shamirClient);
  });
  describe("aggregators", function () {
    describeAggregator(shamirAggregator);
  });
});
