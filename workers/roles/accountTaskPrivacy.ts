// The privacy ledger of a task, read from the chain: every round of the task in which someone could see a sum of
// updates is one release, with the included count the contract fixed (never the aggregator's own metadata, which it
// writes as it likes), so a restarted or resumed owner (`fedmash owner --task T`) accounts every release the task
// ever made. A release does not need a published aggregate: what matters is what could be decoded.
// - mash: the holder can unmask every complete group (sum posted, every member submitted) on its own, whatever
//   happens after (HolderMissing, TooFewIncluded, AggregatorMissing); the aggregator can decode the total once
//   the holder submitted, posted or not.
// - shamir: whoever holds t share-sums can reconstruct: a round that published an aggregate, or one that failed
//   AggregatorMissing (Aggregation ended with at least t share-sums but no aggregate).
// - plain: every submitted update is public on its own.
//
// Which count, per mode:
// - mash: coordinator.includedClients(round) (the members of the included groups, the set GroupsIncluded fixed)
//   plus the holder when it submitted. The holder also sees more than the total: it holds the Paillier key of the
//   round, so it can decrypt each included group's seed sum on its own and unmask that group's sum of updates (≥ 3
//   of them). A client's update is then released to the holder in a sum carrying only its group's noise, so the
//   release accounted is the one with the smallest included group's size (the worst view, docs/PRIVACY.md). With
//   local noise nothing changes: z = σ whoever looks.
// - shamir: coordinator.includedClients(round), the submitted set frozen when Aggregation opened.
// - plain: the count does not enter z (each update is released on its own); the submitted count is recorded.
//
// Composition: RDP adds per order over the releases, each at its own z, then one conversion to (ε, δ).
import { ZeroAddress } from "ethers";
import { FailureReason, Mode } from "../protocol/enums";
import { computeRdp } from "../ml/dp/computeRdp";
import { effectiveNoiseMultiplier, type DpAggregationMode } from "../ml/dp/effectiveNoiseMultiplier";
import type { DpSettings } from "../ml/dp/parseDpSettings";
import { DEFAULT_RDP_ORDERS } from "../ml/dp/rdpOrders";
import { rdpToEpsilon } from "../ml/dp/rdpToEpsilon";
import { retry } from "../retry";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** The coordinator reads the ledger needs (the typechain contract satisfies it; tests pass a stub). */
export interface ReleaseChain {
  round(roundId: bigint): Promise<{
    index: bigint | number;
    mode: bigint | number;
    aggregateCid: string;
    submittedCount: bigint | number;
    failureReason: bigint | number;
  }>;
  includedClients(roundId: bigint): Promise<readonly string[]>;
  mashRound(roundId: bigint): Promise<{ holder: string; groupCount: bigint | number }>;
  group(roundId: bigint, groupIndex: number): Promise<{
    members: readonly string[];
    sumPosted: boolean;
    submittedCount: bigint | number;
  }>;
  submission(roundId: bigint, client: string): Promise<{ submitted: boolean }>;
}

export interface ReleaseContext {
  dp: DpSettings;
  /** N, the clients the distributed noise was split over (the clients' expectedClients). */
  expectedClients: number;
  modelSize: number;
  /** The task's quantization scale S (mash, shamir). */
  scale?: number;
}

export interface PrivacyRelease {
  roundId: string;
  round: number;
  mode: DpAggregationMode;
  /** Updates in the decodable sum, from the chain (mash: the included members plus the holder when it submitted). */
  includedClients: number;
  /** MASH: the size of the smallest complete group, whose sum the holder can unmask. */
  smallestGroup?: number;
  /** Whether the round published an aggregate; false for a sum that could be decoded but was never posted. */
  published: boolean;
  /**
   * z of the total, against the aggregator and anyone reading the store; Infinity when no total could be decoded
   * (a MASH round whose holder never submitted: only the holder's view of group sums was released).
   */
  aggregatorNoiseMultiplier: number;
  /** z the accountant uses: the worst view of the round (the holder's smallest group sum in mash). */
  noiseMultiplier: number;
}

const MODE_NAMES: Record<number, DpAggregationMode> = { [Mode.Plain]: "plain", [Mode.Mash]: "mash", [Mode.Shamir]: "shamir" };

