// Sends a transaction, waits for its receipt and appends its gas to a log under a function name, so that the round
// driver's callers (the gas benchmark, tests) can total or compare gas per function and per sender.
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { RoundDriverError } from "./roundDriverError";

export interface GasRecord {
  /** The function, with a qualifier where the same function costs differently ("commit (first)"). */
  name: string;
  /** The sender's address. */
  from: string;
  gasUsed: bigint;
  /** Calldata length in bytes. */
  calldataBytes: number;
  /** EIP-2028 calldata gas (16 per non-zero byte, 4 per zero byte), so that a reader can split execution off. */
  calldataGas: number;
}

function calldataGas(data: string): number {
  let gas = 0;
  for (let index = 2; index < data.length; index += 2) gas += data.slice(index, index + 2) === "00" ? 4 : 16;
  return gas;
}

export interface RecordGasParameters {
  /** Where the record goes; nothing is recorded when undefined. */
  log: GasRecord[] | undefined;
  name: string;
  transaction: Promise<ContractTransactionResponse>;
}

export async function recordGas({ log, name, transaction }: RecordGasParameters): Promise<ContractTransactionReceipt> {
  const sent = await transaction;
  const receipt = await sent.wait();
  if (receipt === null) throw new RoundDriverError(`${name} was not mined`, `transaction ${sent.hash}`);
  log?.push({ name, from: sent.from, gasUsed: receipt.gasUsed, calldataBytes: (sent.data.length - 2) / 2, calldataGas: calldataGas(sent.data) });
  return receipt;
}
