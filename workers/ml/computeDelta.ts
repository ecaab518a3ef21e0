// A client's model update: its locally trained weights minus the global weights it started from.
import { UpdateLengthMismatchError } from "./errors";

export function computeDelta(local: Float32Array, global: Float32Array): Float32Array {
  if (local.length !== global.length) throw new UpdateLengthMismatchError(global.length, local.length);
  const delta = new Float32Array(local.length);
  for (let i = 0; i < local.length; i++) delta[i] = local[i] - global[i];
  return delta;
}
