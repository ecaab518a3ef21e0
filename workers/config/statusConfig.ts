// `fedmash status`: where a deployment's tasks and rounds stand, as text or JSON, or served as the live round
// explorer page (--serve). Read-only: no account.
import { booleanField, hostField, integerField, textField, urlField } from "./fields";
import { option, type OptionTable } from "./optionSpec";
import { optionsSchema } from "./optionsSchema";
import { refineContractAddresses } from "./refineContractAddresses";
import { CHAIN_OPTIONS, GLOBAL_OPTIONS } from "./sharedOptions";

/** Round and task ids are uint256 on-chain: read as bigint. */
function idField() {
  return textField((text) => (/^[1-9]\d*$/.test(text) ? BigInt(text) : { problem: "is not an id (1, 2, ...)", fix: "give a positive integer; `fedmash status` lists the ids." }));
}

export const STATUS_OPTIONS = {
  round: option({ value: "N", defaultText: "every round", description: "Only this round, in detail", field: idField() }),
  task: option({ value: "N", defaultText: "every task", description: "Only this task and its rounds", field: idField() }),
  json: option({ type: "boolean", description: "Print the StatusSnapshot as JSON", field: booleanField() }),
  events: option({ type: "boolean", description: "Also list each detailed round's events with their transaction hashes", field: booleanField() }),
  ...CHAIN_OPTIONS,
  "from-block": option({ value: "B", defaultText: "the deployment's block", description: "First block of the log sweep", field: integerField(0) }),
  "max-block-range": option({ value: "N", defaultText: "unlimited", description: "Split the log sweep for RPCs that cap eth_getLogs", field: integerField(1) }),
  serve: option({ type: "boolean", description: "Serve the live round explorer page instead of printing", field: booleanField() }),
  port: option({ value: "P", description: "Explorer port (0 = any free port)", field: integerField(0, 8088, 65_535) }),
  host: option({ value: "H", description: "Explorer address (0.0.0.0 for every interface)", field: hostField("127.0.0.1") }),
  "explorer-url": option({ value: "URL", defaultText: "the page's own /tx/ view", description: "Block explorer transaction URL prefix, e.g. https://sepolia.etherscan.io/tx/", field: urlField(["http:", "https:"], "https://sepolia.etherscan.io/tx/") }),
  "poll-ms": option({ value: "MS", description: "How often the explorer polls for a new block", field: integerField(50, 1000) }),
  ...GLOBAL_OPTIONS,
} satisfies OptionTable;

export const statusConfigSchema = optionsSchema(STATUS_OPTIONS).superRefine((v, ctx) => {
  refineContractAddresses(v, ctx);
  if (v.serve && (v.json || v.round !== undefined || v.task !== undefined)) {
    ctx.addIssue({ code: "custom", path: ["serve"], message: "shows every task and round live, so it takes no --json, --round or --task", params: { fix: "leave out --serve to print, or those flags to serve the page." } });
  }
});
