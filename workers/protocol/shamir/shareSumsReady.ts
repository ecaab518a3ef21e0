// When the Shamir aggregator stops waiting for share-sums: at once when every server posted; with at least the
// threshold once the grace period after Aggregation opened has passed (a dropped server must not stall the round,
// but a slow one should still count, since extra share-sums are what makes a lying server visible); never with
// fewer than the threshold, which at the Aggregation deadline means the round fails as ServersMissing.
export interface ShareSumsReadyParameters {
  /** Share-sums posted so far. */
  posted: number;
  /** n, the task's servers. */
  servers: number;
  /** t, the task's threshold. */
  threshold: number;
  /** Now, in seconds (the chain's clock). */
  now: number;
  /** When the grace period ends, in seconds. */
  graceUntil: number;
  /** The Aggregation deadline, in seconds: posting after it is refused. */
  deadline: number;
}

export type ShareSumsReadyReturnType =
  | { status: "ready"; reason: "all-posted" | "grace-passed" }
  | { status: "waiting"; missing: number }
  | { status: "too-few"; posted: number; threshold: number };

export function shareSumsReady(parameters: ShareSumsReadyParameters): ShareSumsReadyReturnType {
  const { posted, servers, threshold, now, graceUntil, deadline } = parameters;
  if (posted >= servers) return { status: "ready", reason: "all-posted" };
  if (posted >= threshold && now >= Math.min(graceUntil, deadline)) return { status: "ready", reason: "grace-passed" };
  if (now >= deadline) return { status: "too-few", posted, threshold };
  return { status: "waiting", missing: servers - posted };
}
