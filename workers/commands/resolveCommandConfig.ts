// A command's settings from its argv and the CLI context: resolveConfig with the context's environment, working
// directory and config-file vocabulary, the flags that may stand alone, and --account/--private-key as one choice.
import type { z } from "zod";
import { resolveConfig, type RawConfig, type ResolveConfigReturnType } from "../config/resolveConfig";
import type { OptionTable } from "../config/optionSpec";
import { IMPLICIT_VALUES } from "../config/sharedOptions";
import type { CliContext } from "./cliCommand";

export function resolveCommandConfig<T>(command: string, options: OptionTable, schema: z.ZodType<T, RawConfig>, argv: readonly string[], context: CliContext): ResolveConfigReturnType<T> {
  return resolveConfig({
    command,
    options,
    schema,
    argv,
    env: context.env,
    cwd: context.cwd,
    vocabulary: context.vocabulary,
    implicitValues: IMPLICIT_VALUES,
    exclusive: [["account", "private-key"]],
  });
}
