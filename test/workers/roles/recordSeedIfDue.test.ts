// Issue 15, M3 on the worker side: the keepers' seed recording (seedRecordDue, recordSeedIfDue) on a real in-process
// chain with 2 s blocks. A keeper does nothing in a normal round (T and the first commitment store the seeds), records
// σ once T is KEEPER_SEED_GRACE_BLOCKS late, so an aggregator that restarts after more than 256 blocks still posts T
// and is not slashed; a client records only after the longer CLIENT_SEED_GRACE_BLOCKS; and a seed nobody recorded
// in time is settled as SeedExpired, which slashes nobody. The seeds belong to the sampled verification, which only
// Shamir rounds run (a Mash round is verified by fraud proofs), so the round here is a Shamir round.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { batchSums } from "../../../workers/crypto/verify/batchSums";
import { encodeBatchSums } from "../../../workers/crypto/verify/encodeBatchSums";
import { recordSeedIfDue } from "../../../workers/roles/recordSeedIfDue";
import type { WorkerRuntime } from "../../../workers/roles/openWorkerRuntime";
import { VerificationStage } from "../../../workers/protocol/enums";
import { CLIENT_SEED_GRACE_BLOCKS, KEEPER_SEED_GRACE_BLOCKS, seedRecordDue } from "../../../workers/protocol/seedRecordDue";
import type { FedmashVerifier } from "../../../typechain-types";
import { deployFedmash } from "../../helpers/deployFedmash";
import { driveShamirRound } from "../../helpers/driveShamirRound";
import { encryptionKey } from "../../helpers/encryptionKey";
import { Mode, Role } from "../../helpers/enums";
import { taskConfig } from "../../helpers/taskConfig";
import { Outcome } from "../../helpers/verifierEnums";
import { recordingLogger } from "../../helpers/recordingLogger";

const ZERO = `0x${"0".repeat(64)}`;
const SEED = `0x${"1".repeat(64)}`;
const BOND = 10n ** 15n;

async function mineTwoSecondBlocks(blocks: bigint): Promise<void> {
  await network.provider.send("hardhat_mine", [`0x${blocks.toString(16)}`, "0x2"]);
}

