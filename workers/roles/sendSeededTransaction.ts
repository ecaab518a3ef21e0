// Sends a verifier transaction whose seed comes from the hash of an earlier block (postBatchSums, commit). The
// contract refuses it in that block itself (VerifierSeedNotReady); on an automining chain the next transaction is
// the next block, so this only happens on a chain that batches, and waiting for one more block fixes it.
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { ChainRevertError } from "../chain/errors";
import { sendTransaction } from "../chain/sendTransaction";
import { sleep } from "../retry";
import type { WorkerRuntime } from "./openWorkerRuntime";

export interface SendSeededTransactionParameters {
  action: string;
  send: () => Promise<ContractTransactionResponse>;
  /** How many times to wait for a block before giving up. */
  attempts?: number;
  waitMs?: number;
}

export async function sendSeededTransaction(runtime: WorkerRuntime, parameters: SendSeededTransactionParameters): Promise<ContractTransactionReceipt> {
  const attempts = parameters.attempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendTransaction(runtime.connection.signer, { action: parameters.action, send: parameters.send });
    } catch (error) {
      if (!(error instanceof ChainRevertError) || error.errorName !== "VerifierSeedNotReady" || attempt >= attempts) throw error;
      runtime.logger.debug("seed block not yet past; waiting for the next block", { action: parameters.action, attempt });
      await sleep(parameters.waitMs ?? 1_000);
    }
  }
}
