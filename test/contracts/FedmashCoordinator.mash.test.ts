// Tests of FedmashCoordinator in Mash mode: the holder and group draw from a later block, the shuffle turns, group sums, masked
// submissions, the fixing of included groups and the holder's completion, the hand-over to the verifier and back,
// every dropout outcome and every refusal, against contracts deployed through the Ignition module.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import type { IFedmashCoordinator } from "../../typechain-types/contracts/FedmashCoordinator";
import { FailureReason, MaskGroup, Mode, Phase, Role, phaseName } from "../helpers/enums";
import { deployFedmash } from "../helpers/deployFedmash";
import { drawGroups, drawHashOf, mineDrawBlock } from "../helpers/drawGroups";
import { encryptionKey } from "../helpers/encryptionKey";
import { mashGrouping } from "../helpers/mashGrouping";
import { phaseBitmap } from "../helpers/phaseBitmap";
import { advanceAfterDeadline, anyDeadline, deadlineOf, pinNextTimestamp, reachDeadline } from "../helpers/roundClock";
import { eventNames, expectRoundFailed } from "../helpers/roundEvents";
import { Outcome } from "../helpers/verifierEnums";
import { checkMaskSettings } from "../../workers/crypto/mask/checkMaskSettings";
import { MaskSettingsUnsupportedError } from "../../workers/crypto/mask/errors";

const JOIN_DURATION = 100n;
const KEY_DURATION = 110n;
const SHUFFLE_DURATION = 120n;
const SUBMIT_DURATION = 200n;
const COMPLETION_DURATION = 130n;
const AGGREGATE_DURATION = 300n;
const GROUP_SIZE = 3;
const MIN_CLIENTS = 4;
const MAX_CLIENTS = 7;
const MAX_MESSAGE_BYTES = 16_384;
const MAX_MASH_CLIENTS = 1024n;
const INITIAL_MODEL_CID = "bafkreiinitialmodel";
const NEXT_MODEL_CID = "bafkreinextmodel";
const AGGREGATE_CID = "bafkreiaggregate";
const AGGREGATE_HASH = ethers.id("aggregate payload");
const NUM_SAMPLES = 600n;
const LOSS = 250_000_000_000_000_000n;
const TASK_ID = 1n;
const ONE_YEAR = 365n * 24n * 60n * 60n;
/**
 * The batch sums of an all-zero aggregate under the verifier's 64 halves. The coordinator never reads the updates,
 * so its tests verify a zero aggregate: every honest commitment is then the point at infinity (0, 0) and the check
 * passes without any curve arithmetic here (FedmashVerifier.test.ts verifies real updates).
 */
/** Registered clients; MAX_CLIENTS of them fill a round, the rest stay out of it. */
const CLIENT_COUNT = MAX_CLIENTS + 1;

/** The phases a Mash round is driven into by {mashRoundIn}, after its groups exist. */
type GroupedPhase =
  | typeof Phase.Grouping
  | typeof Phase.Shuffle
  | typeof Phase.Submission
  | typeof Phase.Completion
  | typeof Phase.Aggregation
  | typeof Phase.Verification
  | typeof Phase.Finalized
  | typeof Phase.Failed;

/** Every phase a Mash round may advance or be cancelled from. */
const MASH_ADVANCE_PHASES = phaseBitmap(
  Phase.Joining,
  Phase.Grouping,
  Phase.Shuffle,
  Phase.Submission,
  Phase.Completion,
  Phase.Aggregation,
);
const MASH_CANCEL_PHASES = phaseBitmap(
  Phase.Joining,
  Phase.Grouping,
  Phase.Shuffle,
  Phase.Submission,
  Phase.Completion,
);

/** Deterministic bytes of the given length that differ per label, standing in for keys, onions and sums. */
function payload(label: string, length = 96): string {
  const blocks: string[] = [];
  for (let index = 0; blocks.length * 32 < length; index++) blocks.push(ethers.id(`${label}#${index}`).slice(2));
  return `0x${blocks.join("").slice(0, length * 2)}`;
}

const HOLDER_KEY = payload("paillier key", 256);

function shuffleMessage(groupIndex: number, position: number): string {
  return payload(`shuffle ${groupIndex}/${position}`, 652);
}

function groupSum(groupIndex: number): string {
  return payload(`group sum ${groupIndex}`, 522);
}

function updateCid(client: HardhatEthersSigner): string {
  return `bafkreimasked${client.address.slice(2, 10).toLowerCase()}`;
}

