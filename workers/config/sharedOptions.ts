// The settings several commands share: the global ones, a worker's chain/store/state settings, local training,
// the MASH and DP parameters and a verified task's money. Commands spread the groups they take into their table.
import { DEFAULT_TRAINING } from "../ml/defaultTraining";
import {
  addressField,
  booleanField,
  choiceField,
  deploymentIdField,
  etherField,
  integerField,
  pathField,
  positiveField,
  privateKeyField,
  textField,
  urlField,
} from "./fields";
import { option, type OptionTable } from "./optionSpec";
import { DEFAULT_MASK_GROUP, MASK_GROUP_IDS } from "../crypto/mask/maskGroup";

/** The workers' providers speak JSON-RPC over HTTP; a ws:// endpoint is refused here rather than failing later. */
export const RPC_PROTOCOLS = ["http:", "https:"] as const;
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
/**
 * createStore's DEFAULT_STORE_DIR, kept equal by a test: importing createStore loads the IPFS clients (about a
 * second), which `fedmash --help` and a refused flag should not wait for.
 */
export const DEFAULT_STORE_DIR = ".fedmash/ipfs";

export const GLOBAL_OPTIONS = {
  config: option({ value: "FILE", defaultText: "./fedmash.json if present", description: 'JSON config file ("none": read none); keys are the flags in camelCase', field: pathField() }),
  quiet: option({ type: "boolean", description: "No progress output and no worker log lines on stderr (the JSON log file is still written)", field: booleanField() }),
  debug: option({ type: "boolean", description: "Print the stack trace of an error after its one-line message", field: booleanField() }),
} satisfies OptionTable;

/** How a read-only command (status) finds the chain and the contracts. */
export const CHAIN_OPTIONS = {
  rpc: option({ value: "URL", env: "RPC_URL", description: "JSON-RPC endpoint (http or https)", field: urlField(RPC_PROTOCOLS, DEFAULT_RPC_URL, DEFAULT_RPC_URL) }),
  coordinator: option({ value: "ADDR", description: "FedmashCoordinator address (with --registry); default: read from the Ignition deployment", field: addressField() }),
  registry: option({ value: "ADDR", description: "FedmashRegistry address (with --coordinator)", field: addressField() }),
  "deployment-id": option({ value: "ID", defaultText: "chain-<chainId>", description: "Ignition deployment folder under ignition/deployments", field: deploymentIdField() }),
} satisfies OptionTable;

export const WORKER_OPTIONS = {
  ...CHAIN_OPTIONS,
  account: option({ value: "I", description: "Hardhat test account index (local chain 31337 only)", field: integerField(0) }),
  "private-key": option({ value: "HEX", env: "PRIVATE_KEY", description: "The account's private key; required on any chain but 31337", field: privateKeyField() }),
  "store-dir": option({ value: "DIR", env: "FEDMASH_STORE_DIR", description: "Embedded IPFS store folder", field: pathField(DEFAULT_STORE_DIR) }),
  "ipfs-api": option({ value: "URL", env: "IPFS_API_URL", defaultText: "unset: the embedded store", description: "Kubo RPC API to use instead of the embedded store", field: urlField(["http:", "https:"], "http://127.0.0.1:5001") }),
  "state-dir": option({ value: "DIR", defaultText: ".fedmash/workers/<role>[-index]", description: "Keys and persisted protocol state", field: pathField() }),
  "log-file": option({ value: "FILE", defaultText: "<state-dir>/worker.log.jsonl", description: "JSON-lines log", field: pathField() }),
  "start-block": option({ value: "B", description: "First block to read on a fresh state", field: integerField(0, 0) }),
} satisfies OptionTable;

export const TRAINING_OPTIONS = {
  clients: option({ value: "N", description: "Clients the data is split over", field: integerField(1, 4) }),
  "samples-per-client": option({ value: "K", description: "Training samples per client", field: integerField(1, DEFAULT_TRAINING.samplesPerClient) }),
  epochs: option({ value: "E", description: "Local epochs per round", field: integerField(1, DEFAULT_TRAINING.epochs) }),
  "batch-size": option({ value: "B", description: "SGD batch size", field: integerField(1, DEFAULT_TRAINING.batchSize) }),
  lr: option({ value: "L", description: "SGD learning rate", field: positiveField(DEFAULT_TRAINING.learningRate) }),
  partition: option({ value: "iid|dirichlet", description: "How MNIST is split over the clients", field: choiceField(["iid", "dirichlet"], "iid") }),
  alpha: option({ value: "A", description: "Dirichlet concentration (with --partition dirichlet)", field: positiveField(0.5) }),
  seed: option({ value: "S", description: "Model initialization and data split seed", field: integerField(0, 1) }),
} satisfies OptionTable;

