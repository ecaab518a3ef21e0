// Event assertions shared by the coordinator tests: the exact sequence of events a transaction emitted, and the
// full signature of a round failure.
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import type { FedmashCoordinator } from "../../typechain-types";
import { Phase, type FailureReason } from "./enums";

export async function eventNames(
  coordinator: FedmashCoordinator,
  transaction: ContractTransactionResponse,
): Promise<string[]> {
  const receipt = await transaction.wait();
  // Only the coordinator's own events: a Mash round's transitions may also make its verifier emit.
  const address = await coordinator.getAddress();
  return (receipt?.logs ?? [])
    .filter((log) => log.address === address)
    .map((log) => coordinator.interface.parseLog(log)?.name ?? "unknown");
}

/**
 * Asserts that `transaction` failed the round from `previous` for `reason` with exactly PhaseChanged then
 * RoundFailed, and left the task on the model the round started from.
 */
export async function expectRoundFailed(
  { coordinator }: { coordinator: FedmashCoordinator },
  transaction: ContractTransactionResponse,
  roundId: bigint,
  previous: Phase,
  reason: FailureReason,
): Promise<void> {
  const failed = await coordinator.round(roundId);
  await expect(transaction).to.emit(coordinator, "PhaseChanged").withArgs(roundId, previous, Phase.Failed, 0);
  await expect(transaction).to.emit(coordinator, "RoundFailed").withArgs(failed.taskId, roundId, reason);
  expect(await eventNames(coordinator, transaction)).to.deep.equal(["PhaseChanged", "RoundFailed"]);
  expect(failed.phase).to.equal(Phase.Failed);
  expect(failed.failureReason).to.equal(reason);
  expect(failed.deadline).to.equal(0);
  expect(failed.newModelCid).to.equal("");
  expect((await coordinator.task(failed.taskId)).currentModelCid).to.equal(failed.modelCid);
}
