// Self-check of both MASH mask groups against known-answer vectors: paper-compat's (docs/testvectors/mash80.json:
// every index hash, mask and aggregate case) and rlwr-2048's (docs/testvectors/rlwr2048.json, see rlwrSelftest),
// once with the native kernel and once with the TS fallback, through the worker pool. Used by `fedmash selftest`
// and runnable alone:
//   node -r ts-node/register/transpile-only workers/crypto/selftest.ts --vectors <mash80.json> [--rlwr-vectors <rlwr2048.json>]
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { BaseError } from "../errors";
import { MASH_P, limbsToBigints } from "./kernel/field";
import { COMB_WORDS, type KernelKind } from "./kernel/kernel";
import { kernelPreferenceFromEnv, selectKernel } from "./kernel/selectKernel";
import { loadNativeKernel } from "./kernel/nativeKernel";
import { createPaperCompatGroup } from "./mask/paperCompatGroup";
import { indexHash } from "./mask/indexHash";
import { checkRlwrVectors, loadRlwrVectors, type RlwrVectors } from "./rlwrSelftest";

export class SelftestVectorsError extends BaseError {
  override name = "SelftestVectorsError" as const;
  constructor(path: string, cause: unknown) {
    super(`Cannot read the test vectors at ${path}.`, { cause });
  }
}

const decimal = z.string().regex(/^-?\d+$/);
const vectorsSchema = z.object({
  P: decimal,
  Q: decimal,
  scale: z.number().int().positive(),
  indexHash: z.array(z.object({ index: z.number().int().nonnegative(), hash: decimal })),
  mask: z.array(
    z.object({ seed: decimal, start: z.number().int().nonnegative(), grad: z.array(z.number().int()), masked: z.array(decimal) }),
  ),
  aggregate: z.array(
    z.object({
      start: z.number().int().nonnegative(),
      seeds: z.array(decimal),
      grads: z.array(z.array(z.number().int())),
      masked: z.array(z.array(decimal)),
      product: z.array(decimal),
      sum: z.array(z.number().int()),
    }),
  ),
});
type Vectors = z.infer<typeof vectorsSchema>;

export interface RunSelftestParameters {
  vectorsPath: string;
  /** rlwr-2048's vectors; skipped when undefined. */
  rlwrVectorsPath?: string;
  /** Kernels to check; both by default (only "ts" when FEDMASH_KERNEL=ts). */
  kernels?: KernelKind[];
}

export interface RunSelftestReturnType {
  passed: number;
  failed: number;
  /** Per group a heading (paper-compat's with its warning), one line per check, then "N passed, N failed". */
  lines: string[];
}

function firstDifference(got: readonly bigint[], want: readonly bigint[]): string | undefined {
  if (got.length !== want.length) return `length ${got.length}, expected ${want.length}`;
  const i = got.findIndex((value, k) => value !== want[k]);
  return i < 0 ? undefined : `element ${i}: ${got[i]}, expected ${want[i]}`;
}

async function loadVectors(path: string): Promise<Vectors> {
  try {
    return vectorsSchema.parse(JSON.parse(await readFile(path, "utf8")));
  } catch (error) {
    throw new SelftestVectorsError(path, error);
  }
}

