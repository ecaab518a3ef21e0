// Accountable share-sums on-chain: server bonds, and the share-sum dispute that slashes a server whose posted sum is
// not the sum of the shares its clients committed to it (or that does not answer), without ever slashing an honest
// server for a client's inconsistent shares. Real Shamir shares, committed by the workers' own fedmash/shamir-commit/v1
// functions, so the contract is tested against exactly what clients and servers post.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { hexlify, parseEther } from "ethers";
import { fieldVectorTree, shamirSubmissionCommitment, shareSumCommitment } from "../../workers/crypto/commit/shamirCommitments";
import type { VectorMerkleTree } from "../../workers/crypto/commit/vectorMerkle";
import { addShares } from "../../workers/crypto/shamir/addShares";
import { SHAMIR_PRIME } from "../../workers/crypto/shamir/shamirField";
import { shareVector } from "../../workers/crypto/shamir/shareVector";
import { deployFedmash } from "../helpers/deployFedmash";
import { encryptionKey } from "../helpers/encryptionKey";
import { Phase, Role } from "../helpers/enums";
import { shamirTaskConfig } from "../helpers/shamirTaskConfig";
import { advanceAfterDeadline } from "../helpers/roundClock";

const TASK_ID = 1n;
const MODEL_SIZE = 600;
const CLIENT_COUNT = 4;
const SERVER_COUNT = 4;
const THRESHOLD = 2;
const AGGREGATE_DURATION = 1_000n;
const SERVER_BOND = parseEther("0.2");
/** Every client stakes this for the task, which is allowlist-only; a proven client fault forfeits it. */
const CLIENT_STAKE = parseEther("0.08");
const MODEL_CID = "bafkreimodel";
/** Coordinate 37 is in leaf 2 (coordinates 32 … 47). */
const LIE_COORDINATE = 37;
const LIE_LEAF = 2;

enum SlashReason {
  WrongShareSum = 0,
  NoAnswer = 1,
}

interface ClientShares {
  client: HardhatEthersSigner;
  manifestHash: string;
  shares: Uint32Array[];
  trees: VectorMerkleTree[];
  contentHash: string;
}

function shareClient(client: HardhatEthersSigner, seed: number, corrupt?: { server: number; coordinate: number }): ClientShares {
  const update = Int32Array.from({ length: MODEL_SIZE }, (_, i) => ((i * 7 + seed * 13) % 201) - 100);
  const shares = shareVector(update, { servers: SERVER_COUNT, threshold: THRESHOLD });
  // A cheating client hands one server a share off its polynomial, and commits to what it handed out.
  if (corrupt) shares[corrupt.server]![corrupt.coordinate] = (shares[corrupt.server]![corrupt.coordinate]! + 1) % SHAMIR_PRIME;
  const trees = shares.map((share) => fieldVectorTree(share));
  const manifestHash = ethers.id(`manifest ${client.address}`);
  const contentHash = shamirSubmissionCommitment(manifestHash, trees.map((tree) => tree.root));
  return { client, manifestHash, shares, trees, contentHash };
}

interface ServerSum {
  server: HardhatEthersSigner;
  index: number;
  payloadHash: string;
  sum: Uint32Array;
  tree: VectorMerkleTree;
}

function serverSum(server: HardhatEthersSigner, index: number, clients: ClientShares[], lie = 0): ServerSum {
  const sum = new Uint32Array(MODEL_SIZE);
  for (const entry of clients) addShares(sum, entry.shares[index]!);
  if (lie !== 0) sum[LIE_COORDINATE] = (sum[LIE_COORDINATE]! + lie) % SHAMIR_PRIME;
  return { server, index, payloadHash: ethers.id(`share-sum ${server.address}`), sum, tree: fieldVectorTree(sum) };
}

/** More than t of a client's shares of one leaf (the servers `serverIndices`), as the dispute's answers publish them. */
function faultProof(entry: ClientShares, leaf: number, serverIndices: number[]) {
  return {
    manifestHash: entry.manifestHash,
    shareRoots: entry.trees.map((tree) => tree.root),
    leafIndex: leaf,
    leaves: serverIndices.map((index) => ({ serverIndex: index, values: hexlify(entry.trees[index]!.leafValues(leaf)), proof: entry.trees[index]!.proof(leaf) })),
  };
}

function sumOpening(entry: ServerSum, leaf: number) {
  return { serverIndex: entry.index, payloadHash: entry.payloadHash, root: entry.tree.root, values: hexlify(entry.tree.leafValues(leaf)), proof: entry.tree.proof(leaf) };
}

function answerOf(entry: ServerSum, clients: ClientShares[], leaf: number) {
  return {
    sum: sumOpening(entry, leaf),
    clients: clients.map((client) => ({
      manifestHash: client.manifestHash,
      shareRoots: client.trees.map((tree) => tree.root),
      values: hexlify(client.trees[entry.index]!.leafValues(leaf)),
      proof: client.trees[entry.index]!.proof(leaf),
    })),
  };
}

