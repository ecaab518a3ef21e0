// The `fedmash status` path outside Hardhat: a JSON-RPC URL (the in-process chain served over HTTP, as
// `npx hardhat node` serves it), the Ignition deployment folder or explicit addresses, then collectStatus and the
// text renderer; and the named errors for an unreachable URL and addresses without a contract.
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ChainUnreachableError } from "../../../workers/chain/errors";
import { loadDeployment, type FedmashAddresses } from "../../../workers/chain/loadDeployment";
import { collectStatus } from "../../../workers/status/collectStatus";
import { connectStatusSource } from "../../../workers/status/connectStatusSource";
import { StatusNoContractError } from "../../../workers/status/errors";
import { renderStatusText } from "../../../workers/status/renderStatusText";
import { FedmashCoordinator__factory, FedmashRegistry__factory } from "../../../typechain-types";
import { encryptionKey } from "../../helpers/encryptionKey";
import { Mode, Role } from "../../helpers/enums";
import { taskConfig } from "../../helpers/taskConfig";
import { serveHardhatChain, type ServedChain } from "../../helpers/serveHardhatChain";

describe("connectStatusSource", function () {
  this.timeout(60_000);
  const deploymentId = `test-status-source-${process.pid}`;
  const projectRoot = hre.config.paths.root;
  let server: ServedChain | undefined;
  let rpcUrl: string;
  let deployed: FedmashAddresses;

  before(async function () {
    server = await serveHardhatChain();
    rpcUrl = server.rpcUrl;
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write; // Ignition's progress UI
    try {
      await hre.run(
        { scope: "ignition", task: "deploy" },
        { modulePath: "ignition/modules/Fedmash.ts", deploymentId, writeLocalhostDeployment: true, reset: false, verify: false, strategy: "basic" },
      );
    } finally {
      process.stdout.write = write;
    }
    deployed = loadDeployment({ chainId: 31337n, deploymentId, projectRoot });
    const [owner, aggregator] = await ethers.getSigners();
    const coordinator = FedmashCoordinator__factory.connect(deployed.coordinator, owner);
    await FedmashRegistry__factory.connect(deployed.registry, aggregator).register(Role.Aggregator, encryptionKey("status source aggregator").compressed);
    await coordinator.createTask(
      taskConfig({ mode: Mode.Plain, aggregator: aggregator.address, modelSize: 10, minClients: 1, maxClients: 2, joinDuration: 60, submitDuration: 60, aggregateDuration: 60 }),
      "bafkreistatussourcemodel",
    );
  });

  after(async function () {
    await server?.close();
    rmSync(join(projectRoot, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("finds the deployment and its first block, and collects a snapshot the renderer prints", async function () {
    const source = await connectStatusSource({ rpcUrl, projectRoot, deploymentId });
    try {
      expect(source.chainId).to.equal(31337n);
      expect(source.addresses).to.deep.equal(deployed);
      // The sweep starts at the registry's deployment block: no code before it, code from it on.
      expect(await ethers.provider.getCode(deployed.registry, source.fromBlock - 1)).to.equal("0x");
      expect(await ethers.provider.getCode(deployed.registry, source.fromBlock)).to.not.equal("0x");
      const snapshot = await collectStatus({ provider: source.provider, addresses: source.addresses, fromBlock: source.fromBlock });
      expect(snapshot.tasks.map((t) => [t.taskId, t.mode, t.initialModelCid])).to.deep.equal([["1", "Plain", "bafkreistatussourcemodel"]]);
      expect(snapshot.participants.aggregators).to.have.length(1);
      // Every task has an admission policy (its join check applies in every mode); this one kept the open default.
      expect(renderStatusText(snapshot)).to.contain(`  current model bafkreistatussourcemodel\n  admission: open\n  no round yet: open one with \`npx hardhat fl:open-round --task 1 --network <net>\``);
    } finally {
      source.close();
    }
  });

  it("reads the verifier and the Shamir contract from explicit registry and coordinator addresses", async function () {
    const source = await connectStatusSource({ rpcUrl, projectRoot, addresses: { registry: deployed.registry, coordinator: deployed.coordinator }, fromBlock: 0 });
    source.close();
    expect(source.addresses).to.deep.equal(deployed);
    expect(source.fromBlock).to.equal(0);
  });

  describe("should throw", function () {
    it("ChainUnreachableError when nothing answers at the URL", async function () {
      const error = await connectStatusSource({ rpcUrl: "http://127.0.0.1:9", projectRoot }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ChainUnreachableError);
      expect((error as ChainUnreachableError).shortMessage).to.equal("No Ethereum JSON-RPC node answers at http://127.0.0.1:9.");
    });

    it("StatusNoContractError for a coordinator address without code", async function () {
      const stranger = ethers.Wallet.createRandom().address;
      const error = await connectStatusSource({ rpcUrl, projectRoot, addresses: { registry: deployed.registry, coordinator: stranger } }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(StatusNoContractError);
    });
  });
});
