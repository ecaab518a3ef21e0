// The draw poker on a real (in-process, automining) chain: as a keeper's (owner, aggregator) it pokes as soon as a Mash
// round waits for its draw; with the MASH client's grace it waits, says what for, and pokes only once nobody drew the
// groups by drawBlock + grace.blocks or within grace.ms, so one honest client gets the round drawn without them.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { createDrawPoker } from "../../../workers/roles/createDrawPoker";
import type { WorkerRuntime } from "../../../workers/roles/openWorkerRuntime";
import type { Logger, LogFields } from "../../../workers/log";
import type { DrawGrace } from "../../../workers/protocol/keeper";
import type { FedmashCoordinator } from "../../../typechain-types";
import { deployFedmash } from "../../helpers/deployFedmash";
import { encryptionKey } from "../../helpers/encryptionKey";
import { Mode, Phase, Role } from "../../helpers/enums";
import { taskConfig } from "../../helpers/taskConfig";

describe("createDrawPoker", function () {
  async function deployGroupingFixture() {
    const [owner, aggregator, ...rest] = await ethers.getSigners();
    const clients = rest.slice(0, 4);
    const { registry, coordinator } = await deployFedmash();
    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }
    await coordinator.connect(owner).createTask(taskConfig({ mode: Mode.Mash, aggregator: aggregator.address }), "bafy-initial");
    await coordinator.connect(owner).openRound(1n, "bafy-initial");
    const roundId = await coordinator.roundCount();
    // The fourth join fills the round: Grouping, drawBlock = its block + 1, not mined yet.
    for (const client of clients) await coordinator.connect(client).join(roundId);
    return { coordinator, clients, roundId };
  }

  interface Logged {
    level: string;
    message: string;
    fields?: LogFields;
  }

  function poker(coordinator: FedmashCoordinator, signer: HardhatEthersSigner, grace?: DrawGrace) {
    const logged: Logged[] = [];
    const logger: Logger = {
      debug: (message, fields) => logged.push({ level: "debug", message, fields }),
      info: (message, fields) => logged.push({ level: "info", message, fields }),
      warn: (message, fields) => logged.push({ level: "warn", message, fields }),
      error: (message, fields) => logged.push({ level: "error", message, fields }),
      child: () => logger,
    };
    const runtime = { coordinator: coordinator.connect(signer), connection: { provider: ethers.provider, signer }, logger } as unknown as WorkerRuntime;
    const poke = createDrawPoker({ runtime, intervalMs: 0, grace });
    return { poke, logged };
  }

  async function phaseAndGroups(coordinator: FedmashCoordinator, roundId: bigint): Promise<[bigint, bigint]> {
    return [await coordinator.phase(roundId), (await coordinator.mashRound(roundId)).groupCount];
  }

  it("as a keeper's, pokes at once: the first poke mines the draw block, the next draws", async function () {
    const { coordinator, clients, roundId } = await loadFixture(deployGroupingFixture);
    const { poke } = poker(coordinator, clients[0]);
    expect(await poke(roundId, Mode.Mash, Phase.Grouping)).to.equal(true);
    expect(await phaseAndGroups(coordinator, roundId)).to.deep.equal([BigInt(Phase.Grouping), 0n]);
    expect(await poke(roundId, Mode.Mash, Phase.Grouping)).to.equal(true);
    expect((await coordinator.mashRound(roundId)).groupCount).to.equal(1n);
  });

  it("with a grace of blocks, waits and says so until drawBlock + blocks, then draws by itself", async function () {
    const { coordinator, clients, roundId } = await loadFixture(deployGroupingFixture);
    const { drawBlock } = await coordinator.mashRound(roundId);
    const { poke, logged } = poker(coordinator, clients[1], { blocks: 8n, ms: 3_600_000 });

    // The chain is before drawBlock, then well past it: the keepers still have until block drawBlock + 8.
    expect(await poke(roundId, Mode.Mash, Phase.Grouping)).to.equal(false);
    await mine(drawBlock + 7n - BigInt(await ethers.provider.getBlockNumber()));
    expect(await poke(roundId, Mode.Mash, Phase.Grouping)).to.equal(false);
    const waiting = logged.filter((line) => line.message.startsWith("waiting for the owner or the aggregator"));
    expect(waiting).to.have.length(1);
    expect(waiting[0].fields).to.include({ round: roundId.toString(), drawBlock: drawBlock.toString(), pokeFromBlock: (drawBlock + 8n).toString(), pokeAfterMs: 3_600_000 });

    await mine(1);
    expect(await poke(roundId, Mode.Mash, Phase.Grouping)).to.equal(true);
    expect((await coordinator.mashRound(roundId)).groupCount).to.equal(1n);
    expect(logged.filter((line) => line.level === "warn").map((line) => line.message)).to.deep.equal([
      "nobody drew the groups within the grace: poking the draw myself",
    ]);
  });

  it("with a grace of time, pokes once it passed with no block mined (an automining chain), and draws on the next poke", async function () {
    const { coordinator, clients, roundId } = await loadFixture(deployGroupingFixture);
    const { poke } = poker(coordinator, clients[2], { blocks: 8n, ms: 200 });
    expect(await poke(roundId, Mode.Mash, Phase.Grouping)).to.equal(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    // This poke is block drawBlock itself: a no-op, which gets the block mined.
    expect(await poke(roundId, Mode.Mash, Phase.Grouping)).to.equal(true);
    expect((await coordinator.mashRound(roundId)).groupCount).to.equal(0n);
    expect(await poke(roundId, Mode.Mash, Phase.Grouping)).to.equal(true);
    expect((await coordinator.mashRound(roundId)).groupCount).to.equal(1n);
  });

  it("with a grace, never pokes when a keeper drew within it", async function () {
    const { coordinator, clients, roundId } = await loadFixture(deployGroupingFixture);
    const { poke } = poker(coordinator, clients[3], { blocks: 8n, ms: 3_600_000 });
    expect(await poke(roundId, Mode.Mash, Phase.Grouping)).to.equal(false);
    // The aggregator's poke mines the draw block, its next one draws.
    await coordinator.connect(clients[0]).advance(roundId);
    await coordinator.connect(clients[0]).advance(roundId);
    await mine(20);
    const before = await ethers.provider.getTransactionCount(clients[3].address);
    expect(await poke(roundId, Mode.Mash, Phase.Grouping)).to.equal(false);
    expect(await ethers.provider.getTransactionCount(clients[3].address)).to.equal(before);
  });
});