describe("FedmashCoordinator (Mash mode)", function () {
  async function deployMashFixture() {
    const signers = await ethers.getSigners();
    const [owner, aggregator] = signers;
    const clients = signers.slice(2, 2 + CLIENT_COUNT);
    const stranger = signers[2 + CLIENT_COUNT];
    const { registry, coordinator, verifier } = await deployFedmash();

    await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
    for (const [index, client] of clients.entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }

    const config: IFedmashCoordinator.TaskConfigStruct = {
      mode: Mode.Mash,
      aggregator: aggregator.address,
      modelSize: 101_770,
      minClients: MIN_CLIENTS,
      maxClients: MAX_CLIENTS,
      joinDuration: JOIN_DURATION,
      submitDuration: SUBMIT_DURATION,
      aggregateDuration: AGGREGATE_DURATION,
      modelKind: "mlp",
      groupSize: GROUP_SIZE,
      quantizationScale: 10_000,
      clipMillionths: 1_000_000,
      keyDuration: KEY_DURATION,
      shuffleDuration: SHUFFLE_DURATION,
      completionDuration: COMPLETION_DURATION,
      minIncluded: 0,
      maskGroup: MaskGroup.Rlwr2048,
    };
    await coordinator.connect(owner).createTask(config, INITIAL_MODEL_CID);
    return { registry, coordinator, verifier, owner, aggregator, clients, stranger, signers, config };
  }

  type Fixture = Awaited<ReturnType<typeof deployMashFixture>>;

  /** A round whose groups exist, with its parties resolved to signers. */
  interface GroupedRound {
    roundId: bigint;
    holder: HardhatEthersSigner;
    /** Members per group in chain order; the last one leads. */
    groups: HardhatEthersSigner[][];
    /** Every participant except the holder. */
    members: HardhatEthersSigner[];
  }

  async function openRound({ coordinator, owner }: Fixture): Promise<bigint> {
    await coordinator.connect(owner).openRound(TASK_ID, INITIAL_MODEL_CID);
    return coordinator.roundCount();
  }

  /** Resolves the round's holder and groups from the views into signers. */
  async function resolveGroups({ coordinator, signers }: Fixture, roundId: bigint): Promise<GroupedRound> {
    const bySigner = (address: string): HardhatEthersSigner => {
      const signer = signers.find((candidate) => candidate.address === address);
      if (signer === undefined) throw new Error(`no signer for ${address}`);
      return signer;
    };
    const mash = await coordinator.mashRound(roundId);
    const groups: HardhatEthersSigner[][] = [];
    for (let groupIndex = 0n; groupIndex < mash.groupCount; groupIndex++) {
      groups.push((await coordinator.group(roundId, groupIndex)).members.map(bySigner));
    }
    return { roundId, holder: bySigner(mash.holder), groups, members: groups.flat() };
  }

  /** Opens a round and fills it with `count` clients; at MAX_CLIENTS the last join arms the draw. */
  async function joinClients(fixture: Fixture, count: number): Promise<bigint> {
    const roundId = await openRound(fixture);
    for (const client of fixture.clients.slice(0, count)) await fixture.coordinator.connect(client).join(roundId);
    return roundId;
  }

  /** A full round whose groups are drawn: MAX_CLIENTS join, then a stranger advances after the draw block. */
  async function joinAndDraw(fixture: Fixture): Promise<bigint> {
    const roundId = await joinClients(fixture, MAX_CLIENTS);
    await drawGroups(fixture.coordinator, roundId, fixture.stranger);
    return roundId;
  }

  async function postKey({ coordinator }: Fixture, round: GroupedRound): Promise<ContractTransactionResponse> {
    return coordinator.connect(round.holder).postHolderKey(round.roundId, HOLDER_KEY);
  }

  /** Every member of the group but the leader posts its message, in turn. */
  async function shuffleGroup({ coordinator }: Fixture, round: GroupedRound, groupIndex: number): Promise<void> {
    const members = round.groups[groupIndex];
    for (let position = 0; position < members.length - 1; position++) {
      await coordinator
        .connect(members[position])
        .postShuffleMessage(round.roundId, shuffleMessage(groupIndex, position));
    }
  }

  function postSum(
    { coordinator }: Fixture,
    round: GroupedRound,
    groupIndex: number,
  ): Promise<ContractTransactionResponse> {
    const leader = round.groups[groupIndex][round.groups[groupIndex].length - 1];
    return coordinator.connect(leader).postGroupSum(round.roundId, groupSum(groupIndex));
  }

  function submitUpdate(
    { coordinator }: Fixture,
    client: HardhatEthersSigner,
    roundId: bigint,
  ): Promise<ContractTransactionResponse> {
    const cid = updateCid(client);
    return coordinator.connect(client).submitUpdate(roundId, cid, ethers.id(cid), NUM_SAMPLES, LOSS);
  }

  /**
   * The verifier's side of a passing round: nobody challenges the aggregate, the challenge window closes, and the
   * settlement concludes the round on the coordinator. `included` (the clients whose updates are in the aggregate)
   * need do nothing: a Mash round has no commitments any more.
   */
  async function passZeroVerification(
    { coordinator, verifier, stranger }: Fixture,
    roundId: bigint,
    included: HardhatEthersSigner[],
  ): Promise<ContractTransactionResponse> {
    for (const client of included) expect(await coordinator.isIncluded(roundId, client.address)).to.equal(true);
    await time.increaseTo((await verifier.verification(roundId)).deadline + 1n);
    return verifier.connect(stranger).settle(roundId, "0x");
  }

  /** Asserts that the verifier gave the round's (zero) reserve back when the round failed before its aggregate. */
  async function expectReserveReleased(
    { verifier }: Fixture,
    transaction: ContractTransactionResponse,
    roundId: bigint,
  ): Promise<void> {
    await expect(transaction)
      .to.emit(verifier, "VerificationSettled")
      .withArgs(TASK_ID, roundId, Outcome.Released, 0, 0, 0, 0, 0);
    expect((await verifier.taskFunds(TASK_ID)).activeRoundId).to.equal(0);
  }

  /**
   * Drives a full round (MAX_CLIENTS joined, groups of 3) into `phase` with everyone on time; Failed is reached by
   * cancelling in Grouping, Finalized by passing the verification of a zero aggregate.
   */
  async function mashRoundIn(fixture: Fixture, phase: GroupedPhase): Promise<GroupedRound> {
    const round = await resolveGroups(fixture, await joinAndDraw(fixture));
    if (phase === Phase.Grouping) return round;
    if (phase === Phase.Failed) {
      await fixture.coordinator.connect(fixture.owner).cancelRound(round.roundId);
      return round;
    }
    await postKey(fixture, round);
    if (phase === Phase.Shuffle) return round;
    for (let groupIndex = 0; groupIndex < round.groups.length; groupIndex++) {
      await shuffleGroup(fixture, round, groupIndex);
      await postSum(fixture, round, groupIndex);
    }
    if (phase === Phase.Submission) return round;
    for (const member of round.members) await submitUpdate(fixture, member, round.roundId);
    if (phase === Phase.Completion) return round;
    await submitUpdate(fixture, round.holder, round.roundId);
    if (phase === Phase.Aggregation) return round;
    await fixture.coordinator
      .connect(fixture.aggregator)
      .postAggregate(round.roundId, AGGREGATE_CID, NEXT_MODEL_CID, AGGREGATE_HASH);
    if (phase === Phase.Verification) return round;
    await passZeroVerification(fixture, round.roundId, [...round.members, round.holder]);
    return round;
  }

  /** The grouping the documented rule gives for the round's draw block, once it is mined. */
  async function expectedGrouping({ coordinator }: Fixture, roundId: bigint): Promise<ReturnType<typeof mashGrouping>> {
    return mashGrouping({
      drawHash: await drawHashOf(coordinator, roundId),
      coordinator: await coordinator.getAddress(),
      roundId,
      participants: [...(await coordinator.participants(roundId))],
      groupSize: GROUP_SIZE,
    });
  }

  describe("createTask", function () {
    it("stores the MASH parameters of a Mash task", async function () {
      const { coordinator, owner } = await loadFixture(deployMashFixture);
      const created = await coordinator.task(TASK_ID);
      expect(created.owner).to.equal(owner.address);
      expect(created.config.mode).to.equal(Mode.Mash);
      expect(created.config.groupSize).to.equal(GROUP_SIZE);
      expect(created.config.quantizationScale).to.equal(10_000);
      expect(created.config.clipMillionths).to.equal(1_000_000);
      expect(created.config.keyDuration).to.equal(KEY_DURATION);
      expect(created.config.shuffleDuration).to.equal(SHUFFLE_DURATION);
      expect(created.config.completionDuration).to.equal(COMPLETION_DURATION);
      expect(await coordinator.MAX_MESSAGE_BYTES()).to.equal(MAX_MESSAGE_BYTES);
      expect(await coordinator.MAX_MASH_CLIENTS()).to.equal(MAX_MASH_CLIENTS);
    });

    const edges: ReadonlyArray<[string, Partial<IFedmashCoordinator.TaskConfigStruct>]> = [
      ["groupSize 3 and minClients 4", { groupSize: 3, minClients: 4 }],
      ["groupSize 16", { groupSize: 16 }],
      ["maxClients of MAX_MASH_CLIENTS", { maxClients: MAX_MASH_CLIENTS }],
      ["maxClients of MAX_MASH_CLIENTS with the paper-compat mask group", { maxClients: MAX_MASH_CLIENTS, maskGroup: MaskGroup.PaperCompat }],
      ["minIncluded 3, below minClients", { minIncluded: 3 }],
      ["minIncluded of maxClients", { minIncluded: MAX_CLIENTS }],
      [
        "MASH durations of one year",
        { keyDuration: ONE_YEAR, shuffleDuration: ONE_YEAR, completionDuration: ONE_YEAR },
      ],
      ["MASH durations of one second", { keyDuration: 1, shuffleDuration: 1, completionDuration: 1 }],
      // The largest Rlwr2048 aggregate bound: 1024 · round(262143 · 10^6 / 10^6) = 268,434,432 <= 2^28 - 1.
      [
        "an Rlwr2048 aggregate bound of 1024 · 262143, the largest at MAX_MASH_CLIENTS",
        { maxClients: MAX_MASH_CLIENTS, clipMillionths: 262_143, quantizationScale: 1_000_000 },
      ],
      // 4 · 67108863 = 2^28 - 4, and 4 · round(0.5 · 134217727) = 4 · 67108864 (round half up) = 2^28 would not pass.
      [
        "an Rlwr2048 aggregate bound of 4 · 67108863, just under 2^28",
        { minClients: 4, maxClients: 4, clipMillionths: 1_000_000, quantizationScale: 67_108_863 },
      ],
      // PaperCompat decodes by a bounded discrete log: the ring-LWR range does not apply.
      [
        "an aggregate bound above 2^28 with the paper-compat mask group",
        { maxClients: MAX_MASH_CLIENTS, clipMillionths: 1_000_000, quantizationScale: 1_000_000, maskGroup: MaskGroup.PaperCompat },
      ],
    ];
    for (const [condition, override] of edges) {
      it(`accepts ${condition}`, async function () {
        const { coordinator, owner, aggregator, config } = await loadFixture(deployMashFixture);
        await expect(coordinator.connect(owner).createTask({ ...config, ...override }, INITIAL_MODEL_CID))
          .to.emit(coordinator, "TaskCreated")
          .withArgs(2, owner.address, Mode.Mash, aggregator.address, INITIAL_MODEL_CID);
      });
    }
  });

  describe("a full round with every client on time", function () {
    it("draws 2 groups of 3 around a holder after the filling join, shuffles, sums, submits, completes and finalizes", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, clients, aggregator, stranger } = fixture;
      const roundId = await joinClients(fixture, MAX_CLIENTS - 1);
      expect(await coordinator.mashRound(roundId)).to.deep.equal([
        ethers.ZeroAddress,
        ethers.ZeroHash,
        0,
        ethers.ZeroHash,
        0,
        0,
        0,
        false,
        0,
      ]);

      // The 7th join fills the round: it enters Grouping and arms the draw for the next block, drawing nothing.
      const filledAt = await pinNextTimestamp();
      const filled = await coordinator.connect(clients[MAX_CLIENTS - 1]).join(roundId);
      const filledBlock = BigInt((await filled.wait())!.blockNumber);
      await expect(filled)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Joining, Phase.Grouping, filledAt + KEY_DURATION);
      await expect(filled).to.emit(coordinator, "GroupsDrawArmed").withArgs(roundId, filledBlock + 1n);
      expect(await eventNames(coordinator, filled)).to.deep.equal(["ClientJoined", "PhaseChanged", "GroupsDrawArmed"]);
      expect((await coordinator.mashRound(roundId)).holder).to.equal(ethers.ZeroAddress);

      // The first advance after the draw block draws from its hash; the holder's key deadline starts there.
      await mineDrawBlock(coordinator, roundId);
      const expected = await expectedGrouping(fixture, roundId);
      const formedAt = await pinNextTimestamp();
      const formed = await coordinator.connect(stranger).advance(roundId);
      await expect(formed).to.emit(coordinator, "GroupsFormed").withArgs(roundId, expected.holder, 2, expected.seed);
      for (const [groupIndex, members] of expected.groups.entries()) {
        await expect(formed).to.emit(coordinator, "GroupFormed").withArgs(roundId, groupIndex, members);
      }
      expect(await eventNames(coordinator, formed)).to.deep.equal(["GroupsFormed", "GroupFormed", "GroupFormed"]);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Grouping);
      expect(await deadlineOf(fixture, roundId)).to.equal(formedAt + KEY_DURATION);

      // The holder is a participant in no group; the groups partition everyone else, 3 and 3.
      const round = await resolveGroups(fixture, roundId);
      const participants = await coordinator.participants(roundId);
      expect(participants).to.include(round.holder.address);
      expect(round.groups.map((members) => members.length)).to.deep.equal([3, 3]);
      expect(round.members.map((member) => member.address)).to.not.include(round.holder.address);
      expect([...round.members.map((member) => member.address), round.holder.address].sort()).to.deep.equal(
        [...participants].sort(),
      );
      expect(round.groups.map((members) => members.map((member) => member.address))).to.deep.equal(expected.groups);
      const mash = await coordinator.mashRound(roundId);
      expect(mash.holder).to.equal(expected.holder);
      expect(mash.groupingSeed).to.equal(expected.seed);
      expect(mash.groupCount).to.equal(2);
      expect(await coordinator.memberOf(roundId, round.holder.address)).to.deep.equal([false, 0n, 0n]);
      for (const [groupIndex, members] of round.groups.entries()) {
        for (const [position, member] of members.entries()) {
          expect(await coordinator.memberOf(roundId, member.address)).to.deep.equal([
            true,
            BigInt(groupIndex),
            BigInt(position),
          ]);
        }
      }

      // Grouping -> Shuffle on the holder's key.
      const keyedAt = await pinNextTimestamp();
      const keyed = await postKey(fixture, round);
      await expect(keyed).to.emit(coordinator, "HolderKeyPosted").withArgs(roundId, round.holder.address, HOLDER_KEY);
      await expect(keyed)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Grouping, Phase.Shuffle, keyedAt + SHUFFLE_DURATION);
      expect((await coordinator.mashRound(roundId)).holderKeyHash).to.equal(ethers.keccak256(HOLDER_KEY));

      // Each group passes its messages in position order; the first sum leaves the round in Shuffle.
      for (const [groupIndex, members] of round.groups.entries()) {
        for (let position = 0; position < members.length - 1; position++) {
          const message = shuffleMessage(groupIndex, position);
          await expect(coordinator.connect(members[position]).postShuffleMessage(roundId, message))
            .to.emit(coordinator, "ShuffleMessagePosted")
            .withArgs(roundId, groupIndex, position, members[position].address, message);
          expect((await coordinator.group(roundId, groupIndex)).shuffleStep).to.equal(position + 1);
        }
      }
      const leaders = round.groups.map((members) => members[members.length - 1]);
      const firstSum = await postSum(fixture, round, 0);
      await expect(firstSum)
        .to.emit(coordinator, "GroupSumPosted")
        .withArgs(roundId, 0, leaders[0].address, groupSum(0));
      expect(await eventNames(coordinator, firstSum)).to.deep.equal(["GroupSumPosted"]);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Shuffle);

      // The last sum starts Submission at once.
      const summedAt = await pinNextTimestamp();
      const lastSum = await postSum(fixture, round, 1);
      await expect(lastSum)
        .to.emit(coordinator, "GroupSumPosted")
        .withArgs(roundId, 1, leaders[1].address, groupSum(1));
      await expect(lastSum)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Shuffle, Phase.Submission, summedAt + SUBMIT_DURATION);
      const group1 = await coordinator.group(roundId, 1);
      expect(group1.sumPosted).to.equal(true);
      expect(group1.sumHash).to.equal(ethers.keccak256(groupSum(1)));
      expect(group1.shuffleStep).to.equal(2);
      expect((await coordinator.mashRound(roundId)).groupSumCount).to.equal(2);

      // The last member's update fixes both groups as included and starts Completion at once.
      for (const member of round.members.slice(0, -1)) await submitUpdate(fixture, member, roundId);
      expect((await coordinator.group(roundId, 0)).included).to.equal(false);
      expect(await coordinator.includedClients(roundId)).to.deep.equal([]);
      const completedAt = await pinNextTimestamp();
      const lastMember = round.members[round.members.length - 1];
      const completed = await submitUpdate(fixture, lastMember, roundId);
      await expect(completed).to.emit(coordinator, "GroupsIncluded").withArgs(roundId, [0, 1], 6);
      await expect(completed)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Submission, Phase.Completion, completedAt + COMPLETION_DURATION);
      expect(await eventNames(coordinator, completed)).to.deep.equal([
        "UpdateSubmitted",
        "GroupsIncluded",
        "PhaseChanged",
      ]);
      expect(await coordinator.includedClients(roundId)).to.deep.equal(round.members.map((member) => member.address));
      expect((await coordinator.group(roundId, 0)).included).to.equal(true);
      expect((await coordinator.group(roundId, 0)).submittedCount).to.equal(3);

      // The holder's masked update starts Aggregation at once.
      const holderCid = updateCid(round.holder);
      const aggregatingAt = await pinNextTimestamp();
      const holderSubmitted = await submitUpdate(fixture, round.holder, roundId);
      await expect(holderSubmitted)
        .to.emit(coordinator, "UpdateSubmitted")
        .withArgs(roundId, round.holder.address, holderCid, ethers.id(holderCid), NUM_SAMPLES, LOSS);
      await expect(holderSubmitted)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Completion, Phase.Aggregation, aggregatingAt + AGGREGATE_DURATION);

      // The aggregate hands the round to the verifier; its deadline is the latest the verification can last.
      const verifyingAt = await pinNextTimestamp();
      const posted = await coordinator
        .connect(aggregator)
        .postAggregate(roundId, AGGREGATE_CID, NEXT_MODEL_CID, AGGREGATE_HASH);
      await expect(posted)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Aggregation, Phase.Verification, verifyingAt + AGGREGATE_DURATION + SUBMIT_DURATION);
      expect(await eventNames(coordinator, posted)).to.deep.equal(["AggregatePosted", "PhaseChanged"]);
      // The verifier's stage is the challenge window, the terms' challengeDuration from the aggregate, and never less
      // than MIN_CHALLENGE_DURATION (this task never set terms).
      const window = (await fixture.verifier.taskFunds(TASK_ID)).terms.challengeDuration;
      const minimum = await fixture.verifier.MIN_CHALLENGE_DURATION();
      const challengeDeadline = verifyingAt + (window > minimum ? window : minimum);
      await expect(posted)
        .to.emit(fixture.verifier, "VerificationStarted")
        .withArgs(TASK_ID, roundId, (await posted.wait())?.blockNumber, MAX_CLIENTS, challengeDeadline);
      await expect(posted).to.emit(fixture.verifier, "ChallengeWindowOpened").withArgs(roundId, AGGREGATE_HASH, challengeDeadline);
      expect((await coordinator.task(TASK_ID)).currentModelCid).to.equal(INITIAL_MODEL_CID);
      for (const client of [...round.members, round.holder]) {
        expect(await coordinator.isIncluded(roundId, client.address)).to.equal(true);
      }
      expect(await coordinator.isIncluded(roundId, fixture.clients[MAX_CLIENTS].address)).to.equal(false);

      const settled = await passZeroVerification(fixture, roundId, [...round.members, round.holder]);
      await expect(settled)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Verification, Phase.Finalized, 0);
      await expect(settled).to.emit(coordinator, "RoundFinalized").withArgs(TASK_ID, roundId, NEXT_MODEL_CID);
      expect(await eventNames(coordinator, settled)).to.deep.equal(["PhaseChanged", "RoundFinalized"]);

      expect(await coordinator.mashRound(roundId)).to.deep.equal([
        expected.holder,
        expected.seed,
        2n,
        ethers.keccak256(HOLDER_KEY),
        2n,
        2n,
        6n,
        true,
        filledBlock + 1n,
      ]);
      const finalized = await coordinator.round(roundId);
      expect(finalized.mode).to.equal(Mode.Mash);
      expect(finalized.phase).to.equal(Phase.Finalized);
      expect(finalized.joinedCount).to.equal(MAX_CLIENTS);
      expect(finalized.submittedCount).to.equal(MAX_CLIENTS);
      expect((await coordinator.submission(roundId, round.holder.address)).cid).to.equal(holderCid);
      expect((await coordinator.task(TASK_ID)).currentModelCid).to.equal(NEXT_MODEL_CID);
    });

    it("arms the draw through advance when joining closes below maxClients, and draws by the same rule", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator } = fixture;
      const roundId = await joinClients(fixture, 5);
      await reachDeadline(fixture, roundId);

      const closed = await coordinator.advance(roundId);
      const closedBlock = BigInt((await closed.wait())!.blockNumber);
      await expect(closed).to.emit(coordinator, "GroupsDrawArmed").withArgs(roundId, closedBlock + 1n);
      expect(await eventNames(coordinator, closed)).to.deep.equal(["PhaseChanged", "GroupsDrawArmed"]);
      const formed = await drawGroups(coordinator, roundId, fixture.stranger);
      const expected = await expectedGrouping(fixture, roundId);
      // 4 members with a target of 3 make one group of 4, never a group of 1.
      expect(expected.groups.map((members) => members.length)).to.deep.equal([4]);
      await expect(formed).to.emit(coordinator, "GroupsFormed").withArgs(roundId, expected.holder, 1, expected.seed);
      await expect(formed).to.emit(coordinator, "GroupFormed").withArgs(roundId, 0, expected.groups[0]);
      expect([...(await coordinator.group(roundId, 0)).members]).to.deep.equal(expected.groups[0]);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Grouping);
    });

    for (const [clientCount, sizes] of [
      [4, [3]],
      [5, [4]],
      [6, [5]],
      [7, [3, 3]],
      [8, [4, 3]],
    ] as const) {
      it(`splits ${clientCount} clients into a holder and groups of ${sizes.join(" and ")}`, async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, owner, config } = fixture;
        await coordinator.connect(owner).createTask({ ...config, maxClients: clientCount }, INITIAL_MODEL_CID);
        await coordinator.connect(owner).openRound(2, INITIAL_MODEL_CID);
        const roundId = await coordinator.roundCount();
        for (const client of fixture.clients.slice(0, clientCount)) await coordinator.connect(client).join(roundId);
        await drawGroups(coordinator, roundId, fixture.stranger);

        const round = await resolveGroups(fixture, roundId);
        expect(round.groups.map((members) => members.length)).to.deep.equal(sizes);
        expect(Math.min(...round.groups.map((members) => members.length))).to.be.at.least(3);
        expect(new Set([...round.members, round.holder].map((signer) => signer.address)).size).to.equal(clientCount);
      });
    }
  });

  describe("dropouts", function () {
    it("leaves out a group whose member missed its shuffle turn, and finishes with the others", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, aggregator } = fixture;
      const round = await mashRoundIn(fixture, Phase.Shuffle);
      const { roundId, groups } = round;
      // Group 0's member at position 1 never posts; group 1 completes its chain.
      await coordinator.connect(groups[0][0]).postShuffleMessage(roundId, shuffleMessage(0, 0));
      await shuffleGroup(fixture, round, 1);
      await postSum(fixture, round, 1);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Shuffle);

      const deadline = await reachDeadline(fixture, roundId);
      await time.setNextBlockTimestamp(deadline + 1n);
      const advanced = await coordinator.advance(roundId);
      await expect(advanced)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Shuffle, Phase.Submission, deadline + 1n + SUBMIT_DURATION);
      const dropped = await coordinator.group(roundId, 0);
      expect(dropped.sumPosted).to.equal(false);
      expect(dropped.shuffleStep).to.equal(1);
      expect(dropped.sumHash).to.equal(ethers.ZeroHash);

      for (const member of groups[0]) {
        await expect(submitUpdate(fixture, member, roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorGroupExcluded")
          .withArgs(roundId, 0);
      }
      for (const member of groups[1].slice(0, -1)) await submitUpdate(fixture, member, roundId);
      // Group 1 is the only group with a sum, so its last update starts Completion without waiting.
      const completed = await submitUpdate(fixture, groups[1][groups[1].length - 1], roundId);
      await expect(completed).to.emit(coordinator, "GroupsIncluded").withArgs(roundId, [1], 3);
      expect(await coordinator.includedClients(roundId)).to.deep.equal(groups[1].map((member) => member.address));
      expect((await coordinator.group(roundId, 0)).included).to.equal(false);
      expect((await coordinator.group(roundId, 1)).included).to.equal(true);

      await submitUpdate(fixture, round.holder, roundId);
      await coordinator.connect(aggregator).postAggregate(roundId, AGGREGATE_CID, NEXT_MODEL_CID, AGGREGATE_HASH);
      // The left-out group's members are not in the aggregate, so they do not commit; the holder does.
      for (const member of groups[0]) expect(await coordinator.isIncluded(roundId, member.address)).to.equal(false);
      expect((await fixture.verifier.verification(roundId)).includedCount).to.equal(4);
      await passZeroVerification(fixture, roundId, [...groups[1], round.holder]);
      const finalized = await coordinator.round(roundId);
      expect(finalized.phase).to.equal(Phase.Finalized);
      expect(finalized.submittedCount).to.equal(4);
      const mash = await coordinator.mashRound(roundId);
      expect(mash.groupSumCount).to.equal(1);
      expect(mash.includedGroupCount).to.equal(1);
      expect(mash.includedClientCount).to.equal(3);
    });

    it("leaves out a group whose member missed its submission, fixed when Submission closes", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator } = fixture;
      const round = await mashRoundIn(fixture, Phase.Submission);
      const { roundId, groups } = round;
      const absent = groups[0][1];
      for (const member of round.members.filter((candidate) => candidate !== absent)) {
        await submitUpdate(fixture, member, roundId);
      }
      expect(await coordinator.phase(roundId)).to.equal(Phase.Submission);

      const deadline = await reachDeadline(fixture, roundId);
      await time.setNextBlockTimestamp(deadline + 1n);
      const advanced = await coordinator.advance(roundId);
      await expect(advanced).to.emit(coordinator, "GroupsIncluded").withArgs(roundId, [1], 3);
      await expect(advanced)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Submission, Phase.Completion, deadline + 1n + COMPLETION_DURATION);
      expect(await eventNames(coordinator, advanced)).to.deep.equal(["GroupsIncluded", "PhaseChanged"]);

      const excluded = await coordinator.group(roundId, 0);
      expect(excluded.sumPosted).to.equal(true);
      expect(excluded.included).to.equal(false);
      expect(excluded.submittedCount).to.equal(2);
      expect(await coordinator.includedClients(roundId)).to.deep.equal(groups[1].map((member) => member.address));
      // Too late for the absent member: its group is already left out.
      await expect(submitUpdate(fixture, absent, roundId))
        .to.be.revertedWithCustomError(coordinator, "CoordinatorUnexpectedPhase")
        .withArgs(roundId, Phase.Completion, phaseBitmap(Phase.Submission));
      await expect(submitUpdate(fixture, round.holder, roundId))
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Completion, Phase.Aggregation, anyDeadline());
    });

    for (const [phase, reason, outcome] of [
      [Phase.Grouping, FailureReason.HolderMissing, "the holder posts no key (HolderMissing)"],
      [Phase.Completion, FailureReason.HolderMissing, "the holder does not complete (HolderMissing)"],
      [Phase.Aggregation, FailureReason.AggregatorMissing, "the aggregator misses its deadline (AggregatorMissing)"],
    ] as const) {
      it(`fails the round in ${phaseName(phase)} when ${outcome}`, async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { roundId } = await mashRoundIn(fixture, phase);
        const transaction = await advanceAfterDeadline(fixture, roundId);
        await expectRoundFailed(fixture, transaction, roundId, phase, reason);
        await expectReserveReleased(fixture, transaction, roundId);
      });
    }

    it("fails the round when no group posts its sum (NotEnoughClients)", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const round = await mashRoundIn(fixture, Phase.Shuffle);
      // Every chain runs to its leader, but no leader posts.
      for (let groupIndex = 0; groupIndex < round.groups.length; groupIndex++) {
        await shuffleGroup(fixture, round, groupIndex);
      }
      const transaction = await advanceAfterDeadline(fixture, round.roundId);
      await expectRoundFailed(fixture, transaction, round.roundId, Phase.Shuffle, FailureReason.NotEnoughClients);
      await expectReserveReleased(fixture, transaction, round.roundId);
    });

    it("fails the round when no group is complete at the submission deadline (NoSubmissions)", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const round = await mashRoundIn(fixture, Phase.Submission);
      for (const members of round.groups) await submitUpdate(fixture, members[0], round.roundId);
      const transaction = await advanceAfterDeadline(fixture, round.roundId);
      await expectRoundFailed(fixture, transaction, round.roundId, Phase.Submission, FailureReason.NoSubmissions);
      await expectReserveReleased(fixture, transaction, round.roundId);
      expect(await fixture.coordinator.includedClients(round.roundId)).to.deep.equal([]);
    });

    it("fails a round with 3 joined, fewer than minClients (NotEnoughClients), and draws no groups", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const roundId = await joinClients(fixture, MIN_CLIENTS - 1);
      const transaction = await advanceAfterDeadline(fixture, roundId);
      await expectRoundFailed(fixture, transaction, roundId, Phase.Joining, FailureReason.NotEnoughClients);
      await expectReserveReleased(fixture, transaction, roundId);
      expect((await fixture.coordinator.mashRound(roundId)).groupCount).to.equal(0);
      expect((await fixture.coordinator.mashRound(roundId)).drawBlock).to.equal(0);
    });
  });

  describe("the draw", function () {
    it("does nothing on an advance mined in the draw block, and draws on the next one", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, stranger } = fixture;
      const roundId = await joinClients(fixture, MAX_CLIENTS);
      const { drawBlock } = await coordinator.mashRound(roundId);

      // On an automining chain this poke is block drawBlock itself: blockhash(drawBlock) cannot be read in it.
      const early = await coordinator.connect(stranger).advance(roundId);
      expect(BigInt((await early.wait())!.blockNumber)).to.equal(drawBlock);
      expect(await eventNames(coordinator, early)).to.deep.equal([]);
      expect((await coordinator.mashRound(roundId)).groupCount).to.equal(0);
      expect(await coordinator.phase(roundId)).to.equal(Phase.Grouping);

      const expected = await expectedGrouping(fixture, roundId);
      const formed = await coordinator.connect(stranger).advance(roundId);
      await expect(formed).to.emit(coordinator, "GroupsFormed").withArgs(roundId, expected.holder, 2, expected.seed);
      expect((await coordinator.mashRound(roundId)).drawBlock).to.equal(drawBlock);
    });

    it("fails the round with DrawExpired when the draw block's hash expired, and never re-arms", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, stranger } = fixture;
      const roundId = await joinClients(fixture, MAX_CLIENTS);
      const { drawBlock } = await coordinator.mashRound(roundId);
      // blockhash covers the 256 blocks before the current one: nobody poked in time.
      await mine(300);

      const expired = await coordinator.connect(stranger).advance(roundId);
      await expectRoundFailed(fixture, expired, roundId, Phase.Grouping, FailureReason.DrawExpired);
      await expect(expired).to.not.emit(coordinator, "GroupsDrawArmed");
      await expectReserveReleased(fixture, expired, roundId);
      const mash = await coordinator.mashRound(roundId);
      expect([mash.drawBlock, mash.groupCount, mash.holder]).to.deep.equal([drawBlock, 0n, ethers.ZeroAddress]);
      // Nothing can draw it later: the round is over.
      await expect(coordinator.connect(stranger).advance(roundId))
        .to.be.revertedWithCustomError(coordinator, "CoordinatorUnexpectedPhase")
        .withArgs(roundId, Phase.Failed, MASH_ADVANCE_PHASES);
    });

    it("draws in the 256th block after the draw block, and fails DrawExpired in the 257th", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, stranger } = fixture;
      const roundId = await joinClients(fixture, MAX_CLIENTS);
      const drawBlock = await mineDrawBlock(coordinator, roundId);
      const snapshot = await ethers.provider.send("evm_snapshot", []);

      // The advance is mined in block drawBlock + 256, the last that still reads blockhash(drawBlock).
      await mine(drawBlock + 255n - BigInt(await ethers.provider.getBlockNumber()));
      const expected = await expectedGrouping(fixture, roundId);
      const lastChance = await coordinator.connect(stranger).advance(roundId);
      expect(BigInt((await lastChance.wait())!.blockNumber)).to.equal(drawBlock + 256n);
      await expect(lastChance).to.emit(coordinator, "GroupsFormed").withArgs(roundId, expected.holder, 2, expected.seed);

      await ethers.provider.send("evm_revert", [snapshot]);
      await mine(drawBlock + 256n - BigInt(await ethers.provider.getBlockNumber()));
      const tooLate = await coordinator.connect(stranger).advance(roundId);
      expect(BigInt((await tooLate.wait())!.blockNumber)).to.equal(drawBlock + 257n);
      await expectRoundFailed(fixture, tooLate, roundId, Phase.Grouping, FailureReason.DrawExpired);
    });

    it("starts the holder's key deadline at the draw, however late the draw comes", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, stranger } = fixture;
      const roundId = await joinClients(fixture, MAX_CLIENTS);
      // The provisional deadline set when Joining closed passes before anyone draws.
      const provisional = await deadlineOf(fixture, roundId);
      await time.increaseTo(provisional + 50n);

      const drawnAt = await pinNextTimestamp();
      await coordinator.connect(stranger).advance(roundId);
      expect(await deadlineOf(fixture, roundId)).to.equal(drawnAt + KEY_DURATION);
      await expect(coordinator.connect(stranger).advance(roundId))
        .to.be.revertedWithCustomError(coordinator, "CoordinatorDeadlineNotPassed")
        .withArgs(roundId, Phase.Grouping, drawnAt + KEY_DURATION);
      const round = await resolveGroups(fixture, roundId);
      await expect(postKey(fixture, round))
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(roundId, Phase.Grouping, Phase.Shuffle, anyDeadline());
    });

    it("refuses the key and the shuffle messages before the draw, and lets the owner cancel", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, clients, owner } = fixture;
      const roundId = await joinClients(fixture, MAX_CLIENTS);
      for (const client of clients.slice(0, MAX_CLIENTS)) {
        await expect(coordinator.connect(client).postHolderKey(roundId, HOLDER_KEY))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotHolder")
          .withArgs(roundId, client.address);
      }
      await expect(coordinator.connect(clients[0]).postShuffleMessage(roundId, shuffleMessage(0, 0)))
        .to.be.revertedWithCustomError(coordinator, "CoordinatorNotGroupMember")
        .withArgs(roundId, clients[0].address);
      const cancelled = await coordinator.connect(owner).cancelRound(roundId);
      await expectRoundFailed(fixture, cancelled, roundId, Phase.Grouping, FailureReason.Cancelled);
    });
  });

  describe("the floor on the included set", function () {
    /** Task 2, a copy of the fixture's task with the given floor, and a round of it with every client joined. */
    async function floorRound(fixture: Fixture, minIncluded: number): Promise<GroupedRound> {
      const { coordinator, owner, config } = fixture;
      await coordinator.connect(owner).createTask({ ...config, minIncluded }, INITIAL_MODEL_CID);
      await coordinator.connect(owner).openRound(2, INITIAL_MODEL_CID);
      const roundId = await coordinator.roundCount();
      for (const client of fixture.clients.slice(0, MAX_CLIENTS)) await coordinator.connect(client).join(roundId);
      await drawGroups(coordinator, roundId, fixture.stranger);
      return resolveGroups(fixture, roundId);
    }

    it("stores max(3, minClients) for a floor of 0, and a given floor as given", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, owner, config } = fixture;
      expect((await coordinator.task(TASK_ID)).config.minIncluded).to.equal(MIN_CLIENTS);
      await coordinator.connect(owner).createTask({ ...config, minClients: 5, minIncluded: 0 }, INITIAL_MODEL_CID);
      expect((await coordinator.task(2)).config.minIncluded).to.equal(5);
      await coordinator.connect(owner).createTask({ ...config, minIncluded: 6 }, INITIAL_MODEL_CID);
      expect((await coordinator.task(3)).config.minIncluded).to.equal(6);
    });

    it("fails with TooFewIncluded when Submission closes below the floor, so the holder never completes", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, verifier } = fixture;
      const round = await floorRound(fixture, MAX_CLIENTS);
      await postKey(fixture, round);
      for (let groupIndex = 0; groupIndex < round.groups.length; groupIndex++) {
        await shuffleGroup(fixture, round, groupIndex);
        await postSum(fixture, round, groupIndex);
      }
      // Group 0 loses a member: group 1 and the holder make 4 included, below the floor of 7.
      for (const member of round.members.filter((member) => member !== round.groups[0][1])) {
        await submitUpdate(fixture, member, round.roundId);
      }

      const transaction = await advanceAfterDeadline(fixture, round.roundId);
      await expect(transaction).to.emit(coordinator, "GroupsIncluded").withArgs(round.roundId, [1], 3);
      await expect(transaction)
        .to.emit(coordinator, "PhaseChanged")
        .withArgs(round.roundId, Phase.Submission, Phase.Failed, 0);
      await expect(transaction)
        .to.emit(coordinator, "RoundFailed")
        .withArgs(2, round.roundId, FailureReason.TooFewIncluded);
      expect(await eventNames(coordinator, transaction)).to.deep.equal(["GroupsIncluded", "PhaseChanged", "RoundFailed"]);
      await expect(transaction)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(2, round.roundId, Outcome.Released, 0, 0, 0, 0, 0);
      expect((await coordinator.round(round.roundId)).failureReason).to.equal(FailureReason.TooFewIncluded);

      // The holder's negated seed would unmask the set: it is refused.
      await expect(submitUpdate(fixture, round.holder, round.roundId))
        .to.be.revertedWithCustomError(coordinator, "CoordinatorUnexpectedPhase")
        .withArgs(round.roundId, Phase.Failed, phaseBitmap(Phase.Completion));
      expect(await coordinator.isIncluded(round.roundId, round.holder.address)).to.equal(false);
    });

    it("fails with TooFewIncluded in the submission that fixes the set below the floor", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, verifier } = fixture;
      const round = await floorRound(fixture, 5);
      await postKey(fixture, round);
      // Only group 1 posts its sum, so its last member's update fixes the set: 3 members and the holder, below 5.
      await shuffleGroup(fixture, round, 0);
      await shuffleGroup(fixture, round, 1);
      await postSum(fixture, round, 1);
      await advanceAfterDeadline(fixture, round.roundId);
      for (const member of round.groups[1].slice(0, -1)) await submitUpdate(fixture, member, round.roundId);

      const transaction = await submitUpdate(fixture, round.groups[1][2], round.roundId);
      expect(await eventNames(coordinator, transaction)).to.deep.equal([
        "UpdateSubmitted",
        "GroupsIncluded",
        "PhaseChanged",
        "RoundFailed",
      ]);
      await expect(transaction)
        .to.emit(coordinator, "RoundFailed")
        .withArgs(2, round.roundId, FailureReason.TooFewIncluded);
      await expect(transaction)
        .to.emit(verifier, "VerificationSettled")
        .withArgs(2, round.roundId, Outcome.Released, 0, 0, 0, 0, 0);
    });

    it("goes on to Completion with exactly minIncluded included", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator } = fixture;
      const round = await floorRound(fixture, 4);
      await postKey(fixture, round);
      await shuffleGroup(fixture, round, 0);
      await shuffleGroup(fixture, round, 1);
      await postSum(fixture, round, 1);
      await advanceAfterDeadline(fixture, round.roundId);
      for (const member of round.groups[1]) await submitUpdate(fixture, member, round.roundId);
      expect(await coordinator.phase(round.roundId)).to.equal(Phase.Completion);
    });

    it("fails with TooFewIncluded when Joining closes with fewer joined than the floor, drawing nothing", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, owner, config } = fixture;
      await coordinator.connect(owner).createTask({ ...config, minIncluded: 6 }, INITIAL_MODEL_CID);
      await coordinator.connect(owner).openRound(2, INITIAL_MODEL_CID);
      const roundId = await coordinator.roundCount();
      for (const client of fixture.clients.slice(0, 5)) await coordinator.connect(client).join(roundId);

      const transaction = await advanceAfterDeadline(fixture, roundId);
      await expectRoundFailed(fixture, transaction, roundId, Phase.Joining, FailureReason.TooFewIncluded);
      expect((await coordinator.mashRound(roundId)).drawBlock).to.equal(0);
    });
  });

  describe("cancelRound", function () {
    for (const phase of [Phase.Grouping, Phase.Shuffle, Phase.Submission, Phase.Completion] as const) {
      it(`fails a round in ${phaseName(phase)} with Cancelled`, async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { roundId } = await mashRoundIn(fixture, phase);
        const transaction = await fixture.coordinator.connect(fixture.owner).cancelRound(roundId);
        await expectRoundFailed(fixture, transaction, roundId, phase, FailureReason.Cancelled);
        await expectReserveReleased(fixture, transaction, roundId);
      });
    }
  });

  describe("views of a Plain round", function () {
    it("report no holder, no groups and no included clients", async function () {
      const fixture = await loadFixture(deployMashFixture);
      const { coordinator, owner, config, clients } = fixture;
      await coordinator.connect(owner).createTask({ ...config, mode: Mode.Plain }, INITIAL_MODEL_CID);
      await coordinator.connect(owner).openRound(2, INITIAL_MODEL_CID);
      for (const client of clients.slice(0, MAX_CLIENTS)) await coordinator.connect(client).join(1);

      expect(await coordinator.phase(1)).to.equal(Phase.Submission);
      expect(await coordinator.mashRound(1)).to.deep.equal([
        ethers.ZeroAddress,
        ethers.ZeroHash,
        0,
        ethers.ZeroHash,
        0,
        0,
        0,
        false,
        0,
      ]);
      expect(await coordinator.memberOf(1, clients[0].address)).to.deep.equal([false, 0n, 0n]);
      expect(await coordinator.includedClients(1)).to.deep.equal([]);
      await expect(coordinator.group(1, 0))
        .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownGroup")
        .withArgs(1, 0);
      await expect(coordinator.connect(clients[0]).postShuffleMessage(1, shuffleMessage(0, 0)))
        .to.be.revertedWithCustomError(coordinator, "CoordinatorNotGroupMember")
        .withArgs(1, clients[0].address);
    });
  });

  describe("gas of forming the groups", function () {
    // Measured values are in docs/CONTRACTS.md; the bounds catch a regression to per-member fresh slots.
    for (const [clientCount, bound] of [
      [10, 450_000n],
      [50, 1_300_000n],
    ] as const) {
      it(`stays under ${bound} gas for the advance that draws the groups of ${clientCount} clients`, async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, registry, owner, config, signers } = fixture;
        const clients = signers.slice(signers.length - clientCount);
        for (const [index, client] of clients.entries()) {
          await registry.connect(client).register(Role.Client, encryptionKey(`gas client ${index}`).compressed);
        }
        await coordinator.connect(owner).createTask({ ...config, maxClients: clientCount }, INITIAL_MODEL_CID);
        await coordinator.connect(owner).openRound(2, INITIAL_MODEL_CID);
        for (const client of clients.slice(0, -1)) await coordinator.connect(client).join(1);

        await coordinator.connect(clients[clientCount - 1]).join(1);
        const receipt = await (await drawGroups(coordinator, 1n, fixture.stranger)).wait();
        const round = await resolveGroups(fixture, 1n);
        expect(round.members.length).to.equal(clientCount - 1);
        expect(round.groups.length).to.equal(Math.floor((clientCount - 1) / GROUP_SIZE));
        expect(receipt?.gasUsed).to.be.lessThan(bound);
      });
    }
  });

  describe("should revert", function () {
    describe("on createTask", function () {
      const invalidConfigs: ReadonlyArray<[string, Partial<IFedmashCoordinator.TaskConfigStruct>, string]> = [
        ["groupSize is 0", { groupSize: 0 }, "groupSize out of range"],
        ["groupSize is 1", { groupSize: 1 }, "groupSize out of range"],
        // A group of two would let each member learn the other's seed from the group sum.
        ["groupSize is 2", { groupSize: 2 }, "groupSize out of range"],
        ["groupSize is 17", { groupSize: 17 }, "groupSize out of range"],
        ["minClients is 3", { minClients: 3 }, "minClients below 4"],
        ["minIncluded is 2", { minIncluded: 2 }, "minIncluded below 3"],
        ["minIncluded exceeds maxClients", { minIncluded: MAX_CLIENTS + 1 }, "minIncluded exceeds maxClients"],
        [
          "maxClients exceeds 2047 with the Rlwr2048 mask group",
          { maxClients: 2048 },
          "maxClients above 2047 for Rlwr2048",
        ],
        [
          "maxClients exceeds MAX_MASH_CLIENTS with the paper-compat mask group",
          { maxClients: 2048, maskGroup: MaskGroup.PaperCompat },
          "maxClients above MAX_MASH_CLIENTS",
        ],
        [
          "maxClients exceeds MAX_MASH_CLIENTS",
          { maxClients: MAX_MASH_CLIENTS + 1n },
          "maxClients above MAX_MASH_CLIENTS",
        ],
        ["quantizationScale is 0", { quantizationScale: 0 }, "quantizationScale is zero"],
        ["clipMillionths is 0", { clipMillionths: 0 }, "clipMillionths is zero"],
        ["keyDuration is 0", { keyDuration: 0 }, "keyDuration out of range"],
        ["keyDuration exceeds a year", { keyDuration: ONE_YEAR + 1n }, "keyDuration out of range"],
        ["shuffleDuration is 0", { shuffleDuration: 0 }, "shuffleDuration out of range"],
        ["shuffleDuration exceeds a year", { shuffleDuration: ONE_YEAR + 1n }, "shuffleDuration out of range"],
        ["completionDuration is 0", { completionDuration: 0 }, "completionDuration out of range"],
        [
          "completionDuration exceeds a year",
          { completionDuration: 2n ** 64n - 1n },
          "completionDuration out of range",
        ],
        // The shared checks still come first.
        ["minClients exceeds maxClients", { minClients: 8 }, "minClients exceeds maxClients"],
      ];
      for (const [condition, override, reason] of invalidConfigs) {
        it(`if ${condition}`, async function () {
          const { coordinator, config } = await loadFixture(deployMashFixture);
          await expect(coordinator.createTask({ ...config, ...override }, INITIAL_MODEL_CID))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorInvalidConfig")
            .withArgs(reason);
        });
      }
    });

    describe("on createTask, an Rlwr2048 aggregate bound above 2^28 - 1", function () {
      const MAX_BOUND = 2n ** 28n - 1n;
      // [condition, override, maxClients, per-client bound round(clipMillionths · S / 10^6)]
      const tooLarge: ReadonlyArray<[string, Partial<IFedmashCoordinator.TaskConfigStruct>, bigint, bigint]> = [
        [
          "1024 · 262144 = 2^28, one above the largest accepted clip",
          { maxClients: MAX_MASH_CLIENTS, clipMillionths: 262_144, quantizationScale: 1_000_000 },
          MAX_MASH_CLIENTS,
          262_144n,
        ],
        [
          "4 · round(0.5 · 134217727) = 4 · 67108864, by rounding the tie up",
          { minClients: 4, maxClients: 4, clipMillionths: 500_000, quantizationScale: 134_217_727 },
          4n,
          67_108_864n,
        ],
        [
          "7 · round(1 · 2^32 - 1), the largest uint32 product",
          { quantizationScale: 2 ** 32 - 1, clipMillionths: 2 ** 32 - 1 },
          BigInt(MAX_CLIENTS),
          ((2n ** 32n - 1n) * (2n ** 32n - 1n) + 500_000n) / 1_000_000n,
        ],
      ];
      for (const [condition, override, maxClients, perClient] of tooLarge) {
        it(`if ${condition}`, async function () {
          const { coordinator, config } = await loadFixture(deployMashFixture);
          await expect(coordinator.createTask({ ...config, ...override }, INITIAL_MODEL_CID))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorAggregateBoundTooLarge")
            .withArgs(maxClients, perClient, maxClients * perClient, MAX_BOUND);
        });
      }
    });

    describe("on createTask, the Rlwr2048 bound as the workers compute it", function () {
      const MAX_BOUND = 2 ** 28 - 1;
      /** The workers' check before createTask, with the clip the MASH client reads from the config. */
      function workersAccept(clipMillionths: number, scale: number, maxClients: number): boolean {
        try {
          checkMaskSettings({ maskGroup: "rlwr-2048", maxClients, clip: clipMillionths / 1e6, scale });
          return true;
        } catch (error) {
          if (error instanceof MaskSettingsUnsupportedError) return false;
          throw error;
        }
      }
      // [clipMillionths, scale]: non-ties, a tie the float product meets exactly (500000 · 1000001 / 10^6 = 500000.5),
      // and the defaults' shape; each with a per-client bound large enough to refuse at some maxClients <= 1024.
      const agreeing: ReadonlyArray<[number, number]> = [
        [1_000_000, 262_144],
        [123_457, 3_000_000],
        [999_999, 777_777],
        [3_333_333, 99_999],
        [300, 1_000_000_000],
        [500_000, 1_000_001],
      ];
      for (const [clipMillionths, scale] of agreeing) {
        it(`refuses and accepts at the same maxClients as the workers for clip ${clipMillionths / 1e6}, scale ${scale}`, async function () {
          const { coordinator, owner, config } = await loadFixture(deployMashFixture);
          const perClient = Math.round((clipMillionths / 1e6) * scale);
          const largest = Math.floor(MAX_BOUND / perClient);
          expect(largest).to.be.within(4, 1023);
          expect([workersAccept(clipMillionths, scale, largest), workersAccept(clipMillionths, scale, largest + 1)]).to.deep.equal([true, false]);
          const at = (maxClients: number) => ({ ...config, maxClients, clipMillionths, quantizationScale: scale });
          await expect(coordinator.createTask(at(largest + 1), INITIAL_MODEL_CID))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorAggregateBoundTooLarge")
            .withArgs(largest + 1, perClient, (largest + 1) * perClient, MAX_BOUND);
          await expect(coordinator.connect(owner).createTask(at(largest), INITIAL_MODEL_CID)).to.emit(coordinator, "TaskCreated");
        });
      }

      it("is one larger than the workers' float rounding at a tie the float product misses, so it refuses first", async function () {
        const { coordinator, config } = await loadFixture(deployMashFixture);
        // 4000525 · 100000 / 10^6 = 400052.5 exactly; in floating point 4.000525 · 100000 = 400052.49999999994.
        const [clipMillionths, scale, maxClients] = [4_000_525, 100_000, 671];
        expect(Math.round((clipMillionths / 1e6) * scale)).to.equal(400_052);
        expect(workersAccept(clipMillionths, scale, maxClients)).to.equal(true);
        await expect(coordinator.createTask({ ...config, maxClients, clipMillionths, quantizationScale: scale }, INITIAL_MODEL_CID))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorAggregateBoundTooLarge")
          .withArgs(maxClients, 400_053, maxClients * 400_053, MAX_BOUND);
      });
    });

    describe("on postHolderKey", function () {
      it("if the caller is not the holder", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, stranger, aggregator, clients } = fixture;
        const round = await mashRoundIn(fixture, Phase.Grouping);
        for (const account of [round.groups[0][0], round.groups[1][2], stranger, aggregator, clients[MAX_CLIENTS]]) {
          await expect(coordinator.connect(account).postHolderKey(round.roundId, HOLDER_KEY))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorNotHolder")
            .withArgs(round.roundId, account.address);
        }
      });

      it("if the round is still Joining, when no holder is drawn yet", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, clients } = fixture;
        const roundId = await joinClients(fixture, MAX_CLIENTS - 1);
        await expect(coordinator.connect(clients[0]).postHolderKey(roundId, HOLDER_KEY))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotHolder")
          .withArgs(roundId, clients[0].address);
      });

      for (const phase of [
        Phase.Shuffle,
        Phase.Submission,
        Phase.Completion,
        Phase.Aggregation,
        Phase.Verification,
        Phase.Finalized,
        Phase.Failed,
      ] as const) {
        it(`if the round is in ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployMashFixture);
          const round = await mashRoundIn(fixture, phase);
          await expect(postKey(fixture, round))
            .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(round.roundId, phase, phaseBitmap(Phase.Grouping));
        });
      }

      it("if the key deadline passed", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const round = await mashRoundIn(fixture, Phase.Grouping);
        const deadline = await reachDeadline(fixture, round.roundId);
        await expect(postKey(fixture, round))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorDeadlinePassed")
          .withArgs(round.roundId, Phase.Grouping, deadline);
      });

      it("if the key is empty", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const round = await mashRoundIn(fixture, Phase.Grouping);
        await expect(fixture.coordinator.connect(round.holder).postHolderKey(round.roundId, "0x"))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorEmptyMessage")
          .withArgs();
      });

      it("if the key is longer than MAX_MESSAGE_BYTES, and not at exactly MAX_MESSAGE_BYTES", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator } = fixture;
        const round = await mashRoundIn(fixture, Phase.Grouping);
        await expect(
          coordinator.connect(round.holder).postHolderKey(round.roundId, payload("big", MAX_MESSAGE_BYTES + 1)),
        )
          .to.be.revertedWithCustomError(coordinator, "CoordinatorMessageTooLarge")
          .withArgs(MAX_MESSAGE_BYTES + 1, MAX_MESSAGE_BYTES);
        const largest = payload("largest", MAX_MESSAGE_BYTES);
        await expect(coordinator.connect(round.holder).postHolderKey(round.roundId, largest))
          .to.emit(coordinator, "HolderKeyPosted")
          .withArgs(round.roundId, round.holder.address, largest);
      });
    });

    describe("on postShuffleMessage", function () {
      it("if the caller is in no group", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, stranger, aggregator, clients } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        for (const account of [round.holder, stranger, aggregator, clients[MAX_CLIENTS]]) {
          await expect(coordinator.connect(account).postShuffleMessage(round.roundId, shuffleMessage(0, 0)))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorNotGroupMember")
            .withArgs(round.roundId, account.address);
        }
      });

      it("if the groups are not formed yet", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, clients } = fixture;
        const roundId = await joinClients(fixture, MAX_CLIENTS - 1);
        await expect(coordinator.connect(clients[0]).postShuffleMessage(roundId, shuffleMessage(0, 0)))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorNotGroupMember")
          .withArgs(roundId, clients[0].address);
      });

      it("if a member posts before the members ahead of it", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        await expect(coordinator.connect(round.groups[1][1]).postShuffleMessage(round.roundId, shuffleMessage(1, 1)))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorWrongShuffleTurn")
          .withArgs(round.roundId, 1, 0, 1);
      });

      it("if a member posts twice", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        await coordinator.connect(round.groups[0][0]).postShuffleMessage(round.roundId, shuffleMessage(0, 0));
        await expect(coordinator.connect(round.groups[0][0]).postShuffleMessage(round.roundId, shuffleMessage(0, 0)))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorWrongShuffleTurn")
          .withArgs(round.roundId, 0, 1, 0);
      });

      it("if the leader posts a message, before or at its turn", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        const leader = round.groups[0][2];
        await expect(coordinator.connect(leader).postShuffleMessage(round.roundId, shuffleMessage(0, 2)))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorWrongShuffleTurn")
          .withArgs(round.roundId, 0, 0, 2);
        await shuffleGroup(fixture, round, 0);
        await expect(coordinator.connect(leader).postShuffleMessage(round.roundId, shuffleMessage(0, 2)))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorWrongShuffleTurn")
          .withArgs(round.roundId, 0, 2, 2);
      });

      for (const phase of [
        Phase.Grouping,
        Phase.Submission,
        Phase.Completion,
        Phase.Aggregation,
        Phase.Verification,
        Phase.Finalized,
        Phase.Failed,
      ] as const) {
        it(`if the round is in ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployMashFixture);
          const round = await mashRoundIn(fixture, phase);
          await expect(
            fixture.coordinator.connect(round.groups[0][0]).postShuffleMessage(round.roundId, shuffleMessage(0, 0)),
          )
            .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(round.roundId, phase, phaseBitmap(Phase.Shuffle));
        });
      }

      it("if the shuffle deadline passed", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        const deadline = await reachDeadline(fixture, round.roundId);
        await expect(
          fixture.coordinator.connect(round.groups[0][0]).postShuffleMessage(round.roundId, shuffleMessage(0, 0)),
        )
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorDeadlinePassed")
          .withArgs(round.roundId, Phase.Shuffle, deadline);
      });

      it("if the message is empty or longer than MAX_MESSAGE_BYTES", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        const first = round.groups[0][0];
        await expect(coordinator.connect(first).postShuffleMessage(round.roundId, "0x"))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorEmptyMessage")
          .withArgs();
        await expect(
          coordinator.connect(first).postShuffleMessage(round.roundId, payload("big", MAX_MESSAGE_BYTES + 1)),
        )
          .to.be.revertedWithCustomError(coordinator, "CoordinatorMessageTooLarge")
          .withArgs(MAX_MESSAGE_BYTES + 1, MAX_MESSAGE_BYTES);
        expect((await coordinator.group(round.roundId, 0)).shuffleStep).to.equal(0);
      });
    });

    describe("on postGroupSum", function () {
      it("if the caller is in no group", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, stranger, clients } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        for (const account of [round.holder, stranger, clients[MAX_CLIENTS]]) {
          await expect(coordinator.connect(account).postGroupSum(round.roundId, groupSum(0)))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorNotGroupMember")
            .withArgs(round.roundId, account.address);
        }
      });

      it("if the caller is a member but not the leader", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        await shuffleGroup(fixture, round, 1);
        for (const member of round.groups[1].slice(0, -1)) {
          await expect(coordinator.connect(member).postGroupSum(round.roundId, groupSum(1)))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorNotLeader")
            .withArgs(round.roundId, 1, member.address);
        }
      });

      it("if a member before the leader has not posted", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        await coordinator.connect(round.groups[0][0]).postShuffleMessage(round.roundId, shuffleMessage(0, 0));
        await expect(postSum(fixture, round, 0))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorWrongShuffleTurn")
          .withArgs(round.roundId, 0, 1, 2);
      });

      it("if the leader already posted, while Shuffle lasts and after it", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        await shuffleGroup(fixture, round, 0);
        await postSum(fixture, round, 0);
        await expect(postSum(fixture, round, 0))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorGroupSumAlreadyPosted")
          .withArgs(round.roundId, 0);
        await shuffleGroup(fixture, round, 1);
        await postSum(fixture, round, 1);
        expect(await coordinator.phase(round.roundId)).to.equal(Phase.Submission);
        await expect(postSum(fixture, round, 1))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorGroupSumAlreadyPosted")
          .withArgs(round.roundId, 1);
      });

      it("if the round is in Grouping", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const round = await mashRoundIn(fixture, Phase.Grouping);
        await expect(postSum(fixture, round, 0))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnexpectedPhase")
          .withArgs(round.roundId, Phase.Grouping, phaseBitmap(Phase.Shuffle));
      });

      it("if the shuffle deadline passed", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        await shuffleGroup(fixture, round, 0);
        const deadline = await reachDeadline(fixture, round.roundId);
        await expect(postSum(fixture, round, 0))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorDeadlinePassed")
          .withArgs(round.roundId, Phase.Shuffle, deadline);
      });

      it("if the sum is empty or longer than MAX_MESSAGE_BYTES", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        await shuffleGroup(fixture, round, 0);
        const leader = round.groups[0][2];
        await expect(coordinator.connect(leader).postGroupSum(round.roundId, "0x"))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorEmptyMessage")
          .withArgs();
        await expect(coordinator.connect(leader).postGroupSum(round.roundId, payload("big", MAX_MESSAGE_BYTES + 1)))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorMessageTooLarge")
          .withArgs(MAX_MESSAGE_BYTES + 1, MAX_MESSAGE_BYTES);
        expect((await coordinator.group(round.roundId, 0)).sumPosted).to.equal(false);
      });
    });

    describe("on submitUpdate", function () {
      for (const phase of [Phase.Grouping, Phase.Shuffle] as const) {
        it(`if a member submits in ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployMashFixture);
          const round = await mashRoundIn(fixture, phase);
          await expect(submitUpdate(fixture, round.groups[0][0], round.roundId))
            .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(round.roundId, phase, phaseBitmap(Phase.Submission));
        });
      }

      it("if a member submits while the round is still Joining", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, clients } = fixture;
        const roundId = await joinClients(fixture, MAX_CLIENTS - 1);
        await expect(submitUpdate(fixture, clients[0], roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorUnexpectedPhase")
          .withArgs(roundId, Phase.Joining, phaseBitmap(Phase.Submission));
      });

      for (const phase of [Phase.Grouping, Phase.Shuffle, Phase.Submission] as const) {
        it(`if the holder submits in ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployMashFixture);
          const round = await mashRoundIn(fixture, phase);
          await expect(submitUpdate(fixture, round.holder, round.roundId))
            .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(round.roundId, phase, phaseBitmap(Phase.Completion));
        });
      }

      it("if a member of a group without a sum submits", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator } = fixture;
        const round = await mashRoundIn(fixture, Phase.Shuffle);
        await shuffleGroup(fixture, round, 0);
        await postSum(fixture, round, 0);
        await advanceAfterDeadline(fixture, round.roundId);
        await expect(submitUpdate(fixture, round.groups[1][2], round.roundId))
          .to.be.revertedWithCustomError(coordinator, "CoordinatorGroupExcluded")
          .withArgs(round.roundId, 1);
        await expect(submitUpdate(fixture, round.groups[0][2], round.roundId)).to.emit(coordinator, "UpdateSubmitted");
      });

      it("if a member submits twice", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const round = await mashRoundIn(fixture, Phase.Submission);
        await submitUpdate(fixture, round.groups[0][0], round.roundId);
        await expect(submitUpdate(fixture, round.groups[0][0], round.roundId))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorAlreadySubmitted")
          .withArgs(round.roundId, round.groups[0][0].address);
      });

      it("if the holder submits twice", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const round = await mashRoundIn(fixture, Phase.Aggregation);
        await expect(submitUpdate(fixture, round.holder, round.roundId))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorAlreadySubmitted")
          .withArgs(round.roundId, round.holder.address);
      });

      it("if a member submits after the submission deadline", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const round = await mashRoundIn(fixture, Phase.Submission);
        const deadline = await reachDeadline(fixture, round.roundId);
        await expect(submitUpdate(fixture, round.groups[0][0], round.roundId))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorDeadlinePassed")
          .withArgs(round.roundId, Phase.Submission, deadline);
      });

      it("if the holder submits after the completion deadline", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const round = await mashRoundIn(fixture, Phase.Completion);
        const deadline = await reachDeadline(fixture, round.roundId);
        await expect(submitUpdate(fixture, round.holder, round.roundId))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorDeadlinePassed")
          .withArgs(round.roundId, Phase.Completion, deadline);
      });

      it("if the caller did not join", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, stranger, clients } = fixture;
        const round = await mashRoundIn(fixture, Phase.Submission);
        for (const account of [stranger, clients[MAX_CLIENTS]]) {
          await expect(submitUpdate(fixture, account, round.roundId))
            .to.be.revertedWithCustomError(coordinator, "CoordinatorNotParticipant")
            .withArgs(round.roundId, account.address);
        }
      });
    });

    describe("on advance", function () {
      for (const phase of [
        Phase.Grouping,
        Phase.Shuffle,
        Phase.Submission,
        Phase.Completion,
        Phase.Aggregation,
      ] as const) {
        it(`if the ${phaseName(phase)} deadline is now, not past`, async function () {
          const fixture = await loadFixture(deployMashFixture);
          const round = await mashRoundIn(fixture, phase);
          const deadline = await deadlineOf(fixture, round.roundId);
          await time.setNextBlockTimestamp(deadline);
          await expect(fixture.coordinator.advance(round.roundId))
            .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorDeadlineNotPassed")
            .withArgs(round.roundId, phase, deadline);
        });
      }

      // Verification is the verifier's to end (settle), not advance's.
      for (const phase of [Phase.Verification, Phase.Finalized, Phase.Failed] as const) {
        it(`if the round is ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployMashFixture);
          const round = await mashRoundIn(fixture, phase);
          await expect(fixture.coordinator.advance(round.roundId))
            .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(round.roundId, phase, MASH_ADVANCE_PHASES);
        });
      }
    });

    describe("on cancelRound", function () {
      for (const phase of [Phase.Aggregation, Phase.Verification, Phase.Finalized] as const) {
        it(`if the round is in ${phaseName(phase)}`, async function () {
          const fixture = await loadFixture(deployMashFixture);
          const round = await mashRoundIn(fixture, phase);
          await expect(fixture.coordinator.connect(fixture.owner).cancelRound(round.roundId))
            .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnexpectedPhase")
            .withArgs(round.roundId, phase, MASH_CANCEL_PHASES);
        });
      }
    });

    describe("on views", function () {
      it("if a group index is past the last group", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const round = await mashRoundIn(fixture, Phase.Grouping);
        await expect(fixture.coordinator.group(round.roundId, 2))
          .to.be.revertedWithCustomError(fixture.coordinator, "CoordinatorUnknownGroup")
          .withArgs(round.roundId, 2);
      });

      it("if a round id is unknown", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, clients } = fixture;
        await openRound(fixture);
        const reads: ReadonlyArray<(roundId: bigint) => Promise<unknown>> = [
          (roundId) => coordinator.mashRound(roundId),
          (roundId) => coordinator.group(roundId, 0),
          (roundId) => coordinator.memberOf(roundId, clients[0].address),
          (roundId) => coordinator.includedClients(roundId),
        ];
        for (const read of reads) {
          for (const roundId of [0n, 2n]) {
            await expect(read(roundId))
              .to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownRound")
              .withArgs(roundId);
          }
        }
      });

      it("if a new function gets an unknown round id", async function () {
        const fixture = await loadFixture(deployMashFixture);
        const { coordinator, clients } = fixture;
        const writes: ReadonlyArray<() => Promise<unknown>> = [
          () => coordinator.connect(clients[0]).postHolderKey(1, HOLDER_KEY),
          () => coordinator.connect(clients[0]).postShuffleMessage(1, shuffleMessage(0, 0)),
          () => coordinator.connect(clients[0]).postGroupSum(1, groupSum(0)),
        ];
        for (const write of writes) {
          await expect(write()).to.be.revertedWithCustomError(coordinator, "CoordinatorUnknownRound").withArgs(1);
        }
      });
    });
  });
});
