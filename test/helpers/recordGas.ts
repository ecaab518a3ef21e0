// Sends a transaction, waits for its receipt and appends its gas to a log under a function name, so that the round
// driver's callers (the gas benchmark, tests) can total or compare gas per function and per sender.
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { MashRoundDriverError } from "./mashRoundDriverError";

export interface GasRecord {
  /** The function, with a qualifier where the same function costs differently ("commit (first)"). */
  name: string;
  /** The sender's address. */
  from: string;
  gasUsed: bigint;
  /** Calldata length in bytes, so that a reader can split execution from calldata cost. */
  calldataBytes: number;
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
  if (receipt === null) throw new MashRoundDriverError(`${name} was not mined`, `transaction ${sent.hash}`);
  log?.push({ name, from: sent.from, gasUsed: receipt.gasUsed, calldataBytes: (sent.data.length - 2) / 2 });
  return receipt;
}
