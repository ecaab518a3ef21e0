// How much of the seed shuffle's critical path the Paillier randomness is (`npm run bench:shuffle-step`): one
// group of 3 on the default mask group (rlwr-2048: 34 plaintexts a seed) under a 2048-bit holder key, each
// member's step timed (the leader's with finishGroupSum) three ways: every rⁿ computed on demand with BigInt
// (the code before the randomness pool), on demand through OpenSSL (modPowFast), and taken from a pool filled
// beforehand, as runMashClient does while the member waits for its turn. Median of a few runs; prints a
// markdown table, writes nothing. Flag: --quick (one run).
import { cpus, loadavg } from "node:os";
import { randomBytes } from "node:crypto";
import { generateEciesKeyPair } from "../workers/crypto/ecies/generateEciesKeyPair";
import { getMaskGroup } from "../workers/crypto/mask/getMaskGroup";
import { DEFAULT_MASK_GROUP } from "../workers/crypto/mask/maskGroup";
import { generatePaillierKeyPair } from "../workers/crypto/paillier/generatePaillierKeyPair";
import { modPowBigint, openSslModPowAvailable } from "../workers/crypto/paillier/modPowOpenSsl";
import { createNthPowerPool, type NthPowerPool } from "../workers/crypto/paillier/nthPowerPool";
import { randomUnit } from "../workers/crypto/paillier/randomNthPower";
import type { PaillierPublicKey } from "../workers/crypto/paillier/types";
import { finishGroupSum } from "../workers/crypto/shuffle/finishGroupSum";
import { processShuffleStep } from "../workers/crypto/shuffle/processShuffleStep";
import type { ShuffleMessage } from "../workers/crypto/shuffle/types";
import { validateShuffleGroup } from "../workers/crypto/shuffle/validateShuffleGroup";
import { median } from "./lib/median";

const SIZE = 3;
const RUNS = process.argv.includes("--quick") ? 1 : 3;
const bigintNthPower = (publicKey: PaillierPublicKey): bigint => modPowBigint(randomUnit(publicKey), publicKey.n, publicKey.nSquared);

type Mode = "BigInt, on demand (before)" | "OpenSSL, on demand" | "OpenSSL, precomputed pool";
const MODES: Mode[] = ["BigInt, on demand (before)", "OpenSSL, on demand", "OpenSSL, precomputed pool"];

async function main(): Promise<void> {
  if (!openSslModPowAvailable()) console.warn("OpenSSL's modexp failed its self-check: the OpenSSL rows fall back to BigInt.");
  const maskGroup = getMaskGroup(DEFAULT_MASK_GROUP);
  const holder = await generatePaillierKeyPair({ bits: 2048 });
  const publicKey = holder.publicKey;
  const count = maskGroup.seedPlaintexts.plaintextCount(publicKey.bits);
  const members = Array.from({ length: SIZE }, () => generateEciesKeyPair());
  const group = validateShuffleGroup({
    group: {
      groupIndex: 0,
      sessionId: Uint8Array.from(randomBytes(32)),
      memberPublicKeys: members.map((m) => m.publicKey),
      holderPublicKey: publicKey,
      seedPlaintexts: { count, bound: maskGroup.seedPlaintexts.sumBound(1, publicKey.bits) + 1n },
    },
  });
  const plaintexts = members.map(() => maskGroup.seedPlaintexts.toPlaintexts(maskGroup.randomSeed(), publicKey.bits));

  const times = new Map<Mode, number[][]>(MODES.map((mode) => [mode, Array.from({ length: SIZE }, () => [])]));
  const fillSeconds: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (const mode of MODES) {
      const pools: NthPowerPool[] = members.map(() => createNthPowerPool({ publicKey, compute: mode === "BigInt, on demand (before)" ? bigintNthPower : undefined }));
      if (mode === "OpenSSL, precomputed pool") {
        const started = performance.now();
        await Promise.all(pools.map((pool, index) => pool.fill(index === SIZE - 1 ? SIZE * count : count)));
        fillSeconds.push((performance.now() - started) / 1000);
      }
      let message: ShuffleMessage | undefined;
      for (let memberIndex = 0; memberIndex < SIZE; memberIndex++) {
        const started = performance.now();
        message = processShuffleStep({ group, memberIndex, privateKey: members[memberIndex]!.privateKey, plaintexts: plaintexts[memberIndex]!, incoming: message, pool: pools[memberIndex] });
        if (memberIndex === SIZE - 1) finishGroupSum({ group, peeled: message });
        times.get(mode)![memberIndex]!.push((performance.now() - started) / 1000);
      }
    }
  }
  const seconds = (values: readonly number[]): string => median(values).toFixed(2);
  console.log(`group of ${SIZE}, ${DEFAULT_MASK_GROUP} (${count} Paillier-2048 ciphertexts a seed), median of ${RUNS}; ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log("");
  console.log("| rⁿ mod n² | member 0 (s) | member 1 (s) | leader incl. group sum (s) | chain total (s) |");
  console.log("|---|---|---|---|---|");
  for (const mode of MODES) {
    const perMember = times.get(mode)!;
    const total = perMember[0]!.map((_, run) => perMember.reduce((sum, member) => sum + member[run]!, 0));
    console.log(`| ${mode} | ${perMember.map(seconds).join(" | ")} | ${seconds(total)} |`);
  }
  console.log("");
  console.log(`filling the three pools (${count}, ${count}, ${SIZE * count} values, one process): ${seconds(fillSeconds)} s, done while each member waits for its turn`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
