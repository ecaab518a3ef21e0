// Turning the coordinator's and the verifier's logs into worker events: every verifier event a worker acts on is
// parsed with exact values, each log with the interface of the contract that emitted it, the stream comes out in
// chain order across both contracts, and the watcher asks for both addresses in one eth_getLogs.
import { expect } from "chai";
import { parseFedmashLogs, type RawLog } from "../../../workers/chain/watchCoordinatorEvents";
import { FailureReason, VerificationOutcome } from "../../../workers/protocol/enums";
import { FedmashCoordinator__factory, FedmashVerifier__factory } from "../../../typechain-types";
import { encodeRawLog, firstWatchedBatch, withoutPosition } from "./logFixtures";

const COORDINATOR = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const VERIFIER = "0xCafac3dD18aC6c6e92c921884f9E4176737C052c";
const CLIENT = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const AGGREGATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const coordinatorInterface = FedmashCoordinator__factory.createInterface();
const verifierInterface = FedmashVerifier__factory.createInterface();
const parsers = { coordinatorAddress: COORDINATOR, coordinatorInterface, verifierAddress: VERIFIER, verifierInterface };

function log(address: string, contract: "coordinator" | "verifier", name: string, values: readonly unknown[], blockNumber: number, index: number): RawLog {
  return encodeRawLog(address, contract === "coordinator" ? coordinatorInterface : verifierInterface, name, values, blockNumber, index);
}

const strip = withoutPosition;

