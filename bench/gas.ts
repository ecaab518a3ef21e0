// Gas benchmark (`npm run bench:gas` = `hardhat run bench/gas.ts`): whole honest MASH and Shamir rounds on the
// in-process Hardhat network, through the real coordinator, verifier (with its AggregateFraudProof library) and
// FedmashShamir, with calldata of the sizes the workers send (a 2048-bit Paillier key, real onion and group-sum sizes
// for groups of 3 to 5, real 59-character CIDv1 strings for updates, share manifests and share-sums), d = 101,770.
//
// MASH is verified by fraud proofs (docs/VERIFICATION.md, "Fraud proofs (MASH)"): every client masks its update with
// real, cancelling masks of the task's mask group and submits the Merkle commitment of the masked vector, the
// aggregator commits the int64 sum the same way, and anyone may challenge one leaf (16 coordinates) in a window. The
// bench measures, for N = 10, 50 and 100 clients in the default mask group rlwr-2048 (and in paper-compat):
// - a challenge of an honest sum (rejected, the challenger's bond burned) and of a sum with one coordinate off by one
//   (upheld: the aggregator slashed), as whole transactions, with their calldata; the target is a challenge at N = 100
//   below 10M gas (exit code 1 if not);
// - the honest round per client (join, the holder's key, shuffle messages, group sums, submissions, claims), beside
//   the figure of the sampled-commitment design it replaced (SAMPLED_DESIGN_PER_CLIENT).
// Shamir (n = 3 servers, t = 2) keeps the sampled verification (batch sums T and BN254 commitments): it runs at N = 10
// and 50, once with every server and once with the last one silent, beside MASH per function, per client, per server
// and per round; beside its check, the MASH paper's design (contracts/test/PaperVerificationBaseline.sol: one stored
// commitment per client, an O(N) loop of mulmods) and our check alone (SampledVerificationHarness) over the same
// clients and batch sums, and the requirement "verification gas for N = 50 within 10% of N = 10 and below 300k"
// (exit code 1 if not). Writes bench/results/gas.json and gas.md and prints the tables.
// 7–8 minutes on two shared cores, most of it paper-compat's TypeScript masks (BENCH_GAS_PAPER_COMPAT=0 skips
// those tasks: about 3 minutes). BENCH_GAS_QUICK=1: N = 5 and 10, d = 2,000 and a 1024-bit key, prints only (20 s).
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { ethers, network } from "hardhat";
import { AbiCoder, getBytes, keccak256, parseEther, toQuantity, type ContractTransactionResponse } from "ethers";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { PaperVerificationBaseline, SampledVerificationHarness } from "../typechain-types";
import type { IFedmashCoordinator } from "../typechain-types/contracts/FedmashCoordinator";
import { MASH_GROUP_ORDER, MASH_P, powModP } from "../workers/crypto/kernel/field";
import { encodePaillierPublicKey } from "../workers/crypto/paillier/encodePaillierPublicKey";
import { generatePaillierKeyPair } from "../workers/crypto/paillier/generatePaillierKeyPair";
import type { PaillierKeyBits } from "../workers/crypto/paillier/types";
import { simulateGroupShuffle } from "../workers/crypto/shuffle/simulateGroupShuffle";
import { encodeStoredMessagePointer } from "../workers/crypto/shuffle/storedMessagePointer";
import { getMaskGroup } from "../workers/crypto/mask/getMaskGroup";
import { DEFAULT_MASK_GROUP } from "../workers/crypto/mask/maskGroup";
import { HEADER_BYTES, KIND_GROUP_SUM, KIND_SHUFFLE_STEP, STORED_POINTER_HEADER_BYTES, WIRE_VERSION } from "../workers/crypto/shuffle/wireFormat";
import { commitBatchSums } from "../workers/crypto/verify/commitBatchSums";
import { WEIGHT_TAG } from "../workers/crypto/verify/types";
import { computeUnixfsCid } from "../workers/storage/computeUnixfsCid";
import { deployFedmash } from "../test/helpers/deployFedmash";
import { driveMashRound, type MashRoundBehaviour, type MashRoundPayloads } from "../test/helpers/driveMashRound";
import { driveShamirRound, ensureServerBond, type DriveShamirRoundParameters } from "../test/helpers/driveShamirRound";
import { fieldVectorRoot, shamirSubmissionCommitment, shareSumCommitment } from "../workers/crypto/commit/shamirCommitments";
import { addShares } from "../workers/crypto/shamir/addShares";
import { SHAMIR_PRIME } from "../workers/crypto/shamir/shamirField";
import { shareVector } from "../workers/crypto/shamir/shareVector";
import { ANSWER_BATCH_CLIENTS, answerBatches, findInconsistentLeaf, shareDisputeAnswer, shareSumOpenings } from "../workers/protocol/shamir/shareDispute";
import { encryptionKey } from "../test/helpers/encryptionKey";
import { MaskGroup, Mode, Role } from "../test/helpers/enums";
import { recordGas, type GasRecord } from "../test/helpers/recordGas";
import { Outcome } from "../test/helpers/verifierEnums";

const QUICK = process.env.BENCH_GAS_QUICK === "1";
const PAPER_COMPAT = process.env.BENCH_GAS_PAPER_COMPAT !== "0";
/** MASH runs (honest rounds and challenges) at these N; Shamir at the first two. */
const MASH_CLIENT_COUNTS = QUICK ? ([5, 10] as const) : ([10, 50, 100] as const);
const SHAMIR_CLIENT_COUNTS = QUICK ? ([5, 10] as const) : ([10, 50] as const);
const MODEL_SIZE = QUICK ? 2_000 : 101_770;
const PAILLIER_BITS: PaillierKeyBits = QUICK ? 1024 : 2048;
/** RoundLib.MAX_MESSAGE_BYTES: larger shuffle messages go to IPFS behind a pointer (workers/storage/storedMessages). */
const MAX_INLINE_MESSAGE_BYTES = 16_384;
const GROUP_SIZE = 3;
/** Shamir: n servers and the threshold t, as the demo's defaults. */
const SERVERS = 3;
const THRESHOLD = 2;
/** The server that never posts its share-sum in the dropout variant: the last, as the demo's --drop-servers. */
const SILENT_SERVER = SERVERS - 1;
/**
 * Honest rounds per N; the last one is reported (the first also pays for the task's first-round storage). A MASH
 * task's reported round also takes a challenge of its honest sum (rejected; its transaction is reported apart and
 * left out of the round's totals), then runs one more round whose sum is wrong in one coordinate, challenged and
 * upheld. A Shamir task runs one more, the dropout variant, which is reported beside its honest round 2.
 */
const ROUNDS = 2;
/** Payload bytes the CIDs are computed over: a masked update of d 80-bit values and a float32 model are > 256 KiB. */
const CID_PAYLOAD_BYTES = 300_000;
/** Values per Merkle leaf (workers/crypto/commit/vectorMerkle): a challenge opens one leaf. */
const LEAF_VALUES = 16;
/** The leaf challenged: the middle one (every full leaf has the same 13-hash path at d = 101,770). */
const CHALLENGED_LEAF = Math.floor(Math.ceil(MODEL_SIZE / LEAF_VALUES) / 2);
/** The tampered coordinate: the leaf's last, so that the on-chain check decodes all 16 before it finds the fraud. */
const TAMPERED_COORDINATE = CHALLENGED_LEAF * LEAF_VALUES + LEAF_VALUES - 1;
/** The task's challenge window: an hour (the bench moves the chain's clock past it). */
const CHALLENGE_DURATION = 3_600n;
/** The issue's target: a challenge at N = CHALLENGE_TARGET_N below CHALLENGE_TARGET_GAS, upheld or rejected. */
const CHALLENGE_TARGET_N = 100;
const CHALLENGE_TARGET_GAS = 10_000_000;
/** Shamir's sampled verification: settle for the larger N within TOLERANCE of the smaller, and below BOUND. */
const BOUND = 300_000;
const TOLERANCE = 0.1;
/**
 * A MASH client's gas per honest round under the sampled-commitment design this one replaced (batch sums T, one BN254
 * commitment per client): bench/results/gas.json of commit ae47f39, the last bench of that design (the issue's 543k is
 * the N = 10 figure before 0b2def8 moved the shuffle messages to IPFS pointers).
 */
