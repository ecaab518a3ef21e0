// What an outsider learns from one client's masked update (`npm run attack:mask`, issue 14). For each mask group
// it runs a real one-round MASH demo (4 client processes, an in-process Hardhat chain, the embedded IPFS store on
// disk, no DP), reads the round's UpdateSubmitted CIDs from the chain while the chain is up, takes one client's
// masked vector from the store, and attacks it with public data only: the chain (CIDs, content hashes, the task's
// clip, scale and model, the holder's address, chain id, coordinator, round id), the store's bytes, the model
// layout and the public MNIST training images (which pixels are 0 in every image: the first-layer weights of those
// pixels get exactly zero update, so g = 0 there and y is the bare mask).
//   paper-compat: y = 2^g · H(k)^s mod P. At a known zero, y = H(k)^s: Pohlig–Hellman on the small factors of
//     P − 1 gives s mod 2^2·1093·31039, baby-step giant-step the rest of the 64-bit seed, then every g is a bounded
//     discrete log (bench/attack/paperCompatAttack.ts).
//   rlwr-2048: y = B·g + round(p/q·a·s) mod 2^40. No group element, no discrete log. The same known zeros feed the
//     natural linear-algebra attack: lift y to x̃ ≈ a·s mod q on a block of 2048 known zeros and divide by a in R_q
//     (bench/attack/rlwrAttack.ts); the candidate is then checked at the other known zeros and used to unmask.
// Only the last step, the verification, reads the victim's own record (the quantized update its client wrote to its
// state folder before masking) and compares. Prints a table and writes bench/results/attack-mask.json and .md.
// Flags: --groups paper-compat,rlwr-2048 (default both) · --clients 4 · --samples-per-client 200 ·
// --out runs/attack-mask (one folder per group, kept) · --no-write (print only).
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join, relative, resolve } from "node:path";
import { JsonRpcProvider } from "ethers";
import { FedmashCoordinator__factory } from "../typechain-types";
import { hardhatTestWallet } from "../workers/chain/connectChain";
import { loadMnist, MNIST_PIXELS } from "../workers/ml/loadMnist";
import { modelLayout, type ModelKind } from "../workers/ml/modelLayout";
import { MASKED_TENSOR } from "../workers/roles/modelPayloads";
import { quantizedUpdatePath, readQuantizedUpdate } from "../workers/roles/quantizedUpdateFile";
import { DEMO_DEFAULTS, runDemo, type DemoChain, type DemoOptions, type DemoReport } from "../workers/roles/runDemo";
import { createEmbeddedStore } from "../workers/storage/createEmbeddedStore";
import { fetchPayload } from "../workers/storage/fetchPayload";
import { maskedByteLimit } from "../workers/roles/payloadLimits";
import { PAPER_LARGE_FACTOR, PAPER_P, PAPER_SMALL_FACTORS, paperElement, recoverSeed, unmaskAll } from "./attack/paperCompatAttack";
import {
  blockMasks,
  decodeElement,
  expandA,
  inverseNtt,
  ntt,
  nttContext,
  pointwise,
  RLWR_N,
  RLWR_Q,
  RLWR_SEED_HALF_WIDTH,
  rlwrElement,
  rlwrMaskContext,
  solveFromBlock,
} from "./attack/rlwrAttack";

const PROJECT_ROOT = resolve(__dirname, "..");
const RESULTS = join(__dirname, "results");
const GROUPS = ["paper-compat", "rlwr-2048"] as const;
type GroupId = (typeof GROUPS)[number];
/** The demo's clients use accounts 2, 3, … of Hardhat's test mnemonic (runDemo's FIRST_CLIENT_ACCOUNT). */
const FIRST_CLIENT_ACCOUNT = 2;
/** The contract's MaskGroup enum: a zeroed config is the secure default. */
const MASK_GROUP_OF_ENUM: Record<number, GroupId> = { 0: "rlwr-2048", 1: "paper-compat" };

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const settings = {
  groups: option("groups", GROUPS.join(",")).split(",").map((g) => g.trim()) as GroupId[],
  clients: Number(option("clients", "4")),
  samplesPerClient: Number(option("samples-per-client", "200")),
  outDir: resolve(option("out", "runs/attack-mask")),
  write: !process.argv.includes("--no-write"),
  clip: 1,
  scale: 10_000,
};
for (const g of settings.groups) if (!GROUPS.includes(g)) throw new Error(`--groups: unknown group "${g}" (${GROUPS.join(", ")})`);