export async function runSelftest(parameters: RunSelftestParameters): Promise<RunSelftestReturnType> {
  const vectors = await loadVectors(parameters.vectorsPath);
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  const check = (label: string, problem: string | undefined): void => {
    if (problem === undefined) passed++;
    else failed++;
    lines.push(problem === undefined ? `ok   ${label}` : `FAIL ${label}: ${problem}`);
  };

  lines.push("paper-compat group, P = next_prime(2^80): for reproducing MASH only; 80 bits give NO real security");
  check("P = next_prime(2^80)", BigInt(vectors.P) === MASH_P ? undefined : `vectors use P = ${vectors.P}`);
  for (const c of vectors.indexHash) {
    const got = indexHash(c.index);
    check(`indexHash k=${c.index}`, got === BigInt(c.hash) ? undefined : `${got}, expected ${c.hash}`);
  }

  const kernels = parameters.kernels ?? (kernelPreferenceFromEnv() === "ts" ? ["ts"] : ["native", "ts"]);
  const availableKinds: KernelKind[] = [];
  for (const kind of kernels) {
    if (kind === "native") {
      const native = loadNativeKernel();
      if (!native.kernel) {
        check("native kernel available", native.reason);
        continue;
      }
    }
    availableKinds.push(kind);
    const kernel = selectKernel(kind);
    for (const c of vectors.indexHash) {
      const combs = new BigUint64Array(COMB_WORDS);
      kernel.hashes(c.index, combs);
      const got = (combs[1]! << 64n) | combs[0]!;
      const want = BigInt(c.hash) % MASH_P;
      check(`${kind} H(k) mod P k=${c.index}`, got === want ? undefined : `${got}, expected ${want}`);
    }
    // inlineBelow 0: every case goes through the worker threads, as large vectors do.
    const group = createPaperCompatGroup({ kernel: kind, inlineBelow: 0 });
    try {
      for (const [n, c] of vectors.mask.entries()) {
        const masked = await group.mask({ quantized: Int32Array.from(c.grad), seed: BigInt(c.seed), start: c.start });
        check(`${kind} mask #${n} (seed ${c.seed}, start ${c.start}, d ${c.grad.length})`, firstDifference(limbsToBigints(masked), c.masked.map(BigInt)));
      }
      for (const [n, c] of vectors.aggregate.entries()) {
        const label = `${kind} aggregate #${n} (N ${c.seeds.length}, start ${c.start})`;
        const masked: Uint32Array[] = [];
        let problem: string | undefined;
        for (const [j, seed] of c.seeds.entries()) {
          const vector = await group.mask({ quantized: Int32Array.from(c.grads[j]!), seed: BigInt(seed), start: c.start });
          const difference = firstDifference(limbsToBigints(vector), c.masked[j]!.map(BigInt));
          problem ??= difference && `client ${j} masked ${difference}`;
          masked.push(vector);
        }
        const result = await group.aggregateWithProduct({ masked, bound: c.seeds.length * vectors.scale });
        const productProblem = firstDifference(limbsToBigints(result.product), c.product.map(BigInt));
        problem ??= productProblem && `product ${productProblem}`;
        const sumProblem = firstDifference(Array.from(result.sums, BigInt), c.sum.map(BigInt));
        problem ??= sumProblem && `sum ${sumProblem}`;
        check(label, problem);
      }
    } catch (error) {
      check(`${kind} kernel run`, error instanceof Error ? error.message : String(error));
    } finally {
      await group.close();
    }
  }
  if (parameters.rlwrVectorsPath !== undefined) {
    lines.push("rlwr-2048 group (ring-LWR, n = 2048, q = 2^62 − 2^16 + 1, p = 2^40): the secure default, 128-bit (docs/MASKING.md)");
    let rlwrVectors: RlwrVectors;
    try {
      rlwrVectors = await loadRlwrVectors(parameters.rlwrVectorsPath);
    } catch (error) {
      throw new SelftestVectorsError(parameters.rlwrVectorsPath, error);
    }
    await checkRlwrVectors(rlwrVectors, availableKinds, check);
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return { passed, failed, lines };
}

if (require.main === module) {
  const flag = process.argv.indexOf("--vectors");
  const vectorsPath = flag >= 0 ? process.argv[flag + 1] : undefined;
  const rlwrFlag = process.argv.indexOf("--rlwr-vectors");
  const rlwrVectorsPath = rlwrFlag >= 0 ? process.argv[rlwrFlag + 1] : undefined;
  if (!vectorsPath) {
    console.error("usage: selftest --vectors <mash80.json> [--rlwr-vectors <rlwr2048.json>]");
    process.exit(2);
  }
  runSelftest({ vectorsPath, rlwrVectorsPath }).then(
    (result) => {
      for (const line of result.lines) console.log(line);
      process.exit(result.failed > 0 ? 1 : 0);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
