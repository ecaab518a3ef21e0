// `fedmash selftest`: both MASH mask groups against their known-answer vectors, with the native kernel and the TypeScript
// fallback; exit code 1 when any vector fails.
import { join, resolve } from "node:path";
import { SELFTEST_OPTIONS, selftestConfigSchema } from "../config/selftestConfig";
import type { CliCommand } from "./cliCommand";
import { resolveCommandConfig } from "./resolveCommandConfig";

export const selftestCommand: CliCommand = {
  name: "selftest",
  summary: "Check both MASH mask groups against known-answer vectors (native kernel and TypeScript fallback)",
  options: SELFTEST_OPTIONS,
  async run(argv, context) {
    const { config } = resolveCommandConfig("selftest", SELFTEST_OPTIONS, selftestConfigSchema, argv, context);
    const { runSelftest } = await import("../crypto/selftest");
    const vectors = config.vectors === undefined ? join(context.projectRoot, "docs", "testvectors", "mash80.json") : resolve(context.cwd, config.vectors);
    const rlwrVectors = config["rlwr-vectors"] === undefined ? join(context.projectRoot, "docs", "testvectors", "rlwr2048.json") : resolve(context.cwd, config["rlwr-vectors"]);
    const result = await runSelftest({ vectorsPath: vectors, rlwrVectorsPath: rlwrVectors });
    // The last line is already the "N passed, N failed" summary.
    for (const line of result.lines) context.stdout.write(`${line}\n`);
    if (result.failed > 0) process.exitCode = 1;
  },
};
