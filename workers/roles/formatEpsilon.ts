// How ε is printed in progress lines and report.md: it spans orders of magnitude between settings (0.5 to 10^4),
// so three significant digits read well for all of them.
export function formatEpsilon(epsilon: number): string {
  return Number.isFinite(epsilon) ? Number(epsilon.toPrecision(3)).toString() : "∞";
}
