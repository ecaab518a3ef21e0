// Drives the Verification part of a Mash or Shamir round once the round is in Aggregation with its included set fixed.
// Mash (fraud proofs): the aggregate with its real commitment (the Merkle root of the int64 sum), the scripted
// challenges of its leaves with real openings of the committed masked vectors, or a dispute of a withheld sum played to
// its leaf by both sides (the workers' own pure game, workers/protocol/watch/disputeGame), settle after the challenge
// window, and the claims. Shamir (sampled verification): the aggregate, T, real BN254 commitments to the included
// clients' updates, settle and the claims. Both round drivers end their rounds through this one script.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { batchSums } from "../../workers/crypto/verify/batchSums";
import { commitBatchSums } from "../../workers/crypto/verify/commitBatchSums";
import { encodeBatchSums } from "../../workers/crypto/verify/encodeBatchSums";
import { RoundDriverError } from "./roundDriverError";
import type { RoundDriver } from "./startRoundDriver";
import { aggregateSumTree } from "../../workers/crypto/commit/vectorMerkle";
import { answerDispute, disputeGeometry, pickChild, revealedLeafProof, type DisputeReveal } from "../../workers/protocol/watch/disputeGame";
import { challengeArguments, commitAggregateSum, openingOf, type CommittedVector } from "./mashVectors";
import { Outcome } from "./verifierEnums";

/** SampledVerification's m and k, fixed in the contract (a Shamir round's `verification(r).partitions`/`batches`). */
const PARTITIONS = 64;
const BATCHES = 2;

/**
 * The last step the driver takes; every later one is left to the caller. `aggregation`: the included set is fixed
 * and the aggregate is due; `aggregate`: it is posted and (Shamir) T is due, or (Mash) the challenge window is open.
 * `batchSums` and `commitments` are Shamir steps; a Mash round stops there after its scripted challenges.
 */
export type VerificationStop = "aggregation" | "aggregate" | "batchSums" | "commitments" | "settled" | "claimed";

/** What the aggregator posts as T (Shamir). `tampered` is the true T with its first sum off by one. */
export type BatchSumsBehaviour = "honest" | "tampered" | "missing";

/** What the aggregator posts as the sum (Mash). `tampered`: the true sum with `tamperedCoordinate` off by one. */
export type AggregateSumBehaviour = "honest" | "tampered";

export interface VerificationBehaviour {
  /** The aggregator never posts the aggregate (AggregatorMissing, or ServersMissing in Shamir); false by default. */
  aggregatorSilent?: boolean;
  /** Shamir. */
  batchSums?: BatchSumsBehaviour;
  /** Shamir: how many included clients, the last ones in included order, never commit. */
  nonCommitters?: number;
  /** Mash: the posted sum, honest by default; its commitment is always consistent with what is posted. */
  aggregateSum?: AggregateSumBehaviour;
  /** Mash: the coordinate a tampered sum gets wrong (+1); 0 by default. */
  tamperedCoordinate?: number;
  /** Mash: the leaves challenged, in order, each with the 0.01 ETH bond; an upheld one settles the round. */
  challenges?: readonly number[];
  /** Mash: who challenges; the keeper by default. */
  challenger?: HardhatEthersSigner;
  /**
   * Mash: the challenger disputes the sum as if its payload were withheld, before any scripted challenge: the
   * aggregator answers every step from the tree it committed, the challenger picks against the right sum's tree, and
   * at the leaf it challenges with the aggregate leaf the aggregator revealed. False by default.
   */
  dispute?: boolean;
}

/** One Mash challenge the driver sent. */
export interface ChallengeRecord {
  leafIndex: number;
  upheld: boolean;
}

export interface VerificationResult {
  /** The exact sum of the included updates. */
  aggregate: Int32Array;
  sampleSeed: `0x${string}` | undefined;
  /** batchSums(aggregate) under the sample seed. */
  trueBatchSums: BigInt64Array | undefined;
  /** The packed T the aggregator posted. */
  postedBatchSums: `0x${string}` | undefined;
  weightSeed: `0x${string}` | undefined;
  /** Each committed client's batch sums under the sample seed, by address. */
  clientBatchSums: Map<string, BigInt64Array>;
  committed: HardhatEthersSigner[];
  /** Mash: the sum the aggregator posted (the true one unless tampered). */
  postedAggregate: Int32Array | undefined;
  /** Mash: the posted sum's commitment, the round's aggregateHash. */
  aggregateCommitment: CommittedVector | undefined;
  /** Mash: the challenges sent, in order. */
  challenges: ChallengeRecord[];
  /** The verifier's outcome; None until settled. */
  outcome: Outcome;
  /** What each claim paid. */
  claims: { account: string; amount: bigint }[];
}

export interface DriveVerificationParameters {
  /** The clients whose updates are in the aggregate (Mash: includedClients order, then the holder). */
  included: readonly HardhatEthersSigner[];
  /** Mash: the included vectors' commitments, in the order of `included`; absent in Shamir. */
  vectors?: readonly CommittedVector[];
  behaviour?: VerificationBehaviour;
  until: VerificationStop;
}

