// The next global model: the current global weights plus the aggregated update. Returns a new vector.
import { UpdateLengthMismatchError } from "./errors";

export function applyDelta(global: Float32Array, delta: Float32Array): Float32Array {
  if (delta.length !== global.length) throw new UpdateLengthMismatchError(global.length, delta.length);
  const next = new Float32Array(global.length);
  for (let i = 0; i < global.length; i++) next[i] = global[i] + delta[i];
  return next;
}
