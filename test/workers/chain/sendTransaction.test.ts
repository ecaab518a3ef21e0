// sendTransaction against a chain served over JSON-RPC, as workers use it: a revert is a ChainRevertError with the
// custom error's name, and it costs the account nothing. Workers once signed through ethers' NonceManager, which
// counts a nonce before it estimates gas; the demo's aggregator lost every later transaction of a round that way
// ("Nonce too high. Expected nonce to be 6 but got 22") after one of its phase pokes reverted.
import { expect } from "chai";
import { ethers } from "hardhat";
import { connectChain, type ChainConnection } from "../../../workers/chain/connectChain";
import { ChainRevertError } from "../../../workers/chain/errors";
import { sendTransaction, submitTransaction } from "../../../workers/chain/sendTransaction";
import { FedmashRegistry__factory, type FedmashRegistry } from "../../../typechain-types";
import { encryptionKey } from "../../helpers/encryptionKey";
import { Role } from "../../helpers/enums";
import { serveHardhatChain, type ServedChain } from "../../helpers/serveHardhatChain";

/** What `promise` rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<ChainRevertError> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome).to.be.instanceOf(ChainRevertError);
  return outcome as ChainRevertError;
}

// Counts are read through Hardhat's own provider: the worker's ethers provider answers a repeated request from a
// 250 ms cache.
describe("sendTransaction (workers/chain)", function () {
  this.timeout(60_000);
  let server: ServedChain;
  let connection: ChainConnection;
  let registry: FedmashRegistry;

  before(async function () {
    server = await serveHardhatChain();
    const deployed = await (await ethers.getContractFactory("FedmashRegistry")).deploy();
    // An account no other test signs with, so the chain's nonce is this test's alone.
    connection = await connectChain({ rpcUrl: server.rpcUrl, accountIndex: 57 });
    registry = FedmashRegistry__factory.connect(await deployed.getAddress(), connection.signer);
  });

  after(async function () {
    connection.provider.destroy();
    await server.close();
  });

  it("turns a revert into ChainRevertError naming the custom error, without retrying it", async function () {
    const before = await ethers.provider.getTransactionCount(connection.address);
    const error = await rejection(sendTransaction(connection.signer, { action: "register(None)", send: () => registry.register(Role.None, encryptionKey("a").compressed) }));
    expect(error.errorName).to.equal("RegistryInvalidRole");
    expect(error.message).to.match(/^register\(None\) reverted with RegistryInvalidRole\(\)\./);
    expect(await ethers.provider.getTransactionCount(connection.address)).to.equal(before);
  });

  it("sends the account's next transactions after reverts, each with the chain's next nonce", async function () {
    for (const label of ["b", "c", "d"]) {
      await rejection(sendTransaction(connection.signer, { action: "register(None)", send: () => registry.register(Role.None, encryptionKey(label).compressed) }));
    }
    const nonce = await ethers.provider.getTransactionCount(connection.address);
    const registered = await sendTransaction(connection.signer, { action: "register", send: () => registry.register(Role.Client, encryptionKey("e").compressed) });
    expect(registered.status).to.equal(1);
    const again = await rejection(sendTransaction(connection.signer, { action: "register again", send: () => registry.register(Role.Client, encryptionKey("f").compressed) }));
    expect(again.errorName).to.equal("RegistryAlreadyRegistered");
    const deactivated = await sendTransaction(connection.signer, { action: "deactivate", send: () => registry.deactivate() });
    expect(deactivated.status).to.equal(1);
    const sent = await Promise.all([registered, deactivated].map((r) => connection.provider.getTransaction(r.hash)));
    expect(sent.map((t) => t?.nonce)).to.deep.equal([nonce, nonce + 1]);
    expect((await registry.participant(connection.address)).active).to.equal(false);
  });

  it("takes a revert the node reports when it mines the transaction (no gas estimate) as final, not as a transport failure", async function () {
    const nonce = await ethers.provider.getTransactionCount(connection.address);
    let attempts = 0;
    const error = await rejection(
      sendTransaction(connection.signer, {
        action: "updateEncryptionKey",
        send: () => {
          attempts += 1;
          return registry.updateEncryptionKey(encryptionKey("g").compressed, { gasLimit: 200_000 });
        },
      }),
    );
    expect(error.errorName).to.equal("RegistryNotActive");
    expect(attempts).to.equal(1);
    // Mined and reverted: it used exactly one nonce.
    expect(await ethers.provider.getTransactionCount(connection.address)).to.equal(nonce + 1);
  });

  it("submitTransaction sends the next transaction without awaiting the last one's receipt, nonces in order, and reports reverts like sendTransaction", async function () {
    const nonce = await ethers.provider.getTransactionCount(connection.address);
    // A revert at the estimate: nothing sent, no nonce used, the queue free for the next one.
    const refused = await submitTransaction(connection.signer, { action: "register(None)", send: () => registry.register(Role.None, encryptionKey("h").compressed) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(ChainRevertError);
    // A registry of its own, where this account is not registered yet.
    const fresh = FedmashRegistry__factory.connect(await (await (await ethers.getContractFactory("FedmashRegistry")).deploy()).getAddress(), connection.signer);
    const first = await submitTransaction(connection.signer, { action: "register", send: () => fresh.register(Role.Client, encryptionKey("i").compressed) });
    // Sent, its receipt not awaited: the next one goes out at once with the next nonce.
    const second = await submitTransaction(connection.signer, { action: "updateEncryptionKey", send: () => fresh.updateEncryptionKey(encryptionKey("j").compressed, { gasLimit: 200_000 }) });
    const sent = await Promise.all([first, second].map((s) => connection.provider.getTransaction(s.hash)));
    expect(sent.map((t) => t?.nonce)).to.deep.equal([nonce, nonce + 1]);
    expect((await first.receipt).status).to.equal(1);
    expect((await second.receipt).status).to.equal(1);
    // A transaction that mines and reverts (no estimate): ChainRevertError, from the send where the node reports it
    // there (Hardhat's automine), else from the receipt.
    const reverted = await submitTransaction(connection.signer, { action: "register again", send: () => fresh.register(Role.Client, encryptionKey("k").compressed, { gasLimit: 200_000 }) })
      .then((third) => third.receipt)
      .then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(reverted).to.be.instanceOf(ChainRevertError);
    expect(await ethers.provider.getTransactionCount(connection.address)).to.equal(nonce + 3);
  });
});
