// Drives one Mash round through the real coordinator and verifier on the in-process Hardhat network, from opening
// to the claims, with each party's behaviour scripted (who joins, which groups break in the shuffle or at
// submission, an honest, tampered or missing T, disputes, missing commitments) and real BN254 commitments to
// random quantized updates whose exact sum is the aggregate. Every transaction's gas is logged by function name,
// so the gas benchmark and the contract tests run rounds the same way.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import type { FedmashCoordinator, FedmashVerifier } from "../../typechain-types";
import { batchSums } from "../../workers/crypto/verify/batchSums";
import { commitBatchSums } from "../../workers/crypto/verify/commitBatchSums";
import { encodeBatchSums } from "../../workers/crypto/verify/encodeBatchSums";
import { quantizedUpdate } from "../workers/crypto/verify/quantizedUpdate";
import { Phase, phaseName } from "./enums";
import { MashRoundDriverError } from "./mashRoundDriverError";
import { recordGas, type GasRecord } from "./recordGas";
import { Outcome } from "./verifierEnums";

/** The last step the driver takes; every later one is left to the caller. */
/** `aggregation`: the holder submitted and the aggregate is due; `aggregate`: it is posted and T is due. */
export type MashRoundStop = "aggregation" | "aggregate" | "batchSums" | "commitments" | "settled" | "claimed";

/** What the aggregator posts as T. `tampered` is the true T with its first sum off by one. */
export type BatchSumsBehaviour = "honest" | "tampered" | "missing";

/** Byte payloads and CIDs. The coordinator only hashes or emits them, so their sizes are what matters. */
export interface MashRoundPayloads {
  paillierPublicKey: () => string;
  /** What the member at `position` of a group of `groupSize` sends on. */
  shuffleMessage: (groupSize: number, position: number) => string;
  groupSum: (groupSize: number) => string;
  /** A CID for `label` ("update <address>", "aggregate", "model"). */
  cid: (label: string) => string;
}

export interface MashRoundBehaviour {
  /** Clients that join, in order; all the given clients by default. */
  joiners?: readonly HardhatEthersSigner[];
  /** The holder never posts its key (the round fails with HolderMissing); false by default. */
  holderSilentAtKey?: boolean;
  /** Groups whose leader never posts the sum: they are excluded. */
  groupsSilentInShuffle?: readonly number[];
  /** Groups whose first member never submits: they are excluded. */
  groupsSilentAtSubmit?: readonly number[];
  /** The holder never submits (HolderMissing); false by default. */
  holderSilentAtCompletion?: boolean;
  /** The aggregator never posts the aggregate (AggregatorMissing); false by default. */
  aggregatorSilent?: boolean;
  batchSums?: BatchSumsBehaviour;
  /** How many included clients, the first ones in included order, dispute T before they commit. */
  disputers?: number;
  /** How many included clients, the last ones in included order, never commit. */
  nonCommitters?: number;
}

export interface DriveMashRoundParameters {
  coordinator: FedmashCoordinator;
  verifier: FedmashVerifier;
  taskId: bigint;
  owner: HardhatEthersSigner;
  aggregator: HardhatEthersSigner;
  /** Advances past deadlines and settles: any account. */
  keeper: HardhatEthersSigner;
  /** Registered clients; `behaviour.joiners` picks among them. */
  clients: readonly HardhatEthersSigner[];
  /** A round of the task already opened and still in Joining; by default the owner opens one. */
  roundId?: bigint;
  behaviour?: MashRoundBehaviour;
  /** Short stand-ins by default; the gas benchmark passes the sizes the workers send. */
  payloads?: MashRoundPayloads;
  /** Offsets the clients' random updates, so that different rounds get different ones. */
  updateSeed?: number;
  until?: MashRoundStop;
  /** Receives one record per transaction sent. */
  gasLog?: GasRecord[];
}