describe("recordSeedIfDue", function () {
  describe("seedRecordDue", function () {
    const base = { aggregateBlock: 100n, batchSumsBlock: 0n, sampleSeed: ZERO, weightSeed: ZERO, graceBlocks: 8n };
    it("records σ from aggregateBlock + grace until the last block a transaction can still read its hash", function () {
      const at = (block: bigint) => seedRecordDue({ ...base, stage: VerificationStage.BatchSums, block });
      expect([at(101n), at(107n), at(108n), at(355n), at(356n), at(400n)]).to.deep.equal([undefined, undefined, "record", "record", "settle-expired", "settle-expired"]);
    });
    it("does nothing once the seed is stored, or outside BatchSums and Commitments", function () {
      expect(seedRecordDue({ ...base, stage: VerificationStage.BatchSums, sampleSeed: SEED, block: 500n })).to.equal(undefined);
      expect(seedRecordDue({ ...base, stage: VerificationStage.Settled, block: 500n })).to.equal(undefined);
      expect(seedRecordDue({ ...base, stage: VerificationStage.Reserved, block: 500n })).to.equal(undefined);
    });
    it("records σ_w from T's block in Commitments", function () {
      const at = (block: bigint, weightSeed = ZERO) => seedRecordDue({ ...base, stage: VerificationStage.Commitments, sampleSeed: SEED, batchSumsBlock: 200n, weightSeed, block });
      expect([at(207n), at(208n), at(456n), at(208n, SEED)]).to.deep.equal([undefined, "record", "settle-expired", undefined]);
    });
    it("keeps both graces far inside the 256-block window", function () {
      expect(KEEPER_SEED_GRACE_BLOCKS < CLIENT_SEED_GRACE_BLOCKS && CLIENT_SEED_GRACE_BLOCKS <= 64n).to.equal(true);
    });
  });

  async function aggregatePostedFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, keeper] = signers;
    const clients = signers.slice(4, 8);
    const servers = signers.slice(10, 13);
    const { registry, coordinator, verifier, shamir } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`c${index}`).compressed);
    for (const [index, server] of servers.entries()) await registry.connect(server).register(Role.Server, encryptionKey(`s${index}`).compressed);
    const config = { ...taskConfig({ mode: Mode.Plain, aggregator: aggregator.address }), mode: Mode.Shamir, minClients: 3, maxClients: 4, quantizationScale: 10_000, clipMillionths: 1_000_000 };
    await coordinator.connect(owner).createShamirTask(config, "bafy-initial", servers.map((server) => server.address), 2);
    await verifier.connect(owner).setTerms(1n, { aggregatorBond: BOND, clientReward: 1n, aggregatorReward: 1n, challengeDuration: 600n });
    await verifier.connect(owner).fundTask(1n, { value: 10n ** 17n });
    if (verifier.interface.getFunction("acceptTask")) await verifier.connect(aggregator).getFunction("acceptTask")(1n, BOND);
    await verifier.connect(aggregator).depositBond(1n, { value: BOND });
    const round = await driveShamirRound({ coordinator, verifier, shamir, servers, taskId: 1n, owner, aggregator, keeper, clients, until: "aggregate" });
    return { verifier, owner, aggregator, clients, round };
  }

  function runtimeOf(verifier: FedmashVerifier, signer: HardhatEthersSigner) {
    const { logger, messages } = recordingLogger();
    return { runtime: { verifier: verifier.connect(signer), connection: { provider: ethers.provider, signer }, logger } as unknown as WorkerRuntime, messages };
  }

  it("lets the owner record σ once T is late, so the aggregator that restarts after 256 blocks of 2 s posts T and is not slashed", async function () {
    const { verifier, owner, aggregator, clients, round } = await loadFixture(aggregatePostedFixture);
    const { runtime, messages } = runtimeOf(verifier, owner);
    const client = runtimeOf(verifier, clients[0]!);
    // Within the grace: nobody records (a normal round's T would land here).
    await mineTwoSecondBlocks(KEEPER_SEED_GRACE_BLOCKS - 2n);
    expect(await recordSeedIfDue(runtime, round.roundId, KEEPER_SEED_GRACE_BLOCKS)).to.equal(undefined);
    await mineTwoSecondBlocks(2n);
    // The client's longer grace has not passed; the owner's has.
    expect(await recordSeedIfDue(client.runtime, round.roundId, CLIENT_SEED_GRACE_BLOCKS)).to.equal(undefined);
    expect(await recordSeedIfDue(runtime, round.roundId, KEEPER_SEED_GRACE_BLOCKS)).to.equal("recorded");
    expect(messages.some((message) => message.startsWith("recorded the verification seed"))).to.equal(true);
    // Another keeper (here the client, past its grace) finds it stored and does nothing.
    await mineTwoSecondBlocks(CLIENT_SEED_GRACE_BLOCKS);
    expect(await recordSeedIfDue(client.runtime, round.roundId, CLIENT_SEED_GRACE_BLOCKS)).to.equal(undefined);

    await mineTwoSecondBlocks(260n);
    const sampleSeed = (await verifier.sampleSeed(round.roundId)) as `0x${string}`;
    await verifier.connect(aggregator).postBatchSums(round.roundId, encodeBatchSums(batchSums(round.aggregate, sampleSeed, 64, 2)));
    const view = await verifier.verification(round.roundId);
    expect([view.stage, view.sampleSeed, view.slashed]).to.deep.equal([BigInt(VerificationStage.Commitments), sampleSeed, 0n]);
  });

  it("settles a round whose σ nobody recorded in time as SeedExpired: the aggregator keeps its bond", async function () {
    const { verifier, owner, round } = await loadFixture(aggregatePostedFixture);
    const { runtime, messages } = runtimeOf(verifier, owner);
    await mineTwoSecondBlocks(300n);
    expect(await recordSeedIfDue(runtime, round.roundId, KEEPER_SEED_GRACE_BLOCKS)).to.equal("settled");
    expect(messages.some((message) => message.includes("SeedExpired"))).to.equal(true);
    const view = await verifier.verification(round.roundId);
    expect([view.outcome, view.slashed]).to.deep.equal([BigInt(Outcome.SeedExpired), 0n]);
    expect((await verifier.taskFunds(1n)).bond).to.equal(BOND);
  });
});