const SAMPLED_DESIGN_PER_CLIENT: Readonly<Record<string, number>> = { "10": 512_450, "50": 502_069 };
const SAMPLED_DESIGN_SOURCE = "bench/results/gas.json at commit ae47f39, the last bench before the fraud proofs";
const RESULTS = resolve(__dirname, "results");

interface FunctionStats {
  calls: number;
  mean: number;
  min: number;
  max: number;
}

/** One challenge transaction. */
interface ChallengeGas {
  gas: number;
  calldataBytes: number;
  /** Without the 21,000 base and the calldata gas. */
  execution: number;
}

interface ChallengeResult {
  rejected: ChallengeGas;
  upheld: ChallengeGas;
}

/** A dispute of a withheld tampered sum played to its leaf: each step's gas, in order, and who sent it. */
interface DisputeResult {
  steps: { name: string; gas: number; by: "challenger" | "aggregator" }[];
  challenger: number;
  aggregator: number;
}

interface MashRunResult {
  clients: number;
  /** rlwr-2048 runs: a last round whose tampered sum is disputed as if withheld. */
  dispute?: DisputeResult;
  /** Records of the reported honest round, without the challenge of its sum. */
  round: GasRecord[];
  firstRound: GasRecord[];
  setup: GasRecord[];
  roles: RoleAddresses;
  challenge: ChallengeResult;
}

/** Who sent what, so that a round's gas can be split by party. */
interface RoleAddresses {
  clients: Set<string>;
  servers: Set<string>;
  aggregator: string;
}

/** The sizes of what the workers post, measured by running their shuffle code with a real holder key. */
interface WireSizes {
  paillierPublicKey: number;
  /** shuffleMessage[groupSize][position]: bytes member `position` sends on. */
  shuffleMessage: Record<number, number[]>;
  groupSum: Record<number, number>;
  cid: number;
}

function gasOf(record: GasRecord): number {
  return Number(record.gasUsed);
}

function statsByName(records: readonly GasRecord[]): Record<string, FunctionStats> {
  const grouped = new Map<string, number[]>();
  for (const record of records) grouped.set(record.name, [...(grouped.get(record.name) ?? []), gasOf(record)]);
  return Object.fromEntries(
    [...grouped].map(([name, values]) => [
      name,
      {
        calls: values.length,
        mean: Math.round(values.reduce((a, b) => a + b, 0) / values.length),
        min: Math.min(...values),
        max: Math.max(...values),
      },
    ]),
  );
}

/** Random bytes behind the workers' real 10-byte header, so the calldata has their zero bytes where they do. */
function framed(kind: number, fields: (header: Buffer) => void, totalBytes: number): string {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(WIRE_VERSION, 0);
  header.writeUInt8(kind, 1);
  fields(header);
  return `0x${Buffer.concat([header, randomBytes(totalBytes - HEADER_BYTES)]).toString("hex")}`;
}

async function realisticPayloads(): Promise<{ payloads: MashRoundPayloads; sizes: WireSizes }> {
  const holderKeyPair = await generatePaillierKeyPair({ bits: PAILLIER_BITS });
  const groupSizes = [GROUP_SIZE, GROUP_SIZE + 1, 2 * GROUP_SIZE - 1];
  // The default mask group's seeds: 34 packed Paillier ciphertexts each, so every message goes to IPFS and the
  // chain carries a pointer (the sizes below are the stored messages; the calldata is the pointer's).
  const simulated = await simulateGroupShuffle({ maskGroup: getMaskGroup(DEFAULT_MASK_GROUP), groupSizes, holderKeyPair });
  const key = encodePaillierPublicKey({ publicKey: holderKeyPair.publicKey });
  const sizes: WireSizes = { paillierPublicKey: key.length, shuffleMessage: {}, groupSum: {}, cid: 0 };
  for (const [index, size] of groupSizes.entries()) {
    sizes.shuffleMessage[size] = [...simulated.groups[index]!.messageBytes];
    sizes.groupSum[size] = simulated.groups[index]!.groupSumBytes;
  }
  // The real CID of a payload the size of a masked update, and per label one of the same codec and hash function
  // over the label's own digest: valid CIDs of the same length, and distinct, since storing the CID a slot already
  // holds (a reused one, say the previous round's model) costs 2,800 gas less per slot than a new one.
  const real = await computeUnixfsCid(randomBytes(CID_PAYLOAD_BYTES));
  sizes.cid = real.toString().length;
  const cidOf = (label: string): string =>
    CID.createV1(real.code, createDigest(real.multihash.code, createHash("sha256").update(label).digest())).toString();
  /** What a worker posts for a message of `bytes`: the message itself, or a pointer to its stored copy. */
  const onChain = (bytes: number, label: string, inline: () => string): string =>
    bytes <= MAX_INLINE_MESSAGE_BYTES
      ? inline()
      : `0x${Buffer.from(encodeStoredMessagePointer({ cid: cidOf(label), contentHash: `0x${randomBytes(32).toString("hex")}` })).toString("hex")}`;
  const payloads: MashRoundPayloads = {
    paillierPublicKey: () => `0x${Buffer.from(key).toString("hex")}`,
    shuffleMessage: (groupSize, position) => {
      const bytes = sizes.shuffleMessage[groupSize]?.[position];
      if (bytes === undefined) throw new RangeError(`no measured shuffle message for group ${groupSize}, position ${position}`);
      const itemLength = (bytes - HEADER_BYTES) / (position + 1);
      return onChain(bytes, `shuffle ${groupSize}/${position}`, () =>
        framed(KIND_SHUFFLE_STEP, (h) => (h.writeUInt16BE(position, 2), h.writeUInt16BE(position + 1, 4), h.writeUInt32BE(itemLength, 6)), bytes),
      );
    },
    groupSum: (groupSize) => {
      const bytes = sizes.groupSum[groupSize];
      if (bytes === undefined) throw new RangeError(`no measured group sum for group ${groupSize}`);
      return onChain(bytes, `group sum ${groupSize}`, () => framed(KIND_GROUP_SUM, (h) => (h.writeUInt16BE(groupSize, 6), h.writeUInt16BE(bytes - HEADER_BYTES, 8)), bytes));
    },
    cid: (label) => {
      const cid = cidOf(label);
      if (cid.length !== sizes.cid) throw new RangeError(`the CID for "${label}" has ${cid.length} characters, not ${sizes.cid}`);
      return cid;
    },
  };
  return { payloads, sizes };
}

/** The paper's commitment c = g^{Σ w·S mod (q - 1)} mod q, with the baseline contract's weights. */
function paperCommitment(sums: BigInt64Array, weightSeed: string, partitions: number, batches: number): bigint {
  const coder = AbiCoder.defaultAbiCoder();
  const tag = keccak256(Buffer.from(WEIGHT_TAG));
  let exponent = 0n;
  for (let j = 0; j < partitions; j++) {
    for (let b = 0; b < batches; b++) {
      const word = BigInt(keccak256(coder.encode(["bytes32", "bytes32", "uint256", "uint256"], [weightSeed, tag, j, b])));
      const sum = sums[j * batches + b]!;
      exponent += (word % MASH_GROUP_ORDER) * (((sum % MASH_GROUP_ORDER) + MASH_GROUP_ORDER) % MASH_GROUP_ORDER);
    }
  }
  return powModP(2n, exponent % MASH_GROUP_ORDER);
}

interface Task extends Pick<DriveShamirRoundParameters, "coordinator" | "verifier" | "shamir" | "taskId" | "owner" | "aggregator" | "keeper"> {
  clients: HardhatEthersSigner[];
  /** Shamir: the task's servers in share order; empty for MASH. */
  servers: HardhatEthersSigner[];
  setup: GasRecord[];
  roles: RoleAddresses;
}

/** Funded accounts beyond the network's own, made once and reused by every task. */
const extraAccounts: HardhatEthersSigner[] = [];