/** What a round that stopped before Verification reports: a zero aggregate and nothing verified. */
export function emptyVerificationResult(modelSize: number): VerificationResult {
  return {
    aggregate: new Int32Array(modelSize),
    sampleSeed: undefined,
    trueBatchSums: undefined,
    postedBatchSums: undefined,
    weightSeed: undefined,
    clientBatchSums: new Map(),
    committed: [],
    postedAggregate: undefined,
    aggregateCommitment: undefined,
    challenges: [],
    outcome: Outcome.None,
    claims: [],
  };
}

/** The aggregator's CIDs are the driver's for "aggregate round <id>" and "model round <id>". */
export async function driveVerification(driver: RoundDriver, parameters: DriveVerificationParameters): Promise<VerificationResult> {
  const { coordinator, verifier, aggregator, keeper, cid } = driver.parameters;
  const { roundId, modelSize } = driver;
  const { included, until } = parameters;
  const behaviour = parameters.behaviour ?? {};
  const partitions = PARTITIONS;
  const batches = BATCHES;
  const updateOf = (client: HardhatEthersSigner): Int32Array => {
    const update = driver.updates.get(client.address);
    if (update === undefined) throw new RoundDriverError("an included client never submitted", client.address);
    return update;
  };
  const result = emptyVerificationResult(modelSize);
  for (const client of included) {
    const update = updateOf(client);
    for (let i = 0; i < modelSize; i++) result.aggregate[i] += update[i];
  }

  if (until === "aggregation") return result;
  if (behaviour.aggregatorSilent) {
    await driver.advanceLate();
    return result;
  }
  const aggregateCid = cid(`aggregate round ${roundId}`);
  if (parameters.vectors !== undefined) return driveMashVerification(driver, parameters, result, aggregateCid);
  await driver.send(
    "postAggregate",
    coordinator.connect(aggregator).postAggregate(roundId, aggregateCid, cid(`model round ${roundId}`), ethers.id(aggregateCid)),
  );
  if (until === "aggregate") return result;

  // T, under the seed of the aggregate's block ("pending": the latest block is the aggregate's own).
  const mode = behaviour.batchSums ?? "honest";
  if (mode !== "missing") {
    const sampleSeed = (await verifier.sampleSeed(roundId, { blockTag: "pending" })) as `0x${string}`;
    const trueSums = batchSums(result.aggregate, sampleSeed, partitions, batches);
    const posted = BigInt64Array.from(trueSums);
    if (mode === "tampered") posted[0] += 1n;
    result.sampleSeed = sampleSeed;
    result.trueBatchSums = trueSums;
    result.postedBatchSums = encodeBatchSums(posted);
    await driver.send("postBatchSums", verifier.connect(aggregator).postBatchSums(roundId, result.postedBatchSums));
  }
  if (until === "batchSums") return result;

  // Commitments under the weight seed of T's block (a client that finds the aggregate off T would not commit).
  if (result.sampleSeed !== undefined && result.trueBatchSums !== undefined && result.postedBatchSums !== undefined) {
    const committers = included.slice(0, included.length - (behaviour.nonCommitters ?? 0));
    if (committers.length > 0) {
      result.weightSeed = (await verifier.weightSeed(roundId, { blockTag: "pending" })) as `0x${string}`;
    }
    for (const client of committers) {
      const sums = batchSums(updateOf(client), result.sampleSeed, partitions, batches);
      result.clientBatchSums.set(client.address, sums);
      const point = commitBatchSums({ batchSums: sums, weightSeed: result.weightSeed!, m: partitions, k: batches });
      const name = result.committed.length === 0 ? "commit (first: fixes the weight seed)" : "commit";
      await driver.send(name, verifier.connect(client).commit(roundId, point.x, point.y));
      result.committed.push(client);
    }
  }
  if (until === "commitments") return result;

  // Settle: at once when everyone committed, else past the stage's deadline.
  const everyoneCommitted = result.postedBatchSums !== undefined && result.committed.length === included.length;
  if (!everyoneCommitted) await time.increaseTo((await verifier.verification(roundId)).deadline + 1n);
  await driver.send("settle", verifier.connect(keeper).settle(roundId, result.postedBatchSums ?? "0x"));
  result.outcome = Number((await verifier.verification(roundId)).outcome) as Outcome;
  if (until === "settled") return result;

  for (const account of [...included, aggregator]) {
    const amount = await verifier.claimable(roundId, account.address);
    if (amount === 0n) continue;
    await driver.send(account === aggregator ? "claim (aggregator)" : "claim", verifier.connect(account).claim(roundId));
    result.claims.push({ account: account.address, amount });
  }
  return result;
}

/**
 * A dispute of `sum` by `challenger`, both sides moving at once: every step is sent and recorded (openDispute,
 * revealNodes, pickNode, revealLeaf, then the challenge of the leaf reached, upheld when the sum is wrong there).
 */
