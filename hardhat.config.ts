// Hardhat configuration: offline solc from the `solc` npm package, TypeChain, tests under test/, the fedmash tasks
// (fl:status, fl:open-round), and a public testnet plus contract verification configured from the environment
// (docs/DEPLOY.md): no URL or key is ever written here.
import { subtask, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import "./tasks/fl";

const SOLC_VERSION = "0.8.28";

// Hardhat downloads compilers from the internet; CI and these machines have none. The npm package `solc`
// ships the same compiler as wasm, pinned to SOLC_VERSION in package.json, so we hand Hardhat that one.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion === SOLC_VERSION) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const solc = require("solc") as { version(): string };
    return {
      compilerPath: require.resolve("solc/soljson.js"),
      isSolcJs: true,
      version: SOLC_VERSION,
      longVersion: solc.version(),
    };
  }
  return runSuper();
});

/** The deployer's and task owner's key for public networks; Hardhat's own test accounts serve local ones. */
const testnetAccounts = process.env.PRIVATE_KEY ? [process.env.PRIVATE_KEY] : [];

const config: HardhatUserConfig = {
  solidity: {
    compilers: [{ version: SOLC_VERSION, settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", viaIR: false } }],
    // EIP-170 caps deployed code at 24,576 bytes, and the coordinator (RoundLib inlined) sits at it: optimizing it for
    // size (runs = 1) leaves room for the admission check; bench:gas measures what that costs per call.
    overrides: {
      "contracts/FedmashCoordinator.sol": {
        version: SOLC_VERSION,
        settings: { optimizer: { enabled: true, runs: 1 }, evmVersion: "cancun", viaIR: false },
      },
      // The factory's runtime code holds the verifier's creation code, so the verifier must fit with room to spare.
      "contracts/FedmashVerifier.sol": {
        version: SOLC_VERSION,
        settings: { optimizer: { enabled: true, runs: 1 }, evmVersion: "cancun", viaIR: false },
      },
    },
  },
  networks: {
    // Automine otherwise stamps each block at least a second after the last: a round's hundred transactions would
    // push the chain's clock a minute ahead of the wall's and stretch every phase deadline by that much.
    hardhat: { mining: { auto: true }, accounts: { count: 64 }, allowBlocksWithSameTimestamp: true },
    localhost: { url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
    // An unset SEPOLIA_RPC_URL leaves the URL empty; the fl: tasks then name the variable to set.
    sepolia: { url: process.env.SEPOLIA_RPC_URL ?? "", chainId: 11155111, accounts: testnetAccounts },
  },
  // hardhat-verify: one Etherscan key serves every chain through Etherscan's v2 API; without a key Etherscan is
  // skipped (it would fail the whole verify) and Sourcify, which needs none, still runs.
  etherscan: { apiKey: process.env.ETHERSCAN_API_KEY ?? "", enabled: Boolean(process.env.ETHERSCAN_API_KEY) },
  sourcify: { enabled: process.env.SOURCIFY !== "0" },
  // FEDMASH_MOCHA_REPORTER=.ci/file-times-reporter.js adds each test file's wall time to the spec output (.ci/run sets it).
  mocha: { timeout: 300_000, reporter: process.env.FEDMASH_MOCHA_REPORTER ?? "spec" },
  gasReporter: { enabled: process.env.REPORT_GAS === "1" },
};

export default config;
