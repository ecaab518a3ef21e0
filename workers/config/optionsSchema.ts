// The zod object schema of a table of settings: each flag parsed by its own field, typed by it.
import { z } from "zod";
import type { CliOption, OptionTable } from "./optionSpec";
import type { RawConfig } from "./resolveConfig";

export type OptionValues<O extends OptionTable> = { [K in keyof O]: O[K] extends CliOption<infer T> ? T : never };

export function optionsSchema<O extends OptionTable>(options: O): z.ZodType<OptionValues<O>, RawConfig> {
  const shape = Object.fromEntries(Object.entries(options).map(([flag, spec]) => [flag, spec.field]));
  return z.object(shape) as unknown as z.ZodType<OptionValues<O>, RawConfig>;
}
