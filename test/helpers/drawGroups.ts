// The draw of a Mash round's groups as a keeper makes it: the round entered Grouping with `drawBlock` armed, so mine
// up to that block if nobody did yet, then advance in the next one, which draws the holder and the groups from
// blockhash(drawBlock). Also the hash the draw used, for tests that re-derive the grouping (mashGrouping).
import { ethers } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import type { FedmashCoordinator } from "../../typechain-types";
import { RoundDriverError } from "./roundDriverError";

/** Mines block `drawBlock` if it is not mined yet; the next transaction is then the first that can draw. */
export async function mineDrawBlock(coordinator: FedmashCoordinator, roundId: bigint): Promise<bigint> {
  const { drawBlock } = await coordinator.mashRound(roundId);
  if (drawBlock === 0n) throw new RoundDriverError("the round has no draw armed", `round ${roundId}`);
  const latest = BigInt(await ethers.provider.getBlockNumber());
  if (latest < drawBlock) await mine(drawBlock - latest);
  return drawBlock;
}

/** `keeper` advances the round once its draw block is mined: the transaction that draws the groups. */
export async function drawGroups(
  coordinator: FedmashCoordinator,
  roundId: bigint,
  keeper: HardhatEthersSigner,
): Promise<ContractTransactionResponse> {
  await mineDrawBlock(coordinator, roundId);
  return coordinator.connect(keeper).advance(roundId);
}

/** blockhash(drawBlock) of the round's current draw block, as the draw reads it. */
export async function drawHashOf(coordinator: FedmashCoordinator, roundId: bigint): Promise<string> {
  const { drawBlock } = await coordinator.mashRound(roundId);
  const block = await ethers.provider.getBlock(drawBlock);
  if (block?.hash == null) throw new RoundDriverError("the draw block is not mined", `round ${roundId}, block ${drawBlock}`);
  return block.hash;
}