async function playDispute(
  driver: RoundDriver,
  vectors: readonly CommittedVector[],
  sum: CommittedVector,
  right: ReturnType<typeof aggregateSumTree>,
  challenger: HardhatEthersSigner,
  bond: bigint,
): Promise<ChallengeRecord> {
  const { verifier, aggregator } = driver.parameters;
  const { roundId } = driver;
  const geometry = disputeGeometry(sum.tree.length);
  const reveals: DisputeReveal[] = [];
  await driver.send("openDispute", verifier.connect(challenger).openDispute(roundId, { value: bond }));
  for (;;) {
    const state = await verifier.disputeOf(roundId, challenger.address);
    const answer = answerDispute(sum.tree, { depth: Number(state.depth), position: Number(state.position), node: state.node });
    if (answer.type === "reveal-leaf") {
      await driver.send("revealLeaf", verifier.connect(aggregator).revealLeaf(roundId, challenger.address, ethers.hexlify(answer.values)));
      const aggregate = { ...openingOf(sum, answer.leafIndex), proof: revealedLeafProof(geometry, reveals, answer.leafIndex, sum.tree.root) };
      const openings = vectors.map((vector) => openingOf(vector, answer.leafIndex));
      const upheld = await verifier.connect(challenger).challenge.staticCall(roundId, answer.leafIndex, openings, aggregate, { value: bond });
      await driver.send(
        upheld ? "challenge (upheld)" : "challenge (rejected)",
        verifier.connect(challenger).challenge(roundId, answer.leafIndex, openings, aggregate, { value: bond }),
      );
      return { leafIndex: answer.leafIndex, upheld };
    }
    await driver.send(`revealNodes (${answer.nodes.length})`, verifier.connect(aggregator).revealNodes(roundId, challenger.address, answer.nodes));
    const reveal = { depth: answer.depth, position: answer.position, nodes: answer.nodes };
    reveals.push(reveal);
    // Against an honest sum every node matches: the challenger still has to pick one (the first) to go on.
    const pick = pickChild({ geometry, reveal, own: (depth, position) => right.nodeAt(depth, position) }) ?? pickChild({ geometry, reveal, targetLeaf: 0 })!;
    await driver.send("pickNode", verifier.connect(challenger).pickNode(roundId, pick.childIndex, pick.child, pick.proof));
  }
}

/** Mash: the aggregate with its real commitment, the scripted challenges, settle after the window, the claims. */
async function driveMashVerification(
  driver: RoundDriver,
  parameters: DriveVerificationParameters,
  result: VerificationResult,
  aggregateCid: string,
): Promise<VerificationResult> {
  const { coordinator, verifier, aggregator, keeper, cid } = driver.parameters;
  const { roundId } = driver;
  const { included, until, vectors } = parameters;
  const behaviour = parameters.behaviour ?? {};
  if (vectors === undefined || vectors.length !== included.length) {
    throw new RoundDriverError("a Mash round needs one committed vector per included account", `${vectors?.length} for ${included.length}`);
  }
  const posted = result.aggregate.slice();
  if (behaviour.aggregateSum === "tampered") posted[behaviour.tamperedCoordinate ?? 0] += 1;
  const sum = commitAggregateSum(posted, ethers.id(aggregateCid));
  result.postedAggregate = posted;
  result.aggregateCommitment = sum;
  await driver.send(
    "postAggregate (Mash: opens the challenge window)",
    coordinator.connect(aggregator).postAggregate(roundId, aggregateCid, cid(`model round ${roundId}`), sum.commitment),
  );
  if (until === "aggregate") return result;

  const challenger = behaviour.challenger ?? keeper;
  const bond = await verifier.CHALLENGE_BOND();
  if (behaviour.dispute) {
    result.challenges.push(await playDispute(driver, vectors, sum, aggregateSumTree(result.aggregate), challenger, bond));
  }
  for (const leafIndex of behaviour.challenges ?? []) {
    const [leaf, openings, aggregate] = challengeArguments(vectors, sum, leafIndex);
    const upheld = await verifier.connect(challenger).challenge.staticCall(roundId, leaf, openings, aggregate, { value: bond });
    await driver.send(
      upheld ? "challenge (upheld)" : "challenge (rejected)",
      verifier.connect(challenger).challenge(roundId, leaf, openings, aggregate, { value: bond }),
    );
    result.challenges.push({ leafIndex, upheld });
    if (upheld) break;
  }
  if (until === "batchSums" || until === "commitments") return result;

  // Settle: a proven fraud settled the round already; otherwise it passes once the window closed.
  if ((await verifier.verification(roundId)).outcome === BigInt(Outcome.None)) {
    await time.increaseTo((await verifier.verification(roundId)).deadline + 1n);
    await driver.send("settle (Mash, after the window)", verifier.connect(keeper).settle(roundId, "0x"));
  }
  result.outcome = Number((await verifier.verification(roundId)).outcome) as Outcome;
  if (until === "settled") return result;

  const accounts = [...new Set([...included, aggregator, challenger])];
  for (const account of accounts) {
    const amount = await verifier.claimable(roundId, account.address);
    if (amount === 0n) continue;
    const name = account === aggregator ? "claim (aggregator)" : account === challenger && !included.includes(account) ? "claim (challenger)" : "claim";
    await driver.send(name, verifier.connect(account).claim(roundId));
    result.claims.push({ account: account.address, amount });
  }
  return result;
}