/**
 * `count` client accounts: the network's own after the owner, aggregator and keeper and before the servers (the last
 * SERVERS), then as many impersonated accounts with 1,000 ETH each as are missing (hardhat.config.ts makes 64
 * accounts; a round of 100 clients needs more). Which key signs changes no gas.
 */
async function clientAccounts(count: number): Promise<HardhatEthersSigner[]> {
  const signers = await ethers.getSigners();
  const own = signers.slice(3, signers.length - SERVERS);
  while (own.length + extraAccounts.length < count) {
    const address = new ethers.Wallet(ethers.id(`fedmash gas bench client ${extraAccounts.length}`)).address;
    await network.provider.send("hardhat_setBalance", [address, toQuantity(parseEther("1000"))]);
    extraAccounts.push(await ethers.getImpersonatedSigner(address));
  }
  return [...own, ...extraAccounts].slice(0, count);
}

/**
 * Deploys the contracts and sets up one funded task of `mode` with `count` clients: the same accounts play the same
 * parts in both modes (servers are the network's last accounts), so per-client figures compare like for like.
 */
async function setUpTask(
  mode: typeof Mode.Mash | typeof Mode.Shamir,
  count: number,
  payloads: MashRoundPayloads,
  maskGroup: number = MaskGroup.Rlwr2048,
): Promise<Task> {
  const signers = await ethers.getSigners();
  const [owner, aggregator, keeper] = signers as [HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner];
  const clients = await clientAccounts(count);
  const servers = mode === Mode.Shamir ? signers.slice(-SERVERS) : [];
  const { registry, coordinator, verifier, shamir } = await deployFedmash();
  const setup: GasRecord[] = [];
  const sendSetup = (name: string, transaction: Promise<ContractTransactionResponse>) => recordGas({ log: setup, name, transaction });
  await sendSetup("register (aggregator)", registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed));
  for (const [index, client] of clients.entries()) {
    await sendSetup("register (client)", registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed));
  }
  for (const [index, server] of servers.entries()) {
    await sendSetup("register (server)", registry.connect(server).register(Role.Server, encryptionKey(`server${index}`).compressed));
  }
  const duration = 3_600n;
  const config: IFedmashCoordinator.TaskConfigStruct = {
    mode,
    aggregator: aggregator.address,
    modelSize: MODEL_SIZE,
    minClients: mode === Mode.Mash ? 4 : 3,
    maxClients: count,
    joinDuration: duration,
    submitDuration: duration,
    aggregateDuration: duration,
    modelKind: "mlp",
    quantizationScale: 10_000,
    clipMillionths: 1_000_000,
    // Shamir ignores the MASH-only fields.
    groupSize: mode === Mode.Mash ? GROUP_SIZE : 0,
    keyDuration: mode === Mode.Mash ? duration : 0n,
    shuffleDuration: mode === Mode.Mash ? duration : 0n,
    completionDuration: mode === Mode.Mash ? duration : 0n,
    // The default floor, max(3, minClients); the rounds driven here include every client.
    minIncluded: 0,
    maskGroup,
  };
  const initialModel = payloads.cid("initial model");
  if (mode === Mode.Mash) {
    await sendSetup("createTask", coordinator.connect(owner).createTask(config, initialModel));
  } else {
    const addresses = servers.map((server) => server.address);
    await sendSetup("createShamirTask", coordinator.connect(owner).createShamirTask(config, initialModel, addresses, THRESHOLD));
  }
  const taskId = await coordinator.taskCount();
  // Shamir ignores challengeDuration.
  const terms = {
    aggregatorBond: parseEther("1"),
    clientReward: parseEther("0.001"),
    aggregatorReward: parseEther("0.01"),
    challengeDuration: CHALLENGE_DURATION,
  };
  await sendSetup("setTerms", verifier.connect(owner).setTerms(taskId, terms));
  await sendSetup("fundTask", verifier.connect(owner).fundTask(taskId, { value: parseEther("10") }));
  await sendSetup("acceptTask", verifier.connect(aggregator).acceptTask(taskId, terms.aggregatorBond));
  await sendSetup("depositBond", verifier.connect(aggregator).depositBond(taskId, { value: terms.aggregatorBond }));
  const roles = {
    clients: new Set(clients.map((client) => client.address)),
    servers: new Set(servers.map((server) => server.address)),
    aggregator: aggregator.address,
  };
  return { coordinator, verifier, shamir, taskId, owner, aggregator, keeper, clients, servers, setup, roles };
}

/** A round must end in `expected` with every client included, or its gas is not the round's it stands for. */
function requireOutcome(label: string, outcome: Outcome, expected: Outcome, included: number, count: number): void {
  if (outcome !== expected || included !== count) {
    throw new Error(`${label}: outcome ${outcome} with ${included} included, expected ${expected} with all ${count}`);
  }
}

function isChallenge(record: GasRecord): boolean {
  return record.name.startsWith("challenge");
}

function challengeGas(record: GasRecord | undefined, label: string): ChallengeGas {
  if (record === undefined) throw new Error(`${label}: no challenge was sent`);
  return { gas: gasOf(record), calldataBytes: record.calldataBytes, execution: gasOf(record) - 21_000 - record.calldataGas };
}

function maskGroupName(maskGroup: number): string {
  return maskGroup === MaskGroup.PaperCompat ? "paper-compat" : "rlwr-2048";
}

/**
 * A MASH task of `count` clients in `maskGroup`: `honestRounds` honest rounds, the last of which also takes a
 * challenge of leaf CHALLENGED_LEAF of its honest sum (rejected; recorded apart, left out of the round's records),
 * then one round whose sum is off by one at TAMPERED_COORDINATE, challenged at that leaf and upheld (FraudProven).
 */
