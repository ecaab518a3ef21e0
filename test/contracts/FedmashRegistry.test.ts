// Tests of FedmashRegistry: registration with a role and an ECIES key, key rotation, deactivation, and every
// refusal, against the registry deployed through the Ignition module.
import { expect } from "chai";
import { ethers, ignition } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import FedmashModule from "../../ignition/modules/Fedmash";
import type { FedmashRegistry } from "../../typechain-types";
import { Role } from "../helpers/enums";
import {
  SECP256K1_P,
  compressedKeyAt,
  curveY,
  encryptionKey,
  offCurveX,
  uncompressedKeyAt,
} from "../helpers/encryptionKey";

describe("FedmashRegistry", function () {
  async function deployRegistryFixture() {
    const [deployer, client, aggregator, server, stranger] = await ethers.getSigners();
    const deployment = await ignition.deploy(FedmashModule);
    const registry = (await ethers.getContractAt(
      "FedmashRegistry",
      await deployment.registry.getAddress(),
    )) as unknown as FedmashRegistry;
    const clientKey = encryptionKey("client");
    await registry.connect(client).register(Role.Client, clientKey.compressed);
    return { registry, deployer, client, clientKey, aggregator, server, stranger };
  }

  describe("register", function () {
    it("stores the role, the key and the registration time, and emits ParticipantRegistered", async function () {
      const { registry, aggregator } = await loadFixture(deployRegistryFixture);
      const key = encryptionKey("aggregator").uncompressed;

      await expect(registry.connect(aggregator).register(Role.Aggregator, key))
        .to.emit(registry, "ParticipantRegistered")
        .withArgs(aggregator.address, Role.Aggregator, key);

      const stored = await registry.participant(aggregator.address);
      expect(stored.role).to.equal(Role.Aggregator);
      expect(stored.active).to.equal(true);
      expect(stored.registeredAt).to.equal(await time.latest());
      expect(stored.encryptionKey).to.equal(key);
    });

    it("accepts compressed keys with either parity prefix and uncompressed keys", async function () {
      const { registry, aggregator, server, stranger } = await loadFixture(deployRegistryFixture);
      const keys = [compressedKeyWithPrefix("0x02"), compressedKeyWithPrefix("0x03"), encryptionKey("c").uncompressed];

      await registry.connect(aggregator).register(Role.Aggregator, keys[0]);
      await registry.connect(server).register(Role.Server, keys[1]);
      await registry.connect(stranger).register(Role.Client, keys[2]);

      expect((await registry.participant(aggregator.address)).encryptionKey).to.equal(keys[0]);
      expect((await registry.participant(server.address)).encryptionKey).to.equal(keys[1]);
      expect((await registry.participant(stranger.address)).encryptionKey).to.equal(keys[2]);
    });

    it("counts active participants per role", async function () {
      const { registry, aggregator, server, stranger } = await loadFixture(deployRegistryFixture);
      await registry.connect(stranger).register(Role.Client, encryptionKey("stranger").compressed);
      await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
      await registry.connect(server).register(Role.Server, encryptionKey("server").compressed);

      expect(await registry.participantCount(Role.Client)).to.equal(2);
      expect(await registry.participantCount(Role.Aggregator)).to.equal(1);
      expect(await registry.participantCount(Role.Server)).to.equal(1);
      expect(await registry.participantCount(Role.None)).to.equal(0);
    });
  });

  describe("views", function () {
    it("isActive holds only for the registered role of an active participant", async function () {
      const { registry, client, stranger } = await loadFixture(deployRegistryFixture);
      expect(await registry.isActive(client.address, Role.Client)).to.equal(true);
      expect(await registry.isActive(client.address, Role.Aggregator)).to.equal(false);
      expect(await registry.isActive(client.address, Role.None)).to.equal(false);
      expect(await registry.isActive(stranger.address, Role.None)).to.equal(false);
      expect(await registry.isActive(stranger.address, Role.Client)).to.equal(false);
    });

    it("participant returns an empty record with role None for an unknown account", async function () {
      const { registry, stranger } = await loadFixture(deployRegistryFixture);
      const stored = await registry.participant(stranger.address);
      expect(stored.role).to.equal(Role.None);
      expect(stored.active).to.equal(false);
      expect(stored.registeredAt).to.equal(0);
      expect(stored.encryptionKey).to.equal("0x");
    });
  });

  describe("updateEncryptionKey", function () {
    it("replaces the key and emits EncryptionKeyUpdated", async function () {
      const { registry, client } = await loadFixture(deployRegistryFixture);
      const rotated = encryptionKey("client-rotated").uncompressed;

      await expect(registry.connect(client).updateEncryptionKey(rotated))
        .to.emit(registry, "EncryptionKeyUpdated")
        .withArgs(client.address, rotated);

      const stored = await registry.participant(client.address);
      expect(stored.encryptionKey).to.equal(rotated);
      expect(stored.role).to.equal(Role.Client);
    });
  });

  describe("deactivate", function () {
    it("marks the participant inactive, uncounts it, keeps its record, and emits ParticipantDeactivated", async function () {
      const { registry, client, clientKey } = await loadFixture(deployRegistryFixture);

      await expect(registry.connect(client).deactivate())
        .to.emit(registry, "ParticipantDeactivated")
        .withArgs(client.address);

      expect(await registry.isActive(client.address, Role.Client)).to.equal(false);
      expect(await registry.participantCount(Role.Client)).to.equal(0);
      const stored = await registry.participant(client.address);
      expect(stored.active).to.equal(false);
      expect(stored.role).to.equal(Role.Client);
      expect(stored.encryptionKey).to.equal(clientKey.compressed);
    });
  });

  describe("should revert", function () {
    describe("on register", function () {
      it("if the role is None", async function () {
        const { registry, stranger } = await loadFixture(deployRegistryFixture);
        await expect(
          registry.connect(stranger).register(Role.None, encryptionKey("stranger").compressed),
        ).to.be.revertedWithCustomError(registry, "RegistryInvalidRole");
      });

      it("if the role is not a Role at all", async function () {
        const { registry, stranger } = await loadFixture(deployRegistryFixture);
        // ABI decoding rejects out-of-range enum values before any contract code runs.
        await expect(
          registry.connect(stranger).register(4, encryptionKey("stranger").compressed),
        ).to.be.revertedWithoutReason();
      });

      it("if the account registered before", async function () {
        const { registry, client } = await loadFixture(deployRegistryFixture);
        await expect(registry.connect(client).register(Role.Aggregator, encryptionKey("again").compressed))
          .to.be.revertedWithCustomError(registry, "RegistryAlreadyRegistered")
          .withArgs(client.address);
      });

      it("if the account registered and deactivated before", async function () {
        const { registry, client } = await loadFixture(deployRegistryFixture);
        await registry.connect(client).deactivate();
        await expect(registry.connect(client).register(Role.Client, encryptionKey("again").compressed))
          .to.be.revertedWithCustomError(registry, "RegistryAlreadyRegistered")
          .withArgs(client.address);
      });

      for (const length of [0, 32, 34, 64, 66]) {
        it(`if the key is ${length} bytes long`, async function () {
          const { registry, stranger } = await loadFixture(deployRegistryFixture);
          const key = length === 0 ? "0x" : concatPrefix(length);
          await expect(registry.connect(stranger).register(Role.Client, key))
            .to.be.revertedWithCustomError(registry, "RegistryInvalidEncryptionKey")
            .withArgs(length);
        });
      }

      const mismatchedPrefixes: ReadonlyArray<[string, string, string]> = [
        ["a 33-byte key has the uncompressed prefix", "0x04", encryptionKey("stranger").compressed],
        ["a 65-byte key has a compressed prefix", "0x02", encryptionKey("stranger").uncompressed],
      ];
      for (const [condition, prefix, validKey] of mismatchedPrefixes) {
        it(`if ${condition}`, async function () {
          const { registry, stranger } = await loadFixture(deployRegistryFixture);
          const key = prefix + validKey.slice(4);
          await expect(registry.connect(stranger).register(Role.Client, key))
            .to.be.revertedWithCustomError(registry, "RegistryInvalidEncryptionKeyPrefix")
            .withArgs(prefix);
        });
      }

      it("if a compressed key's x has no point on the curve", async function () {
        const { registry, stranger } = await loadFixture(deployRegistryFixture);
        await expect(
          registry.connect(stranger).register(Role.Client, compressedKeyAt(offCurveX())),
        ).to.be.revertedWithCustomError(registry, "RegistryEncryptionKeyNotOnCurve");
      });

      it("if a compressed key's x is not below the field prime", async function () {
        const { registry, stranger } = await loadFixture(deployRegistryFixture);
        // x = p + 1 reduces to 1, which is on the curve: only the range check can refuse it.
        await expect(
          registry.connect(stranger).register(Role.Client, compressedKeyAt(SECP256K1_P + 1n)),
        ).to.be.revertedWithCustomError(registry, "RegistryEncryptionKeyNotOnCurve");
      });

      it("if an uncompressed key's y does not match its x", async function () {
        const { registry, stranger } = await loadFixture(deployRegistryFixture);
        const valid = encryptionKey("stranger").uncompressed;
        const x = BigInt("0x" + valid.slice(4, 68));
        const y = BigInt("0x" + valid.slice(68));
        await expect(
          registry.connect(stranger).register(Role.Client, uncompressedKeyAt(x, y + 1n)),
        ).to.be.revertedWithCustomError(registry, "RegistryEncryptionKeyNotOnCurve");
      });

      it("if an uncompressed key's x is not below the field prime", async function () {
        const { registry, stranger } = await loadFixture(deployRegistryFixture);
        // (p + 1, y) aliases the curve point (1, y): only the range check can refuse it.
        await expect(
          registry.connect(stranger).register(Role.Client, uncompressedKeyAt(SECP256K1_P + 1n, curveY(1n))),
        ).to.be.revertedWithCustomError(registry, "RegistryEncryptionKeyNotOnCurve");
      });
    });

    describe("on updateEncryptionKey", function () {
      it("if the account never registered", async function () {
        const { registry, stranger } = await loadFixture(deployRegistryFixture);
        await expect(registry.connect(stranger).updateEncryptionKey(encryptionKey("stranger").compressed))
          .to.be.revertedWithCustomError(registry, "RegistryNotRegistered")
          .withArgs(stranger.address);
      });

      it("if the account deactivated", async function () {
        const { registry, client } = await loadFixture(deployRegistryFixture);
        await registry.connect(client).deactivate();
        await expect(registry.connect(client).updateEncryptionKey(encryptionKey("late").compressed))
          .to.be.revertedWithCustomError(registry, "RegistryNotActive")
          .withArgs(client.address);
      });

      it("if the new key has a bad length", async function () {
        const { registry, client } = await loadFixture(deployRegistryFixture);
        await expect(registry.connect(client).updateEncryptionKey(concatPrefix(20)))
          .to.be.revertedWithCustomError(registry, "RegistryInvalidEncryptionKey")
          .withArgs(20);
      });

      it("if the new key is off the curve", async function () {
        const { registry, client } = await loadFixture(deployRegistryFixture);
        await expect(
          registry.connect(client).updateEncryptionKey(compressedKeyAt(offCurveX())),
        ).to.be.revertedWithCustomError(registry, "RegistryEncryptionKeyNotOnCurve");
      });
    });

    describe("on deactivate", function () {
      it("if the account never registered", async function () {
        const { registry, stranger } = await loadFixture(deployRegistryFixture);
        await expect(registry.connect(stranger).deactivate())
          .to.be.revertedWithCustomError(registry, "RegistryNotRegistered")
          .withArgs(stranger.address);
      });

      it("if the account already deactivated", async function () {
        const { registry, client } = await loadFixture(deployRegistryFixture);
        await registry.connect(client).deactivate();
        await expect(registry.connect(client).deactivate())
          .to.be.revertedWithCustomError(registry, "RegistryNotActive")
          .withArgs(client.address);
      });
    });
  });
});

/** The first derived compressed key whose parity prefix is `prefix`. */
function compressedKeyWithPrefix(prefix: "0x02" | "0x03"): string {
  for (let label = 0; ; label += 1) {
    const key = encryptionKey(`parity-${label}`).compressed;
    if (key.startsWith(prefix)) return key;
  }
}

/** A key of `length` bytes starting with the compressed prefix, so that only its length is wrong. */
function concatPrefix(length: number): string {
  return "0x02" + "11".repeat(length - 1);
}