// ---------------------------------------------------------------------------------------------------------------
// Public data: what the chain says about the round, read while the demo's chain is up.

interface PublicSubmission {
  client: string;
  cid: string;
  contentHash: string;
  block: number;
}

interface PublicRound {
  chainId: bigint;
  coordinator: string;
  taskId: bigint;
  roundId: bigint;
  modelKind: ModelKind;
  modelSize: number;
  clip: number;
  scale: number;
  maskGroup: GroupId;
  holder: string | null;
  submittedCount: number;
  submissions: PublicSubmission[];
}

/** Polls the chain every second for the first round's public facts; `latest` is the last complete reading. */
function watchChain(chain: DemoChain): { latest: () => PublicRound | undefined; stop: () => void; errors: () => string[] } {
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  const coordinator = FedmashCoordinator__factory.connect(chain.addresses.coordinator, provider);
  let latest: PublicRound | undefined;
  let stopped = false;
  const errors: string[] = [];
  const read = async (): Promise<PublicRound | undefined> => {
    const chainId = BigInt(await provider.send("eth_chainId", []));
    const created = await coordinator.queryFilter(coordinator.filters.TaskCreated(), 0);
    if (created.length === 0) return undefined;
    const taskId = created[0]!.args.taskId;
    const opened = await coordinator.queryFilter(coordinator.filters.RoundOpened(taskId), 0);
    if (opened.length === 0) return undefined;
    const roundId = opened[0]!.args.roundId;
    const task = await coordinator.task(taskId);
    const config = task.config as unknown as { modelKind: string; modelSize: bigint; clipMillionths: bigint; quantizationScale: bigint; maskGroup?: bigint };
    const mash = await coordinator.mashRound(roundId);
    const round = await coordinator.round(roundId);
    const submitted = await coordinator.queryFilter(coordinator.filters.UpdateSubmitted(roundId), 0);
    return {
      chainId,
      coordinator: chain.addresses.coordinator,
      taskId,
      roundId,
      modelKind: config.modelKind as ModelKind,
      modelSize: Number(config.modelSize),
      clip: Number(config.clipMillionths) / 1e6,
      scale: Number(config.quantizationScale),
      // Before the contract named the group, paper-compat was the only one.
      maskGroup: config.maskGroup === undefined ? "paper-compat" : MASK_GROUP_OF_ENUM[Number(config.maskGroup)]!,
      holder: /^0x0{40}$/i.test(mash.holder) ? null : mash.holder,
      submittedCount: Number(round.submittedCount),
      submissions: submitted.map((e) => ({ client: e.args.client, cid: e.args.cid, contentHash: e.args.contentHash, block: e.blockNumber })),
    };
  };
  void (async () => {
    while (!stopped) {
      try {
        const reading = await read();
        if (reading) latest = reading;
      } catch (error) {
        if (!stopped) errors.push(String(error instanceof Error ? error.message : error).slice(0, 200));
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    provider.destroy();
  })();
  return { latest: () => latest, stop: () => (stopped = true), errors: () => errors };
}

/** One real round of `group`: a demo with the chain watched; returns the report and the public facts. */
async function runRound(group: GroupId): Promise<{ report: DemoReport; round: PublicRound; outDir: string; demoMs: number }> {
  const outDir = join(settings.outDir, group);
  let watcher: ReturnType<typeof watchChain> | undefined;
  const started = performance.now();
  const options: DemoOptions & { maskGroup?: GroupId } = {
    ...DEMO_DEFAULTS,
    mode: "mash",
    maskGroup: group,
    clients: settings.clients,
    rounds: 1,
    samplesPerClient: settings.samplesPerClient,
    epochs: 1,
    paillierBits: 1024,
    clip: settings.clip,
    scale: settings.scale,
    dp: undefined,
    outDir,
    projectRoot: PROJECT_ROOT,
    deploymentId: `attack-mask-${group}`,
    onLine: (line) => console.log(`  [demo ${group}] ${line}`),
    onChainReady: (chain) => {
      watcher = watchChain(chain);
    },
  };
  let report: DemoReport;
  try {
    report = await runDemo(options);
  } finally {
    watcher?.stop();
  }
  const demoMs = performance.now() - started;
  const round = watcher?.latest();
  if (!round) throw new Error(`The chain watcher read no round (errors: ${watcher?.errors().join(" | ") || "none"}).`);
  const first = report.rounds[0];
  if (!first || first.phase !== "Finalized") throw new Error(`The demo's round did not finalize (${first?.phase ?? "no round"}, ${first?.failureReason ?? ""}).`);
  if (first.roundId !== round.roundId.toString()) throw new Error(`The report's round ${first.roundId} is not the chain's ${round.roundId}.`);
  if (round.submissions.length !== round.submittedCount) {
    throw new Error(`Read ${round.submissions.length} UpdateSubmitted events but the round counts ${round.submittedCount} submissions: the chain stopped between two readings.`);
  }
  if (round.maskGroup !== group) throw new Error(`The task's mask group on the chain is ${round.maskGroup}, not ${group}: the demo did not use the group asked for.`);
  return { report, round, outDir, demoMs };
}

// ---------------------------------------------------------------------------------------------------------------
// Known zeros: first-layer weights of pixels that are 0 in every public MNIST training image.

interface KnownZeros {
  pixels: number[];
  /** Flat model indices, ascending. */
  indices: number[];
}

async function knownZeroCoordinates(modelKind: ModelKind): Promise<KnownZeros> {
  const layout = modelLayout(modelKind);
  const first = layout[0]!;
  if (modelKind !== "mlp" || first.name !== "dense1/kernel" || first.shape[0] !== MNIST_PIXELS) {
    throw new Error(`The known-zero coordinates are worked out for the mlp's dense1/kernel [784, units]; the task's model is ${modelKind}.`);
  }
  const units = first.shape[1]!;
  const { images, count } = await loadMnist({ split: "train" });
  const lit = new Uint8Array(MNIST_PIXELS);
  for (let i = 0; i < count; i++) {
    const base = i * MNIST_PIXELS;
    for (let p = 0; p < MNIST_PIXELS; p++) if (images[base + p] !== 0) lit[p] = 1;
  }
  const pixels = Array.from({ length: MNIST_PIXELS }, (_, p) => p).filter((p) => !lit[p]);
  // dense1/kernel is the first tensor of the flat vector, row-major [input pixel, unit].
  const indices = pixels.flatMap((p) => Array.from({ length: units }, (_, u) => p * units + u));
  return { pixels, indices };
}

// ---------------------------------------------------------------------------------------------------------------
// The attacks. Each gets the masked limbs and public facts only, and returns a candidate update (or none).

interface AttackStep {
  step: string;
  ms: number;
  outcome: string;
}

interface AttackOutcome {
  method: string;
  /** The candidate g for every coordinate, and which coordinates the attack claims. */
  candidate: Int32Array | null;
  claimed: Uint8Array | null;
  steps: AttackStep[];
  ms: number;
  /** Time until the attack had its seed, or its candidate seed. */
  seedMs: number;
  /** The attack's own verdict from public data, before anyone looks at the record. */
  publicVerdict: string;
}

function timed<T>(body: () => T): [T, number] {
  const t = performance.now();
  const value = body();
  return [value, performance.now() - t];
}

function log2(x: bigint | number): string {
  return Math.log2(Number(x)).toFixed(1);
}

function attackPaperCompat(limbs: Uint32Array, d: number, zeros: KnownZeros, bound: number): AttackOutcome {
  const started = performance.now();
  const steps: AttackStep[] = [];
  if (limbs.length !== 3 * d) throw new Error(`paper-compat vectors have 3 limbs per element: ${limbs.length} limbs for ${d} coordinates`);
  const observations = zeros.indices.map((index) => ({ index, y: paperElement(limbs, index) }));
  const [found, ms] = timed(() => recoverSeed({ observations, verifyOn: 64 }));
  const M = found.smallPart.modulus;
  steps.push({
    step: `Pohlig–Hellman on the small factors of P − 1 (2^2·1093·31039) at a known-zero coordinate, y = H(k)^s`,
    ms: found.pohligHellmanMs,
    outcome: `s ≡ ${found.smallPart.residue} (mod ${M}, 2^${log2(M)})`,
  });
  steps.push({
    step: `baby-step giant-step for t in s = r + M·t, t < ${found.bsgsRange} (2^${log2(found.bsgsRange)}), base H(k)^M, of prime order ${PAPER_LARGE_FACTOR}`,
    ms: found.bsgsMs,
    outcome: found.seed === null ? "no t found" : `t found after ${found.bsgsSteps.toLocaleString("en-US")} multiplications`,
  });
  steps.push({
    step: `check the candidate s on ${found.checked} more known-zero coordinates (H(k)^s = y)`,
    ms: ms - found.pohligHellmanMs - found.bsgsMs,
    outcome: `${found.agreed} / ${found.checked} agree${found.seed !== null ? `: s = ${found.seed} (2^${log2(found.seed)})` : ""}`,
  });
  if (found.seed === null) {
    return { method: "Pohlig–Hellman + BSGS", candidate: null, claimed: null, steps, ms: performance.now() - started, seedMs: ms, publicVerdict: "no seed" };
  }
  const seedMs = performance.now() - started;
  const [unmasked, unmaskMs] = timed(() => unmaskAll({ count: d, element: (i) => paperElement(limbs, i), seed: found.seed!, bound }));
  steps.push({
    step: `every coordinate: g = log_2(y · H(k)^(−s)), |g| ≤ ${bound} (table of 2^x)`,
    ms: unmaskMs,
    outcome: `${unmasked.recoveredCount.toLocaleString("en-US")} / ${d.toLocaleString("en-US")} coordinates decoded`,
  });
  return {
    method: "Pohlig–Hellman (2^2·1093·31039) + BSGS on t < 2^37 at known zeros, then a bounded log per coordinate",
    candidate: unmasked.values,
    claimed: unmasked.recovered,
    steps,
    ms: performance.now() - started,
    seedMs,
    publicVerdict: unmasked.recoveredCount === d ? "seed found and every coordinate decoded" : `seed found, ${unmasked.recoveredCount} coordinates decoded`,
  };
}

function attackRlwr(limbs: Uint32Array, d: number, zeros: KnownZeros, bound: number, round: PublicRound): AttackOutcome {
  const started = performance.now();
  const steps: AttackStep[] = [];
  if (limbs.length !== 2 * d) throw new Error(`rlwr-2048 vectors have 2 limbs per element: ${limbs.length} limbs for ${d} coordinates`);
  const y = (i: number): bigint => rlwrElement(limbs, i);
  const zeroSet = new Set(zeros.indices);

  // 1. The paper-compat pipeline's first move: read the masked value itself, here by the group's own decoding
  //    (centre, round to a multiple of B) with no mask taken off. At a zero, a mask of 0 would decode to 0.
  const [direct, directMs] = timed(() => {
    let toZero = 0;
    let inBound = 0;
    for (const k of zeros.indices) {
      const g = decodeElement(y(k), 0n);
      if (g === 0) toZero++;
      if (Math.abs(g) <= bound) inBound++;
    }
    return { toZero, inBound };
  });
  steps.push({
    step: `decode y at the ${zeros.indices.length.toLocaleString("en-US")} known zeros without a seed (centre mod 2^40, round to a multiple of B = 2048)`,
    ms: directMs,
    outcome: `${direct.toZero} decode to 0, ${direct.inBound} to |g| ≤ ${bound} (chance for a uniform mask: ${((zeros.indices.length * (2 * bound + 1)) / 2 ** 29).toFixed(1)})`,
  });
  steps.push({
    step: "Pohlig–Hellman / baby-step giant-step on y = H(k)^s",
    ms: 0,
    outcome: "not applicable: y = B·g + round(p/q·(a·s)_j) mod 2^40 is no group element with the seed in an exponent",
  });

  // 2. The linear-algebra attack on every block whose 2048 coordinates are all known zeros: y_j = m_j there.
  const context = rlwrMaskContext(round.chainId, round.coordinator, round.roundId);
  const ring = nttContext();
  const blocks = Math.ceil(d / RLWR_N);
  const fullBlocks: number[] = [];
  for (let b = 0; b < blocks; b++) {
    let all = b * RLWR_N + RLWR_N <= d;
    for (let j = 0; all && j < RLWR_N; j++) all = zeroSet.has(b * RLWR_N + j);
    if (all) fullBlocks.push(b);
  }
  if (fullBlocks.length === 0) throw new Error("No block of 2048 known-zero coordinates: the linear solve needs one.");
  const solvedBlock = fullBlocks[0]!;
  const aHatOf = new Map<number, bigint[]>();
  const aHat = (b: number): bigint[] => {
    let v = aHatOf.get(b);
    if (!v) aHatOf.set(b, (v = expandA(context, b)));
    return v;
  };
  const [solve, solveMs] = timed(() => {
    const rounded = Array.from({ length: RLWR_N }, (_, j) => y(solvedBlock * RLWR_N + j));
    return solveFromBlock(aHat(solvedBlock), rounded, ring);
  });
  steps.push({
    step: `lift the 2048 known zeros of block ${solvedBlock} to x̃ = round(y·q/p) ≈ a_${solvedBlock}·s mod q and solve s' = a_${solvedBlock}^(−1)·x̃ in R_q (A from the public round context)`,
    ms: solveMs,
    outcome: solve.invertible
      ? `${solve.inSeedRange} / ${RLWR_N} coefficients of s' in the seed range [−2^21, 2^21); max |s'_j| = 2^${solve.maxLog2.toFixed(1)}`
      : `a_${solvedBlock} is not invertible`,
  });

  // The solve is right: on an exact product of the same public a with a random short seed it returns that seed.
  const [selfCheck, selfCheckMs] = timed(() => {
    const probe = Array.from({ length: RLWR_N }, () => BigInt(Math.floor(Math.random() * 2 ** 22)) - RLWR_SEED_HALF_WIDTH);
    const exact = inverseNtt(pointwise(aHat(solvedBlock), ntt(probe, ring)), ring);
    const back = solveFromBlock(aHat(solvedBlock), exact, ring, true);
    return back.candidate.every((c, j) => c === probe[j]);
  });
  steps.push({
    step: `control: the same solve on the exact a_${solvedBlock}·s0 (no rounding) of a random short s0`,
    ms: selfCheckMs,
    outcome: selfCheck ? "returns s0 exactly: the algebra is right, the rounding (|x − x̃| up to q/2p ≈ 2^21) is what defeats it" : "FAILED (bug in the solver)",
  });
  const seedMs = performance.now() - started - selfCheckMs;
  if (!solve.invertible) return { method: "lift + solve in R_q", candidate: null, claimed: null, steps, ms: performance.now() - started, seedMs, publicVerdict: "no candidate" };

  // 3. Check s' at the other known zeros and unmask the whole vector with it.
  const [unmasked, unmaskMs] = timed(() => {
    const seedHat = ntt(solve.candidate.map((c) => (c < 0n ? c + RLWR_Q : c)), ring);
    const values = new Int32Array(d);
    const claimed = new Uint8Array(d);
    let otherZeros = 0;
    let otherZerosDecodeToZero = 0;
    let decoded = 0;
    for (let b = 0; b < blocks; b++) {
      const masks = blockMasks(aHat(b), seedHat, ring);
      for (let j = 0; j < RLWR_N && b * RLWR_N + j < d; j++) {
        const i = b * RLWR_N + j;
        const g = decodeElement(y(i), masks[j]!);
        values[i] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, g));
        // The solved block decodes to the zeros it was solved from, by construction: an input, not a finding.
        if (b !== solvedBlock && Math.abs(g) <= bound) {
          claimed[i] = 1;
          decoded++;
        }
        if (b !== solvedBlock && zeroSet.has(i)) {
          otherZeros++;
          if (g === 0) otherZerosDecodeToZero++;
        }
      }
    }
    return { values, claimed, otherZeros, otherZerosDecodeToZero, decoded };
  });
  steps.push({
    step: `check s' at the ${unmasked.otherZeros.toLocaleString("en-US")} known zeros outside block ${solvedBlock}, and unmask all ${d.toLocaleString("en-US")} coordinates with it (all ${blocks} blocks' a_b)`,
    ms: unmaskMs,
    outcome: `${unmasked.otherZerosDecodeToZero} of those zeros decode to 0; ${unmasked.decoded.toLocaleString("en-US")} coordinates outside block ${solvedBlock} decode to |g| ≤ ${bound}`,
  });
  const consistent = unmasked.otherZeros > 0 && unmasked.otherZerosDecodeToZero === unmasked.otherZeros;
  return {
    method: `decode without a seed; lift + solve a·s in R_q on block ${solvedBlock} (2048 known zeros); unmask with s'`,
    candidate: unmasked.values,
    claimed: unmasked.claimed,
    steps,
    ms: performance.now() - started,
    seedMs,
    publicVerdict: consistent ? "candidate consistent with the known zeros" : "no consistent seed",
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Verification: the only place the victim's own record is read.

interface Verification {
  recordPath: string;
  /** The record is 0 at every known-zero coordinate (the attacker's public inference was right). */
  zerosConfirmed: number;
  zerosTotal: number;
  /** Coordinates the attack claimed whose value equals the record, and all coordinates. */
  matching: number;
  checked: number;
  /** The same, counted only at the coordinates the attack did not assume to be 0: what it found out. */
  matchingBeyondZeros: number;
  checkedBeyondZeros: number;
  /** Coordinates of the record that are not 0: how much of the update was there to find. */
  nonZeroInRecord: number;
  recovered: boolean;
}

function verify(outDir: string, clients: number, victim: string, roundId: bigint, d: number, zeros: KnownZeros, attack: AttackOutcome): Verification {
  let index = -1;
  for (let i = 0; i < clients && index < 0; i++) if (hardhatTestWallet(FIRST_CLIENT_ACCOUNT + i).address.toLowerCase() === victim.toLowerCase()) index = i;
  if (index < 0) throw new Error(`The victim ${victim} is none of the demo's ${clients} clients.`);
  const recordPath = quantizedUpdatePath(join(outDir, "workers", `client-${index}`), roundId);
  const record = readQuantizedUpdate(recordPath, d);
  const zerosConfirmed = zeros.indices.filter((k) => record[k] === 0).length;
  const assumed = new Uint8Array(d);
  for (const k of zeros.indices) assumed[k] = 1;
  let matching = 0;
  let matchingBeyondZeros = 0;
  let nonZeroInRecord = 0;
  for (let i = 0; i < d; i++) {
    if (record[i] !== 0) nonZeroInRecord++;
    if (attack.candidate && attack.claimed?.[i] && attack.candidate[i] === record[i]) {
      matching++;
      if (!assumed[i]) matchingBeyondZeros++;
    }
  }
  const checkedBeyondZeros = d - zeros.indices.length;
  return { recordPath: relative(PROJECT_ROOT, recordPath), zerosConfirmed, zerosTotal: zeros.indices.length, matching, checked: d, matchingBeyondZeros, checkedBeyondZeros, nonZeroInRecord, recovered: matching === d };
}

// ---------------------------------------------------------------------------------------------------------------

interface GroupResult {
  group: GroupId;
  demo: { outDir: string; ms: number; chainId: string; coordinator: string; taskId: string; roundId: string; clip: number; scale: number; model: string; modelSize: number; submissions: number; holder: string | null };
  victim: { client: string; cid: string; contentHash: string; fetchMs: number };
  knownZeros: { pixels: number; coordinates: number; pixelList: number[] };
  attack: { method: string; ms: number; seedMs: number; steps: AttackStep[]; publicVerdict: string };
  verification: Verification;
  result: string;
}

async function runGroup(group: GroupId, zerosByModel: Map<ModelKind, KnownZeros>): Promise<GroupResult> {
  console.log(`\n== ${group}: a one-round demo (${settings.clients} clients, ${settings.samplesPerClient} samples each, clip ${settings.clip}, scale ${settings.scale}, no DP)`);
  const { round, outDir, demoMs, report } = await runRound(group);
  const d = round.modelSize;
  const bound = Math.round(round.clip * round.scale);
  // The victim: the first submitter that is not the holder (the holder's seed is minus the others' sum).
  const victim = round.submissions.find((s) => !round.holder || s.client.toLowerCase() !== round.holder.toLowerCase());
  if (!victim) throw new Error("No submission other than the holder's.");
  console.log(`== ${group}: round ${round.roundId} on chain ${round.chainId}: ${round.submissions.length} UpdateSubmitted; victim ${victim.client}, CID ${victim.cid}`);

  let zeros = zerosByModel.get(round.modelKind);
  if (!zeros) zerosByModel.set(round.modelKind, (zeros = await knownZeroCoordinates(round.modelKind)));

  const fetchStarted = performance.now();
  const store = await createEmbeddedStore({ directory: report.storeDir });
  let limbs: Uint32Array;
  try {
    // Capped like every worker fetch: a masked vector of d coordinates in the widest group (paper-compat, 3 limbs).
    const payload = await fetchPayload(store, victim.cid, victim.contentHash, undefined, { maxBytes: maskedByteLimit(d, 3) });
    const tensor = payload.tensors.find((t) => t.name === MASKED_TENSOR);
    if (!tensor || !(tensor.data instanceof Uint32Array)) throw new Error(`The payload at ${victim.cid} has no uint32 "${MASKED_TENSOR}" tensor.`);
    limbs = tensor.data.slice();
  } finally {
    await store.close();
  }
  const fetchMs = performance.now() - fetchStarted;

  console.log(`== ${group}: attacking ${d.toLocaleString("en-US")} coordinates with ${zeros.indices.length.toLocaleString("en-US")} known zeros (${zeros.pixels.length} never-lit MNIST pixels × units)`);
  const attack = group === "paper-compat" ? attackPaperCompat(limbs, d, zeros, bound) : attackRlwr(limbs, d, zeros, bound, round);
  for (const s of attack.steps) console.log(`   ${(s.ms / 1000).toFixed(3).padStart(7)} s  ${s.step}\n              → ${s.outcome}`);
  const verification = verify(outDir, settings.clients, victim.client, round.roundId, d, zeros, attack);
  console.log(
    `== ${group}: verification against the client's record (${verification.recordPath}): ${verification.matching.toLocaleString("en-US")} / ${d.toLocaleString("en-US")} coordinates equal, ` +
      `${verification.matchingBeyondZeros.toLocaleString("en-US")} / ${verification.checkedBeyondZeros.toLocaleString("en-US")} beyond the known zeros; ` +
      `the record is 0 at ${verification.zerosConfirmed} / ${verification.zerosTotal} known zeros and non-zero at ${verification.nonZeroInRecord.toLocaleString("en-US")} coordinates`,
  );
  return {
    group,
    demo: {
      outDir: relative(PROJECT_ROOT, outDir),
      ms: Math.round(demoMs),
      chainId: round.chainId.toString(),
      coordinator: round.coordinator,
      taskId: round.taskId.toString(),
      roundId: round.roundId.toString(),
      clip: round.clip,
      scale: round.scale,
      model: round.modelKind,
      modelSize: d,
      submissions: round.submissions.length,
      holder: round.holder,
    },
    victim: { client: victim.client, cid: victim.cid, contentHash: victim.contentHash, fetchMs: Math.round(fetchMs) },
    knownZeros: { pixels: zeros.pixels.length, coordinates: zeros.indices.length, pixelList: zeros.pixels },
    attack: { method: attack.method, ms: Math.round(attack.ms), seedMs: Math.round(attack.seedMs), steps: attack.steps.map((s) => ({ ...s, ms: Math.round(s.ms * 10) / 10 })), publicVerdict: attack.publicVerdict },
    verification,
    result: verification.recovered
      ? "RECOVERED: the client's whole quantized update"
      : verification.matchingBeyondZeros === 0
        ? "no recovery"
        : `no recovery (${verification.matchingBeyondZeros} coordinates equal by chance)`,
  };
}

/** Text for a markdown table cell: a literal pipe would end the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function table(results: GroupResult[]): string {
  const rows = results.map((r) => {
    const time = `${(r.attack.ms / 1000).toFixed(2)} s (seed${r.verification.recovered ? "" : " candidate"}: ${(r.attack.seedMs / 1000).toFixed(2)} s)`;
    return `| ${r.group} | ${cell(r.attack.method)} | ${time} | ${r.verification.matchingBeyondZeros.toLocaleString("en-US")} / ${r.verification.checkedBeyondZeros.toLocaleString("en-US")} | ${r.result} |`;
  });
  return ["| group | attack | time | coordinates recovered / checked (beyond the known zeros) | result |", "|---|---|---|---|---|", ...rows].join("\n");
}

function markdown(results: GroupResult[], meta: { date: string; cpu: string; cores: number; loadavg: number[] }): string {
  const lines = [
    "# Attack on one client's masked update (`npm run attack:mask`)",
    "",
    `${meta.date}, ${meta.cores} cores of ${meta.cpu}, load average ${meta.loadavg.map((l) => l.toFixed(1)).join(" / ")} at the end.`,
    "Each group ran a real one-round MASH demo; the attack read one client's masked vector from the embedded IPFS store by the CID",
    "its UpdateSubmitted event names, with public data only. The verification compared the result with the quantized update the",
    "client wrote to its state folder before masking. Times are the attack's own (not the demo's), on one core, in BigInt.",
    "",
    table(results),
    "",
  ];
  for (const r of results) {
    lines.push(
      `## ${r.group}`,
      "",
      `Demo: ${r.demo.submissions} submissions in round ${r.demo.roundId} (model ${r.demo.model}, d = ${r.demo.modelSize.toLocaleString("en-US")}, clip ${r.demo.clip}, scale ${r.demo.scale}), ${(r.demo.ms / 1000).toFixed(0)} s. ` +
        `Victim ${r.victim.client} (not the holder), CID \`${r.victim.cid}\`. Known zeros: ${r.knownZeros.coordinates.toLocaleString("en-US")} coordinates (${r.knownZeros.pixels} pixels never lit in the 60,000 MNIST training images, × 128 units of dense1).`,
      "",
      "| time | step | outcome |",
      "|---|---|---|",
      ...r.attack.steps.map((s) => `| ${(s.ms / 1000).toFixed(3)} s | ${cell(s.step)} | ${cell(s.outcome)} |`),
      "",
      `Verdict from public data: ${r.attack.publicVerdict}. Against the client's record: ${r.verification.matching.toLocaleString("en-US")} / ${r.verification.checked.toLocaleString("en-US")} coordinates equal, ` +
        `${r.verification.matchingBeyondZeros.toLocaleString("en-US")} / ${r.verification.checkedBeyondZeros.toLocaleString("en-US")} of those not assumed to be 0 ` +
        `(the record is non-zero at ${r.verification.nonZeroInRecord.toLocaleString("en-US")} coordinates and 0 at ${r.verification.zerosConfirmed} / ${r.verification.zerosTotal} known zeros). **${r.result}.**`,
      "",
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  console.log(`mask attack: groups ${settings.groups.join(", ")}; P − 1 = 2^2 · 1093 · 31039 · ${PAPER_LARGE_FACTOR} (P = 2^80 + 13 = ${PAPER_P}), small factors ${PAPER_SMALL_FACTORS.map((f) => f.prime).join(", ")}`);
  const zerosByModel = new Map<ModelKind, KnownZeros>();
  const results: GroupResult[] = [];
  for (const group of settings.groups) results.push(await runGroup(group, zerosByModel));
  console.log("\n" + table(results));
  const meta = { date: new Date().toISOString(), cpu: cpus()[0]?.model ?? "unknown", cores: availableParallelism(), loadavg: loadavg() };
  if (settings.write) {
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, "attack-mask.json"), JSON.stringify({ ...meta, settings: { ...settings, outDir: relative(PROJECT_ROOT, settings.outDir) }, results }, null, 2) + "\n");
    writeFileSync(join(RESULTS, "attack-mask.md"), markdown(results, meta));
    console.log(`\nwrote ${join(RESULTS, "attack-mask.json")} and attack-mask.md`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
