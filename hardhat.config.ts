// Hardhat configuration: offline solc from the `solc` npm package, TypeChain, tests under test/.
import { subtask, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";

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

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", viaIR: false },
  },
  networks: {
    hardhat: { mining: { auto: true }, accounts: { count: 64 } },
    localhost: { url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
  },
  mocha: { timeout: 300_000 },
  gasReporter: { enabled: process.env.REPORT_GAS === "1" },
};

export default config;
