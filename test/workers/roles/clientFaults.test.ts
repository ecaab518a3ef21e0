// The Shamir dispute workers against the real contracts on the in-process chain: the servers' answerer
// (createShareDisputeAnswerer, answering from the shares it kept when it posted) and the aggregator's ticker
// (followShareDispute). A client that handed the last server a share off its polynomial (tamperLastShare) is convicted
// from the answers' calldata and forfeits its stake, half to the aggregator and half to the answering servers, once
// and only once; and a second liar behind a silent one is disputed and slashed from the ticker after the silent one's
// dispute ran out, in the window its slash extended, which the servers' answerer follows (it keeps the round's shares
// past the original release).
import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { formatEther, parseEther } from "ethers";
import { parseShamirLog } from "../../../workers/chain/watchCoordinatorEvents";
import { summarizeEvent } from "../../../workers/status/summarizeEvent";
import { fieldVectorRoot, shamirSubmissionCommitment, shareSumCommitment } from "../../../workers/crypto/commit/shamirCommitments";
import { addShares } from "../../../workers/crypto/shamir/addShares";
import { SHAMIR_PRIME } from "../../../workers/crypto/shamir/shamirField";
import { shareVector } from "../../../workers/crypto/shamir/shareVector";
import type { CommittedShareSum } from "../../../workers/protocol/shamir/shareDispute";
import { tamperLastShare } from "../../../workers/protocol/shamir/tamperShares";
import type { WorkerRuntime } from "../../../workers/roles/openWorkerRuntime";
import { receivedSharesPath, writeReceivedShares } from "../../../workers/roles/receivedSharesFile";
import { createCreditCollector, createShareDisputeAnswerer, followShareDispute, openedShareDisputes, openShareDisputeIfInconsistent } from "../../../workers/roles/shareDisputes";
import type { FedmashCoordinator, FedmashShamir, FedmashVerifier } from "../../../typechain-types";
import { deployFedmash } from "../../helpers/deployFedmash";
import { encryptionKey } from "../../helpers/encryptionKey";
import { Phase, Role } from "../../helpers/enums";
import { recordingLogger } from "../../helpers/recordingLogger";
import { advanceAfterDeadline } from "../../helpers/roundClock";
import { shamirTaskConfig } from "../../helpers/shamirTaskConfig";

const TASK_ID = 1n;
const MODEL_SIZE = 40; // three leaves
const CLIENT_COUNT = 4;
const THRESHOLD = 2;
const CLIENT_STAKE = parseEther("0.05");
const SERVER_BOND = parseEther("0.01");
const MODEL_CID = "bafkreimodel";

interface Contracts {
  coordinator: FedmashCoordinator;
  verifier: FedmashVerifier;
  shamir: FedmashShamir;
}

