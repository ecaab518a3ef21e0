// Test helper: a deterministic quantized update with values in [-10^4, 10^4], as clipping at 1 with scale 10^4
// gives, so that the worker and contract tests of sampled verification simulate the same kind of clients.

export function quantizedUpdate(length: number, client: number): Int32Array {
  const values = new Int32Array(length);
  let state = (client + 1) * 2654435761;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = (state % 20001) - 10000;
  }
  return values;
}
