// Turning FedmashShamir's logs into worker events: ServersConfigured and ShareSumPosted parse with exact values,
// each with the Shamir ABI chosen by the emitting address, they interleave in chain order with the coordinator's
// and the verifier's events, and the watcher asks for all three addresses in one eth_getLogs.
import { expect } from "chai";
import { parseFedmashLogs } from "../../../workers/chain/watchCoordinatorEvents";
import { FailureReason, Mode, Phase } from "../../../workers/protocol/enums";
import { FedmashCoordinator__factory, FedmashShamir__factory, FedmashVerifier__factory } from "../../../typechain-types";
import { encodeRawLog, firstWatchedBatch, withoutPosition } from "./logFixtures";

const COORDINATOR = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const VERIFIER = "0xCafac3dD18aC6c6e92c921884f9E4176737C052c";
const SHAMIR = "0x9f1ac54BEF0DD2f6f3462EA0fa94fC62300d3a8e";
const SERVER_A = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const SERVER_B = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const AGGREGATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const HASH = `0x${"ab".repeat(32)}`;
const coordinatorInterface = FedmashCoordinator__factory.createInterface();
const verifierInterface = FedmashVerifier__factory.createInterface();
const shamirInterface = FedmashShamir__factory.createInterface();
const parsers = {
  coordinatorAddress: COORDINATOR,
  coordinatorInterface,
  verifierAddress: VERIFIER,
  verifierInterface,
  shamirAddress: SHAMIR,
  shamirInterface,
};

const log = encodeRawLog;
const strip = withoutPosition;

describe("parsing the Shamir contract's logs", function () {
  it("parses ServersConfigured and ShareSumPosted with exact values, in chain order with the coordinator's events", function () {
    const events = parseFedmashLogs(parsers, [
      log(SHAMIR, shamirInterface, "ShareSumPosted", [2n, SERVER_B, 1n, "bafy-b", HASH, 2n], 31, 0),
      log(COORDINATOR, coordinatorInterface, "PhaseChanged", [2n, Phase.Submission, Phase.Aggregation, 900n], 20, 3),
      log(SHAMIR.toLowerCase(), shamirInterface, "ShareSumPosted", [2n, SERVER_A, 0n, "bafy-a", HASH, 1n], 30, 0),
      log(SHAMIR, shamirInterface, "ServersConfigured", [1n, [SERVER_A, SERVER_B], 2n], 5, 1),
      log(COORDINATOR, coordinatorInterface, "TaskCreated", [1n, AGGREGATOR, Mode.Shamir, AGGREGATOR, "bafy-m"], 5, 0),
    ]);
    expect(events.map(strip)).to.deep.equal([
      { type: "TaskCreated", taskId: 1n, owner: AGGREGATOR, mode: Mode.Shamir, aggregator: AGGREGATOR, initialModelCid: "bafy-m" },
      { type: "ServersConfigured", taskId: 1n, servers: [SERVER_A, SERVER_B], threshold: 2n },
      { type: "PhaseChanged", roundId: 2n, previous: Phase.Submission, current: Phase.Aggregation, deadline: 900n },
      { type: "ShareSumPosted", roundId: 2n, server: SERVER_A, serverIndex: 0n, cid: "bafy-a", contentHash: HASH, count: 1n },
      { type: "ShareSumPosted", roundId: 2n, server: SERVER_B, serverIndex: 1n, cid: "bafy-b", contentHash: HASH, count: 2n },
    ]);
  });

  it("drops Shamir events from any other address, and reads no Shamir events without the Shamir address", function () {
    const forged = log(VERIFIER, shamirInterface, "ShareSumPosted", [2n, SERVER_A, 0n, "bafy-a", HASH, 1n], 30, 0);
    const real = log(SHAMIR, shamirInterface, "ShareSumPosted", [2n, SERVER_A, 0n, "bafy-a", HASH, 1n], 30, 1);
    expect(parseFedmashLogs(parsers, [forged])).to.deep.equal([]);
    const failed = log(COORDINATOR, coordinatorInterface, "RoundFailed", [1n, 2n, FailureReason.ServersMissing], 40, 0);
    const withoutShamir = parseFedmashLogs({ coordinatorAddress: COORDINATOR, coordinatorInterface }, [real, failed]);
    expect(withoutShamir.map(strip)).to.deep.equal([{ type: "RoundFailed", taskId: 1n, roundId: 2n, reason: FailureReason.ServersMissing }]);
  });

  it("the watcher asks one eth_getLogs for the coordinator, the verifier and the Shamir contract", async function () {
    const batch = await firstWatchedBatch(parsers, [
      log(SHAMIR, shamirInterface, "ShareSumPosted", [2n, SERVER_A, 0n, "bafy-a", HASH, 1n], 30, 0),
    ]);
    expect(batch.filter).to.deep.equal({ address: [COORDINATOR, VERIFIER, SHAMIR], fromBlock: 10, toBlock: 45 });
    expect(batch.types).to.deep.equal(["ShareSumPosted"]);
  });
});
