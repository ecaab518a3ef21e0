// Drives one Mash round through the real coordinator and verifier on the in-process Hardhat network, from opening
// to the claims, with each party's behaviour scripted (who joins, which groups break in the shuffle or at
// submission, an honest or tampered sum, challenges of its leaves). Each client masks its quantized update with real,
// cancelling masks in the task's mask group (the TypeScript kernel; the holder's seed is minus the included
// clients'), and submits the contentHash keccak256(payloadHash ‖ Merkle root of the masked vector) that a fraud proof
// opens, the payload hash standing in as keccak256(CID). Every transaction's gas is logged by function name, so the
// gas benchmark and the contract tests run rounds the same way. The Verification part is driveVerification, which
// the Shamir driver shares.
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { cidShaped } from "./cidShaped";
import {
  driveVerification,
  emptyVerificationResult,
  type VerificationBehaviour,
  type VerificationResult,
  type VerificationStop,
} from "./driveVerification";
import { mineDrawBlock } from "./drawGroups";
import { commitMaskedVector, createMasker, maskGroupIdOf, roundMaskContext, type CommittedVector } from "./mashVectors";
import { Phase } from "./enums";
import { RoundDriverError } from "./roundDriverError";
import { startRoundDriver, type RoundDriverParameters } from "./startRoundDriver";

/** `aggregation`: the holder submitted and the aggregate is due; the later stops are driveVerification's. */
export type MashRoundStop = VerificationStop;

/** Byte payloads and CIDs. The coordinator only hashes or emits them, so their sizes are what matters. */
export interface MashRoundPayloads {
  paillierPublicKey: () => string;
  /** What the member at `position` of a group of `groupSize` sends on. */
  shuffleMessage: (groupSize: number, position: number) => string;
  groupSum: (groupSize: number) => string;
  /** A CID for `label` ("update <address>", "aggregate", "model"). */
  cid: (label: string) => string;
}

export interface MashRoundBehaviour extends VerificationBehaviour {
  /** Clients that join, in order; all the given clients by default. */
  joiners?: readonly HardhatEthersSigner[];
  /** The holder never posts its key (the round fails with HolderMissing); false by default. */
  holderSilentAtKey?: boolean;
  /** Groups whose leader never posts the sum: they are excluded. */
  groupsSilentInShuffle?: readonly number[];
  /** Groups whose first member never submits: they are excluded. */
  groupsSilentAtSubmit?: readonly number[];
  /** The holder never submits (HolderMissing); false by default. */
  holderSilentAtCompletion?: boolean;
}

export interface DriveMashRoundParameters extends RoundDriverParameters {
  behaviour?: MashRoundBehaviour;
  /** Short stand-ins by default; the gas benchmark passes the sizes the workers send. */
  payloads?: MashRoundPayloads;
  until?: MashRoundStop;
}

export interface DriveMashRoundReturnType extends VerificationResult {
  roundId: bigint;
  /** The coordinator's phase when the driver stopped. */
  phase: Phase;
  holder: HardhatEthersSigner | undefined;
  /** Members per group in chain order; the last one leads. */
  groups: HardhatEthersSigner[][];
  /** The clients whose updates are in the aggregate (included groups' members, then the holder). */
  included: HardhatEthersSigner[];
  /** Every submitted client's quantized update, by address. */
  updates: Map<string, Int32Array>;
  /** Every submitted client's masked vector, by address. */
  masked: Map<string, Uint32Array>;
  /** The included vectors' commitments, in the order of `included`. */
  vectors: CommittedVector[];
}

/** Deterministic bytes of `length` that differ per label. */
function bytesFor(label: string, length: number): string {
  const blocks: string[] = [];
  for (let index = 0; blocks.length * 32 < length; index++) blocks.push(ethers.id(`${label}#${index}`).slice(2));
  return `0x${blocks.join("").slice(0, length * 2)}`;
}

/** Short stand-ins: the coordinator never decodes keys, onions or sums. */
export const STAND_IN_PAYLOADS: MashRoundPayloads = {
  paillierPublicKey: () => bytesFor("paillier key", 256),
  shuffleMessage: (groupSize, position) => bytesFor(`shuffle ${groupSize}/${position}`, 96),
  groupSum: (groupSize) => bytesFor(`group sum ${groupSize}`, 96),
  cid: cidShaped,
};

