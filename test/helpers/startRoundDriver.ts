// What every scripted round driver does the same way whatever the mode: reading the task, opening the round (unless
// the caller did), sending each transaction with its gas logged, mapping the chain's addresses back to signers, the
// joins, a keeper advancing the round past its deadline, and a client submitting its deterministic quantized update.
// The Mash and Shamir drivers build on it, so that a gas figure or a test outcome differs between the modes only
// where the protocol does.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import type { FedmashCoordinator, FedmashVerifier } from "../../typechain-types";
import { quantizedUpdate } from "../workers/crypto/verify/quantizedUpdate";
import { Phase, phaseName } from "./enums";
import { recordGas, type GasRecord } from "./recordGas";
import { RoundDriverError } from "./roundDriverError";

const NUM_SAMPLES = 600n;
/** A training loss of 0.2537, fixed point with 18 decimals, as the workers send it. */
const LOSS = 253_700_000_000_000_000n;

/** The parameters every round driver takes. */
export interface RoundDriverParameters {
  coordinator: FedmashCoordinator;
  verifier: FedmashVerifier;
  taskId: bigint;
  owner: HardhatEthersSigner;
  aggregator: HardhatEthersSigner;
  /** Advances past deadlines and settles: any account. */
  keeper: HardhatEthersSigner;
  /** Registered clients (`behaviour.joiners` picks among them); a client's update depends on its index here. */
  clients: readonly HardhatEthersSigner[];
  /** A round of the task already opened and still in Joining; by default the owner opens one. */
  roundId?: bigint;
  /** Offsets the clients' random updates, so that different rounds get different ones. */
  updateSeed?: number;
  /** Receives one record per transaction sent. */
  gasLog?: GasRecord[];
}

export interface StartRoundDriverParameters extends RoundDriverParameters {
  /** The CID sent for a label. */
  cid: (label: string) => string;
}

export interface RoundDriver {
  parameters: StartRoundDriverParameters;
  roundId: bigint;
  modelSize: number;
  /** Every submitted client's quantized update, by address. */
  updates: Map<string, Int32Array>;
  send: (name: string, transaction: Promise<ContractTransactionResponse>) => Promise<ContractTransactionReceipt>;
  signerOf: (address: string) => HardhatEthersSigner;
  phaseNow: () => Promise<Phase>;
  /** Past the phase's deadline, the keeper moves the round on; returns the phase it moved to. */
  advanceLate: () => Promise<Phase>;
  /** Each of `joiners` joins; the join that fills the round is logged as `fillingName`. */
  joinAll: (joiners: readonly HardhatEthersSigner[], fillingName: string) => Promise<void>;
  /**
   * `client` submits the CID of `label` for its update, which is kept in `updates`. The content hash is
   * keccak256(CID) unless `commit` maps the update and that stand-in payload hash to another (a Mash submission's
   * keccak256(payloadHash ‖ Merkle root of the masked vector)).
   */
  submit: (
    name: string,
    client: HardhatEthersSigner,
    label: string,
    commit?: (update: Int32Array, payloadHash: string) => Promise<string>,
  ) => Promise<ContractTransactionReceipt>;
}

export async function startRoundDriver(parameters: StartRoundDriverParameters): Promise<RoundDriver> {
  const { coordinator, keeper, owner, taskId, clients, cid } = parameters;
  const config = (await coordinator.task(taskId)).config;
  const modelSize = Number(config.modelSize);
  const updateSeed = parameters.updateSeed ?? 0;
  const bySigner = new Map(clients.map((client) => [client.address, client]));
  const updates = new Map<string, Int32Array>();
  const send = (name: string, transaction: Promise<ContractTransactionResponse>) => recordGas({ log: parameters.gasLog, name, transaction });

  if (parameters.roundId === undefined) await send("openRound", coordinator.connect(owner).openRound(taskId, (await coordinator.task(taskId)).currentModelCid));
  const roundId = parameters.roundId ?? (await coordinator.latestRound(taskId));
  const phaseNow = async (): Promise<Phase> => Number(await coordinator.phase(roundId)) as Phase;
  return {
    parameters,
    roundId,
    modelSize,
    updates,
    send,
    phaseNow,
    signerOf: (address) => {
      const signer = bySigner.get(address);
      if (signer === undefined) throw new RoundDriverError("an address is not among the clients", address);
      return signer;
    },
    advanceLate: async () => {
      const phase = await phaseNow();
      await time.increaseTo((await coordinator.round(roundId)).deadline + 1n);
      await send(`advance (${phaseName(phase)})`, coordinator.connect(keeper).advance(roundId));
      return phaseNow();
    },
    joinAll: async (joiners, fillingName) => {
      for (const client of joiners) {
        const full = (await coordinator.round(roundId)).joinedCount + 1n === config.maxClients;
        await send(full ? fillingName : "join", coordinator.connect(client).join(roundId));
      }
    },
    submit: async (name, client, label, commit) => {
      const update = quantizedUpdate(modelSize, updateSeed * 1_000 + clients.indexOf(client));
      updates.set(client.address, update);
      const submitted = cid(label);
      const contentHash = commit === undefined ? ethers.id(submitted) : await commit(update, ethers.id(submitted));
      return send(name, coordinator.connect(client).submitUpdate(roundId, submitted, contentHash, NUM_SAMPLES, LOSS));
    },
  };
}
