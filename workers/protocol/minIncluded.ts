// The floor on who is summed (issue 14): a secure round aggregates only when at least this many updates are
// in it, so nobody's update is unmasked in a sum of one or two. The task stores 0 for "the default".

export const MIN_INCLUDED_FLOOR = 3;

/** The task's minIncluded, with 0 read as the default max(3, minClients). */
export function effectiveMinIncluded(config: { minIncluded: bigint | number; minClients: bigint | number }): number {
  const stored = Number(config.minIncluded);
  return stored > 0 ? stored : Math.max(MIN_INCLUDED_FLOOR, Number(config.minClients));
}