export async function driveMashRound(parameters: DriveMashRoundParameters): Promise<DriveMashRoundReturnType> {
  const { coordinator } = parameters;
  const behaviour = parameters.behaviour ?? {};
  const payloads = parameters.payloads ?? STAND_IN_PAYLOADS;
  const driver = await startRoundDriver({ ...parameters, cid: payloads.cid });
  const { roundId, send, signerOf, advanceLate, phaseNow } = driver;

  const result: DriveMashRoundReturnType = {
    ...emptyVerificationResult(driver.modelSize),
    roundId,
    phase: Phase.Joining,
    holder: undefined,
    groups: [],
    included: [],
    updates: driver.updates,
    masked: new Map(),
    vectors: [],
  };
  const maskGroupId = maskGroupIdOf((await coordinator.task(parameters.taskId)).config.maskGroup);
  const masker = createMasker(maskGroupId, await roundMaskContext(await coordinator.getAddress(), roundId));
  const seeds = new Map<string, unknown>();
  const committedVectors = new Map<string, CommittedVector>();
  const keep = (client: HardhatEthersSigner, masked: Uint32Array, payloadHash: string): string => {
    const vector = commitMaskedVector(masked, maskGroupId, payloadHash);
    result.masked.set(client.address, masked);
    committedVectors.set(client.address, vector);
    return vector.commitment;
  };
  const stopped = async (): Promise<DriveMashRoundReturnType> => ({ ...result, phase: await phaseNow() });

  // Joining: the join that fills the round (or the keeper's advance past the deadline) arms the draw; the keeper's
  // advance after the draw block forms the groups.
  await driver.joinAll(behaviour.joiners ?? parameters.clients, "join (arms the draw)");
  if ((await phaseNow()) === Phase.Joining && (await advanceLate()) !== Phase.Grouping) return stopped();
  await mineDrawBlock(coordinator, roundId);
  await send("advance (draws groups)", coordinator.connect(parameters.keeper).advance(roundId));

  const mash = await coordinator.mashRound(roundId);
  const holder = signerOf(mash.holder);
  result.holder = holder;
  for (let groupIndex = 0n; groupIndex < mash.groupCount; groupIndex++) {
    result.groups.push((await coordinator.group(roundId, groupIndex)).members.map(signerOf));
  }
  for (const index of [...(behaviour.groupsSilentInShuffle ?? []), ...(behaviour.groupsSilentAtSubmit ?? [])]) {
    if (index >= result.groups.length) {
      throw new RoundDriverError("a silent group does not exist", `group ${index} of ${result.groups.length}`);
    }
  }

  // Grouping → Shuffle.
  if (behaviour.holderSilentAtKey) {
    await advanceLate();
    return stopped();
  }
  await send("postHolderKey", coordinator.connect(holder).postHolderKey(roundId, payloads.paillierPublicKey()));

  // Shuffle: a silent group's members pass their messages but its leader never posts the sum.
  for (const [groupIndex, members] of result.groups.entries()) {
    for (let position = 0; position < members.length - 1; position++) {
      const message = payloads.shuffleMessage(members.length, position);
      await send("postShuffleMessage", coordinator.connect(members[position]!).postShuffleMessage(roundId, message));
    }
    if (behaviour.groupsSilentInShuffle?.includes(groupIndex)) continue;
    const leader = members[members.length - 1]!;
    const lastSum = (await coordinator.mashRound(roundId)).groupSumCount + 1n === mash.groupCount;
    await send(
      lastSum ? "postGroupSum (last: starts submission)" : "postGroupSum",
      coordinator.connect(leader).postGroupSum(roundId, payloads.groupSum(members.length)),
    );
  }
  if ((await phaseNow()) === Phase.Shuffle && (await advanceLate()) !== Phase.Submission) return stopped();

  // Submission: members of groups with a sum; a silent group's first member never submits.
  const submit = (name: string, client: HardhatEthersSigner) =>
    driver.submit(name, client, `update ${client.address} round ${roundId}`, async (update, payloadHash) => {
      const { masked, seed } = await masker.client(update);
      seeds.set(client.address, seed);
      return keep(client, masked, payloadHash);
    });
  const submitters = result.groups.flatMap((members, groupIndex) => {
    if (behaviour.groupsSilentInShuffle?.includes(groupIndex)) return [];
    return behaviour.groupsSilentAtSubmit?.includes(groupIndex) ? members.slice(1) : members;
  });
  for (const [index, member] of submitters.entries()) {
    const last = index === submitters.length - 1 && !(behaviour.groupsSilentAtSubmit?.length ?? 0);
    await submit(last ? "submitUpdate (last member: fixes included groups)" : "submitUpdate", member);
  }
  if ((await phaseNow()) === Phase.Submission && (await advanceLate()) !== Phase.Completion) return stopped();

  // Completion: the holder completes the masks.
  if (behaviour.holderSilentAtCompletion) {
    await advanceLate();
    return stopped();
  }
  // includedClients lists the included groups' members; the holder is included once it submitted, with minus their seeds.
  const members = [...(await coordinator.includedClients(roundId))].map(signerOf);
  await driver.submit("submitUpdate (holder: completes)", holder, `update ${holder.address} round ${roundId}`, async (update, payloadHash) =>
    keep(holder, await masker.holder(update, members.map((member) => seeds.get(member.address))), payloadHash),
  );
  result.included = [...members, holder];
  result.vectors = result.included.map((client) => committedVectors.get(client.address)!);

  // Aggregation → Verification.
  Object.assign(
    result,
    await driveVerification(driver, { included: result.included, vectors: result.vectors, behaviour, until: parameters.until ?? "claimed" }),
  );
  return stopped();
}
