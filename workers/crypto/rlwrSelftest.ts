// The rlwr-2048 half of `fedmash selftest`: every mask-context, mask, aggregate and seed-packing case of
// docs/testvectors/rlwr2048.json (produced by the independent Python reference, reference/rlwr_ref.py)
// through the group's public API, once per kernel, with the masks and sums computed through the worker
// threads as large vectors are. Each case adds one "ok"/"FAIL" line through `check`.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { KernelKind } from "./kernel/kernel";
import { MaskDecodeError } from "./mask/errors";
import { createRlwrGroup } from "./mask/rlwrGroup";
import { rlwrSeedPlaintexts } from "./mask/rlwrSeed";
import { maskContext } from "../protocol/mash/maskContext";

const pair = z.tuple([z.number().int(), z.number().int()]);
const decimal = z.string().regex(/^-?\d+$/);
const hex = z.string().regex(/^(0x)?[0-9a-f]*$/i);
const rlwrVectorsSchema = z.object({
  seeds: z.record(z.string(), z.array(z.number().int())),
  context: z.array(z.object({ chainId: z.number().int(), coordinator: z.string(), roundId: z.union([z.number().int(), decimal]), c: hex })),
  mask: z.array(z.object({ seed: z.string(), c: hex, start: z.number().int(), g: z.array(z.number().int()), y: z.array(pair).optional(), ySha256: hex.optional() })),
  aggregate: z.array(
    z.object({
      N: z.number().int(),
      y: z.array(z.array(pair)),
      bound: z.number().int(),
      start: z.number().int(),
      sum: z.array(z.number().int()).optional(),
      fail: z.object({ index: z.number().int(), residual: z.number().int() }).optional(),
    }),
  ),
  packing: z.array(z.object({ seed: z.string(), keyBits: z.number().int(), plaintexts: z.array(decimal) })),
  unpack: z.array(z.object({ keyBits: z.number().int(), count: z.number().int(), summed: z.array(decimal), holder: z.string() })),
});
export type RlwrVectors = z.infer<typeof rlwrVectorsSchema>;

export async function loadRlwrVectors(path: string): Promise<RlwrVectors> {
  return rlwrVectorsSchema.parse(JSON.parse(await readFile(path, "utf8")));
}

const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/^0x/, ""), "hex"));
const firstMismatch = (got: ArrayLike<number | bigint>, want: ArrayLike<number | bigint>): string | undefined => {
  if (got.length !== want.length) return `length ${got.length}, expected ${want.length}`;
  for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) return `element ${i}: ${got[i]}, expected ${want[i]}`;
  return undefined;
};

export async function checkRlwrVectors(vectors: RlwrVectors, kinds: readonly KernelKind[], check: (label: string, problem: string | undefined) => void): Promise<void> {
  const seedOf = (name: string): BigInt64Array => BigInt64Array.from(vectors.seeds[name] ?? [], (s) => BigInt(s));
  for (const c of vectors.context) {
    const got = Buffer.from(maskContext(BigInt(c.chainId), c.coordinator, BigInt(c.roundId))).toString("hex");
    check(`rlwr-2048 mask context round ${c.roundId}`, got === c.c.replace(/^0x/, "") ? undefined : `${got}, expected ${c.c}`);
  }
  for (const [n, c] of vectors.packing.entries()) {
    const got = rlwrSeedPlaintexts.toPlaintexts(seedOf(c.seed), c.keyBits);
    check(`rlwr-2048 seed packing #${n} (${c.keyBits}-bit key)`, firstMismatch(got, c.plaintexts.map(BigInt)));
  }
  for (const [n, c] of vectors.unpack.entries()) {
    const got = rlwrSeedPlaintexts.holderSeed(c.summed.map(BigInt), c.count, c.keyBits);
    check(`rlwr-2048 holder seed #${n} (${c.count} clients)`, firstMismatch(got, seedOf(c.holder)));
  }
  for (const kind of kinds) {
    const group = createRlwrGroup({ kernel: kind, inlineBelow: 0 });
    try {
      for (const [n, c] of vectors.mask.entries()) {
        const y = await group.mask({ quantized: Int32Array.from(c.g), seed: seedOf(c.seed), start: c.start, context: bytes(c.c) });
        const problem = c.y ? firstMismatch(y, c.y.flat()) : createHash("sha256").update(y).digest("hex") === c.ySha256 ? undefined : "sha256 of the limbs differs";
        check(`${kind} rlwr-2048 mask #${n} (start ${c.start}, d ${c.g.length})`, problem);
      }
      for (const [n, c] of vectors.aggregate.entries()) {
        const masked = c.y.map((vector) => Uint32Array.from(vector.flat()));
        const label = `${kind} rlwr-2048 aggregate #${n} (N ${c.N}${c.fail ? ", one vector left out" : ""})`;
        const outcome = await group.aggregate({ masked, bound: c.bound, start: c.start }).then(
          (sums) => ({ sums }),
          (error: unknown) => ({ error }),
        );
        if (c.sum) {
          check(label, "sums" in outcome ? firstMismatch(outcome.sums, c.sum) : String(outcome.error));
        } else {
          const error = "error" in outcome ? outcome.error : undefined;
          const named = error instanceof MaskDecodeError && error.index === c.fail?.index && error.residual === c.fail?.residual;
          check(label, named ? undefined : `expected MaskDecodeError at ${c.fail?.index}, got ${error === undefined ? "a sum" : String(error)}`);
        }
      }
    } catch (error) {
      check(`${kind} rlwr-2048 kernel run`, error instanceof Error ? error.message : String(error));
    } finally {
      await group.close();
    }
  }
}
