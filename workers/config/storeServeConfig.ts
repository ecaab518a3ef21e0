// `fedmash store-serve`: one embedded IPFS store shared with workers on other machines over the Kubo RPC API.
import { hostField, integerField, pathField } from "./fields";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { DEFAULT_STORE_DIR, GLOBAL_OPTIONS } from "./sharedOptions";

export const STORE_SERVE_OPTIONS = {
  "store-dir": option({ value: "DIR", env: "FEDMASH_STORE_DIR", description: "The embedded store to share", field: pathField(DEFAULT_STORE_DIR) }),
  host: option({ value: "H", description: "Address to listen on (0.0.0.0: other machines; the API has no authentication)", field: hostField("127.0.0.1") }),
  port: option({ value: "P", description: "Port of the Kubo RPC API", field: integerField(0, 5001, 65_535) }),
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export const storeServeConfigSchema = optionsSchema(STORE_SERVE_OPTIONS);
