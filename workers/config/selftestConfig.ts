// `fedmash selftest`: the MASH crypto against the known-answer vectors; the only setting is where they are.
import { pathField } from "./fields";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { GLOBAL_OPTIONS } from "./sharedOptions";

export const SELFTEST_OPTIONS = {
  vectors: option({ value: "FILE", defaultText: "docs/testvectors/mash80.json", description: "Known-answer vectors of the paper-compat group", field: pathField() }),
  "rlwr-vectors": option({ value: "FILE", defaultText: "docs/testvectors/rlwr2048.json", description: "Known-answer vectors of the rlwr-2048 group (from reference/rlwr_ref.py)", field: pathField() }),
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export const selftestConfigSchema = optionsSchema(SELFTEST_OPTIONS);