describe("FedmashShamir share-sum disputes", function () {
  async function deployFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator, opener, stranger] = signers;
    const clients = signers.slice(4, 4 + CLIENT_COUNT);
    const servers = signers.slice(10, 10 + SERVER_COUNT);
    const { registry, coordinator, verifier, shamir } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    for (const [index, server] of servers.entries()) await registry.connect(server).register(Role.Server, encryptionKey(`server${index}`).compressed);
    await coordinator.connect(owner).createShamirTask(
      shamirTaskConfig(aggregator.address, { modelSize: MODEL_SIZE, maxClients: CLIENT_COUNT, joinDuration: 100n, submitDuration: 1_000n, aggregateDuration: AGGREGATE_DURATION }),
      MODEL_CID,
      servers.map((server) => server.address),
      THRESHOLD
    );
    await verifier.connect(owner).setTerms(TASK_ID, { aggregatorBond: parseEther("1"), clientReward: parseEther("0.1"), aggregatorReward: parseEther("0.5"), challengeDuration: 60n });
    await verifier.connect(owner).fundTask(TASK_ID, { value: parseEther("3") });
    await verifier.connect(owner).setAdmission(TASK_ID, { allowlistOnly: true, clientStake: CLIENT_STAKE });
    await verifier.connect(owner).setAllowed(TASK_ID, clients.map((client) => client.address), true);
    for (const client of clients) await verifier.connect(client).stake(TASK_ID, { value: CLIENT_STAKE });
    await shamir.connect(owner).setServerBond(TASK_ID, SERVER_BOND);
    for (const server of servers) await shamir.connect(server).depositServerBond(TASK_ID, { value: SERVER_BOND });
    return { coordinator, verifier, shamir, owner, aggregator, opener, stranger, clients, servers };
  }

  type Fixture = Awaited<ReturnType<typeof deployFixture>>;

  /** A round in Aggregation whose clients submitted real share commitments; `corrupt` makes client 0 cheat. */
  async function aggregating(fixture: Fixture, corrupt?: { server: number; coordinate: number }) {
    const { coordinator, owner, clients } = fixture;
    await coordinator.connect(owner).openRound(TASK_ID, MODEL_CID);
    const roundId = await coordinator.roundCount();
    for (const client of clients) await coordinator.connect(client).join(roundId);
    const shared = clients.map((client, index) => shareClient(client, index, index === 0 ? corrupt : undefined));
    for (const entry of shared) await coordinator.connect(entry.client).submitUpdate(roundId, `bafkreimanifest${entry.client.address.slice(2, 8)}`, entry.contentHash, 600, 0);
    if ((await coordinator.phase(roundId)) !== BigInt(Phase.Aggregation)) await advanceAfterDeadline(fixture, roundId);
    expect(await coordinator.phase(roundId)).to.equal(Phase.Aggregation);
    // Frozen-set order, as the contract reads it.
    const included = await coordinator.includedClients(roundId);
    const ordered = included.map((address) => shared.find((entry) => entry.client.address === address)!);
    return { roundId, clients: ordered };
  }

  async function post(fixture: Fixture, roundId: bigint, sums: ServerSum[]) {
    for (const entry of sums) {
      await fixture.shamir.connect(entry.server).postShareSum(roundId, `bafkreisum${entry.index}`, shareSumCommitment(entry.payloadHash, entry.sum));
    }
  }

  /** Three servers posted; server 2 added 5 to coordinate 37 of its share-sum. */
  async function lyingServerFixture() {
    const fixture = await loadFixture(deployFixture);
    const { roundId, clients } = await aggregating(fixture);
    const sums = fixture.servers.map((server, index) => serverSum(server, index, clients, index === 2 ? 5 : 0));
    await post(fixture, roundId, sums);
    return { ...fixture, roundId, shared: clients, sums };
  }

  it("slashes the server whose share-sum is not the sum of its committed shares: half to the opener, half burned", async function () {
    const { shamir, opener, servers, roundId, shared, sums } = await loadFixture(lyingServerFixture);
    // t + 1 openings suffice (server 3's is not opened), and every live server must answer, server 3 included.
    await expect(shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, sums.slice(0, 3).map((entry) => sumOpening(entry, LIE_LEAF))))
      .to.emit(shamir, "ShareDisputeOpened")
      .withArgs(roundId, opener.address, LIE_LEAF, 0b1111, (value: bigint) => value > 0n);

    for (const entry of [sums[0]!, sums[1]!, sums[3]!]) {
      // Two batches of two clients: the first only accumulates, the second checks the sum.
      const answer = answerOf(entry, shared, LIE_LEAF);
      await expect(shamir.connect(entry.server).answerShareDispute(roundId, answer.sum, answer.clients.slice(0, 2))).not.to.emit(shamir, "ShareDisputeAnswered");
      await expect(shamir.connect(entry.server).answerShareDispute(roundId, answer.sum, answer.clients.slice(2)))
        .to.emit(shamir, "ShareDisputeAnswered")
        .withArgs(roundId, entry.server.address, true);
    }
    const liar = sums[2]!;
    const answer = answerOf(liar, shared, LIE_LEAF);
    const transaction = shamir.connect(liar.server).answerShareDispute(roundId, answer.sum, answer.clients);
    await expect(transaction).to.emit(shamir, "ServerSlashed").withArgs(roundId, liar.server.address, SlashReason.WrongShareSum, SERVER_BOND, SERVER_BOND / 2n);
    await expect(transaction).to.emit(shamir, "ShareDisputeClosed").withArgs(roundId, LIE_LEAF, 0b100, false);
    const gas = (await (await transaction).wait())!.gasUsed;
    console.log(`      answerShareDispute with ${CLIENT_COUNT} clients in one batch: ${gas} gas`);

    expect((await shamir.bondOf(TASK_ID, liar.server.address)).bond).to.equal(0n);
    expect(await shamir.isSlashed(roundId, liar.server.address)).to.equal(true);
    expect(await shamir.isSlashed(roundId, servers[0].address)).to.equal(false);
    expect(await shamir.totalBurned()).to.equal(SERVER_BOND - SERVER_BOND / 2n);
    expect(await shamir.creditOf(opener.address)).to.equal(SERVER_BOND / 2n);
    await expect(shamir.connect(opener).withdrawCredit()).to.changeEtherBalances([opener, shamir], [SERVER_BOND / 2n, -SERVER_BOND / 2n]);

    // The honest servers keep every wei: their bonds come back once the dispute period is over.
    const { lockedUntil } = await shamir.bondOf(TASK_ID, servers[0].address);
    await time.increaseTo(lockedUntil + 1n);
    await expect(shamir.connect(servers[0]).withdrawServerBond(TASK_ID, SERVER_BOND)).to.changeEtherBalance(servers[0], SERVER_BOND);
    // The contract holds exactly the remaining bonds (servers 1 and 3) and what was burned.
    expect(await ethers.provider.getBalance(await shamir.getAddress())).to.equal(2n * SERVER_BOND + (await shamir.totalBurned()));
  });

  it("gives its servers at least MIN_DISPUTE_STEP to answer, however short the task's phases", async function () {
    const { shamir, opener, roundId, sums } = await loadFixture(lyingServerFixture);
    await shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, sums.map((entry) => sumOpening(entry, LIE_LEAF)));
    const [dispute] = await shamir.shareDispute(roundId);
    const opened = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const step = AGGREGATE_DURATION > (await shamir.MIN_DISPUTE_STEP()) ? AGGREGATE_DURATION : await shamir.MIN_DISPUTE_STEP();
    expect(dispute.deadline).to.equal(opened + step);
  });

  it("takes a second dispute at another leaf once the first slashed its liar, and every server answers it afresh", async function () {
    const fixture = await loadFixture(deployFixture);
    const { shamir, opener } = fixture;
    const { roundId, clients } = await aggregating(fixture);
    // Server 2 lies in leaf 2 (coordinate 37), server 3 in leaf 0 (coordinate 0 of a copy).
    const sums = fixture.servers.map((server, index) => serverSum(server, index, clients, index === 2 ? 5 : 0));
    sums[3]!.sum[0] = (sums[3]!.sum[0]! + 1) % SHAMIR_PRIME;
    sums[3]!.tree = fieldVectorTree(sums[3]!.sum);
    await post(fixture, roundId, sums);
    await shamir.connect(opener).openShareDispute(roundId, 0, sums.map((entry) => sumOpening(entry, 0)));
    // Server 0 sends half its answer, then the rest; the liar's answer slashes it.
    const first = answerOf(sums[0]!, clients, 0);
    await shamir.connect(sums[0]!.server).answerShareDispute(roundId, first.sum, first.clients.slice(0, 1));
    expect(await shamir.answerProgress(roundId, 0)).to.equal(1n);
    await shamir.connect(sums[0]!.server).answerShareDispute(roundId, first.sum, first.clients.slice(1));
    for (const entry of sums.slice(1)) {
      const answer = answerOf(entry, clients, 0);
      await shamir.connect(entry.server).answerShareDispute(roundId, answer.sum, answer.clients);
    }
    let [dispute, clientFault] = await shamir.shareDispute(roundId);
    expect([dispute.open, dispute.slashed, dispute.answered, clientFault]).to.deep.equal([false, 0b1000n, 0b1111n, false]);
    // Leaf 2 among the servers still live (0, 1, 2): server 2's lie; each answers from its first client again.
    const live = sums.slice(0, 3);
    await shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, live.map((entry) => sumOpening(entry, LIE_LEAF)));
    expect(await shamir.answerProgress(roundId, 0)).to.equal(0n);
    for (const entry of live) {
      const answer = answerOf(entry, clients, LIE_LEAF);
      await shamir.connect(entry.server).answerShareDispute(roundId, answer.sum, answer.clients);
    }
    [dispute, clientFault] = await shamir.shareDispute(roundId);
    expect([dispute.open, dispute.slashed, dispute.answered, clientFault]).to.deep.equal([false, 0b100n, 0b111n, false]);
    expect(await shamir.creditOf(opener.address)).to.equal(SERVER_BOND);
    for (const index of [0, 1]) expect((await shamir.bondOf(TASK_ID, fixture.servers[index]!.address)).bond).to.equal(SERVER_BOND);
  });

  it("slashes a server that does not answer by the deadline, and only after it", async function () {
    const { shamir, opener, stranger, roundId, shared, sums } = await loadFixture(lyingServerFixture);
    await shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, sums.map((entry) => sumOpening(entry, LIE_LEAF)));
    for (const entry of [sums[0]!, sums[1]!, sums[3]!]) {
      const answer = answerOf(entry, shared, LIE_LEAF);
      await shamir.connect(entry.server).answerShareDispute(roundId, answer.sum, answer.clients);
    }
    const [dispute] = await shamir.shareDispute(roundId);
    await expect(shamir.connect(stranger).closeShareDispute(roundId))
      .to.be.revertedWithCustomError(shamir, "ShamirDisputeNotExpired")
      .withArgs(roundId, dispute.deadline);
    // The silent liar cannot take its bond out meanwhile.
    await time.increaseTo(dispute.deadline + AGGREGATE_DURATION * 3n);
    await expect(shamir.connect(sums[2]!.server).withdrawServerBond(TASK_ID, SERVER_BOND)).to.be.revertedWithCustomError(shamir, "ShamirServerBondLocked");
    const late = answerOf(sums[2]!, shared, LIE_LEAF);
    await expect(shamir.connect(sums[2]!.server).answerShareDispute(roundId, late.sum, late.clients))
      .to.be.revertedWithCustomError(shamir, "ShamirDisputeAnswerLate")
      .withArgs(roundId, dispute.deadline);
    await expect(shamir.connect(stranger).closeShareDispute(roundId))
      .to.emit(shamir, "ServerSlashed")
      .withArgs(roundId, sums[2]!.server.address, SlashReason.NoAnswer, SERVER_BOND, SERVER_BOND / 2n);
    expect(await shamir.creditOf(opener.address)).to.equal(SERVER_BOND / 2n);
    expect((await shamir.bondOf(TASK_ID, sums[2]!.server.address)).pendingDisputes).to.equal(0n);
  });

  it("proves a client's inconsistent shares without slashing any honest server, and then takes no more disputes", async function () {
    const fixture = await loadFixture(deployFixture);
    const { shamir, opener, servers } = fixture;
    // Client 0 hands server 1 a share off its polynomial at coordinate 5 (leaf 0); every server sums honestly.
    const { roundId, clients } = await aggregating(fixture, { server: 1, coordinate: 5 });
    const sums = servers.map((server, index) => serverSum(server, index, clients));
    await post(fixture, roundId, sums);

    await expect(shamir.connect(opener).openShareDispute(roundId, 1, sums.map((entry) => sumOpening(entry, 1))))
      .to.be.revertedWithCustomError(shamir, "ShamirShareSumsConsistent")
      .withArgs(roundId, 1);
    await shamir.connect(opener).openShareDispute(roundId, 0, sums.map((entry) => sumOpening(entry, 0)));
    for (const entry of sums) {
      const answer = answerOf(entry, clients, 0);
      const transaction = shamir.connect(entry.server).answerShareDispute(roundId, answer.sum, answer.clients);
      await expect(transaction).to.emit(shamir, "ShareDisputeAnswered").withArgs(roundId, entry.server.address, true);
      await expect(transaction).not.to.emit(shamir, "ServerSlashed");
    }
    const [dispute, clientFault] = await shamir.shareDispute(roundId);
    expect(clientFault).to.equal(true);
    expect(dispute.open).to.equal(false);
    for (const server of servers) expect((await shamir.bondOf(TASK_ID, server.address)).bond).to.equal(SERVER_BOND);
    await expect(shamir.connect(opener).openShareDispute(roundId, 0, sums.map((entry) => sumOpening(entry, 0))))
      .to.be.revertedWithCustomError(shamir, "ShamirClientFaultProven")
      .withArgs(roundId);
  });

  /** Client 0 handed server 1 a share off its polynomial at coordinate 5 (leaf 0); the dispute there ended in a client
   * fault, every server answering consistently. */
  async function clientFaultFixture() {
    const fixture = await loadFixture(deployFixture);
    const { shamir, opener, servers } = fixture;
    const { roundId, clients } = await aggregating(fixture, { server: 1, coordinate: 5 });
    const sums = servers.map((server, index) => serverSum(server, index, clients));
    await post(fixture, roundId, sums);
    await shamir.connect(opener).openShareDispute(roundId, 0, sums.map((entry) => sumOpening(entry, 0)));
    for (const entry of sums) {
      const answer = answerOf(entry, clients, 0);
      await expect(shamir.connect(entry.server).answerShareDispute(roundId, answer.sum, answer.clients))
        .to.emit(shamir, "ShareDisputeBatchAnswered")
        .withArgs(roundId, entry.server.address, CLIENT_COUNT);
    }
    expect((await shamir.shareDispute(roundId)).clientFault).to.equal(true);
    const cheater = clients.find((entry) => entry.client.address === fixture.clients[0].address)!;
    const honest = clients.find((entry) => entry.client.address === fixture.clients[1].address)!;
    return { ...fixture, roundId, shared: clients, cheater, honest };
  }

  it("names a client whose committed shares are off one polynomial and forfeits its stake: half to the prover, half to the servers that answered", async function () {
    const { coordinator, verifier, shamir, owner, stranger, servers, roundId, cheater, honest } = await loadFixture(clientFaultFixture);
    // The round fails unpaid (no aggregate); before the fix the cheater took its stake back right then, unpunished.
    await advanceAfterDeadline({ coordinator, stranger }, roundId);
    expect(await coordinator.phase(roundId)).to.equal(Phase.Failed);
    const until = await shamir.faultProofUntil(roundId);
    await expect(verifier.connect(cheater.client).withdrawStake(TASK_ID, CLIENT_STAKE))
      .to.be.revertedWithCustomError(verifier, "VerifierStakeLocked")
      .withArgs(TASK_ID, cheater.client.address, roundId);

    // An honest client cannot be framed: its shares lie on one polynomial at every leaf.
    await expect(shamir.connect(stranger).proveClientFault(roundId, honest.client.address, faultProof(honest, 0, [0, 1, 2, 3])))
      .to.be.revertedWithCustomError(shamir, "ShamirClientSharesConsistent")
      .withArgs(roundId, honest.client.address, 0);
    // Anyone proves the cheater's fault from the answers' calldata (the four servers' shares of leaf 0).
    const toProver = CLIENT_STAKE / 2n;
    const each = (CLIENT_STAKE - toProver) / BigInt(SERVER_COUNT);
    const transaction = shamir.connect(stranger).proveClientFault(roundId, cheater.client.address, faultProof(cheater, 0, [0, 1, 2, 3]));
    await expect(transaction)
      .to.emit(shamir, "ClientFaultProven")
      .withArgs(roundId, cheater.client.address, stranger.address, 0, CLIENT_STAKE, toProver, each * BigInt(SERVER_COUNT));
    await expect(transaction).to.changeEtherBalances([verifier, shamir], [-CLIENT_STAKE, CLIENT_STAKE]);
    console.log(`      proveClientFault with ${SERVER_COUNT} shares: ${(await (await transaction).wait())!.gasUsed} gas`);

    expect(await verifier.stakeOf(TASK_ID, cheater.client.address)).to.equal(0n);
    expect(await verifier.isAllowed(TASK_ID, cheater.client.address)).to.equal(false);
    expect(await shamir.isFaultyClient(roundId, cheater.client.address)).to.equal(true);
    expect(await shamir.creditOf(stranger.address)).to.equal(toProver);
    for (const server of servers) expect(await shamir.creditOf(server.address)).to.equal(each);
    await expect(shamir.connect(servers[0]).withdrawCredit()).to.changeEtherBalance(servers[0], each);
    await expect(shamir.connect(stranger).proveClientFault(roundId, cheater.client.address, faultProof(cheater, 0, [0, 1, 2, 3])))
      .to.be.revertedWithCustomError(shamir, "ShamirClientFaultAlreadyProven")
      .withArgs(roundId, cheater.client.address);

    // It cannot come back: off the allowlist, and without a stake.
    await coordinator.connect(owner).openRound(TASK_ID, MODEL_CID);
    await expect(coordinator.connect(cheater.client).join(await coordinator.roundCount()))
      .to.be.revertedWithCustomError(verifier, "VerifierNotAdmitted")
      .withArgs(TASK_ID, cheater.client.address, false, 0n, CLIENT_STAKE);
    // The honest client's stake comes back once no fault of the failed round can be proven any more.
    await time.increaseTo(until + 1n);
    await expect(shamir.connect(stranger).proveClientFault(roundId, honest.client.address, faultProof(honest, 0, [0, 1, 2, 3])))
      .to.be.revertedWithCustomError(shamir, "ShamirFaultProofPeriodOver")
      .withArgs(roundId, until);
    await expect(verifier.connect(honest.client).withdrawStake(TASK_ID, CLIENT_STAKE)).to.changeEtherBalance(honest.client, CLIENT_STAKE);
  });

  it("keeps a cheater's stake locked when it joins a later round that fails at once, until its fault can no longer be proven", async function () {
    const { coordinator, verifier, shamir, owner, stranger, roundId, cheater } = await loadFixture(clientFaultFixture);
    await advanceAfterDeadline({ coordinator, stranger }, roundId);
    const until = await shamir.faultProofUntil(roundId);
    // The escape the audit found: join the next round alone, let it fail at its join deadline (no share-sum, so no
    // fault period of its own), and withdraw before the proof lands. The stake now stays locked by the earlier round.
    await coordinator.connect(owner).openRound(TASK_ID, MODEL_CID);
    const next = await coordinator.roundCount();
    await coordinator.connect(cheater.client).join(next);
    await advanceAfterDeadline({ coordinator, stranger }, next);
    expect(await coordinator.phase(next)).to.equal(Phase.Failed);
    expect(await shamir.faultProofUntil(next)).to.equal(0n);
    expect(BigInt(await time.latest())).to.be.lessThan(until);
    await expect(verifier.connect(cheater.client).withdrawStake(TASK_ID, CLIENT_STAKE))
      .to.be.revertedWithCustomError(verifier, "VerifierStakeLocked")
      .withArgs(TASK_ID, cheater.client.address, next);
    await expect(shamir.connect(stranger).proveClientFault(roundId, cheater.client.address, faultProof(cheater, 0, [0, 1, 2, 3])))
      .to.emit(shamir, "ClientFaultProven")
      .withArgs(roundId, cheater.client.address, stranger.address, 0, CLIENT_STAKE, CLIENT_STAKE / 2n, CLIENT_STAKE / 2n);
  });

  it("takes a client-fault proof only after a dispute ended in one, and only of its leaf", async function () {
    const fixture = await loadFixture(deployFixture);
    const { shamir, opener, stranger, servers } = fixture;
    const { roundId, clients } = await aggregating(fixture, { server: 1, coordinate: 5 });
    const cheater = clients.find((entry) => entry.client.address === fixture.clients[0].address)!;
    // Before any dispute (a colluder knows its own shares): it would otherwise end the round's disputes and shield a
    // lying server.
    await expect(shamir.connect(stranger).proveClientFault(roundId, cheater.client.address, faultProof(cheater, 0, [0, 1, 2, 3])))
      .to.be.revertedWithCustomError(shamir, "ShamirNoClientFaultDispute")
      .withArgs(roundId);
    const sums = servers.map((server, index) => serverSum(server, index, clients));
    await post(fixture, roundId, sums);
    await shamir.connect(opener).openShareDispute(roundId, 0, sums.map((entry) => sumOpening(entry, 0)));
    // While the dispute is open (more than t answers already public), which would leave the answering servers unpaid.
    for (const entry of sums.slice(0, 3)) {
      const answer = answerOf(entry, clients, 0);
      await shamir.connect(entry.server).answerShareDispute(roundId, answer.sum, answer.clients);
    }
    await expect(shamir.connect(stranger).proveClientFault(roundId, cheater.client.address, faultProof(cheater, 0, [0, 1, 2])))
      .to.be.revertedWithCustomError(shamir, "ShamirNoClientFaultDispute")
      .withArgs(roundId);
    const last = answerOf(sums[3]!, clients, 0);
    await shamir.connect(sums[3]!.server).answerShareDispute(roundId, last.sum, last.clients);
    // At another leaf than the disputed one.
    await expect(shamir.connect(stranger).proveClientFault(roundId, cheater.client.address, faultProof(cheater, 1, [0, 1, 2, 3])))
      .to.be.revertedWithCustomError(shamir, "ShamirNotDisputedLeaf")
      .withArgs(roundId, 1, 0);
  });

  it("refuses a client-fault proof with t shares or fewer, out of server order, or with roots or leaves other than the committed ones", async function () {
    const { verifier, shamir, stranger, roundId, cheater, honest } = await loadFixture(clientFaultFixture);
    const address = cheater.client.address;
    await expect(shamir.connect(stranger).proveClientFault(roundId, address, faultProof(cheater, 0, [0, 1])))
      .to.be.revertedWithCustomError(shamir, "ShamirTooFewClientShares")
      .withArgs(2, THRESHOLD);
    await expect(shamir.connect(stranger).proveClientFault(roundId, address, faultProof(cheater, 0, [1, 0, 2])))
      .to.be.revertedWithCustomError(shamir, "ShamirSharesOutOfOrder")
      .withArgs(1, 0);
    const pastLast = faultProof(cheater, 0, [0, 1, 2]);
    pastLast.leaves[2] = { ...pastLast.leaves[2]!, serverIndex: SERVER_COUNT };
    await expect(shamir.connect(stranger).proveClientFault(roundId, address, pastLast))
      .to.be.revertedWithCustomError(shamir, "ShamirSharesOutOfOrder")
      .withArgs(2, SERVER_COUNT);
    // Another client's roots are not this client's commitment, nor is a root list of the wrong length.
    await expect(shamir.connect(stranger).proveClientFault(roundId, address, faultProof(honest, 0, [0, 1, 2]))).to.be.revertedWithCustomError(shamir, "ShamirOpeningMismatch");
    const short = faultProof(cheater, 0, [0, 1, 2]);
    await expect(shamir.connect(stranger).proveClientFault(roundId, address, { ...short, shareRoots: short.shareRoots.slice(0, 3) }))
      .to.be.revertedWithCustomError(shamir, "ShamirWrongShareRootCount")
      .withArgs(0, 3, SERVER_COUNT);
    // A leaf that does not open to the committed root.
    const forged = faultProof(cheater, 0, [0, 1, 2]);
    forged.leaves[2] = { ...forged.leaves[2]!, values: forged.leaves[0]!.values };
    await expect(shamir.connect(stranger).proveClientFault(roundId, address, forged)).to.be.revertedWithCustomError(shamir, "ShamirOpeningMismatch");
    // Only the verifier pays the Shamir contract, and only the Shamir contract takes a stake.
    await expect(stranger.sendTransaction({ to: await shamir.getAddress(), value: 1n }))
      .to.be.revertedWithCustomError(shamir, "ShamirNotVerifier")
      .withArgs(stranger.address);
    await expect(verifier.connect(stranger).forfeitStake(TASK_ID, address))
      .to.be.revertedWithCustomError(verifier, "VerifierNotShamir")
      .withArgs(stranger.address);
  });

  it("gives a second liar its own dispute after a silent liar held the first one past the dispute period", async function () {
    const fixture = await loadFixture(deployFixture);
    const { shamir, opener, stranger, servers } = fixture;
    const { roundId, clients } = await aggregating(fixture);
    // Server 2 lies in leaf 2 and never answers; server 3 lies in leaf 0 only.
    const sums = servers.map((server, index) => serverSum(server, index, clients, index === 2 ? 5 : 0));
    sums[3]!.sum[0] = (sums[3]!.sum[0]! + 1) % SHAMIR_PRIME;
    sums[3]!.tree = fieldVectorTree(sums[3]!.sum);
    await post(fixture, roundId, sums);
    // Opened just before the period ends, the first dispute waits a whole step for the silent liar, past the period.
    const [openUntil] = await shamir.disputeWindow(roundId);
    await time.increaseTo(openUntil - 10n);
    await shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, sums.map((entry) => sumOpening(entry, LIE_LEAF)));
    for (const entry of [sums[0]!, sums[1]!, sums[3]!]) {
      const answer = answerOf(entry, clients, LIE_LEAF);
      await shamir.connect(entry.server).answerShareDispute(roundId, answer.sum, answer.clients);
    }
    const [first] = await shamir.shareDispute(roundId);
    await time.increaseTo(first.deadline + 1n);
    const closing = shamir.connect(stranger).closeShareDispute(roundId);
    await expect(closing).to.emit(shamir, "ServerSlashed").withArgs(roundId, sums[2]!.server.address, SlashReason.NoAnswer, SERVER_BOND, SERVER_BOND / 2n);
    await expect(closing).to.emit(shamir, "DisputePeriodExtended");
    const [extendedUntil, releaseAt] = await shamir.disputeWindow(roundId);
    // One step from when the first dispute ended (its deadline), however late it was closed.
    expect(extendedUntil).to.equal(first.deadline + AGGREGATE_DURATION);
    expect(extendedUntil).to.be.greaterThan(openUntil);
    // The live servers' bonds stay locked for the new dispute.
    for (const index of [0, 1, 3]) expect((await shamir.bondOf(TASK_ID, servers[index]!.address)).lockedUntil).to.equal(releaseAt);

    // Before the fix this reverted ShamirDisputePeriodOver and server 3 kept its bond.
    const live = [sums[0]!, sums[1]!, sums[3]!];
    await shamir.connect(opener).openShareDispute(roundId, 0, live.map((entry) => sumOpening(entry, 0)));
    for (const entry of live) {
      const answer = answerOf(entry, clients, 0);
      await shamir.connect(entry.server).answerShareDispute(roundId, answer.sum, answer.clients);
    }
    expect(await shamir.isSlashed(roundId, sums[3]!.server.address)).to.equal(true);
    expect(await shamir.creditOf(opener.address)).to.equal(SERVER_BOND);
    // Only t share-sums are left: no further dispute can open, so the period is not extended again.
    expect((await shamir.disputeWindow(roundId))[0]).to.equal(extendedUntil);
  });

  describe("should revert", function () {
    it("on postShareSum without the task's bond, naming what the server holds and needs", async function () {
      const fixture = await loadFixture(deployFixture);
      const { shamir, servers } = fixture;
      const { roundId } = await aggregating(fixture);
      const { lockedUntil } = await shamir.bondOf(TASK_ID, servers[0].address);
      expect(lockedUntil).to.equal(0n);
      await shamir.connect(servers[0]).withdrawServerBond(TASK_ID, 1n);
      await expect(shamir.connect(servers[0]).postShareSum(roundId, "bafkreisum", ethers.id("x")))
        .to.be.revertedWithCustomError(shamir, "ShamirServerBondShort")
        .withArgs(TASK_ID, servers[0].address, SERVER_BOND - 1n, SERVER_BOND);
    });

    it("on setServerBond: by anyone but the owner, below the minimum, or while a round is in progress", async function () {
      const fixture = await loadFixture(deployFixture);
      const { shamir, owner, stranger } = fixture;
      await expect(shamir.connect(stranger).setServerBond(TASK_ID, SERVER_BOND)).to.be.revertedWithCustomError(shamir, "ShamirNotTaskOwner").withArgs(TASK_ID, stranger.address);
      await expect(shamir.connect(owner).setServerBond(TASK_ID, 1n))
        .to.be.revertedWithCustomError(shamir, "ShamirServerBondTooSmall")
        .withArgs(1n, await shamir.MIN_SERVER_BOND());
      const { roundId } = await aggregating(fixture);
      await expect(shamir.connect(owner).setServerBond(TASK_ID, SERVER_BOND * 2n)).to.be.revertedWithCustomError(shamir, "ShamirRoundInProgress").withArgs(TASK_ID, roundId);
    });

    it("on depositServerBond by an account that does not serve the task", async function () {
      const { shamir, stranger } = await loadFixture(deployFixture);
      await expect(shamir.connect(stranger).depositServerBond(TASK_ID, { value: SERVER_BOND }))
        .to.be.revertedWithCustomError(shamir, "ShamirNotServerOfTask")
        .withArgs(TASK_ID, stranger.address);
    });

    it("on withdrawServerBond while a posted share-sum can still be disputed", async function () {
      const { shamir, servers, roundId } = await loadFixture(lyingServerFixture);
      const { lockedUntil } = await shamir.bondOf(TASK_ID, servers[0].address);
      await expect(shamir.connect(servers[0]).withdrawServerBond(TASK_ID, SERVER_BOND))
        .to.be.revertedWithCustomError(shamir, "ShamirServerBondLocked")
        .withArgs(TASK_ID, servers[0].address, lockedUntil, 0n);
      const [openUntil, releaseAt] = await shamir.disputeWindow(roundId);
      // One step (the aggregate duration, above the 600 s floor) to open, one per 256 clients to answer.
      expect([openUntil, releaseAt]).to.deep.equal([lockedUntil - AGGREGATE_DURATION, lockedUntil]);
    });

    it("on openShareDispute with t or fewer share-sums, a missing or forged opening, or past the period", async function () {
      const fixture = await loadFixture(deployFixture);
      const { shamir, opener, servers } = fixture;
      const { roundId, clients } = await aggregating(fixture);
      const sums = servers.map((server, index) => serverSum(server, index, clients, index === 2 ? 5 : 0));
      await post(fixture, roundId, sums.slice(0, 3));
      await expect(shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, sums.slice(0, 2).map((entry) => sumOpening(entry, LIE_LEAF))))
        .to.be.revertedWithCustomError(shamir, "ShamirTooFewShareSums")
        .withArgs(roundId, 2, THRESHOLD);
      // Server 3 never posted, and the same share-sum cannot count twice.
      await expect(shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, [sums[0]!, sums[2]!, sums[3]!].map((entry) => sumOpening(entry, LIE_LEAF))))
        .to.be.revertedWithCustomError(shamir, "ShamirNotLiveShareSum")
        .withArgs(2, 3);
      await expect(shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, [sums[0]!, sums[2]!, sums[2]!].map((entry) => sumOpening(entry, LIE_LEAF))))
        .to.be.revertedWithCustomError(shamir, "ShamirNotLiveShareSum")
        .withArgs(2, 2);
      await post(fixture, roundId, sums.slice(3));
      const forged = sums.map((entry) => sumOpening(entry, LIE_LEAF));
      forged[1] = { ...forged[1]!, payloadHash: ethers.id("another payload") };
      await expect(shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, forged)).to.be.revertedWithCustomError(shamir, "ShamirOpeningMismatch");
      await expect(shamir.connect(opener).openShareDispute(roundId, 1_000, sums.map((entry) => sumOpening(entry, LIE_LEAF))))
        .to.be.revertedWithCustomError(shamir, "ShamirLeafOutOfRange")
        .withArgs(1_000, Math.ceil(MODEL_SIZE / 16));
      const [until] = await shamir.disputeWindow(roundId);
      await time.increaseTo(until + 1n);
      await expect(shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, sums.map((entry) => sumOpening(entry, LIE_LEAF))))
        .to.be.revertedWithCustomError(shamir, "ShamirDisputePeriodOver")
        .withArgs(roundId, until);
    });

    it("on answerShareDispute by a server not pending, or with a client opening that is not what the client committed", async function () {
      const { shamir, opener, stranger, roundId, shared, sums } = await loadFixture(lyingServerFixture);
      await shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, sums.map((entry) => sumOpening(entry, LIE_LEAF)));
      const answer = answerOf(sums[0]!, shared, LIE_LEAF);
      await expect(shamir.connect(stranger).answerShareDispute(roundId, answer.sum, answer.clients))
        .to.be.revertedWithCustomError(shamir, "ShamirNotPendingServer")
        .withArgs(roundId, stranger.address);
      // A server cannot excuse its sum with shares other than the ones its clients committed to.
      const forged = answerOf(sums[0]!, shared, LIE_LEAF);
      forged.clients[1] = { ...forged.clients[1]!, values: hexlify(shared[1]!.trees[1]!.leafValues(LIE_LEAF)) };
      await expect(shamir.connect(sums[0]!.server).answerShareDispute(roundId, forged.sum, forged.clients)).to.be.revertedWithCustomError(shamir, "ShamirOpeningMismatch");
      await expect(shamir.connect(sums[0]!.server).answerShareDispute(roundId, forged.sum, [...forged.clients, ...forged.clients.slice(0, 1)]))
        .to.be.revertedWithCustomError(shamir, "ShamirWrongClientCount")
        .withArgs(CLIENT_COUNT + 1, CLIENT_COUNT);
      // Its own leaf must be the one its commitment opens.
      const otherSum = { ...answer.sum, values: hexlify(sums[1]!.tree.leafValues(LIE_LEAF)) };
      await expect(shamir.connect(sums[0]!.server).answerShareDispute(roundId, otherSum, answer.clients)).to.be.revertedWithCustomError(shamir, "ShamirOpeningMismatch");
      await shamir.connect(sums[0]!.server).answerShareDispute(roundId, answer.sum, answer.clients);
      await expect(shamir.connect(sums[0]!.server).answerShareDispute(roundId, answer.sum, answer.clients))
        .to.be.revertedWithCustomError(shamir, "ShamirNotPendingServer")
        .withArgs(roundId, sums[0]!.server.address);
      await expect(shamir.connect(opener).openShareDispute(roundId, LIE_LEAF, sums.map((entry) => sumOpening(entry, LIE_LEAF))))
        .to.be.revertedWithCustomError(shamir, "ShamirDisputeAlreadyOpen")
        .withArgs(roundId);
    });
  });
});
