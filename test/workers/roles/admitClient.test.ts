// The client's admission on a real in-process chain: on an allowlist-only task a client the owner did not allow
// refuses the round (NotAdmittedError) without sending a join, and an allowed one joins; on a task that asks a
// stake, a client stakes the difference itself within --max-stake and joins, and one with --max-stake 0 refuses
// (StakeRequiredError) without a transaction. A join the coordinator refuses (VerifierNotAdmitted) is the same named
// error. The owner's side (applyAdmission) sets the policy and reports it; --withdraw-stake takes a stake back.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { parseEther } from "ethers";
import { joinRound } from "../../../workers/roles/joinRound";
import { NotAdmittedError, StakeLockedError, StakeRequiredError, notAdmittedFromRevert, withdrawClientStake } from "../../../workers/roles/admitClient";
import { applyAdmission } from "../../../workers/roles/runTask";
import { sendTransaction } from "../../../workers/chain/sendTransaction";
import type { WorkerRuntime } from "../../../workers/roles/openWorkerRuntime";
import type { FedmashCoordinator, FedmashVerifier } from "../../../typechain-types";
import { deployFedmash } from "../../helpers/deployFedmash";
import { encryptionKey } from "../../helpers/encryptionKey";
import { Mode, Role } from "../../helpers/enums";
import { taskConfig } from "../../helpers/taskConfig";
import { recordingLogger } from "../../helpers/recordingLogger";

const TASK_ID = 1n;
const ROUND_ID = 1n;
const STAKE = parseEther("0.01");

describe("admitClient and joinRound: a task's admission, from the client", function () {
  async function plainTaskFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator] = signers;
    const clients = signers.slice(3, 6);
    const { registry, coordinator, verifier } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`c${index}`).compressed);
    await coordinator.connect(owner).createTask(taskConfig({ mode: Mode.Plain, aggregator: aggregator.address, minClients: 1, maxClients: 3 }), "bafkreimodel");
    return { coordinator, verifier, owner, clients };
  }

  function runtimeOf(coordinator: FedmashCoordinator, verifier: FedmashVerifier, signer: HardhatEthersSigner) {
    const { logger, messages } = recordingLogger();
    const runtime = {
      coordinator: coordinator.connect(signer),
      verifier: verifier.connect(signer),
      connection: { provider: ethers.provider, signer, address: signer.address },
      logger,
    } as unknown as WorkerRuntime;
    return { runtime, messages };
  }

  const nonce = (signer: HardhatEthersSigner) => ethers.provider.getTransactionCount(signer.address);

  it("refuses an allowlist-only task that does not list the client, without a join transaction, and joins an allowed one", async function () {
    const { coordinator, verifier, owner, clients } = await loadFixture(plainTaskFixture);
    const [allowed, stranger] = clients as [HardhatEthersSigner, HardhatEthersSigner];
    const report = await applyAdmission(runtimeOf(coordinator, verifier, owner).runtime, TASK_ID, { allow: [allowed.address] });
    expect(report).to.deep.equal({ allowlistOnly: true, allowed: 1, clientStake: "0.0" });
    await coordinator.connect(owner).openRound(TASK_ID, "bafkreimodel");

    const refused = runtimeOf(coordinator, verifier, stranger);
    const before = await nonce(stranger);
    expect(await joinRound({ runtime: refused.runtime, taskId: TASK_ID, roundId: ROUND_ID, maxStake: parseEther("1") })).to.equal("refused");
    expect(await nonce(stranger)).to.equal(before);
    expect(await coordinator.hasJoined(ROUND_ID, stranger.address)).to.equal(false);
    expect(refused.messages).to.have.length(1);
    expect(refused.messages[0]).to.contain("NotAdmittedError").and.contain(`Task ${TASK_ID}`).and.contain(stranger.address).and.contain("--allow");

    const admitted = runtimeOf(coordinator, verifier, allowed);
    expect(await joinRound({ runtime: admitted.runtime, taskId: TASK_ID, roundId: ROUND_ID })).to.equal("joined");
    expect(await coordinator.hasJoined(ROUND_ID, allowed.address)).to.equal(true);
  });

  it("stakes the difference within --max-stake and joins; with --max-stake 0 refuses without a transaction", async function () {
    const { coordinator, verifier, owner, clients } = await loadFixture(plainTaskFixture);
    const [willing, unwilling] = clients as [HardhatEthersSigner, HardhatEthersSigner];
    expect(await applyAdmission(runtimeOf(coordinator, verifier, owner).runtime, TASK_ID, { allow: [], clientStake: STAKE })).to.deep.equal({
      allowlistOnly: false,
      allowed: 0,
      clientStake: "0.01",
    });
    await coordinator.connect(owner).openRound(TASK_ID, "bafkreimodel");

    const staking = runtimeOf(coordinator, verifier, willing);
    expect(await joinRound({ runtime: staking.runtime, taskId: TASK_ID, roundId: ROUND_ID, maxStake: parseEther("0.05") })).to.equal("joined");
    expect(await verifier.stakeOf(TASK_ID, willing.address)).to.equal(STAKE);
    expect(staking.messages).to.include("staked for the task");
    // The stake is locked while the client is in the open round: --withdraw-stake says so by name.
    const locked = await withdrawClientStake(staking.runtime, TASK_ID).catch((reason: unknown) => reason);
    expect(locked).to.be.instanceOf(StakeLockedError);
    expect((locked as StakeLockedError).shortMessage).to.contain(`round ${ROUND_ID}`);

    const refusing = runtimeOf(coordinator, verifier, unwilling);
    const before = await nonce(unwilling);
    expect(await joinRound({ runtime: refusing.runtime, taskId: TASK_ID, roundId: ROUND_ID })).to.equal("refused");
    expect(await nonce(unwilling)).to.equal(before);
    expect(refusing.messages[0]).to.contain("StakeRequiredError").and.contain("--max-stake 0.01");
    // A stake outside any round comes back whole, once; nothing more is then staked.
    await verifier.connect(unwilling).stake(TASK_ID, { value: STAKE });
    expect(await withdrawClientStake(refusing.runtime, TASK_ID)).to.equal(STAKE);
    expect(await withdrawClientStake(refusing.runtime, TASK_ID)).to.equal(0n);
  });

  it("turns a join the coordinator refuses (VerifierNotAdmitted) into the named error", async function () {
    const { coordinator, verifier, owner, clients } = await loadFixture(plainTaskFixture);
    const [client] = clients as [HardhatEthersSigner];
    await applyAdmission(runtimeOf(coordinator, verifier, owner).runtime, TASK_ID, { allow: [owner.address], clientStake: STAKE });
    await coordinator.connect(owner).openRound(TASK_ID, "bafkreimodel");
    const join = () => sendTransaction(client, { action: `join(round ${ROUND_ID})`, send: () => coordinator.connect(client).join(ROUND_ID), attempts: 1 }).catch((reason: unknown) => reason);
    // Neither allowed nor staked: the short stake is named first (the revert cannot tell an allowlist apart).
    const named = notAdmittedFromRevert(await join(), 0n);
    expect(named).to.be.instanceOf(StakeRequiredError);
    expect((named as StakeRequiredError).requiredStake).to.equal(STAKE);
    await verifier.connect(client).stake(TASK_ID, { value: STAKE });
    // Staked now, but not on the allowlist.
    expect(notAdmittedFromRevert(await join(), 0n)).to.be.instanceOf(NotAdmittedError);
    expect(notAdmittedFromRevert(new Error("unrelated"), 0n)).to.equal(undefined);
  });
});