/** The round's release, or undefined when nobody could decode any sum of updates (nothing was released). */
export async function readRoundRelease(chain: ReleaseChain, roundId: bigint, context: ReleaseContext): Promise<PrivacyRelease | undefined> {
  const view = await retry(() => chain.round(roundId));
  const mode = MODE_NAMES[Number(view.mode)];
  if (mode === undefined) throw new RangeError(`Round ${roundId} has an unknown mode ${view.mode}.`);
  const published = view.aggregateCid !== "";
  const z = (included: number): number =>
    effectiveNoiseMultiplier({ settings: context.dp, mode, clients: context.expectedClients, modelSize: context.modelSize, scale: context.scale, includedClients: Math.max(1, included) });
  const release = (includedClients: number, aggregatorNoiseMultiplier: number, smallestGroup?: number): PrivacyRelease => ({
    roundId: roundId.toString(),
    round: Number(view.index),
    mode,
    includedClients,
    ...(smallestGroup !== undefined ? { smallestGroup } : {}),
    published,
    aggregatorNoiseMultiplier,
    noiseMultiplier: smallestGroup === undefined ? aggregatorNoiseMultiplier : Math.min(aggregatorNoiseMultiplier, z(smallestGroup)),
  });

  if (mode === "plain") {
    const submitted = Number(view.submittedCount);
    return submitted > 0 ? release(submitted, z(submitted)) : undefined;
  }
  if (mode === "shamir") {
    const reconstructible = published || Number(view.failureReason) === FailureReason.AggregatorMissing;
    if (!reconstructible) return undefined;
    const included = (await retry(() => chain.includedClients(roundId))).length;
    return release(included, z(included));
  }
  const mash = await retry(() => chain.mashRound(roundId));
  const groups = await Promise.all(Array.from({ length: Number(mash.groupCount) }, (_, index) => retry(() => chain.group(roundId, index))));
  const complete = groups.filter((g) => g.sumPosted && Number(g.submittedCount) === g.members.length).map((g) => g.members.length);
  const smallestGroup = complete.length > 0 ? Math.min(...complete) : undefined;
  const holderSubmitted = mash.holder !== ZeroAddress && (await retry(() => chain.submission(roundId, mash.holder))).submitted;
  if (!holderSubmitted) {
    // No total could be decoded; the holder alone saw its complete groups' sums, if any.
    return smallestGroup === undefined ? undefined : release(0, Number.POSITIVE_INFINITY, smallestGroup);
  }
  const members = await retry(() => chain.includedClients(roundId));
  const included = members.length + 1;
  return release(included, z(included), smallestGroup);
}

/** Every release of the given rounds (a task's, in opening order), skipping rounds that published nothing. */
export async function readTaskReleases(chain: ReleaseChain, roundIds: readonly bigint[], context: ReleaseContext): Promise<PrivacyRelease[]> {
  const releases: PrivacyRelease[] = [];
  for (const roundId of roundIds) {
    const release = await readRoundRelease(chain, roundId, context);
    if (release) releases.push(release);
  }
  return releases;
}

/** The round ids of a task, in opening order, from its RoundOpened events. */
export async function taskRoundIds(coordinator: WorkerRuntime["coordinator"], taskId: bigint): Promise<bigint[]> {
  const events = await retry(() => coordinator.queryFilter(coordinator.filters.RoundOpened(taskId)));
  return events.map((event) => BigInt(event.args.roundId)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * (ε, δ) of all the releases composed: RDP summed per order, each release at its own z, then converted once. A
 * release at z = Infinity (a view that saw nothing) costs nothing.
 */
export function composeReleases(allNoiseMultipliers: readonly number[], delta: number): number {
  const noiseMultipliers = allNoiseMultipliers.filter((z) => Number.isFinite(z));
  if (noiseMultipliers.length === 0) return 0;
  const orders = DEFAULT_RDP_ORDERS;
  const total = new Array<number>(orders.length).fill(0);
  for (const z of noiseMultipliers) {
    const rdp = computeRdp({ noiseMultiplier: z, samplingRate: 1, steps: 1, orders });
    for (let i = 0; i < orders.length; i++) total[i] = total[i]! + rdp[i]!;
  }
  return rdpToEpsilon({ orders, rdp: total, delta }).epsilon;
}