describe("client faults and follow-up share-sum disputes (workers on the chain)", function () {
  const stateDirs: string[] = [];
  after(() => stateDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function runtimeOf(contracts: Contracts, signer: HardhatEthersSigner, shamirAddress: string) {
    const { logger, messages } = recordingLogger();
    const stateDir = mkdtempSync(join(tmpdir(), "fedmash-client-faults-"));
    stateDirs.push(stateDir);
    const runtime = {
      config: { stateDir },
      coordinator: contracts.coordinator.connect(signer),
      verifier: contracts.verifier.connect(signer),
      shamir: contracts.shamir.connect(signer),
      addresses: { shamir: shamirAddress },
      connection: { provider: ethers.provider, signer, address: signer.address },
      logger,
    } as unknown as WorkerRuntime;
    return { runtime, messages };
  }

  async function deploy(serverCount: number) {
    const signers = await ethers.getSigners();
    const [owner, aggregator, stranger] = signers;
    const clients = signers.slice(4, 4 + CLIENT_COUNT);
    const servers = signers.slice(10, 10 + serverCount);
    const { registry, coordinator, verifier, shamir } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    for (const [index, server] of servers.entries()) await registry.connect(server).register(Role.Server, encryptionKey(`server${index}`).compressed);
    await coordinator.connect(owner).createShamirTask(
      shamirTaskConfig(aggregator.address, { modelSize: MODEL_SIZE, maxClients: CLIENT_COUNT, joinDuration: 100n, submitDuration: 1_000n, aggregateDuration: 600n }),
      MODEL_CID,
      servers.map((server) => server.address),
      THRESHOLD,
    );
    await verifier.connect(owner).setTerms(TASK_ID, { aggregatorBond: parseEther("1"), clientReward: parseEther("0.01"), aggregatorReward: parseEther("0.05"), challengeDuration: 60n });
    await verifier.connect(owner).fundTask(TASK_ID, { value: parseEther("1") });
    await verifier.connect(owner).setAdmission(TASK_ID, { allowlistOnly: true, clientStake: CLIENT_STAKE });
    await verifier.connect(owner).setAllowed(TASK_ID, clients.map((client) => client.address), true);
    for (const client of clients) await verifier.connect(client).stake(TASK_ID, { value: CLIENT_STAKE });
    for (const server of servers) await shamir.connect(server).depositServerBond(TASK_ID, { value: SERVER_BOND });
    const contracts = { coordinator, verifier, shamir };
    const shamirAddress = await shamir.getAddress();
    return { ...contracts, owner, aggregator, stranger, clients, servers, shamirAddress };
  }

  type Deployment = Awaited<ReturnType<typeof deploy>>;

  /**
   * A round in Aggregation: every client submitted real share commitments (client 0's through `tamper`), and each
   * server kept its shares and posted its sum, plus `lies[j]` at coordinate `lieAt[j]`. Returns each server's runtime
   * with its kept shares, and the sums as the aggregator fetched them.
   */
  async function postedRound(deployment: Deployment, options: { tamper?: (shares: Uint32Array[]) => Uint32Array[]; lies?: Record<number, number> } = {}) {
    const { coordinator, owner, clients, servers, shamir } = deployment;
    await coordinator.connect(owner).openRound(TASK_ID, MODEL_CID);
    const roundId = await coordinator.roundCount();
    for (const client of clients) await coordinator.connect(client).join(roundId);
    const shared = clients.map((client, c) => {
      const update = Int32Array.from({ length: MODEL_SIZE }, (_, i) => ((i * 7 + c * 13) % 201) - 100);
      const plain = shareVector(update, { servers: servers.length, threshold: THRESHOLD });
      const shares = c === 0 && options.tamper ? options.tamper(plain) : plain;
      const manifestHash = ethers.id(`manifest ${client.address}`);
      const shareRoots = shares.map((share) => fieldVectorRoot(share));
      return { client, manifestHash, shareRoots, shares };
    });
    for (const entry of shared) {
      await coordinator.connect(entry.client).submitUpdate(roundId, `bafkreimanifest${entry.client.address.slice(2, 8)}`, shamirSubmissionCommitment(entry.manifestHash, entry.shareRoots), 600, 0);
    }
    if ((await coordinator.phase(roundId)) !== BigInt(Phase.Aggregation)) await advanceAfterDeadline(deployment, roundId);
    const included = await coordinator.includedClients(roundId);
    const ordered = included.map((address) => shared.find((entry) => entry.client.address === address)!);
    const sums: CommittedShareSum[] = [];
    const serverRuntimes = servers.map((server, j) => {
      const sum = new Uint32Array(MODEL_SIZE);
      for (const entry of ordered) addShares(sum, entry.shares[j]!);
      const lie = options.lies?.[j];
      if (lie !== undefined) sum[lie] = (sum[lie]! + 1) % SHAMIR_PRIME;
      const payloadHash = ethers.id(`share-sum ${j} round ${roundId}`);
      const worker = runtimeOf(deployment, server, deployment.shamirAddress);
      writeReceivedShares(receivedSharesPath(worker.runtime.config.stateDir, roundId), MODEL_SIZE, {
        payloadHash,
        shareSum: sum,
        shares: ordered.map((entry) => ({ client: entry.client.address, manifestHash: entry.manifestHash, shareRoots: entry.shareRoots, share: entry.shares[j]! })),
      });
      sums.push({ serverIndex: j, payloadHash, values: sum });
      return { ...worker, answerer: createShareDisputeAnswerer({ runtime: worker.runtime, serverPrivateKey: new Uint8Array(32), batchClients: 3 }) };
    });
    for (const [j, server] of servers.entries()) await shamir.connect(server).postShareSum(roundId, `bafkreisum${j}`, shareSumCommitment(sums[j]!.payloadHash, sums[j]!.values));
    return { roundId, sums, serverRuntimes, included };
  }

  async function inconsistentClientFixture() {
    const deployment = await deploy(3);
    const round = await postedRound(deployment, { tamper: tamperLastShare });
    return { ...deployment, ...round };
  }

  it("convicts the client with inconsistent shares from the answers' calldata: its stake goes half to the aggregator, half to the servers, once", async function () {
    const { shamir, verifier, coordinator, aggregator, servers, clients, roundId, sums, serverRuntimes } = await loadFixture(inconsistentClientFixture);
    const prover = runtimeOf({ coordinator, verifier, shamir }, aggregator, await shamir.getAddress());
    const serverAddresses = servers.map((server) => server.address);
    const follow = { runtime: prover.runtime, roundId, threshold: THRESHOLD, sums, servers: serverAddresses };

    // The share-sums disagree at leaf 0 (client 0's share for server 2): the aggregator opens the dispute.
    const opened = await openShareDisputeIfInconsistent({ ...follow, deadline: 0, logger: prover.runtime.logger, pollMs: 10 });
    expect(opened).to.deep.include({ leafIndex: 0, clientFault: false });
    // Nothing to prove while the servers have not answered.
    expect(await followShareDispute(follow)).to.equal("waiting");

    // Every server answers from what it kept (4 clients in batches of 3: two transactions each); the last answer closes
    // the dispute with nobody slashed: a client fault.
    for (const server of serverRuntimes) await server.answerer.tick([{ roundId, taskId: TASK_ID }]);
    const [dispute, clientFault] = await shamir.shareDispute(roundId);
    expect([dispute.open, Number(dispute.slashed), Number(dispute.answered), clientFault]).to.deep.equal([false, 0, 0b111, true]);

    const faulty = clients[0]!;
    const stakeBefore = await verifier.stakeOf(TASK_ID, faulty.address);
    expect(stakeBefore).to.equal(CLIENT_STAKE);
    expect(await followShareDispute(follow)).to.equal("done");

    const [proven] = await shamir.queryFilter(shamir.filters.ClientFaultProven(roundId));
    const toServers = ((CLIENT_STAKE - CLIENT_STAKE / 2n) / 3n) * 3n;
    const { client, prover: proverAddress, leafIndex, stake, toProver } = proven!.args;
    expect({ client, prover: proverAddress, leafIndex, stake, toProver, toServers: proven!.args.toServers }).to.deep.equal({
      client: faulty.address,
      prover: aggregator.address,
      leafIndex: 0n,
      stake: CLIENT_STAKE,
      toProver: CLIENT_STAKE / 2n,
      toServers,
    });
    expect(await shamir.isFaultyClient(roundId, faulty.address)).to.equal(true);
    for (const honest of clients.slice(1)) {
      expect(await shamir.isFaultyClient(roundId, honest.address)).to.equal(false);
      expect(await verifier.stakeOf(TASK_ID, honest.address)).to.equal(CLIENT_STAKE);
    }
    expect(await verifier.stakeOf(TASK_ID, faulty.address)).to.equal(0n);
    expect(await shamir.creditOf(aggregator.address)).to.equal(CLIENT_STAKE / 2n);
    for (const server of servers) expect(await shamir.creditOf(server.address)).to.equal(toServers / 3n);
    expect(prover.messages).to.include("client fault proven: its shares of the disputed leaf are off one polynomial; its stake is forfeited");
    // What `fedmash status` and the explorer list for the round, decoded by the workers' own log parser.
    const lines = (await ethers.provider.getLogs({ address: await shamir.getAddress(), fromBlock: 0 }))
      .map((log) => parseShamirLog(shamir.interface, log))
      .filter((event) => event !== undefined && "roundId" in event && event.roundId === roundId)
      .map((event) => summarizeEvent(event!));
    const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;
    expect(lines.filter((line) => line.includes("disputed leaf 0 of the share-sums"))).to.have.length(1);
    expect(lines.filter((line) => line.endsWith("answered the share-sum dispute: consistent with what its clients committed"))).to.have.length(3);
    expect(lines).to.include("share-sum dispute of leaf 0 closed: every server consistent, so a client's shares are not (client fault)");
    expect(lines).to.include(
      `${short(aggregator.address)} proved ${short(faulty.address)}'s shares of leaf 0 off one polynomial: its stake of ${formatEther(CLIENT_STAKE)} ETH forfeited (${formatEther(CLIENT_STAKE / 2n)} ETH to the prover, ${formatEther(toServers)} ETH to the servers)`,
    );

    // Idempotent: a second pass sends nothing.
    const nonce = await ethers.provider.getTransactionCount(aggregator.address);
    expect(await followShareDispute(follow)).to.equal("done");
    expect(await ethers.provider.getTransactionCount(aggregator.address)).to.equal(nonce);

    // The workers' tickers collect their credit: the aggregator's half reaches its account, once.
    const collect = createCreditCollector(prover.runtime, 0);
    const balance = await ethers.provider.getBalance(aggregator.address);
    await collect();
    expect(await shamir.creditOf(aggregator.address)).to.equal(0n);
    const gained = (await ethers.provider.getBalance(aggregator.address)) - balance;
    expect(gained > CLIENT_STAKE / 2n - parseEther("0.001") && gained < CLIENT_STAKE / 2n).to.equal(true, `gained ${gained} wei`);
    const afterCollect = await ethers.provider.getTransactionCount(aggregator.address);
    await collect();
    expect(await ethers.provider.getTransactionCount(aggregator.address)).to.equal(afterCollect);
  });

  it("after a restart, finds the disputes its account opened on the chain and still proves the client fault", async function () {
    const { shamir, verifier, coordinator, aggregator, servers, clients, roundId, sums, serverRuntimes } = await loadFixture(inconsistentClientFixture);
    const first = runtimeOf({ coordinator, verifier, shamir }, aggregator, await shamir.getAddress());
    await openShareDisputeIfInconsistent({ runtime: first.runtime, roundId, threshold: THRESHOLD, sums, servers: servers.map((server) => server.address), deadline: 0, logger: first.runtime.logger, pollMs: 10 });
    for (const server of serverRuntimes) await server.answerer.tick([{ roundId, taskId: TASK_ID }]);
    // A new process of the same account: nothing in memory, only the chain.
    const restarted = runtimeOf({ coordinator, verifier, shamir }, aggregator, await shamir.getAddress());
    const resumed = await openedShareDisputes(restarted.runtime);
    expect(resumed.map(({ roundId: round, threshold, servers: list }) => ({ round, threshold, list }))).to.deep.equal([{ round: roundId, threshold: THRESHOLD, list: servers.map((server) => server.address) }]);
    expect(await followShareDispute({ runtime: restarted.runtime, ...resumed[0]! })).to.equal("done");
    expect(await shamir.isFaultyClient(roundId, clients[0]!.address)).to.equal(true);
  });

  /** `serverCount` servers, client 0's bad share at the last one; the aggregator opened the dispute at leaf 0 and every
   * server but server 0 (the slow one) answered it. */
  async function slowServerZero(serverCount: number) {
    const deployment = await deploy(serverCount);
    const { shamir, verifier, coordinator, aggregator, servers } = deployment;
    const { roundId, sums, serverRuntimes } = await postedRound(deployment, { tamper: tamperLastShare });
    const prover = runtimeOf({ coordinator, verifier, shamir }, aggregator, await shamir.getAddress());
    const follow = { runtime: prover.runtime, roundId, threshold: THRESHOLD, sums, servers: servers.map((server) => server.address), logger: prover.runtime.logger, pollMs: 10 };
    await openShareDisputeIfInconsistent({ ...follow, deadline: 0 });
    for (const server of serverRuntimes.slice(1)) await server.answerer.tick([{ roundId, taskId: TASK_ID }]);
    return { follow, roundId, serverRuntimes };
  }

  it("waits for a slow honest server rather than leave it out while the share-sums left still disagree (a client's bad share)", async function () {
    // Servers 1, 2 and 3 answered (consistently: they summed what their clients committed); server 0 is slow. Leaving
    // it out would keep server 3, which holds client 0's bad share, among three share-sums that cannot outvote it.
    const { follow, roundId, serverRuntimes } = await slowServerZero(4);
    let settled = false;
    const outcome = openShareDisputeIfInconsistent({ ...follow, deadline: Number.MAX_SAFE_INTEGER }).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled, "returned before the slow server answered").to.equal(false);
    await serverRuntimes[0]!.answerer.tick([{ roundId, taskId: TASK_ID }]);
    expect(await outcome).to.deep.equal({ leafIndex: 0, excluded: [], clientFault: true });
  });

  it("does not wait for a slow server when the share-sums left outvote the bad one anyway (t + 2e of them)", async function () {
    // Servers 1 to 4 answered; server 4 holds the bad share, and 4 = t + 2 share-sums locate it: no reason to wait for 0.
    const { follow } = await slowServerZero(5);
    expect(await openShareDisputeIfInconsistent({ ...follow, deadline: Number.MAX_SAFE_INTEGER })).to.deep.equal({ leafIndex: 0, excluded: [0], clientFault: false });
  });

  async function twoLiarsFixture() {
    const deployment = await deploy(4);
    // Server 3 lies at leaf 0 and will stay silent; server 2 lies at leaf 1 only (coordinate 20), consistent at leaf 0.
    const round = await postedRound(deployment, { lies: { 3: 0, 2: 20 } });
    return { ...deployment, ...round };
  }

  it("disputes a second liar from the ticker after a silent liar's dispute ran out past the first window, and slashes it", async function () {
    const { shamir, verifier, coordinator, aggregator, stranger, servers, roundId, sums, serverRuntimes } = await loadFixture(twoLiarsFixture);
    const prover = runtimeOf({ coordinator, verifier, shamir }, aggregator, await shamir.getAddress());
    const follow = { runtime: prover.runtime, roundId, threshold: THRESHOLD, sums, servers: servers.map((server) => server.address) };
    // Open the first dispute as late as the window allows, so that it outlives it.
    const [openUntil] = await shamir.disputeWindow(roundId);
    await time.increaseTo(openUntil - 5n);
    expect(await openShareDisputeIfInconsistent({ ...follow, deadline: 0, logger: prover.runtime.logger, pollMs: 10 })).to.deep.include({ leafIndex: 0 });
    for (const server of serverRuntimes.slice(0, 3)) await server.answerer.tick([{ roundId, taskId: TASK_ID }]);
    const [first] = await shamir.shareDispute(roundId);
    expect([first.open, Number(first.pending)]).to.deep.equal([true, 0b1000]);

    // Past its deadline anyone closes it (server 3 slashed, NoAnswer), which extends the window. The servers' answerer
    // reads the window live: past the original release it still keeps the round and its shares for the next dispute.
    const [, releaseAt] = await shamir.disputeWindow(roundId);
    await time.increaseTo(first.deadline + 1n);
    await shamir.connect(stranger).closeShareDispute(roundId);
    expect(await shamir.isSlashed(roundId, servers[3]!.address)).to.equal(true);
    const [extendedUntil, extendedRelease] = await shamir.disputeWindow(roundId);
    expect(extendedUntil).to.be.greaterThan(openUntil);
    await time.increaseTo(releaseAt + 10n);
    expect(releaseAt + 10n).to.be.below(extendedUntil);
    for (const server of serverRuntimes.slice(0, 3)) {
      expect(await server.answerer.tick([{ roundId, taskId: TASK_ID }])).to.have.length(1);
      expect(existsSync(receivedSharesPath(server.runtime.config.stateDir, roundId))).to.equal(true);
    }
    expect(extendedRelease).to.be.greaterThan(releaseAt);
    // The aggregator's ticker finds the live share-sums still disagree (server 2, leaf 1) and disputes again.
    expect(await followShareDispute(follow)).to.equal("waiting");
    const [second] = await shamir.shareDispute(roundId);
    expect([second.open, Number(second.leafIndex), Number(second.pending)]).to.deep.equal([true, 1, 0b0111]);

    // The live servers answer again (the answerer reads the extended window); server 2's own answer slashes it.
    for (const server of serverRuntimes.slice(0, 3)) await server.answerer.tick([{ roundId, taskId: TASK_ID }]);
    expect(await shamir.isSlashed(roundId, servers[2]!.address)).to.equal(true);
    expect(await shamir.isSlashed(roundId, servers[0]!.address)).to.equal(false);
    // Two live share-sums are left, t of them: nothing more to dispute.
    expect(await followShareDispute(follow)).to.equal("done");
    expect(await shamir.creditOf(aggregator.address)).to.equal(SERVER_BOND);
  });
});