async function runMash(count: number, payloads: MashRoundPayloads, maskGroup: number, honestRounds: number): Promise<MashRunResult> {
  const task = await setUpTask(Mode.Mash, count, payloads, maskGroup);
  const { coordinator, verifier, taskId, owner, aggregator, keeper, clients, setup, roles } = task;
  const name = `MASH ${maskGroupName(maskGroup)}, N = ${count}`;
  const rounds: GasRecord[][] = [];
  let rejected: GasRecord | undefined;
  const drive = async (round: number, behaviour: MashRoundBehaviour, log: GasRecord[]) => {
    const started = Date.now();
    const driven = await driveMashRound({ coordinator, verifier, taskId, owner, aggregator, keeper, clients, payloads, behaviour, updateSeed: round, gasLog: log });
    process.stderr.write(`${name}: round ${round} ${driven.challenges.map((c) => (c.upheld ? "(challenge upheld) " : "(challenge rejected) ")).join("")}in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return driven;
  };
  for (let round = 1; round <= honestRounds; round++) {
    const challenged = round === honestRounds;
    const log: GasRecord[] = [];
    const driven = await drive(round, challenged ? { challenges: [CHALLENGED_LEAF] } : {}, log);
    requireOutcome(`${name}, round ${round}`, driven.outcome, Outcome.Passed, driven.included.length, count);
    if (challenged) {
      if (driven.challenges.length !== 1 || driven.challenges[0]!.upheld) throw new Error(`${name}: the challenge of an honest sum was not rejected`);
      rejected = log.find(isChallenge);
    }
    rounds.push(log.filter((record) => !isChallenge(record)));
  }
  const log: GasRecord[] = [];
  const tampered = await drive(
    honestRounds + 1,
    { aggregateSum: "tampered", tamperedCoordinate: TAMPERED_COORDINATE, challenges: [CHALLENGED_LEAF] },
    log,
  );
  requireOutcome(`${name}, tampered round`, tampered.outcome, Outcome.FraudProven, tampered.included.length, count);
  const upheld = log.find((record) => record.name === "challenge (upheld)");
  // The fraud took the whole bond: the aggregator tops it up for one more tampered round, disputed as if withheld.
  let dispute: DisputeResult | undefined;
  if (maskGroup === MaskGroup.Rlwr2048) {
    await verifier.connect(aggregator).depositBond(taskId, { value: parseEther("1") });
    const disputeLog: GasRecord[] = [];
    const disputed = await drive(honestRounds + 2, { aggregateSum: "tampered", tamperedCoordinate: TAMPERED_COORDINATE, dispute: true }, disputeLog);
    requireOutcome(`${name}, disputed round`, disputed.outcome, Outcome.FraudProven, disputed.included.length, count);
    const first = disputeLog.findIndex((record) => record.name === "openDispute");
    const steps = disputeLog.slice(first, disputeLog.findIndex((record) => record.name === "challenge (upheld)") + 1).map((record) => ({
      name: record.name,
      gas: gasOf(record),
      by: record.name.startsWith("reveal") ? ("aggregator" as const) : ("challenger" as const),
    }));
    const total = (by: "challenger" | "aggregator") => steps.filter((step) => step.by === by).reduce((sum, step) => sum + step.gas, 0);
    dispute = { steps, challenger: total("challenger"), aggregator: total("aggregator") };
  }
  return {
    clients: count,
    dispute,
    round: rounds.at(-1)!,
    firstRound: rounds[0]!,
    setup,
    roles,
    challenge: { rejected: challengeGas(rejected, `${name}, honest sum`), upheld: challengeGas(upheld, `${name}, tampered sum`) },
  };
}

interface ShamirRunResult {
  clients: number;
  /** Round ROUNDS, every server posting. */
  round: GasRecord[];
  /** Round ROUNDS + 1 of the same task, SILENT_SERVER never posting: the aggregate comes from the other two. */
  dropoutRound: GasRecord[];
  firstRound: GasRecord[];
  setup: GasRecord[];
  roles: RoleAddresses;
  baselinePosts: GasRecord[];
  baselineCheck: number;
  checkOnly: number;
  accumulate: GasRecord[];
}

async function runShamir(count: number, payloads: MashRoundPayloads): Promise<ShamirRunResult> {
  const task = await setUpTask(Mode.Shamir, count, payloads);
  const rounds: GasRecord[][] = [];
  let reported: Awaited<ReturnType<typeof driveShamirRound>> | undefined;
  for (let round = 1; round <= ROUNDS + 1; round++) {
    const dropout = round > ROUNDS;
    const log: GasRecord[] = [];
    const started = Date.now();
    const driven = await driveShamirRound({
      ...task,
      cid: payloads.cid,
      behaviour: { silentServers: dropout ? [SILENT_SERVER] : [] },
      updateSeed: round,
      gasLog: log,
    });
    const label = `Shamir, N = ${count}, round ${round}${dropout ? ` (server ${SILENT_SERVER} silent)` : ""}`;
    requireOutcome(label, driven.outcome, Outcome.Passed, driven.included.length, count);
    process.stderr.write(`${label}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    rounds.push(log);
    if (round === ROUNDS) reported = driven;
  }
  const { included, clientBatchSums, weightSeed, postedBatchSums, roundId } = reported!;
  const { keeper, verifier } = task;
  const verification = await verifier.verification(roundId);
  const partitions = Number(verification.partitions);
  const batches = Number(verification.batches);

  // The paper's design over the same clients and the same T.
  const baseline = (await ethers.deployContract("PaperVerificationBaseline")) as unknown as PaperVerificationBaseline;
  const baselinePosts: GasRecord[] = [];
  for (const client of included) {
    const commitment = paperCommitment(clientBatchSums.get(client.address)!, weightSeed!, partitions, batches);
    await recordGas({ log: baselinePosts, name: "postCommitment", transaction: baseline.connect(client).postCommitment(commitment) });
  }
  const baselineRecords: GasRecord[] = [];
  if (!(await baseline.check.staticCall(weightSeed!, partitions, batches, postedBatchSums!))) {
    throw new Error(`N = ${count}: the paper baseline rejects honest commitments`);
  }
  await recordGas({ log: baselineRecords, name: "check", transaction: baseline.connect(keeper).check(weightSeed!, partitions, batches, postedBatchSums!) });
  if (MASH_P !== (await baseline.Q())) throw new Error("the baseline's q is not MASH's P");

  // Our check alone, without the verifier's books and the coordinator's finalization.
  const harness = (await ethers.deployContract("SampledVerificationHarness")) as unknown as SampledVerificationHarness;
  const accumulate: GasRecord[] = [];
  for (const client of included) {
    const point = commitBatchSums({ batchSums: clientBatchSums.get(client.address)!, weightSeed: weightSeed!, m: partitions, k: batches });
    await recordGas({ log: accumulate, name: "accumulate", transaction: harness.connect(client).accumulate(point.x, point.y) });
  }
  if (!(await harness.matches(weightSeed!, partitions, batches, postedBatchSums!))) throw new Error(`N = ${count}: the harness rejects honest commitments`);
  const checkOnly: GasRecord[] = [];
  await recordGas({ log: checkOnly, name: "checkBatchSums", transaction: harness.connect(keeper).checkBatchSums(weightSeed!, partitions, batches, postedBatchSums!) });

  return {
    clients: count,
    round: rounds[ROUNDS - 1]!,
    dropoutRound: rounds[ROUNDS]!,
    firstRound: rounds[0]!,
    setup: task.setup,
    roles: task.roles,
    baselinePosts,
    baselineCheck: gasOf(baselineRecords[0]!),
    checkOnly: gasOf(checkOnly[0]!),
    accumulate,
  };
}

/** A share-sum dispute at N clients: the opening, each honest server's answer (all its batches) and the liar's. */
interface ShareDisputeGas {
  clients: number;
  open: number;
  /** An honest server's whole answer: the sum over its batches of ANSWER_BATCH_CLIENTS client openings. */
  honestAnswer: number;
  batches: number;
  /** The largest single batch transaction (the one that must fit a block and EIP-7825's 16.78M cap). */
  largestBatch: number;
  largestBatchCalldataBytes: number;
  /** The liar's answer, which slashes it. */
  slashingAnswer: number;
  perClient: number;
}

/**
 * Shamir share-sum dispute (docs/SHAMIR.md): N clients commit to real shares (width-8 vector Merkle roots), the three
 * servers post committed share-sums, server 2 off by one in leaf 0; the keeper opens the dispute with the three
 * openings, the two honest servers answer in batches and the liar's answer slashes it.
 */
async function runShareDispute(count: number, payloads: MashRoundPayloads): Promise<ShareDisputeGas> {
  const task = await setUpTask(Mode.Shamir, count, payloads);
  const { coordinator, shamir, taskId, owner, keeper, clients, servers } = task;
  await (await coordinator.connect(owner).openRound(taskId, (await coordinator.task(taskId)).currentModelCid)).wait();
  const roundId = await coordinator.roundCount();
  for (const client of clients) await (await coordinator.connect(client).join(roundId)).wait();
  const received: { manifestHash: string; shareRoots: string[]; share: Uint32Array }[][] = servers.map(() => []);
  for (const [c, client] of clients.entries()) {
    const update = Int32Array.from({ length: MODEL_SIZE }, (_, i) => ((i * 31 + c * 17) % 2001) - 1000);
    const shares = shareVector(update, { servers: SERVERS, threshold: THRESHOLD });
    const shareRoots = shares.map((share) => fieldVectorRoot(share));
    const manifestHash = keccak256(Buffer.from(`manifest ${c}`));
    await (await coordinator.connect(client).submitUpdate(roundId, payloads.cid(`manifest ${c}`), shamirSubmissionCommitment(manifestHash, shareRoots), 600, 0)).wait();
    shares.forEach((share, j) => received[j]!.push({ manifestHash, shareRoots, share }));
  }
  const included = (await coordinator.includedClients(roundId)).map((address) => clients.findIndex((client) => client.address === address));
  const sums = servers.map((_, j) => {
    const sum = new Uint32Array(MODEL_SIZE);
    for (const entry of received[j]!) addShares(sum, entry.share);
    if (j === SERVERS - 1) sum[0] = (sum[0]! + 1) % SHAMIR_PRIME;
    return { serverIndex: j, values: sum, payloadHash: keccak256(Buffer.from(`share-sum ${j}`)) };
  });
  for (const [j, server] of servers.entries()) {
    await ensureServerBond(shamir, taskId, server);
    await (await shamir.connect(server).postShareSum(roundId, payloads.cid(`share-sum ${j}`), shareSumCommitment(sums[j]!.payloadHash, sums[j]!.values))).wait();
  }
  const leafIndex = findInconsistentLeaf(sums, THRESHOLD);
  if (leafIndex !== 0) throw new Error(`N = ${count}: the lie in leaf 0 was found at leaf ${leafIndex}`);
  const log: GasRecord[] = [];
  await recordGas({ log, name: "openShareDispute", transaction: shamir.connect(keeper).openShareDispute(roundId, leafIndex, shareSumOpenings(sums, leafIndex)) });
  const answerOf = (j: number) => shareDisputeAnswer(leafIndex, sums[j]!, included.map((c) => received[j]![c]!));
  let largestBatch = 0;
  let largestBatchCalldataBytes = 0;
  let honestAnswer = 0;
  let batches = 0;
  for (const j of [0, 1]) {
    const answer = answerOf(j);
    const total: GasRecord[] = [];
    for (const batch of answerBatches(answer)) {
      const transaction = shamir.connect(servers[j]!).answerShareDispute(roundId, answer.sum, batch);
      const bytes = getBytes((await transaction).data).length;
      await recordGas({ log: total, name: "answerShareDispute (batch)", transaction });
      const gas = gasOf(total.at(-1)!);
      if (gas > largestBatch) [largestBatch, largestBatchCalldataBytes] = [gas, bytes];
    }
    if (j === 0) [honestAnswer, batches] = [total.reduce((sum, record) => sum + gasOf(record), 0), total.length];
  }
  const liar: GasRecord[] = [];
  const lie = answerOf(SERVERS - 1);
  for (const batch of answerBatches(lie)) await recordGas({ log: liar, name: "answerShareDispute (slashing)", transaction: shamir.connect(servers[SERVERS - 1]!).answerShareDispute(roundId, lie.sum, batch) });
  if (!(await shamir.isSlashed(roundId, servers[SERVERS - 1]!.address))) throw new Error(`N = ${count}: the lying server was not slashed`);
  process.stderr.write(`Shamir share-sum dispute, N = ${count}: open ${format(gasOf(log[0]!))}, honest answer ${format(honestAnswer)} in ${batches} batch(es)\n`);
  return {
    clients: count,
    open: gasOf(log[0]!),
    honestAnswer,
    batches,
    largestBatch,
    largestBatchCalldataBytes,
    slashingAnswer: liar.reduce((sum, record) => sum + gasOf(record), 0),
    perClient: honestAnswer / count,
  };
}

/** The round's settle: Shamir's check, or a MASH round's close of its challenge window. */
function settleRecord(records: readonly GasRecord[]): GasRecord {
  const settle = records.find((record) => record.name.startsWith("settle"));
  if (settle === undefined) throw new Error("the round has no settle");
  return settle;
}

function settleGas(records: readonly GasRecord[]): number {
  return gasOf(settleRecord(records));
}

/** The transaction minus its 21,000 base and its calldata: what the contracts executed. */
function settleExecution(records: readonly GasRecord[]): number {
  const settle = settleRecord(records);
  return gasOf(settle) - 21_000 - settle.calldataGas;
}

/** One round's gas by who sent it: each client and each posting server on average, the aggregator, everyone. */
interface RoundCost {
  perClient: number;
  /** Mean over the servers that sent anything this round; null without servers (MASH). */
  perServer: number | null;
  aggregator: number;
  /** The owner's openRound and the keeper's advances and settle. */
  ownerAndKeeper: number;
  total: number;
}

function roundCost(records: readonly GasRecord[], roles: RoleAddresses): RoundCost {
  const sum = (keep: (record: GasRecord) => boolean): number => records.filter(keep).reduce((total, record) => total + gasOf(record), 0);
  const posting = new Set(records.filter((record) => roles.servers.has(record.from)).map((record) => record.from));
  const servers = sum((record) => roles.servers.has(record.from));
  const clients = sum((record) => roles.clients.has(record.from));
  const aggregator = sum((record) => record.from === roles.aggregator);
  const total = sum(() => true);
  return {
    perClient: Math.round(clients / roles.clients.size),
    perServer: posting.size === 0 ? null : Math.round(servers / posting.size),
    aggregator,
    ownerAndKeeper: total - clients - servers - aggregator,
    total,
  };
}

function format(gas: number): string {
  return gas.toLocaleString("en-US");
}

/** Protocol order of the functions, so that the side-by-side table reads as a round; qualifiers follow their function. */
const FUNCTION_ORDER = [
  "register",
  "createTask",
  "createShamirTask",
  "setTerms",
  "fundTask",
  "acceptTask",
  "depositBond",
  "openRound",
  "join",
  "postHolderKey",
  "postShuffleMessage",
  "postGroupSum",
  "submitUpdate",
  "postShareSum",
  "advance",
  "postAggregate",
  "challenge",
  "postBatchSums",
  "commit",
  "settle",
  "claim",
];

function functionRank(name: string): number {
  const rank = FUNCTION_ORDER.indexOf(name.split(" ")[0]!);
  return rank === -1 ? FUNCTION_ORDER.length : rank;
}

/** A column of the function table: one task's setup and one of its rounds. */
interface FunctionColumn {
  heading: string;
  stats: Record<string, FunctionStats>;
}

function functionTable(columns: readonly FunctionColumn[]): string[] {
  const seen = [...new Set(columns.flatMap((column) => Object.keys(column.stats)))];
  const names = seen.map((name, index) => ({ name, index })).sort((a, b) => functionRank(a.name) - functionRank(b.name) || a.index - b.index);
  const cell = (column: FunctionColumn, name: string): string => {
    const stats = column.stats[name];
    if (stats === undefined) return "–";
    const range = stats.min === stats.max ? "" : ` (${format(stats.min)}–${format(stats.max)})`;
    return `${format(stats.mean)}${range} × ${stats.calls}`;
  };
  return [
    `| function | ${columns.map((column) => column.heading).join(" | ")} |`,
    `|---|${columns.map(() => "---:").join("|")}|`,
    ...names.map(({ name }) => `| ${name} | ${columns.map((column) => cell(column, name)).join(" | ")} |`),
  ];
}

function ratio(numerator: number, denominator: number): string {
  return `${(numerator / denominator).toFixed(2)}×`;
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const started = Date.now();
  const { payloads, sizes } = await realisticPayloads();
  const runs: MashRunResult[] = [];
  const paperRuns: MashRunResult[] = [];
  const shamirRuns: ShamirRunResult[] = [];
  for (const count of MASH_CLIENT_COUNTS) runs.push(await runMash(count, payloads, MaskGroup.Rlwr2048, ROUNDS));
  for (const count of SHAMIR_CLIENT_COUNTS) shamirRuns.push(await runShamir(count, payloads));
  const shareDisputes: ShareDisputeGas[] = [];
  for (const count of MASH_CLIENT_COUNTS) shareDisputes.push(await runShareDispute(count, payloads));
  // paper-compat: one honest round (with the rejected challenge) and the tampered one; only the challenges are reported.
  if (PAPER_COMPAT) for (const count of MASH_CLIENT_COUNTS) paperRuns.push(await runMash(count, payloads, MaskGroup.PaperCompat, 1));
  const byN = <T>(pick: (run: MashRunResult) => T, from: readonly MashRunResult[] = runs): Record<string, T> =>
    Object.fromEntries(from.map((run) => [String(run.clients), pick(run)]));
  const shamirByN = <T>(pick: (run: ShamirRunResult) => T): Record<string, T> =>
    Object.fromEntries(shamirRuns.map((run) => [String(run.clients), pick(run)]));

  // MASH: the challenges and the target.
  const challengePick = (pick: (gas: ChallengeGas) => number) => (run: MashRunResult) => ({
    upheld: pick(run.challenge.upheld),
    rejected: pick(run.challenge.rejected),
  });
  const worstChallenge = (run: MashRunResult | undefined): number | null =>
    run === undefined ? null : Math.max(run.challenge.upheld.gas, run.challenge.rejected.gas);
  const targetGas = worstChallenge(runs.find((run) => run.clients === CHALLENGE_TARGET_N));
  const paperTargetGas = worstChallenge(paperRuns.find((run) => run.clients === CHALLENGE_TARGET_N));
  const challengeHolds = targetGas === null ? null : targetGas < CHALLENGE_TARGET_GAS;
  // What one more included client adds to a challenge (its opening: calldata, hashes, decoding), between the two largest N.
  const [slopeLow, slopeHigh] = [runs.at(-2)!, runs.at(-1)!];
  const perVectorGas = (slopeHigh.challenge.upheld.gas - slopeLow.challenge.upheld.gas) / (slopeHigh.clients - slopeLow.clients);
  const perVectorBytes = (slopeHigh.challenge.upheld.calldataBytes - slopeLow.challenge.upheld.calldataBytes) / (slopeHigh.clients - slopeLow.clients);
  const targetReachedAtN = Math.floor(slopeHigh.clients + (CHALLENGE_TARGET_GAS - slopeHigh.challenge.upheld.gas) / perVectorGas);
  const paperChallengeHolds = paperTargetGas === null ? null : paperTargetGas < CHALLENGE_TARGET_GAS;

  // Shamir's sampled verification and its requirement.
  const verification = shamirByN((run) => settleGas(run.round));
  const small = verification[String(SHAMIR_CLIENT_COUNTS[0])]!;
  const large = verification[String(SHAMIR_CLIENT_COUNTS[1])]!;
  const relative = Math.abs(large - small) / small;
  const holds = relative <= TOLERANCE && large < BOUND;
  const largestShamir = shamirRuns.at(-1)!;
  const baselineSlope = (largestShamir.baselineCheck - shamirRuns[0]!.baselineCheck) / (largestShamir.clients - shamirRuns[0]!.clients);
  const baselineIntercept = shamirRuns[0]!.baselineCheck - baselineSlope * shamirRuns[0]!.clients;

  const largest = runs.at(-1)!;
  const functionsByN = byN((run) => ({ ...statsByName(run.setup), ...statsByName(run.round) }));
  const mashCost = byN((run) => roundCost(run.round, run.roles));
  const perClientBefore = Object.fromEntries(
    runs.filter((run) => SAMPLED_DESIGN_PER_CLIENT[String(run.clients)] !== undefined).map((run) => {
      const before = SAMPLED_DESIGN_PER_CLIENT[String(run.clients)]!;
      const now = mashCost[String(run.clients)]!.perClient;
      return [String(run.clients), { before, now, ratio: now / before }];
    }),
  );
  const shamirCost = shamirByN((run) => roundCost(run.round, run.roles));
  const dropoutCost = shamirByN((run) => roundCost(run.dropoutRound, run.roles));
  const shamirFunctionsByN = shamirByN((run) => ({ ...statsByName(run.setup), ...statsByName(run.round) }));
  const dropoutFunctionsByN = shamirByN((run) => statsByName(run.dropoutRound));
  const shamirOver = (pick: (cost: RoundCost) => number) =>
    shamirByN((run) => pick(shamirCost[String(run.clients)]!) / pick(mashCost[String(run.clients)]!));
  const seconds = Math.round((Date.now() - started) / 1000);
  const result = {
    /** MASH, rlwr-2048 (the default mask group): a challenge of one leaf, whole transaction gas. */
    challenge: byN(challengePick((gas) => gas.gas)),
    challengeCalldataBytes: byN(challengePick((gas) => gas.calldataBytes)),
    /** Without the 21,000 base and the calldata gas. */
    challengeExecution: byN(challengePick((gas) => gas.execution)),
    challengePaperCompat: PAPER_COMPAT
      ? {
          gas: byN(challengePick((gas) => gas.gas), paperRuns),
          calldataBytes: byN(challengePick((gas) => gas.calldataBytes), paperRuns),
          execution: byN(challengePick((gas) => gas.execution), paperRuns),
        }
      : null,
    /**
     * MASH, rlwr-2048: a dispute of a tampered sum whose payload is withheld, played to the wrong leaf (d = 101,770:
     * a tree of depth 13, so two reveals of 7 and 6 levels and the leaf), each step's gas and each side's total.
     */
    dispute: Object.fromEntries(runs.filter((run) => run.dispute !== undefined).map((run) => [String(run.clients), run.dispute!])),
    challengeRequirement: {
      text: `a challenge (upheld or rejected) at N = ${CHALLENGE_TARGET_N} below ${format(CHALLENGE_TARGET_GAS)} gas, ${DEFAULT_MASK_GROUP}`,
      holds: challengeHolds,
      gas: targetGas,
      paperCompat: { holds: paperChallengeHolds, gas: paperTargetGas },
      /** Upheld, rlwr-2048, between the two largest N: gas and calldata bytes per included client. */
      perClient: { gas: perVectorGas, calldataBytes: perVectorBytes, between: [slopeLow.clients, slopeHigh.clients] },
      /** The largest N whose upheld challenge stays below the target at that rate. */
      belowTargetUpToN: targetReachedAtN,
    },
    /** MASH, honest round: every transaction the clients sent / N. */
    perClientPerRound: byN((run) => mashCost[String(run.clients)]!.perClient),
    perClientPerRoundBefore: { source: SAMPLED_DESIGN_SOURCE, byN: perClientBefore },
    /** MASH settle: the close of the challenge window, no check. */
    mashSettle: byN((run) => settleGas(run.round)),
    functions: Object.fromEntries(Object.entries(functionsByN[String(largest.clients)]!).map(([name, stats]) => [name, stats.mean])),
    firstRound: {
      perClientPerRound: byN((run) => roundCost(run.firstRound, run.roles).perClient),
    },
    functionsByN,
    /** MASH's round split by party (round ROUNDS, without the challenge of its sum), to set beside Shamir's. */
    mashRound: mashCost,
    shamir: {
      design: `Shamir mode: ${SERVERS} servers, threshold ${THRESHOLD}; clients submit a share-manifest CID, each server posts a share-sum CID, then sampled verification (T, BN254 commitments)`,
      servers: SERVERS,
      threshold: THRESHOLD,
      perClientPerRound: shamirByN((run) => shamirCost[String(run.clients)]!.perClient),
      /** Shamir ÷ MASH, per client per round. */
      perClientOverMash: shamirOver((cost) => cost.perClient),
      /** Mean gas a server spends per round (its one postShareSum; the round's first also pays the count slot). */
      perServerPerRound: shamirByN((run) => shamirCost[String(run.clients)]!.perServer),
      aggregatorPerRoundOverMash: shamirOver((cost) => cost.aggregator),
      roundTotalOverMash: shamirOver((cost) => cost.total),
      verification,
      /** settle without the 21,000 base and the calldata (T's zero bytes vary with the updates). */
      verificationExecution: shamirByN((run) => settleExecution(run.round)),
      requirement: {
        text: `verification gas for N = ${SHAMIR_CLIENT_COUNTS[1]} within ${TOLERANCE * 100}% of N = ${SHAMIR_CLIENT_COUNTS[0]} and below ${format(BOUND)}`,
        holds,
        relativeDifference: relative,
      },
      baseline: {
        design: "MASH paper: one stored uint256 commitment per client mod q = 2^80 + 13, check multiplies all N in a storage loop",
        check: shamirByN((run) => run.baselineCheck),
        postCommitment: shamirByN((run) => statsByName(run.baselinePosts)["postCommitment"]!.mean),
        checkOverOurSettle: shamirByN((run) => run.baselineCheck / settleGas(run.round)),
        checkOverOurCheckAlone: shamirByN((run) => run.baselineCheck / run.checkOnly),
        /** Gas the paper's check adds per client (the loop's cold SLOAD and mulmod), from the two N. */
        checkPerClient: baselineSlope,
        /** The N from which the paper's check alone exceeds the bound. */
        checkExceedsBoundAtN: Math.ceil((BOUND - baselineIntercept) / baselineSlope),
      },
      checkOnly: {
        design: "SampledVerificationHarness.checkBatchSums: our check without the verifier's books and the round's finalization",
        check: shamirByN((run) => run.checkOnly),
        accumulate: shamirByN((run) => statsByName(run.accumulate)["accumulate"]!.mean),
      },
      round: shamirCost,
      functions: Object.fromEntries(Object.entries(shamirFunctionsByN[String(largestShamir.clients)]!).map(([name, stats]) => [name, stats.mean])),
      functionsByN: shamirFunctionsByN,
      oneServerSilent: {
        design: `round ${ROUNDS + 1} of the same task: server ${SILENT_SERVER} never posts, the aggregate is posted with ${SERVERS - 1} share-sums`,
        round: dropoutCost,
        verificationExecution: shamirByN((run) => settleExecution(run.dropoutRound)),
        perClientOverMash: shamirByN((run) => dropoutCost[String(run.clients)]!.perClient / mashCost[String(run.clients)]!.perClient),
        functionsByN: dropoutFunctionsByN,
      },
      firstRound: {
        perClientPerRound: shamirByN((run) => roundCost(run.firstRound, run.roles).perClient),
      },
      /**
       * A share-sum dispute of a lying server (docs/SHAMIR.md), by N: the opening (t + 1 openings), an honest server's
       * whole answer over its batches of ${ANSWER_BATCH_CLIENTS} clients, the largest batch transaction, the liar's answer.
       */
      shareDispute: Object.fromEntries(shareDisputes.map((run) => [String(run.clients), run])),
    },
    /** What the sampled-commitment design measured for MASH and the fraud proofs removed. */
    droppedForMash:
      "batch sums T (postBatchSums), the clients' BN254 commitments (commit), the BN254 check in settle and the paper baseline over MASH rounds: " +
      "a MASH round is verified by fraud proofs, its settle only closes the challenge window; the sampled check and its baseline are measured on Shamir rounds",
    meta: {
      date: new Date().toISOString(),
      quick: QUICK,
      network: "Hardhat (in-process EDR), solc 0.8.28, optimizer 200 runs (coordinator and verifier 1 run), cancun",
      modelSize: MODEL_SIZE,
      maskGroup: DEFAULT_MASK_GROUP,
      challengedLeaf: CHALLENGED_LEAF,
      tamperedCoordinate: TAMPERED_COORDINATE,
      challengeDuration: Number(CHALLENGE_DURATION),
      shamirPartitions: 64,
      shamirBatches: 2,
      groupSize: GROUP_SIZE,
      paillierBits: PAILLIER_BITS,
      wireSizes: sizes,
      roundsPerN: ROUNDS,
      reported:
        `MASH: round ${ROUNDS} of each task, whose honest sum also takes a rejected challenge (left out of the round's figures), then round ${ROUNDS + 1} ` +
        `with a tampered sum and the upheld challenge; paper-compat tasks run one honest round and the tampered one. Shamir: round ${ROUNDS}, ` +
        `and round ${ROUNDS + 1} with a silent server`,
      functionsAt: `N = ${largest.clients}, mean per call (functionsByN has every N with min and max)`,
      perClientPerRound:
        "all transactions the round's clients sent / N: MASH join, holder key, shuffle messages, group sums, submissions, claims; Shamir join, submission, commitment, claim",
      accounts: `hardhat.config.ts makes 64; clients beyond the ${64 - 3 - SERVERS} free ones are impersonated accounts funded with hardhat_setBalance`,
      seconds,
      loadAverage: { before: loadBefore, after: loadavg()[0] },
    },
  };

  const costRow = (count: number, mode: string, cost: RoundCost, mash: RoundCost): string =>
    `| ${count} | ${mode} | ${format(cost.perClient)} | ${cost.perServer === null ? "–" : format(cost.perServer)} | ${format(cost.aggregator)} | ` +
    `${format(cost.ownerAndKeeper)} | ${format(cost.total)} | ${ratio(cost.perClient, mash.perClient)} | ${ratio(cost.total, mash.total)} |`;
  const columns: FunctionColumn[] = [
    ...runs.map((run) => ({ heading: `MASH N = ${run.clients}`, stats: functionsByN[String(run.clients)]! })),
    ...shamirRuns.map((run) => ({ heading: `Shamir N = ${run.clients}`, stats: shamirFunctionsByN[String(run.clients)]! })),
    ...shamirRuns.map((run) => ({ heading: `Shamir, server ${SILENT_SERVER} silent, N = ${run.clients}`, stats: dropoutFunctionsByN[String(run.clients)]! })),
  ];
  const perClientRatios = shamirRuns.map((run) => `${ratio(shamirCost[String(run.clients)]!.perClient, mashCost[String(run.clients)]!.perClient)} (N = ${run.clients})`);
  const holdsText = (value: boolean | null): string => (value === null ? `not measured (no N = ${CHALLENGE_TARGET_N} run)` : value ? "holds" : "DOES NOT HOLD");
  const paperByN = new Map(paperRuns.map((run) => [run.clients, run]));
  const challengeRow = (run: MashRunResult): string => {
    const paper = paperByN.get(run.clients);
    const cells = (r: MashRunResult | undefined): string =>
      r === undefined
        ? "– | – | –"
        : `${format(r.challenge.rejected.gas)} | ${format(r.challenge.upheld.gas)} | ${format(r.challenge.rejected.calldataBytes)}`;
    return `| ${run.clients} | ${cells(run)} | ${cells(paper)} |`;
  };
  const mashPerClientRow = (run: MashRunResult): string => {
    const key = String(run.clients);
    const cost = mashCost[key]!;
    const before = perClientBefore[key];
    return (
      `| ${key} | ${format(cost.perClient)} | ${before === undefined ? "–" : format(before.before)} | ${before === undefined ? "–" : `${before.ratio.toFixed(2)}×`} | ` +
      `${format(roundCost(run.firstRound, run.roles).perClient)} | ${format(cost.aggregator)} | ${format(cost.ownerAndKeeper)} | ${format(cost.total)} | ${format(settleGas(run.round))} |`
    );
  };
  const table = [
    `# Gas benchmark (\`npm run bench:gas\`): MASH fraud proofs and honest MASH and Shamir rounds, d = ${format(MODEL_SIZE)}${QUICK ? " (QUICK)" : ""}`,
    "",
    `${result.meta.date}; ${result.meta.network}. Paillier ${PAILLIER_BITS}-bit key (${sizes.paillierPublicKey} B), ` +
      `mask group ${DEFAULT_MASK_GROUP}: shuffle messages ${Object.entries(sizes.shuffleMessage).map(([size, bytes]) => `${bytes.join("/")} B (groups of ${size})`).join(", ")}, ` +
      `group sums ${Object.values(sizes.groupSum)[0]} B, each above ${MAX_INLINE_MESSAGE_BYTES} B so stored on IPFS and posted as a ${STORED_POINTER_HEADER_BYTES + sizes.cid} B pointer; ` +
      `distinct CIDs of ${sizes.cid} characters (updates, share manifests, share-sums, models). ${seconds} s ` +
      `(load average ${loadBefore.toFixed(2)} before, ${result.meta.loadAverage.after!.toFixed(2)} after).`,
    "",
    "## MASH: a fraud-proof challenge of one leaf",
    "",
    `Every included client's masked vector (real, cancelling masks) and the posted int64 sum are committed as Merkle trees of ` +
      `${LEAF_VALUES} values a leaf; a challenge sends leaf ${format(CHALLENGED_LEAF)} (of ${format(Math.ceil(MODEL_SIZE / LEAF_VALUES))}) of all N vectors and of the sum ` +
      `with their proofs, and the verifier recomputes the leaf's ${LEAF_VALUES} coordinates in the mask group. Rejected: an honest sum ` +
      `(round ${ROUNDS} of the task; the bond is burned). Upheld: a sum off by one at coordinate ${format(TAMPERED_COORDINATE)}, the leaf's last, so all ` +
      `${LEAF_VALUES} are decoded (round ${ROUNDS + 1}; the aggregator is slashed and the round settles FraudProven). Whole transactions, ` +
      "calldata included; the calldata is the same for both.",
    "",
    `| N | ${DEFAULT_MASK_GROUP} rejected | ${DEFAULT_MASK_GROUP} upheld | calldata (B) | paper-compat rejected | paper-compat upheld | calldata (B) |`,
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...runs.map(challengeRow),
    "",
    `**${result.challengeRequirement.text}: ${holdsText(challengeHolds)}**${targetGas === null ? "" : ` (${format(targetGas)} at most)`}; ` +
      `paper-compat: ${PAPER_COMPAT ? holdsText(paperChallengeHolds) : "not run (BENCH_GAS_PAPER_COMPAT=0)"}${paperTargetGas === null ? "" : ` (${format(paperTargetGas)} at most)`}. ` +
      `Without the 21,000 base and the calldata a ${DEFAULT_MASK_GROUP} challenge executes ` +
      `${runs.map((run) => `${format(run.challenge.rejected.execution)} rejected / ${format(run.challenge.upheld.execution)} upheld (N = ${run.clients})`).join(", ")}. ` +
      `Each included client adds ${format(Math.round(perVectorGas))} gas and ${format(Math.round(perVectorBytes))} B of calldata to a challenge ` +
      `(upheld, N = ${slopeLow.clients} → ${slopeHigh.clients}): at that rate one stays below ${format(CHALLENGE_TARGET_GAS)} gas up to N = ${targetReachedAtN}.`,
    "",
    "## MASH: a dispute of a withheld sum",
    "",
    `The same tampered sum, but as if its payload were withheld (round ${ROUNDS + 2}): the challenger opens a dispute and the aggregator ` +
      `opens its committed tree down the path the challenger picks (a tree of depth ${Math.ceil(Math.log2(Math.ceil(MODEL_SIZE / LEAF_VALUES)))}: ` +
      "128 nodes, then 64, then the leaf's values), and the challenge of that leaf proves the fraud. Each side's total; an " +
      "aggregator that stops answering loses at its step's deadline (closeDispute) without the rest.",
    "",
    `| N | ${(runs.find((run) => run.dispute !== undefined)?.dispute?.steps ?? []).map((step) => step.name).join(" | ")} | challenger | aggregator |`,
    `|---:|${runs[0]?.dispute?.steps.map(() => "---:|").join("") ?? ""}---:|---:|`,
    ...runs.filter((run) => run.dispute !== undefined).map((run) =>
      `| ${run.clients} | ${run.dispute!.steps.map((step) => format(step.gas)).join(" | ")} | ${format(run.dispute!.challenger)} | ${format(run.dispute!.aggregator)} |`),
    "",
    "## MASH: the honest round per client",
    "",
    `Round ${ROUNDS} of each ${DEFAULT_MASK_GROUP} task without the challenge: a client joins, takes part in the shuffle (the holder's key, a shuffle ` +
      "message or a group sum), submits its update with the Merkle commitment of its masked vector, and claims; nothing else. " +
      `"Before" is the sampled-commitment design (${SAMPLED_DESIGN_SOURCE}), where each client also committed to its batch sums ` +
      "(BN254) and the aggregator posted T; the issue's 543k is an earlier bench of that design, before the shuffle messages went to IPFS pointers. " +
      "MASH's `settle` now only closes the challenge window.",
    "",
    "| N | per client | before (sampled commitments) | now ÷ before | per client, round 1 | aggregator | owner + keeper (openRound, advances, settle) | whole round | settle (window close) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...runs.map(mashPerClientRow),
    "",
    "No longer in a MASH round, so no longer measured for it: the batch sums T (`postBatchSums`), the clients' BN254 " +
      "commitments (`commit`), the BN254 check in `settle`, `dispute`, and the paper's commitment baseline over MASH rounds. The " +
      "sampled verification lives on in Shamir mode, where it is measured below with the paper's baseline beside it.",
    "",
    `## Shamir (${SERVERS} servers, t = ${THRESHOLD}) beside MASH, per round`,
    "",
    `Round ${ROUNDS} of each task, split by who sends; the silent-server row is round ${ROUNDS + 1} of the Shamir task with server ` +
      `${SILENT_SERVER} never posting (the aggregate is reconstructed from the other ${SERVERS - 1}). Ratios are Shamir ÷ MASH at the same N.`,
    "",
    "| N | mode | per client | per server | aggregator | owner + keeper (openRound, advances, settle) | whole round | per client ÷ MASH | whole round ÷ MASH |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ...shamirRuns.flatMap((run) => {
      const key = String(run.clients);
      const mash = mashCost[key]!;
      return [
        costRow(run.clients, "MASH", mash, mash),
        costRow(run.clients, "Shamir", shamirCost[key]!, mash),
        costRow(run.clients, `Shamir, server ${SILENT_SERVER} silent`, dropoutCost[key]!, mash),
      ];
    }),
    "",
    `**Shamir ÷ MASH per client per round: ${perClientRatios.join(", ")}.** A Shamir client sends join, submitUpdate, commit and ` +
      "claim; a MASH client no longer commits but takes part in the shuffle (the holder's key, a shuffle message or a group sum), which Shamir " +
      "replaces by the servers' share-sums, one `postShareSum` per server and round whatever N is.",
    "",
    `## Shamir: a share-sum dispute of a lying server (answers in batches of ${ANSWER_BATCH_CLIENTS} clients)`,
    "",
    "| N | openShareDispute | an honest server's answer | batches | largest batch (gas, calldata) | per client | the liar's answer (slashes it) |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...shareDisputes.map(
      (run) =>
        `| ${run.clients} | ${format(run.open)} | ${format(run.honestAnswer)} | ${run.batches} | ${format(run.largestBatch)}, ${(run.largestBatchCalldataBytes / 1024).toFixed(1)} KiB | ${format(run.perClient)} | ${format(run.slashingAnswer)} |`,
    ),
    "",
    "## Shamir: our sampled verification beside the paper's",
    "",
    "| N | our check (`settle`, whole tx) | our check alone (library) | paper's check (storage loop) | paper ÷ our settle | paper ÷ our check alone | paper's per-client post | our per-client commit |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...shamirRuns.map((run) => {
      const key = String(run.clients);
      const commits = statsByName(run.round.filter((record) => record.name.startsWith("commit")));
      const commitMean = Math.round(
        Object.values(commits).reduce((sum, stats) => sum + stats.mean * stats.calls, 0) / Object.values(commits).reduce((sum, stats) => sum + stats.calls, 0),
      );
      return `| ${key} | ${format(verification[key]!)} | ${format(run.checkOnly)} | ${format(run.baselineCheck)} | ${(run.baselineCheck / verification[key]!).toFixed(2)}× | ${(run.baselineCheck / run.checkOnly).toFixed(2)}× | ${format(result.shamir.baseline.postCommitment[key]!)} | ${format(commitMean)} |`;
    }),
    "",
    `**${result.shamir.requirement.text}: ${holds ? "holds" : "DOES NOT HOLD"}** (${format(small)} → ${format(large)}, ${(relative * 100).toFixed(2)}%). ` +
      `Without the 21,000 base and the calldata (T's 1 KiB, whose zero bytes vary with the updates) \`settle\` executes ` +
      `${shamirRuns.map((run) => `${format(result.shamir.verificationExecution[String(run.clients)]!)} (N = ${run.clients})`).join(" and ")}` +
      ` (${shamirRuns.map((run) => format(result.shamir.oneServerSilent.verificationExecution[String(run.clients)]!)).join(" and ")} with a silent server).`,
    "",
    `The paper's check grows by ${format(Math.round(baselineSlope))} gas per client (a cold SLOAD and a mulmod per stored commitment) and passes ` +
      `${format(BOUND)} from N = ${result.shamir.baseline.checkExceedsBoundAtN}; ours does one ecMul whatever N is. "Our check alone" is the same ` +
      "library call without the verifier's books and the coordinator's finalization that `settle` also does. The paper's " +
      "per-client post is cheaper because it only appends a slot; our commit checks the point, adds it with ecAdd and records the client.",
    "",
    `Functions (mean per call, (min–max) when they differ, × calls in the round; setup calls once per task; MASH without the challenge):`,
    "",
    ...functionTable(columns),
    "",
  ].join("\n");
  process.stdout.write(`${table}\n`);
  if (!QUICK) {
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, "gas.json"), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(RESULTS, "gas.md"), table);
  }
  if (!holds || challengeHolds === false) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