export const MASH_OPTIONS = {
  "group-size": option({ value: "G", description: "MASH members per group, at least 3", field: integerField(3, 3) }),
  "mask-group": option({
    value: "rlwr-2048|paper-compat",
    description: "MASH: the group the masks live in; paper-compat is the paper's 80-bit group, NOT secure",
    field: choiceField(MASK_GROUP_IDS, DEFAULT_MASK_GROUP),
  }),
  "min-included": option({
    value: "K",
    defaultText: "max(3, --min-clients)",
    description: "MASH and Shamir: fewest updates a round may sum; below it the round fails (TooFewIncluded)",
    field: integerField(3),
  }),
  clip: option({ value: "C", description: "Per-coordinate clip (MASH, Shamir); with --dp also the L2 clip of the whole update", field: positiveField(0.5) }),
  scale: option({ value: "S", description: "Quantization scale (MASH, Shamir)", field: integerField(1, 10_000) }),
} satisfies OptionTable;

export const PAILLIER_OPTION = {
  "paillier-bits": option({ value: "1024|2048", description: "The holder's Paillier key size (1024 = the paper's)", field: choiceField(["1024", "2048"], "2048") }),
} satisfies OptionTable;

export const DP_OPTIONS = {
  dp: option({ value: "local|distributed", defaultText: "off", description: "Differential privacy: Gaussian noise per client (local) or split over the clients (distributed)", field: choiceField(["local", "distributed"]) }),
  "noise-multiplier": option({ value: "Z", description: "DP noise standard deviation in units of --clip (with --dp)", field: positiveField() }),
  delta: option({
    value: "D",
    defaultText: "1e-5",
    description: "δ of the (ε, δ) the report gives (with --dp)",
    field: textField((text) => {
      const value = text === "" ? Number.NaN : Number(text);
      return value > 0 && value < 1 ? value : { problem: "is not between 0 and 1", fix: "give δ well below 1/N, e.g. 1e-5." };
    }),
  }),
} satisfies OptionTable;

/** A worker's DP clip: no default, the task's clients must agree on it. */
export const DP_CLIP_OPTION = {
  clip: option({ value: "C", description: "The L2 norm every update is clipped to (with --dp)", field: positiveField() }),
} satisfies OptionTable;

export const TERMS_OPTIONS = {
  bond: option({ value: "ETH", description: "The aggregator's bond (MASH, Shamir)", field: etherField(10n ** 18n) }),
  "client-reward": option({ value: "ETH", description: "Paid per committed client when a round passes", field: etherField(10n ** 16n) }),
  "aggregator-reward": option({ value: "ETH", description: "Paid to the aggregator when a round passes", field: etherField(5n * 10n ** 16n) }),
} satisfies OptionTable;

export const MALICIOUS_OPTION = {
  "malicious-aggregator": option({
    value: "[consistent|inconsistent]",
    defaultText: "off",
    description: "Demo of a fraud proof (MASH) or a failing verification (Shamir): the aggregator alters its aggregate (alone: consistent)",
    field: choiceField(["consistent", "inconsistent"]),
  }),
} satisfies OptionTable;

/** MASH demo adversaries among the clients (RunMashClientParameters.maliciousClient). */
export const MALICIOUS_CLIENT_MODES = ["false-challenge", "oversized-payload"] as const;
/** The demo's client adversaries: the MASH ones, and Shamir's inconsistent shares (`fedmash client --inconsistent-shares`). */
export const DEMO_MALICIOUS_CLIENT_MODES = [...MALICIOUS_CLIENT_MODES, "inconsistent-shares"] as const;

/** The MASH challenge window the task owner sets (FedmashVerifier.Terms.challengeDuration, at least 5 s). */
export function challengeWindowOption(fallback: number) {
  return {
    "challenge-window": option({ value: "S", description: "MASH: seconds after the aggregate during which anyone may challenge it (at least 5)", field: integerField(5, fallback) }),
  } satisfies OptionTable;
}

/** Flags that may stand alone, with the value they then mean. */
export const IMPLICIT_VALUES: Readonly<Record<string, string>> = { "malicious-aggregator": "consistent" };
