// A MASH client's update for one round, trained once and then read back: the quantized vector (quantizedUpdateFile)
// and its sample count, loss and training time beside it. A retry or a restart must mask the very same vector under
// the round's seed: masking a second, different one would publish B·(g − g′) (docs/MASKING.md), and the commitment
// in Verification must be to what was masked.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { quantizedUpdatePath, readQuantizedUpdate, writeQuantizedUpdate } from "./quantizedUpdateFile";
import { readStateFile, writeStateFile } from "./stateFile";

export interface PreparedUpdate {
  quantized: Int32Array;
  numSamples: number;
  loss: number;
  trainMs: number;
}

/** The round's prepared update from `stateDir`, or `prepare()`'s, written there (vector first) before it is returned. */
export async function loadOrPrepareUpdate(stateDir: string, roundId: bigint, coordinates: number, prepare: () => Promise<PreparedUpdate>): Promise<PreparedUpdate> {
  const quantizedFile = quantizedUpdatePath(stateDir, roundId);
  const metaFile = join(stateDir, `update-round-${roundId}.json`);
  const meta = readStateFile<Omit<PreparedUpdate, "quantized"> | undefined>(metaFile, undefined);
  if (meta && existsSync(quantizedFile)) return { ...meta, quantized: readQuantizedUpdate(quantizedFile, coordinates) };
  const prepared = await prepare();
  writeQuantizedUpdate(quantizedFile, prepared.quantized);
  writeStateFile(metaFile, { numSamples: prepared.numSamples, loss: prepared.loss, trainMs: prepared.trainMs });
  return prepared;
}
