// Block-time helpers for coordinator tests: reach a round's deadline, advance past it, and pin the next block's
// timestamp so that a deadline set by the next transaction is known exactly.
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import type { FedmashCoordinator } from "../../typechain-types";

export async function deadlineOf(
  { coordinator }: { coordinator: FedmashCoordinator },
  roundId: bigint,
): Promise<bigint> {
  return (await coordinator.round(roundId)).deadline;
}

/**
 * Mines up to the deadline, so that the next transaction lands one second after it (pinned: the chain allows
 * blocks with the same timestamp, so it would otherwise land on the deadline itself).
 */
export async function reachDeadline(fixture: { coordinator: FedmashCoordinator }, roundId: bigint): Promise<bigint> {
  const deadline = await deadlineOf(fixture, roundId);
  await time.increaseTo(deadline);
  await time.setNextBlockTimestamp(deadline + 1n);
  return deadline;
}

/** A stranger advances the round one second after its deadline. */
export async function advanceAfterDeadline(
  fixture: { coordinator: FedmashCoordinator; stranger: HardhatEthersSigner },
  roundId: bigint,
): Promise<ContractTransactionResponse> {
  await reachDeadline(fixture, roundId);
  return fixture.coordinator.connect(fixture.stranger).advance(roundId);
}

/** Pins the next block's timestamp, so that a deadline set by the next transaction is known exactly. */
export async function pinNextTimestamp(offset = 10n): Promise<bigint> {
  const timestamp = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(timestamp);
  return timestamp;
}

/** Any deadline: the exact value is asserted where the test pins the block time. */
export function anyDeadline(): (value: unknown) => boolean {
  return (value) => typeof value === "bigint" && value > 0n;
}
