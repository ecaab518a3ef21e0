// `fedmash server`: a Shamir server. It registers with its own ECIES key and, in every round of the tasks that
// list it, decrypts its shares of the submitted updates, adds them mod p and posts the share-sum under its bond, and
// answers the share-sum disputes that name it.
import { serverConfigSchema, SERVER_OPTIONS } from "../config/serverConfig";
import { workerCommand } from "./workerCommand";

export const serverCommand = workerCommand({
  name: "server",
  summary: "A Shamir server: decrypts its shares of each round's updates, sums them mod p, posts the share-sum",
  notes: ["Start the servers before the owner creates a Shamir task, and name them to it in share order (--servers)."],
  options: SERVER_OPTIONS,
  schema: serverConfigSchema,
  start: async (config, { runtime }) => {
    const { runServer } = await import("../roles/runServer");
    return runServer({ runtime, startBlock: config.worker.startBlock, dropInRound: config.dropInRound, maxBondWei: config.maxBondWei, ...(config.wrongShareSum ? { lieBy: 1 } : {}) });
  },
});
