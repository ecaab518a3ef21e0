// The Rényi orders α the accountant evaluates: fractional ones near 1 for large ε / many rounds, every integer
// up to 64 for the usual regime, and a few large ones for tiny ε (large σ). Close to TF Privacy's and Opacus's grids.
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  1.25,
  1.5,
  1.75,
  ...Array.from({ length: 63 }, (_, i) => i + 2), // 2, 3, ..., 64
  128,
  256,
  512,
]);
