// `fedmash selftest`: the MASH crypto against the known-answer vectors; the only setting is where they are.
import { pathField } from "./fields";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { GLOBAL_OPTIONS } from "./sharedOptions";

export const SELFTEST_OPTIONS = {
  vectors: option({ value: "FILE", defaultText: "docs/testvectors/mash80.json", description: "Known-answer vectors of the MASH crypto", field: pathField() }),
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export const selftestConfigSchema = optionsSchema(SELFTEST_OPTIONS);
