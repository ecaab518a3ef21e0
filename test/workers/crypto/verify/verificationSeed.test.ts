// The verifier's two block-hash seeds derived off-chain: the tags are the contract's, the derivation is the
// documented abi.encode, and on a real Shamir round (deployed through Ignition, driven to Verification) both equal the
// contract's sampleSeed and weightSeed views, and the weight seed the first commitment stores.
import { expect } from "chai";
import { ethers } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { id, solidityPackedKeccak256 } from "ethers";
import { deployFedmash } from "../../../helpers/deployFedmash";
import { driveShamirRound } from "../../../helpers/driveShamirRound";
import { encryptionKey } from "../../../helpers/encryptionKey";
import { Mode, Role } from "../../../helpers/enums";
import { taskConfig } from "../../../helpers/taskConfig";
import { SAMPLE_SEED_TAG, WEIGHT_SEED_TAG, verificationSeed } from "../../../../workers/crypto/verify/verificationSeed";
import { VerificationInputError } from "../../../../workers/crypto/verify/errors";
import { batchSums } from "../../../../workers/crypto/verify/batchSums";
import { commitBatchSums } from "../../../../workers/crypto/verify/commitBatchSums";
import { encodeBatchSums } from "../../../../workers/crypto/verify/encodeBatchSums";

const BLOCK_HASH = "0x8f4c2a1e9b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a29180f7e6d5c4b3a2918abcd";

describe("verificationSeed", function () {
  it("uses the verifier's domain tags", function () {
    expect(SAMPLE_SEED_TAG).to.equal(id("fedmash/verifier/sample-seed/v1"));
    expect(WEIGHT_SEED_TAG).to.equal(id("fedmash/verifier/weight-seed/v1"));
  });

  it("is keccak256(abi.encode(blockHash, roundId, tag)), distinct per kind and per round", function () {
    const sample = verificationSeed({ kind: "sample", blockHash: BLOCK_HASH, roundId: 7n });
    expect(sample).to.equal(solidityPackedKeccak256(["bytes32", "uint256", "bytes32"], [BLOCK_HASH, 7n, SAMPLE_SEED_TAG]));
    expect(verificationSeed({ kind: "weight", blockHash: BLOCK_HASH, roundId: 7n })).to.equal(
      solidityPackedKeccak256(["bytes32", "uint256", "bytes32"], [BLOCK_HASH, 7n, WEIGHT_SEED_TAG]),
    );
    expect(verificationSeed({ kind: "sample", blockHash: BLOCK_HASH, roundId: 8n })).to.not.equal(sample);
  });

  it("refuses a malformed or zero block hash and a negative round id with VerificationInputError", function () {
    expect(() => verificationSeed({ kind: "sample", blockHash: "0x1234", roundId: 1n })).to.throw(VerificationInputError, "block hash");
    expect(() => verificationSeed({ kind: "sample", blockHash: `0x${"0".repeat(64)}`, roundId: 1n })).to.throw(VerificationInputError, "block hash");
    expect(() => verificationSeed({ kind: "sample", blockHash: BLOCK_HASH, roundId: -1n })).to.throw(VerificationInputError, "round id");
  });

  describe("on a real Shamir round (the sampled verification's only mode: a Mash round is verified by fraud proofs)", function () {
    it("equals the contract's sampleSeed and weightSeed views, and the weight seed the first commitment stores", async function () {
      const signers = await ethers.getSigners();
      const [owner, aggregator, keeper, ...rest] = signers;
      const clients = rest.slice(0, 4);
      const servers = signers.slice(10, 13);
      const { registry, coordinator, verifier, shamir } = await deployFedmash();
      await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("seed-aggregator").compressed);
      for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`seed-client${index}`).compressed);
      for (const [index, server] of servers.entries()) await registry.connect(server).register(Role.Server, encryptionKey(`seed-server${index}`).compressed);
      const config = { ...taskConfig({ mode: Mode.Plain, aggregator: aggregator.address, modelSize: 300 }), mode: Mode.Shamir, minClients: 3, maxClients: 4, quantizationScale: 10_000, clipMillionths: 500_000 };
      await coordinator.connect(owner).createShamirTask(config, "bafy-initial", servers.map((server) => server.address), 2);
      const taskId = await coordinator.taskCount();
      const round = await driveShamirRound({ coordinator, verifier, shamir, servers, taskId, owner, aggregator, keeper, clients, until: "aggregate" });
      const roundId = round.roundId;
      const holder = round.included[0]!;
      const posted = { blockNumber: Number((await verifier.verification(roundId)).aggregateBlock) };

      // A view runs in the latest block, where the seed block's hash is not yet readable.
      await mine();
      const aggregateBlock = await ethers.provider.getBlock(posted.blockNumber);
      const sampleSeed = verificationSeed({ kind: "sample", blockHash: aggregateBlock!.hash!, roundId });
      expect(await verifier.sampleSeed(roundId)).to.equal(sampleSeed);

      const zero = new Int32Array(300);
      const m = Number((await verifier.verification(roundId)).partitions);
      const k = Number((await verifier.verification(roundId)).batches);
      const t = await (await verifier.connect(aggregator).postBatchSums(roundId, encodeBatchSums(batchSums(zero, sampleSeed, m, k)))).wait();
      await mine();
      const weightSeed = verificationSeed({ kind: "weight", blockHash: (await ethers.provider.getBlock(t!.blockNumber))!.hash!, roundId });
      expect(weightSeed).to.not.equal(sampleSeed);
      expect(await verifier.weightSeed(roundId)).to.equal(weightSeed);

      const commitment = commitBatchSums({ batchSums: batchSums(zero, sampleSeed, m, k), weightSeed, m, k });
      await verifier.connect(holder).commit(roundId, commitment.x, commitment.y);
      const stored = await verifier.verification(roundId);
      expect([stored.sampleSeed, stored.weightSeed]).to.deep.equal([sampleSeed, weightSeed]);
    });
  });
});
