// A deterministic quantized update for the benches: a fixed LCG, values uniform in [-scale, scale] like the
// MASH paper's, so every implementation (and every bench) works on the same numbers.
export function quantizedVector(d: number, seed: number, scale: number): Int32Array {
  let state = seed >>> 0;
  const out = new Int32Array(d);
  for (let i = 0; i < d; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    out[i] = (state % (2 * scale + 1)) - scale;
  }
  return out;
}
