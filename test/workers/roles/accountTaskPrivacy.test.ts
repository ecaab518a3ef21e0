// Issue 15, M4: the privacy ledger comes from the chain. Real MASH rounds on the in-process Hardhat network (the
// coordinator and verifier as deployed): the included count is what the coordinator fixed (GroupsIncluded's set
// plus the holder), whatever the aggregator's metadata claims; a fresh reader (an owner resumed with --task) finds
// every earlier release of the task, so ε stays cumulative; and the holder's view of the smallest included group's
// sum is the release accounted, so ε against the holder is above ε against the aggregator alone.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployFedmash } from "../../helpers/deployFedmash";
import { encryptionKey } from "../../helpers/encryptionKey";
import { driveMashRound } from "../../helpers/driveMashRound";
import { FailureReason, Mode, Role } from "../../helpers/enums";
import { taskConfig } from "../../helpers/taskConfig";
import { composeReleases, readRoundRelease, readTaskReleases, taskRoundIds, type ReleaseChain, type ReleaseContext } from "../../../workers/roles/accountTaskPrivacy";
import { effectiveNoiseMultiplier } from "../../../workers/ml/dp/effectiveNoiseMultiplier";
import { accountPrivacy } from "../../../workers/ml/dp/accountPrivacy";
import type { WorkerRuntime } from "../../../workers/roles/openWorkerRuntime";

const BOND = 10_000n;
const MODEL_SIZE = 64;
const SCALE = 10_000;
/** N = 7: every client of the task divided its distributed noise by 7. */
const DISTRIBUTED: ReleaseContext = { dp: { mechanism: "distributed", noiseMultiplier: 1, clip: 1, delta: 1e-5 }, expectedClients: 7, modelSize: MODEL_SIZE, scale: SCALE };
const LOCAL: ReleaseContext = { ...DISTRIBUTED, dp: { ...DISTRIBUTED.dp, mechanism: "local" } };
const z = (included: number): number => effectiveNoiseMultiplier({ settings: DISTRIBUTED.dp, mode: "mash", clients: 7, modelSize: MODEL_SIZE, scale: SCALE, includedClients: included });

