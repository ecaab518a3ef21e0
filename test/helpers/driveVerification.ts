// Drives the Verification part of a Mash or Shamir round — the aggregate, T, disputes, real BN254 commitments to the
// included clients' updates, settle and the claims — once the round is in Aggregation with its included set fixed.
// The two modes share FedmashVerifier unchanged, so both round drivers end their rounds through this one script.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { batchSums } from "../../workers/crypto/verify/batchSums";
import { commitBatchSums } from "../../workers/crypto/verify/commitBatchSums";
import { encodeBatchSums } from "../../workers/crypto/verify/encodeBatchSums";
import { RoundDriverError } from "./roundDriverError";
import type { RoundDriver } from "./startRoundDriver";
import { Outcome } from "./verifierEnums";

/**
 * The last step the driver takes; every later one is left to the caller. `aggregation`: the included set is fixed
 * and the aggregate is due; `aggregate`: it is posted and T is due.
 */
export type VerificationStop = "aggregation" | "aggregate" | "batchSums" | "commitments" | "settled" | "claimed";

/** What the aggregator posts as T. `tampered` is the true T with its first sum off by one. */
export type BatchSumsBehaviour = "honest" | "tampered" | "missing";

export interface VerificationBehaviour {
  /** The aggregator never posts the aggregate (AggregatorMissing, or ServersMissing in Shamir); false by default. */
  aggregatorSilent?: boolean;
  batchSums?: BatchSumsBehaviour;
  /** How many included clients, the first ones in included order, dispute T before they commit. */
  disputers?: number;
  /** How many included clients, the last ones in included order, never commit. */
  nonCommitters?: number;
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
  disputed: HardhatEthersSigner[];
  committed: HardhatEthersSigner[];
  /** The verifier's outcome; None until settled. */
  outcome: Outcome;
  /** What each claim paid. */
  claims: { account: string; amount: bigint }[];
}

export interface DriveVerificationParameters {
  /** The clients whose updates are in the aggregate, in the order they dispute and commit. */
  included: readonly HardhatEthersSigner[];
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
    disputed: [],
    committed: [],
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
  const partitions = Number(await verifier.PARTITIONS());
  const batches = Number(await verifier.BATCHES());
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

  // Disputes, then commitments under the weight seed of T's block.
  if (result.sampleSeed !== undefined && result.trueBatchSums !== undefined && result.postedBatchSums !== undefined) {
    const posted = ethers.getBytes(result.postedBatchSums);
    const accepted = new DataView(posted.buffer, posted.byteOffset).getBigInt64(0);
    for (const client of included.slice(0, behaviour.disputers ?? 0)) {
      await driver.send("dispute", verifier.connect(client).dispute(roundId, 0, 0, result.trueBatchSums[0]!, accepted));
      result.disputed.push(client);
    }
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