describe("parsing the coordinator's and the verifier's logs", function () {
  it("parses every verifier event a worker acts on, with exact values (negative int64 included)", function () {
    const T = `0x${"ff".repeat(8)}${"00".repeat(8 * 127)}`;
    const events = parseFedmashLogs(parsers, [
      log(VERIFIER, "verifier", "RewardsReserved", [1n, 2n, 90n], 10, 0),
      log(VERIFIER, "verifier", "VerificationStarted", [1n, 2n, 41n, 4n, 1_000n], 41, 1),
      log(VERIFIER, "verifier", "BatchSumsPosted", [2n, `0x${"5e".repeat(32)}`, 64n, 2n, T, 2_000n], 42, 0),
      log(VERIFIER, "verifier", "ChallengeWindowOpened", [2n, `0x${"a1".repeat(32)}`, 1_000n], 43, 0),
      log(VERIFIER, "verifier", "ChallengeRejected", [2n, CLIENT, 3n, 10n ** 16n], 43, 2),
      log(VERIFIER, "verifier", "AggregateFraudProven", [1n, 2n, CLIENT, 37n, 10n ** 18n, 51n * 10n ** 16n, 125n * 10n ** 15n], 43, 3),
      log(VERIFIER, "verifier", "CommitmentPosted", [2n, CLIENT, 5n, 6n, 1n], 43, 1),
      log(VERIFIER, "verifier", "AggregatorSlashed", [1n, 2n, AGGREGATOR, 10n ** 18n], 44, 0),
      log(VERIFIER, "verifier", "VerificationSettled", [1n, 2n, VerificationOutcome.Failed, 4n, 4n, 0n, 10n ** 18n, 90n], 44, 1),
      log(VERIFIER, "verifier", "RewardClaimed", [2n, CLIENT, 7n], 45, 0),
    ]);
    expect(events.map(strip)).to.deep.equal([
      { type: "RewardsReserved", taskId: 1n, roundId: 2n, amount: 90n },
      { type: "VerificationStarted", taskId: 1n, roundId: 2n, aggregateBlock: 41n, includedCount: 4n, deadline: 1_000n },
      { type: "BatchSumsPosted", roundId: 2n, sampleSeed: `0x${"5e".repeat(32)}`, partitions: 64n, batches: 2n, batchSums: T, deadline: 2_000n },
      { type: "ChallengeWindowOpened", roundId: 2n, aggregateHash: `0x${"a1".repeat(32)}`, deadline: 1_000n },
      { type: "CommitmentPosted", roundId: 2n, client: CLIENT, x: 5n, y: 6n, committedCount: 1n },
      { type: "ChallengeRejected", roundId: 2n, challenger: CLIENT, leafIndex: 3n, bond: 10n ** 16n },
      {
        type: "AggregateFraudProven",
        taskId: 1n,
        roundId: 2n,
        challenger: CLIENT,
        coordinate: 37n,
        slashed: 10n ** 18n,
        challengerReward: 51n * 10n ** 16n,
        clientShare: 125n * 10n ** 15n,
      },
      { type: "AggregatorSlashed", taskId: 1n, roundId: 2n, aggregator: AGGREGATOR, amount: 10n ** 18n },
      {
        type: "VerificationSettled",
        taskId: 1n,
        roundId: 2n,
        outcome: VerificationOutcome.Failed,
        committedCount: 4n,
        includedCount: 4n,
        paid: 0n,
        slashed: 10n ** 18n,
        released: 90n,
      },
      { type: "RewardClaimed", roundId: 2n, account: CLIENT, amount: 7n },
    ]);
    expect(events[1]).to.include({ blockNumber: 41, logIndex: 1 });
  });

  it("orders both contracts' events by block and log index, whatever order the node returned", function () {
    // settle(): the verifier's VerificationSettled, then the coordinator's PhaseChanged and RoundFailed, one transaction.
    const events = parseFedmashLogs(parsers, [
      log(COORDINATOR, "coordinator", "RoundFailed", [1n, 2n, FailureReason.VerificationFailed], 44, 2),
      log(VERIFIER, "verifier", "VerificationSettled", [1n, 2n, VerificationOutcome.Failed, 4n, 4n, 0n, 1n, 0n], 44, 0),
      log(COORDINATOR, "coordinator", "AggregatePosted", [2n, AGGREGATOR, "bafy-a", "bafy-m", `0x${"aa".repeat(32)}`], 40, 0),
      log(VERIFIER.toLowerCase(), "verifier", "VerificationStarted", [1n, 2n, 40n, 4n, 1_000n], 40, 1),
    ]);
    expect(events.map((e) => e.type)).to.deep.equal(["AggregatePosted", "VerificationStarted", "VerificationSettled", "RoundFailed"]);
    expect(events[3]).to.include({ type: "RoundFailed", reason: FailureReason.VerificationFailed });
  });

  it("drops logs of other contracts, logs a contract did not emit under its own ABI, and money bookkeeping no worker uses", function () {
    const stranger = "0x0000000000000000000000000000000000000bad";
    const events = parseFedmashLogs(parsers, [
      log(stranger, "verifier", "VerificationStarted", [1n, 2n, 40n, 4n, 1_000n], 40, 0),
      // A verifier event that claims to come from the coordinator's address is not the coordinator's.
      log(COORDINATOR, "verifier", "VerificationStarted", [1n, 2n, 40n, 4n, 1_000n], 40, 1),
      log(VERIFIER, "verifier", "TaskFunded", [1n, CLIENT, 5n, 5n], 40, 2),
      log(VERIFIER, "verifier", "BondDeposited", [1n, AGGREGATOR, 5n, 5n], 40, 3),
    ]);
    expect(events).to.deep.equal([]);
  });

  it("without a verifier address, reads the coordinator alone", function () {
    const events = parseFedmashLogs({ coordinatorAddress: COORDINATOR, coordinatorInterface }, [
      log(VERIFIER, "verifier", "VerificationStarted", [1n, 2n, 40n, 4n, 1_000n], 40, 1),
      log(COORDINATOR, "coordinator", "ClientJoined", [2n, CLIENT, 1n], 40, 0),
    ]);
    expect(events.map((e) => e.type)).to.deep.equal(["ClientJoined"]);
  });

  it("the watcher asks one eth_getLogs for both addresses and hands over their events in chain order", async function () {
    const batch = await firstWatchedBatch(parsers, [
      log(VERIFIER, "verifier", "CommitmentPosted", [2n, CLIENT, 5n, 6n, 1n], 43, 1),
      log(COORDINATOR, "coordinator", "ClientJoined", [2n, CLIENT, 1n], 12, 0),
    ]);
    expect(batch.filter).to.deep.equal({ address: [COORDINATOR, VERIFIER], fromBlock: 10, toBlock: 45 });
    expect(batch).to.deep.include({ types: ["ClientJoined", "CommitmentPosted"], toBlock: 45 });
  });
});