describe("the privacy ledger from the chain (issue 15, M4)", function () {
  /** A MASH task of 7 clients (a holder and two groups of 3): round 1 includes everyone, round 2 loses group 1 at submission. */
  async function twoRoundsFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper] = signers;
    const clients = signers.slice(3, 10);
    const { registry, coordinator, verifier } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`c${index}`).compressed);
    const config = taskConfig({ mode: Mode.Mash, aggregator: aggregator.address, modelSize: MODEL_SIZE, minClients: 7, maxClients: 7, minIncluded: 4 });
    await coordinator.connect(owner).createTask(config, "bafkreiinitial");
    await verifier.connect(owner).setTerms(1n, { aggregatorBond: BOND, clientReward: 1_000n, aggregatorReward: 5_000n, challengeDuration: 60n });
    await verifier.connect(owner).fundTask(1n, { value: 1_000_000n });
    await verifier.connect(aggregator).acceptTask(1n, BOND);
    await verifier.connect(aggregator).depositBond(1n, { value: BOND });
    const drive = { coordinator, verifier, taskId: 1n, owner, aggregator, keeper, clients };
    const first = await driveMashRound(drive);
    const second = await driveMashRound({ ...drive, behaviour: { groupsSilentAtSubmit: [1] } });
    return { coordinator, drive, first, second };
  }

  it("takes the included count from the coordinator, not from the aggregator's metadata", async function () {
    const { coordinator, first, second } = await loadFixture(twoRoundsFixture);
    // What a lying aggregator's metadata would claim for round 2: all seven included.
    const claimed = [...second.groups.flat(), second.holder!].map((s) => s.address);
    expect(claimed).to.have.length(7);
    const release = await readRoundRelease(coordinator, second.roundId, DISTRIBUTED);
    expect(second.included).to.have.length(4);
    expect(release?.includedClients).to.equal(4);
    expect(release?.aggregatorNoiseMultiplier).to.equal(z(4));
    expect(release?.aggregatorNoiseMultiplier).to.be.lessThan(z(claimed.length));
    const full = await readRoundRelease(coordinator, first.roundId, DISTRIBUTED);
    expect(full?.includedClients).to.equal(7);
  });

  it("a fresh reader (the owner resumed with --task) finds every release of the task, so ε stays cumulative", async function () {
    const { coordinator, drive } = await loadFixture(twoRoundsFixture);
    const runtimeCoordinator = coordinator as unknown as WorkerRuntime["coordinator"];
    const roundIds = await taskRoundIds(runtimeCoordinator, 1n);
    expect(roundIds).to.deep.equal([1n, 2n]);
    const before = await readTaskReleases(coordinator, roundIds, DISTRIBUTED);
    expect(before.map((r) => r.includedClients)).to.deep.equal([7, 4]);
    const third = await driveMashRound(drive);
    // A later run of the owner reads all three back: its ε after round 3 composes three releases, not one.
    const after = await readTaskReleases(coordinator, await taskRoundIds(runtimeCoordinator, 1n), DISTRIBUTED);
    expect(after.map((r) => r.roundId)).to.deep.equal(["1", "2", third.roundId.toString()]);
    const cumulative = composeReleases(after.map((r) => r.noiseMultiplier), DISTRIBUTED.dp.delta);
    const restarted = composeReleases([after[2]!.noiseMultiplier], DISTRIBUTED.dp.delta);
    expect(cumulative).to.be.greaterThan(composeReleases(before.map((r) => r.noiseMultiplier), DISTRIBUTED.dp.delta));
    expect(cumulative).to.be.greaterThan(1.5 * restarted);
    // Same z every round: the composition is exactly the accountant's r-round figure.
    const same = composeReleases([0.8, 0.8, 0.8], 1e-5);
    expect(same).to.be.closeTo(accountPrivacy({ noiseMultiplier: 0.8, rounds: 3, delta: 1e-5 }).epsilon, 1e-9);
  });

  it("Shamir: the frozen submitted set is the count; a round with t share-sums but no aggregate is a release, one without is not", async function () {
    const submitters = ["0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"];
    const rounds: Record<string, { aggregateCid: string; failureReason: number }> = {
      "5": { aggregateCid: "bafkreiaggregate", failureReason: FailureReason.None },
      "6": { aggregateCid: "", failureReason: FailureReason.ServersMissing },
      // At least t share-sums were posted but the aggregator never posted: whoever holds them could reconstruct.
      "7": { aggregateCid: "", failureReason: FailureReason.AggregatorMissing },
    };
    const chain: ReleaseChain = {
      round: async (roundId) => ({ index: Number(roundId), mode: Mode.Shamir, submittedCount: 3, ...rounds[roundId.toString()]! }),
      includedClients: async () => submitters,
      mashRound: async () => expect.fail("a Shamir round has no holder"),
      group: async () => expect.fail("a Shamir round has no groups"),
      submission: async () => expect.fail("not read"),
    };
    const releases = await readTaskReleases(chain, [5n, 6n, 7n], DISTRIBUTED);
    expect(releases.map((r) => [r.roundId, r.published])).to.deep.equal([
      ["5", true],
      ["7", false],
    ]);
    expect(releases[0]).to.deep.include({ roundId: "5", mode: "shamir", includedClients: 3 });
    const shamirZ = effectiveNoiseMultiplier({ settings: DISTRIBUTED.dp, mode: "shamir", clients: 7, modelSize: MODEL_SIZE, scale: SCALE, includedClients: 3 });
    expect(releases[0]!.noiseMultiplier).to.equal(shamirZ);
    expect(releases[0]!.aggregatorNoiseMultiplier).to.equal(shamirZ);
  });

  it("MASH: a round that failed before any aggregate still released what the holder could unmask (M4)", async function () {
    // The medium left by the first audit: a round whose holder went silent after the groups submitted released
    // nothing to the aggregator, but the holder can still unmask each complete group's sum with its Paillier key.
    const members = [["0xa1", "0xa2", "0xa3"], ["0xb1", "0xb2", "0xb3", "0xb4"], ["0xc1", "0xc2", "0xc3"]];
    const chain: ReleaseChain = {
      round: async (roundId) => ({ index: Number(roundId), mode: Mode.Mash, submittedCount: 9, aggregateCid: "", failureReason: FailureReason.HolderMissing }),
      includedClients: async () => expect.fail("no total was decodable"),
      mashRound: async () => ({ holder: "0x0000000000000000000000000000000000000001", groupCount: 3 }),
      group: async (_roundId, index) => ({
        members: members[index]!,
        sumPosted: index !== 2,
        // Group 1 complete (4 of 4), group 0 complete (3 of 3), group 2 never posted its sum.
        submittedCount: members[index]!.length,
      }),
      submission: async () => ({ submitted: false }),
    };
    const release = await readRoundRelease(chain, 9n, DISTRIBUTED);
    expect(release).to.deep.include({ published: false, smallestGroup: 3, includedClients: 0, noiseMultiplier: z(3) });
    expect(release?.aggregatorNoiseMultiplier).to.equal(Number.POSITIVE_INFINITY);
    // Against the aggregator it costs nothing; against the holder it costs a 3-client group sum.
    expect(composeReleases([release!.aggregatorNoiseMultiplier], 1e-5)).to.equal(0);
    expect(composeReleases([release!.noiseMultiplier], 1e-5)).to.be.greaterThan(0);
    // The rule before: no aggregate CID, no release at all, so ε under-reported this round entirely.
    const noGroupComplete: ReleaseChain = { ...chain, group: async (_r, index) => ({ members: members[index]!, sumPosted: true, submittedCount: 1 }) };
    expect(await readRoundRelease(noGroupComplete, 9n, DISTRIBUTED)).to.equal(undefined);
  });

  it("accounts the holder's view: each round's release is the smallest included group's sum", async function () {
    const { coordinator, first, second } = await loadFixture(twoRoundsFixture);
    const releases = await readTaskReleases(coordinator, [first.roundId, second.roundId], DISTRIBUTED);
    expect(releases.map((r) => r.smallestGroup)).to.deep.equal([3, 3]);
    expect(releases.map((r) => r.noiseMultiplier)).to.deep.equal([z(3), z(3)]);
    expect(releases.map((r) => r.aggregatorNoiseMultiplier)).to.deep.equal([z(7), z(4)]);
    const againstHolder = composeReleases(releases.map((r) => r.noiseMultiplier), 1e-5);
    const againstAggregator = composeReleases(releases.map((r) => r.aggregatorNoiseMultiplier), 1e-5);
    expect(againstHolder).to.be.greaterThan(againstAggregator);
    // Local noise is σ for whoever looks: the holder's view costs nothing more.
    const local = await readTaskReleases(coordinator, [first.roundId, second.roundId], LOCAL);
    expect(local.map((r) => [r.noiseMultiplier, r.aggregatorNoiseMultiplier])).to.deep.equal([
      [1, 1],
      [1, 1],
    ]);
  });
});