export interface DriveMashRoundReturnType {
  roundId: bigint;
  /** The coordinator's phase when the driver stopped. */
  phase: Phase;
  holder: HardhatEthersSigner | undefined;
  /** Members per group in chain order; the last one leads. */
  groups: HardhatEthersSigner[][];
  /** The clients whose updates are in the aggregate (included groups' members, then the holder). */
  included: HardhatEthersSigner[];
  /** Every submitted client's quantized update, by address. */
  updates: Map<string, Int32Array>;
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

/** Deterministic bytes of `length` that differ per label. */
function bytesFor(label: string, length: number): string {
  const blocks: string[] = [];
  for (let index = 0; blocks.length * 32 < length; index++) blocks.push(ethers.id(`${label}#${index}`).slice(2));
  return `0x${blocks.join("").slice(0, length * 2)}`;
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A string shaped like a CIDv1 (raw, sha2-256, base32): "bafkrei" and 52 more characters, 59 in all. */
function cidShaped(label: string): string {
  const digest = ethers.getBytes(ethers.id(label));
  let text = "bafkrei";
  for (let index = 0; text.length < 59; index++) text += BASE32[digest[index % digest.length]! % 32];
  return text;
}

/** Short stand-ins: the coordinator never decodes keys, onions or sums. */
export const STAND_IN_PAYLOADS: MashRoundPayloads = {
  paillierPublicKey: () => bytesFor("paillier key", 256),
  shuffleMessage: (groupSize, position) => bytesFor(`shuffle ${groupSize}/${position}`, 96),
  groupSum: (groupSize) => bytesFor(`group sum ${groupSize}`, 96),
  cid: cidShaped,
};

const NUM_SAMPLES = 600n;
/** A training loss of 0.2537, fixed point with 18 decimals, as the workers send it. */
const LOSS = 253_700_000_000_000_000n;

export async function driveMashRound(parameters: DriveMashRoundParameters): Promise<DriveMashRoundReturnType> {
  const { coordinator, verifier, taskId, owner, aggregator, keeper, gasLog } = parameters;
  const behaviour = parameters.behaviour ?? {};
  const payloads = parameters.payloads ?? STAND_IN_PAYLOADS;
  const until = parameters.until ?? "claimed";
  const config = (await coordinator.task(taskId)).config;
  const modelSize = Number(config.modelSize);
  const partitions = Number(await verifier.PARTITIONS());
  const batches = Number(await verifier.BATCHES());
  const send = (name: string, transaction: Promise<ContractTransactionResponse>) =>
    recordGas({ log: gasLog, name, transaction });

  const bySigner = new Map(parameters.clients.map((client) => [client.address, client]));
  const signerOf = (address: string): HardhatEthersSigner => {
    const signer = bySigner.get(address);
    if (signer === undefined) throw new MashRoundDriverError("an address is not among the clients", address);
    return signer;
  };

  if (parameters.roundId === undefined) {
    await send("openRound", coordinator.connect(owner).openRound(taskId, payloads.cid("model input")));
  }
  const roundId = parameters.roundId ?? (await coordinator.latestRound(taskId));
  const phaseNow = async (): Promise<Phase> => Number(await coordinator.phase(roundId)) as Phase;
  /** Past the phase's deadline, the keeper moves the round on. */
  const advanceLate = async (): Promise<Phase> => {
    const phase = await phaseNow();
    await time.increaseTo((await coordinator.round(roundId)).deadline + 1n);
    await send(`advance (${phaseName(phase)})`, coordinator.connect(keeper).advance(roundId));
    return phaseNow();
  };

  const result: DriveMashRoundReturnType = {
    roundId,
    phase: Phase.Joining,
    holder: undefined,
    groups: [],
    included: [],
    updates: new Map(),
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
  const stopped = async (): Promise<DriveMashRoundReturnType> => ({ ...result, phase: await phaseNow() });

  // Joining: the join that fills the round forms the groups; otherwise they form when the keeper advances.
  for (const client of behaviour.joiners ?? parameters.clients) {
    const full = (await coordinator.round(roundId)).joinedCount + 1n === config.maxClients;
    await send(full ? "join (forms groups)" : "join", coordinator.connect(client).join(roundId));
  }
  if ((await phaseNow()) === Phase.Joining && (await advanceLate()) !== Phase.Grouping) return stopped();

  const mash = await coordinator.mashRound(roundId);
  const holder = signerOf(mash.holder);
  result.holder = holder;
  for (let groupIndex = 0n; groupIndex < mash.groupCount; groupIndex++) {
    result.groups.push((await coordinator.group(roundId, groupIndex)).members.map(signerOf));
  }
  for (const index of [...(behaviour.groupsSilentInShuffle ?? []), ...(behaviour.groupsSilentAtSubmit ?? [])]) {
    if (index >= result.groups.length) {
      throw new MashRoundDriverError("a silent group does not exist", `group ${index} of ${result.groups.length}`);
    }
  }

  // Grouping → Shuffle.
  if (behaviour.holderSilentAtKey) {
    await advanceLate();
    return stopped();
  }
  await send("postHolderKey", coordinator.connect(holder).postHolderKey(roundId, payloads.paillierPublicKey()));

  // Shuffle: a silent group's members pass their messages but its leader never posts the sum.
  for (const [groupIndex, members] of result.groups.entries()) {
    for (let position = 0; position < members.length - 1; position++) {
      const message = payloads.shuffleMessage(members.length, position);
      await send("postShuffleMessage", coordinator.connect(members[position]!).postShuffleMessage(roundId, message));
    }
    if (behaviour.groupsSilentInShuffle?.includes(groupIndex)) continue;
    const leader = members[members.length - 1]!;
    const lastSum = (await coordinator.mashRound(roundId)).groupSumCount + 1n === mash.groupCount;
    await send(
      lastSum ? "postGroupSum (last: starts submission)" : "postGroupSum",
      coordinator.connect(leader).postGroupSum(roundId, payloads.groupSum(members.length)),
    );
  }
  if ((await phaseNow()) === Phase.Shuffle && (await advanceLate()) !== Phase.Submission) return stopped();

  // Submission: members of groups with a sum; a silent group's first member never submits.
  const updateOf = (client: HardhatEthersSigner): Int32Array => {
    const index = parameters.clients.indexOf(client);
    const update = quantizedUpdate(modelSize, (parameters.updateSeed ?? 0) * 1_000 + index);
    result.updates.set(client.address, update);
    return update;
  };
  const submit = (name: string, client: HardhatEthersSigner) => {
    updateOf(client);
    const cid = payloads.cid(`update ${client.address} round ${roundId}`);
    return send(name, coordinator.connect(client).submitUpdate(roundId, cid, ethers.id(cid), NUM_SAMPLES, LOSS));
  };
  const submitters = result.groups.flatMap((members, groupIndex) => {
    if (behaviour.groupsSilentInShuffle?.includes(groupIndex)) return [];
    return behaviour.groupsSilentAtSubmit?.includes(groupIndex) ? members.slice(1) : members;
  });
  for (const [index, member] of submitters.entries()) {
    const last = index === submitters.length - 1 && !(behaviour.groupsSilentAtSubmit?.length ?? 0);
    await submit(last ? "submitUpdate (last member: fixes included groups)" : "submitUpdate", member);
  }
  if ((await phaseNow()) === Phase.Submission && (await advanceLate()) !== Phase.Completion) return stopped();

  // Completion: the holder completes the masks.
  if (behaviour.holderSilentAtCompletion) {
    await advanceLate();
    return stopped();
  }
  await submit("submitUpdate (holder: completes)", holder);
  // includedClients lists the included groups' members; the holder is included once it submitted.
  result.included = [...[...(await coordinator.includedClients(roundId))].map(signerOf), holder];
  for (const client of result.included) {
    const update = result.updates.get(client.address)!;
    for (let i = 0; i < modelSize; i++) result.aggregate[i] += update[i];
  }

  // Aggregation → Verification.
  if (until === "aggregation") return stopped();
  if (behaviour.aggregatorSilent) {
    await advanceLate();
    return stopped();
  }
  const aggregateCid = payloads.cid(`aggregate round ${roundId}`);
  await send(
    "postAggregate",
    coordinator.connect(aggregator).postAggregate(roundId, aggregateCid, payloads.cid(`model round ${roundId}`), ethers.id(aggregateCid)),
  );
  if (until === "aggregate") return stopped();

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
    await send("postBatchSums", verifier.connect(aggregator).postBatchSums(roundId, result.postedBatchSums));
  }
  if (until === "batchSums") return stopped();

  // Disputes, then commitments under the weight seed of T's block.
  if (result.sampleSeed !== undefined && result.trueBatchSums !== undefined && result.postedBatchSums !== undefined) {
    const posted = ethers.getBytes(result.postedBatchSums);
    const accepted = new DataView(posted.buffer, posted.byteOffset).getBigInt64(0);
    for (const client of result.included.slice(0, behaviour.disputers ?? 0)) {
      await send("dispute", verifier.connect(client).dispute(roundId, 0, 0, result.trueBatchSums[0]!, accepted));
      result.disputed.push(client);
    }
    const committers = result.included.slice(0, result.included.length - (behaviour.nonCommitters ?? 0));
    if (committers.length > 0) {
      result.weightSeed = (await verifier.weightSeed(roundId, { blockTag: "pending" })) as `0x${string}`;
    }
    for (const client of committers) {
      const sums = batchSums(result.updates.get(client.address)!, result.sampleSeed, partitions, batches);
      result.clientBatchSums.set(client.address, sums);
      const point = commitBatchSums({
        batchSums: sums,
        weightSeed: result.weightSeed!,
        m: partitions,
        k: batches,
      });
      const name = result.committed.length === 0 ? "commit (first: fixes the weight seed)" : "commit";
      await send(name, verifier.connect(client).commit(roundId, point.x, point.y));
      result.committed.push(client);
    }
  }
  if (until === "commitments") return stopped();

  // Settle: at once when everyone committed, else past the stage's deadline.
  const everyoneCommitted = result.postedBatchSums !== undefined && result.committed.length === result.included.length;
  if (!everyoneCommitted) await time.increaseTo((await verifier.verification(roundId)).deadline + 1n);
  await send("settle", verifier.connect(keeper).settle(roundId, result.postedBatchSums ?? "0x"));
  result.outcome = Number((await verifier.verification(roundId)).outcome) as Outcome;
  if (until === "settled") return stopped();

  for (const account of [...result.included, aggregator]) {
    const amount = await verifier.claimable(roundId, account.address);
    if (amount === 0n) continue;
    await send(account === aggregator ? "claim (aggregator)" : "claim", verifier.connect(account).claim(roundId));
    result.claims.push({ account: account.address, amount });
  }
  return stopped();
}
