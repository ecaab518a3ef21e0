// The standalone watcher's machine (fedmash watch): it waits for a round's challenge window, owes one watch while it
// is open, claims only when its own challenge proved fraud, and ends every other round on the verifier's outcome.
import { expect } from "chai";
import { VerificationOutcome } from "../../../../workers/protocol/enums";
import type { CoordinatorEvent } from "../../../../workers/protocol/events";
import { routeWatcherEvent, watcherPendingAction, watcherHandlers, type WatcherRoundState } from "../../../../workers/protocol/watch/watcherMachine";
import { replayEvents } from "../replayEvents";

const SELF = "0x00000000000000000000000000000000000000aa";
const OTHER = "0x00000000000000000000000000000000000000bb";
const base = { blockNumber: 1, logIndex: 0, transactionHash: "0x" };
const opened: CoordinatorEvent = { ...base, type: "RoundOpened", taskId: 1n, roundId: 5n, index: 1n, modelCid: "bafy-model", joinDeadline: 0n };
const window: CoordinatorEvent = { ...base, type: "ChallengeWindowOpened", roundId: 5n, aggregateHash: "0xaa", deadline: 100n };
const settled = (outcome: VerificationOutcome): CoordinatorEvent => ({
  ...base,
  type: "VerificationSettled",
  taskId: 1n,
  roundId: 5n,
  outcome,
  committedCount: 0n,
  includedCount: 4n,
  paid: 0n,
  slashed: 0n,
  released: 0n,
});
const proven = (challenger: string): CoordinatorEvent => ({ ...base, type: "AggregateFraudProven", taskId: 1n, roundId: 5n, challenger, coordinate: 0n, slashed: 1n, challengerReward: 1n, clientShare: 1n });

function replay(events: CoordinatorEvent[], taskId = 1n): WatcherRoundState | undefined {
  return replayEvents<WatcherRoundState>(events, (rounds, event) => routeWatcherEvent(rounds, event, { taskId, address: SELF }))["5"];
}

describe("the standalone MASH watcher's machine", function () {
  it("follows only its task's rounds and owes nothing until the window opens", function () {
    expect(replay([opened], 2n)).to.equal(undefined);
    const waiting = replay([opened])!;
    expect(waiting.stage).to.equal("waiting");
    expect(watcherPendingAction(waiting)).to.equal(undefined);
  });

  it("owes one watch while the window is open, then nothing", function () {
    const watching = replay([opened, window])!;
    expect([watching.stage, watching.challengeDeadline]).to.deep.equal(["watching", 100]);
    expect(watcherPendingAction(watching)).to.deep.equal({ type: "watch", roundId: 5n });
    expect(watcherPendingAction(watcherHandlers.recordWatch(watching, "verified"))).to.equal(undefined);
  });

  it("claims when its own challenge proved the fraud, and only then", function () {
    const mine = replay([opened, window, proven(SELF), settled(VerificationOutcome.FraudProven)])!;
    expect(mine.stage).to.equal("claiming");
    expect(watcherPendingAction(mine)).to.deep.equal({ type: "claim", roundId: 5n });
    expect(watcherHandlers.confirmClaim(mine).stage).to.equal("failed");
    const theirs = replay([opened, window, proven(OTHER), settled(VerificationOutcome.FraudProven)])!;
    expect([theirs.stage, theirs.provedFraud]).to.deep.equal(["failed", undefined]);
  });

  it("claims its dispute bond back when someone else proved the fraud while its own dispute was open", function () {
    const disputeOpened = (challenger: string): CoordinatorEvent => ({ ...base, type: "DisputeOpened", roundId: 5n, challenger, root: "0xaa", deadline: 200n });
    const disputing = replay([opened, window, disputeOpened(SELF), proven(OTHER), settled(VerificationOutcome.FraudProven)])!;
    expect([disputing.result, disputing.stage]).to.deep.equal(["disputed", "claiming"]);
    expect(watcherPendingAction(disputing)).to.deep.equal({ type: "claim", roundId: 5n });
    // Another account's dispute owes this watcher nothing.
    expect(replay([opened, window, disputeOpened(OTHER), proven(OTHER), settled(VerificationOutcome.FraudProven)])!.stage).to.equal("failed");
  });

  it("ends a passed round as finalized and a round that failed before its aggregate as failed", function () {
    expect(replay([opened, window, settled(VerificationOutcome.Passed)])!.stage).to.equal("finalized");
    expect(replay([opened, { ...base, type: "RoundFailed", taskId: 1n, roundId: 5n, reason: 3 }])!.stage).to.equal("failed");
  });
});
