// Property test of FedmashVerifier's money: random sequences of actions by random actors over a Mash task and a
// Shamir task and several rounds (funding, terms, pool and bond withdrawals, opening, driving a round to its aggregate;
// Mash: an honest or tampered sum with its real commitment and challenges of its leaves by strangers, clients or the
// aggregator, rejected or upheld, with right or wrong bonds, in or after the window; Shamir: honest or tampered T,
// honest or lying commitments; settling before and after deadlines, claims by winners, challengers, strangers and
// twice, cancelling, advancing late, the aggregator accepting bonds), each checked against a model of the rules: the
// expected revert with its arguments, or the expected state. After every action the contract's balance equals
// totalOwed() + totalBurned(); totalOwed() equals the sum of the views (pools, bonds, reserves, unclaimed rewards) and
// the model's books; totalBurned() equals the tasks' burned slashes and bonds and the model's; every slash is at most
// the bond it came from; what the verifier paid out never exceeds what was paid in; and every account has received
// exactly what the model says it was owed, never more (the owner never receives a slash).
// FC_SEED and FC_NUM_RUNS override the seed and the number of runs, FC_SHRINK=1 shrinks a failing sequence; a failure
// prints the seed and the actions.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type BaseContract, type ContractTransactionReceipt, type ContractTransactionResponse } from "ethers";
import fc from "fast-check";
import type { IFedmashCoordinator } from "../../typechain-types/contracts/FedmashCoordinator";
import { batchSums } from "../../workers/crypto/verify/batchSums";
import { commitBatchSums } from "../../workers/crypto/verify/commitBatchSums";
import { encodeBatchSums } from "../../workers/crypto/verify/encodeBatchSums";
import { verificationSeed } from "../../workers/crypto/verify/verificationSeed";
import { deployFedmash } from "../helpers/deployFedmash";
import { driveMashRound, type DriveMashRoundReturnType } from "../helpers/driveMashRound";
import { driveShamirRound } from "../helpers/driveShamirRound";
import { challengeArguments, commitAggregateSum, type CommittedVector } from "../helpers/mashVectors";
import { encryptionKey } from "../helpers/encryptionKey";
import { MaskGroup, Mode, Phase, Role } from "../helpers/enums";
import { phaseBitmap } from "../helpers/phaseBitmap";
import { Outcome, Stage } from "../helpers/verifierEnums";

const PARTITIONS = 64;
const BATCHES = 2;
/** Three leaves of 16 coordinates. */
const MODEL_SIZE = 48;
const LEAVES = 3;
/** The coordinate a tampered Mash sum gets wrong, in leaf 1. */
const TAMPERED_COORDINATE = 20;
const TAMPERED_LEAF = 1;
const CHALLENGE_BOND = 10n ** 16n;
const SHAMIR_THRESHOLD = 2;
const MAX_CLIENTS = 7n;
/** Seven clients, groups of three: a holder and two groups, so one group can drop out at submission. */
const GROUP_SIZE = 3;
const SHORT = 100n;
/** Longer than the other deadlines' jumps, so that an opened round usually still takes joins after one. */
const JOIN_DURATION = 1_000n;
/** The commitments' deadline (the task's submitDuration) and T's (its aggregateDuration). */
const COMMIT_DURATION = 400n;
const BATCH_SUMS_DURATION = 300n;
/** blockhash sees the 256 most recent blocks. */
const BLOCKHASH_WINDOW = 256n;
const UNIT = 10n ** 15n;
const INITIAL_TERMS: Terms = { aggregatorBond: 2n * UNIT, clientReward: UNIT, aggregatorReward: 3n * UNIT, challengeDuration: 200n };
const INITIAL_POOL = 40n * UNIT;
const ADVANCE_PHASES = phaseBitmap(Phase.Joining, Phase.Grouping, Phase.Shuffle, Phase.Submission, Phase.Completion, Phase.Aggregation);
const CANCEL_PHASES = phaseBitmap(Phase.Joining, Phase.Grouping, Phase.Shuffle, Phase.Submission, Phase.Completion);
/** Shamir has no Grouping, Shuffle or Completion. */
const SHAMIR_ADVANCE_PHASES = phaseBitmap(Phase.Joining, Phase.Submission, Phase.Aggregation);
const SHAMIR_CANCEL_PHASES = phaseBitmap(Phase.Joining, Phase.Submission);
const CLIENT_COUNT = 10;
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 30);
// A seed whose 30 runs reach every outcome, FraudProven and rejected challenges included (the acceptTask action
// reshuffled the sequences 20_261_121 drew).
const SEED = Number(process.env.FC_SEED ?? 20_261_123);

interface Terms {
  aggregatorBond: bigint;
  clientReward: bigint;
  aggregatorReward: bigint;
  challengeDuration: bigint;
}

/** Task 0 (id 1) is a Mash task, task 1 (id 2) a Shamir task. */
type TaskIndex = 0 | 1;
/** 0: zero, 1: half, 2: all, 3: one wei more than all. */
type Share = 0 | 1 | 2 | 3;

type Action =
  | { kind: "fundTask"; task: TaskIndex; actor: number; amount: bigint }
  | { kind: "setTerms"; task: TaskIndex; byOwner: boolean; terms: Terms }
  | { kind: "withdrawPool"; task: TaskIndex; byOwner: boolean; share: Share }
  | { kind: "depositBond"; task: TaskIndex; byAggregator: boolean; amount: bigint }
  | { kind: "withdrawBond"; task: TaskIndex; byAggregator: boolean; share: Share }
  | { kind: "acceptTask"; task: TaskIndex; byAggregator: boolean; maxBond: bigint }
  | { kind: "openRound"; task: TaskIndex }
  | { kind: "driveToAggregation"; task: TaskIndex; firstJoiner: number; dropGroup: boolean }
  | { kind: "postAggregate"; task: TaskIndex; tampered: boolean }
  /** who: 0 a stranger, 1 an included client, 2 the aggregator; bond: 0 right, 1 one wei short; leaf LEAVES is past the end. */
  | { kind: "challenge"; task: TaskIndex; leaf: number; who: number; wrongBond: boolean }
  | { kind: "postBatchSums"; task: TaskIndex; tampered: boolean; byAggregator: boolean }
  | { kind: "commit"; task: TaskIndex; who: number; all: boolean; lie: boolean }
  | { kind: "settle"; task: TaskIndex; afterDeadline: boolean }
  | { kind: "claim"; round: number; who: number }
  | { kind: "cancelRound"; task: TaskIndex; byOwner: boolean }
  | { kind: "advance"; task: TaskIndex; late: boolean }
  /** The task's next lifecycle step, whatever it is, so that sequences get rounds through to settlement. */
  | {
      kind: "progress";
      task: TaskIndex;
      firstJoiner: number;
      dropGroup: boolean;
      tampered: boolean;
      all: boolean;
      lie: boolean;
      /** Mash: challenge the tampered leaf (if any) or `leaf` before settling. */
      challenge: boolean;
      leaf: number;
      /** After the round: a winner that already claimed tries again. */
      reclaim: boolean;
      late: boolean;
    };

interface TaskModel {
  taskId: bigint;
  mode: typeof Mode.Mash | typeof Mode.Shamir;
  owner: HardhatEthersSigner;
  aggregator: HardhatEthersSigner;
  terms: Terms;
  pool: bigint;
  bond: bigint;
  activeRoundId: bigint;
  /** The largest bond the aggregator accepted (acceptTask); 0 until it accepts. */
  acceptedBond: bigint;
  /** Slashes of this task's bond, rejected challengers' bonds and the remainders of fraud splits, burned. */
  burned: bigint;
  lastRound: RoundModel | undefined;
}

interface RoundModel {
  roundId: bigint;
  task: TaskModel;
  phase: Phase;
  stage: Stage;
  outcome: Outcome;
  terms: Terms;
  reserved: bigint;
  unclaimed: bigint;
  /** The verifier's stage deadline; 0 outside BatchSums, Commitments and Challenge. */
  deadline: bigint;
  aggregateBlock: bigint;
  batchSumsBlock: bigint;
  driven: Pick<DriveMashRoundReturnType, "included" | "updates" | "aggregate"> & { vectors?: CommittedVector[] } | undefined;
  /** Mash: the posted sum's commitment. */
  sum: CommittedVector | undefined;
  challengeCount: number;
  sampleSeed: string | undefined;
  posted: string | undefined;
  tampered: boolean;
  lied: boolean;
  committed: Set<string>;
  claimed: Set<string>;
  owed: Map<string, bigint>;
}

const task = fc.constantFrom<TaskIndex>(0, 1);
const share = fc.constantFrom<Share>(0, 1, 2, 3);
const amount = fc.constantFrom(0n, UNIT, 3n * UNIT, 20n * UNIT);
const terms = fc.record({
  aggregatorBond: fc.constantFrom(0n, UNIT, 4n * UNIT),
  clientReward: fc.constantFrom(0n, UNIT, 2n * UNIT),
  aggregatorReward: fc.constantFrom(0n, 3n * UNIT),
  // 4 s is refused (MIN_CHALLENGE_DURATION is 5); 5 s closes within a few transactions.
  challengeDuration: fc.constantFrom(4n, 5n, 200n),
});
const mostly = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const rarely = fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const sometimes = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
/** A jump past a deadline also closes the other task's windows, so it stays rarer than the other detours. */
const seldom = fc.oneof({ weight: 24, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
/** Weighted towards the round's progress, so that most sequences reach settlement and claims. */
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 14,
    arbitrary: fc.record({
      kind: fc.constant("progress" as const),
      task,
      firstJoiner: fc.nat(CLIENT_COUNT - Number(MAX_CLIENTS)),
      dropGroup: rarely,
      tampered: sometimes,
      all: fc.boolean(),
      lie: rarely,
      challenge: mostly,
      leaf: fc.nat(LEAVES - 1),
      reclaim: rarely,
      late: seldom,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("fundTask" as const), task, actor: fc.nat(3), amount }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("setTerms" as const), task, byOwner: mostly, terms }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("withdrawPool" as const), task, byOwner: mostly, share }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("depositBond" as const), task, byAggregator: mostly, amount }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("withdrawBond" as const), task, byAggregator: mostly, share }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("acceptTask" as const), task, byAggregator: mostly, maxBond: fc.constantFrom(0n, UNIT, 4n * UNIT) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("openRound" as const), task }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("driveToAggregation" as const),
      task,
      firstJoiner: fc.nat(CLIENT_COUNT - Number(MAX_CLIENTS)),
      dropGroup: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("postAggregate" as const), task, tampered: rarely }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("challenge" as const),
      task,
      leaf: fc.nat(LEAVES),
      who: fc.nat(2),
      wrongBond: rarely,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("postBatchSums" as const),
      task,
      tampered: fc.boolean(),
      byAggregator: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("commit" as const),
      task,
      who: fc.integer({ min: -1, max: 5 }),
      all: fc.boolean(),
      lie: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("settle" as const), task, afterDeadline: seldom }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("claim" as const), round: fc.nat(9), who: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancelRound" as const), task, byOwner: mostly }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("advance" as const), task, late: rarely }) },
);

function mashConfig(aggregator: string): IFedmashCoordinator.TaskConfigStruct {
  return {
    mode: Mode.Mash,
    aggregator,
    modelSize: MODEL_SIZE,
    minClients: 4,
    maxClients: MAX_CLIENTS,
    joinDuration: JOIN_DURATION,
    submitDuration: COMMIT_DURATION,
    aggregateDuration: BATCH_SUMS_DURATION,
    modelKind: "mlp",
    groupSize: GROUP_SIZE,
    quantizationScale: 10_000,
    clipMillionths: 1_000_000,
    keyDuration: SHORT,
    shuffleDuration: SHORT,
    completionDuration: SHORT,
    // The default floor, max(3, minClients): a dropped group leaves 3 members and the holder, exactly 4.
    minIncluded: 0,
    maskGroup: MaskGroup.Rlwr2048,
  };
}

function shamirConfig(aggregator: string): IFedmashCoordinator.TaskConfigStruct {
  return { ...mashConfig(aggregator), mode: Mode.Shamir, groupSize: 0, keyDuration: 0, shuffleDuration: 0, completionDuration: 0 };
}

function isTerminal(phase: Phase): boolean {
  return phase === Phase.Finalized || phase === Phase.Failed;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

describe("FedmashVerifier (invariant: the balance is exactly what is owed)", function () {
  async function deployTwoTasksFixture() {
    const signers = await ethers.getSigners();
    const [owner0, owner1, aggregator0, aggregator1, stranger] = signers;
    const clients = signers.slice(5, 5 + CLIENT_COUNT);
    const servers = signers.slice(20, 23);
    const { registry, coordinator, verifier, shamir } = await deployFedmash();
    for (const [index, server] of servers.entries()) {
      await registry.connect(server).register(Role.Server, encryptionKey(`server${index}`).compressed);
    }
    for (const [index, aggregator] of [aggregator0, aggregator1].entries()) {
      await registry.connect(aggregator).register(Role.Aggregator, encryptionKey(`aggregator${index}`).compressed);
    }
    for (const [index, client] of clients.entries()) {
      await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
    }
    const pairs: [HardhatEthersSigner, HardhatEthersSigner][] = [
      [owner0, aggregator0],
      [owner1, aggregator1],
    ];
    for (const [index, [owner, aggregator]] of pairs.entries()) {
      const taskId = BigInt(index + 1);
      if (index === 0) await coordinator.connect(owner).createTask(mashConfig(aggregator.address), "bafkreimodel");
      else {
        const addresses = servers.map((server) => server.address);
        await coordinator.connect(owner).createShamirTask(shamirConfig(aggregator.address), "bafkreimodel", addresses, SHAMIR_THRESHOLD);
      }
      await verifier.connect(owner).setTerms(taskId, INITIAL_TERMS);
      await verifier.connect(owner).fundTask(taskId, { value: INITIAL_POOL });
      await verifier.connect(aggregator).acceptTask(taskId, INITIAL_TERMS.aggregatorBond);
      await verifier.connect(aggregator).depositBond(taskId, { value: INITIAL_TERMS.aggregatorBond });
    }
    const library = await ethers.getContractAt("AggregateFraudProof", await verifier.getAddress());
    return { coordinator, verifier, shamir, servers, library, pairs, stranger, clients };
  }

  type Fixture = Awaited<ReturnType<typeof deployTwoTasksFixture>>;

  /** One run: the fixture, the model of the rules, and what each account was paid and should have been. */
  class Run {
    readonly tasks: TaskModel[];
    readonly rounds: RoundModel[] = [];
    readonly received = new Map<string, bigint>();
    readonly owedPayouts = new Map<string, bigint>();
    /** Wei sent to the verifier (funding, bonds, challenge bonds) and paid out by it (withdrawals, claims). */
    paidIn = 0n;
    paidOut = 0n;
    updateSeed = 0;

    constructor(
      readonly fixture: Fixture,
      readonly stats: Map<string, number>,
    ) {
      this.tasks = fixture.pairs.map(([owner, aggregator], index) => ({
        taskId: BigInt(index + 1),
        mode: index === 0 ? Mode.Mash : Mode.Shamir,
        owner,
        aggregator,
        terms: { ...INITIAL_TERMS },
        pool: INITIAL_POOL,
        bond: INITIAL_TERMS.aggregatorBond,
        activeRoundId: 0n,
        acceptedBond: INITIAL_TERMS.aggregatorBond,
        burned: 0n,
        lastRound: undefined,
      }));
      this.paidIn = 2n * (INITIAL_POOL + INITIAL_TERMS.aggregatorBond);
    }

    count(label: string): void {
      this.stats.set(label, (this.stats.get(label) ?? 0) + 1);
    }

    /** Pins the next block's timestamp (at least `atLeast`), so that deadline rules are predicted exactly. */
    async pin(atLeast = 0n): Promise<bigint> {
      const next = BigInt(await time.latest()) + 1n;
      const timestamp = atLeast > next ? atLeast : next;
      await time.setNextBlockTimestamp(timestamp);
      return timestamp;
    }

    async nextBlock(): Promise<bigint> {
      return BigInt(await ethers.provider.getBlockNumber()) + 1n;
    }

    async reverts(label: string, sent: Promise<ContractTransactionResponse>, contract: BaseContract, error: string, ...args: unknown[]) {
      this.count(`${label}: ${error}`);
      await expect(sent).to.be.revertedWithCustomError(contract, error).withArgs(...args);
    }

    async succeeds(label: string, sent: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
      this.count(`${label}: ok`);
      const receipt = await (await sent).wait();
      if (receipt === null) throw new Error(`${label} was not mined`);
      return receipt;
    }

    /** Sends a payout and books what `account` received (balance change plus the fee) against what it was owed. */
    async payout(label: string, account: HardhatEthersSigner, owed: bigint, send: () => Promise<ContractTransactionResponse>) {
      const before = await ethers.provider.getBalance(account.address);
      const receipt = await this.succeeds(label, send());
      const after = await ethers.provider.getBalance(account.address);
      const received = after - before + receipt.fee;
      this.received.set(account.address, (this.received.get(account.address) ?? 0n) + received);
      this.paidOut += received;
      this.owedPayouts.set(account.address, (this.owedPayouts.get(account.address) ?? 0n) + owed);
    }

    actorFor(model: TaskModel, index: number): HardhatEthersSigner {
      return [model.owner, model.aggregator, this.fixture.stranger, this.fixture.clients[0]!][index]!;
    }

    /** The round's seed from its block's hash, derived off-chain as the workers do. */
    async blockSeed(blockNumber: bigint, roundId: bigint, kind: "sample" | "weight"): Promise<`0x${string}`> {
      const block = await ethers.provider.getBlock(blockNumber);
      if (block?.hash == null) throw new Error(`no block ${blockNumber}`);
      return verificationSeed({ kind, blockHash: block.hash, roundId });
    }

    release(round: RoundModel): void {
      round.phase = Phase.Failed;
      if (round.stage !== Stage.Reserved) return;
      round.task.pool += round.reserved;
      round.task.activeRoundId = 0n;
      round.reserved = 0n;
      round.stage = Stage.Settled;
      round.outcome = Outcome.Released;
      this.count("outcome Released");
    }

    settleBooks(round: RoundModel, outcome: Outcome): void {
      const { terms, task: owner } = round;
      // Mash pays every included account (the holder too), Shamir the clients that committed.
      const mash = owner.mode === Mode.Mash;
      const earners = mash ? round.driven!.included.map((client) => client.address) : [...round.committed];
      const paysClients = outcome === Outcome.Passed || outcome === Outcome.CommitmentsMissing;
      const paid = (outcome === Outcome.Passed ? terms.aggregatorReward : 0n) + (paysClients ? BigInt(earners.length) * terms.clientReward : 0n);
      // Only a missing T slashes (a failed Shamir check names no culprit, M2); a proven fraud is settled by settleFraud.
      const slashed = outcome === Outcome.BatchSumsMissing ? min(owner.bond, terms.aggregatorBond) : 0n;
      expect(slashed <= owner.bond, "a slash never exceeds the bond").to.equal(true);
      // Burned: nobody, the task's owner least of all, can ever withdraw a slash.
      owner.bond -= slashed;
      owner.burned += slashed;
      owner.pool += round.reserved - paid;
      owner.activeRoundId = 0n;
      round.reserved = 0n;
      round.unclaimed = paid;
      round.stage = Stage.Settled;
      round.outcome = outcome;
      round.deadline = 0n;
      round.phase = outcome === Outcome.Passed ? Phase.Finalized : Phase.Failed;
      if (paysClients) for (const client of earners) round.owed.set(client, terms.clientReward);
      if (outcome === Outcome.Passed) {
        const aggregator = owner.aggregator.address;
        round.owed.set(aggregator, (round.owed.get(aggregator) ?? 0n) + terms.aggregatorReward);
      }
      this.count(`outcome ${Object.keys(Outcome).find((key) => Outcome[key as keyof typeof Outcome] === outcome)}`);
    }

    /**
     * A proven fraud: min(bond, aggregatorBond) slashed, the challenger owed its bond and half, each included account an
     * equal share of the rest, the remainder burned, the whole reserve back to the pool, no reward paid.
     */
    settleFraud(round: RoundModel, challenger: string): void {
      const { terms, task: owner } = round;
      const included = round.driven!.included.map((client) => client.address);
      const slashed = min(owner.bond, terms.aggregatorBond);
      expect(slashed <= owner.bond, "a slash never exceeds the bond").to.equal(true);
      const toChallenger = slashed / 2n;
      const share = (slashed - toChallenger) / BigInt(included.length);
      const remainder = slashed - toChallenger - share * BigInt(included.length);
      owner.bond -= slashed;
      owner.burned += remainder;
      owner.pool += round.reserved;
      owner.activeRoundId = 0n;
      round.reserved = 0n;
      round.unclaimed = toChallenger + CHALLENGE_BOND + share * BigInt(included.length);
      round.stage = Stage.Settled;
      round.outcome = Outcome.FraudProven;
      round.deadline = 0n;
      round.phase = Phase.Failed;
      for (const client of included) round.owed.set(client, (round.owed.get(client) ?? 0n) + share);
      round.owed.set(challenger, (round.owed.get(challenger) ?? 0n) + toChallenger + CHALLENGE_BOND);
      this.count("outcome FraudProven");
    }

    /**
     * The action that takes the task's round one step further: claims left over, a new round, the round's next
     * transaction, or advancing (settling) it once its phase's time is up.
     */
    async nextStep(step: Extract<Action, { kind: "progress" }>): Promise<Action | Action[]> {
      const round = this.tasks[step.task]!.lastRound;
      const { task } = step;
      if (round === undefined) return { kind: "openRound", task };
      if (isTerminal(round.phase)) {
        const candidates = this.claimCandidates(round).map((signer) => signer.address);
        const claimed = [...round.claimed];
        if (step.reclaim && claimed.length > 0) return { kind: "claim", round: this.rounds.indexOf(round), who: candidates.indexOf(claimed[0]!) };
        const unpaid = [...round.owed.keys()].filter((account) => !round.claimed.has(account));
        if (unpaid.length === 0) return { kind: "openRound", task };
        return unpaid.map((account) => ({ kind: "claim", round: this.rounds.indexOf(round), who: candidates.indexOf(account) }));
      }
      if (round.phase === Phase.Joining || round.phase === Phase.Aggregation) {
        const deadline = (await this.fixture.coordinator.round(round.roundId)).deadline;
        if (deadline < BigInt(await time.latest()) + 20n) return { kind: "advance", task, late: true };
        if (round.phase === Phase.Joining) {
          return { kind: "driveToAggregation", task, firstJoiner: step.firstJoiner, dropGroup: step.dropGroup };
        }
        // An aggregator that accepted less than the round's bond accepts it here (the model's aggregator is willing);
        // a slashed one tops its bond up before it can post again.
        if (round.task.acceptedBond < round.terms.aggregatorBond) {
          return { kind: "acceptTask", task, byAggregator: true, maxBond: round.terms.aggregatorBond };
        }
        if (round.task.bond < round.terms.aggregatorBond) return { kind: "depositBond", task, byAggregator: true, amount: 4n * UNIT };
        return { kind: "postAggregate", task, tampered: step.tampered };
      }
      if (round.stage === Stage.Challenge && step.challenge && !step.late) {
        // A watcher that recomputed the sum challenges the wrong leaf; otherwise someone tries a right one.
        return { kind: "challenge", task, leaf: round.tampered ? TAMPERED_LEAF : step.leaf, who: step.firstJoiner % 3, wrongBond: false };
      }
      if (round.stage === Stage.BatchSums && !step.late) return { kind: "postBatchSums", task, tampered: step.tampered, byAggregator: true };
      const everyoneCommitted = round.committed.size === (round.driven?.included.length ?? 0);
      if (round.stage === Stage.Commitments && !everyoneCommitted && !step.late) {
        const next = round.driven!.included.findIndex((client) => !round.committed.has(client.address));
        return { kind: "commit", task, who: next, all: step.all, lie: step.lie };
      }
      return { kind: "settle", task, afterDeadline: true };
    }

    /** Who may try to claim a round: its aggregator, its included clients, a stranger (a challenger) and the task owner. */
    claimCandidates(round: RoundModel): HardhatEthersSigner[] {
      return [round.task.aggregator, ...(round.driven?.included ?? []), this.fixture.stranger, round.task.owner];
    }

    async perform(step: Action): Promise<void> {
      const { coordinator, verifier, stranger } = this.fixture;
      switch (step.kind) {
        case "progress": {
          const next = await this.nextStep(step);
          for (const each of Array.isArray(next) ? next : [next]) await this.perform(each);
          return;
        }
        case "fundTask": {
          const model = this.tasks[step.task]!;
          const actor = this.actorFor(model, step.actor);
          await this.pin();
          const sent = verifier.connect(actor).fundTask(model.taskId, { value: step.amount });
          if (step.amount === 0n) return this.reverts(step.kind, sent, verifier, "VerifierZeroAmount");
          await this.succeeds(step.kind, sent);
          model.pool += step.amount;
          this.paidIn += step.amount;
          return;
        }
        case "setTerms": {
          const model = this.tasks[step.task]!;
          const actor = step.byOwner ? model.owner : stranger;
          await this.pin();
          const sent = verifier.connect(actor).setTerms(model.taskId, step.terms);
          if (!step.byOwner) return this.reverts(step.kind, sent, verifier, "VerifierNotTaskOwner", model.taskId, actor.address);
          if (model.activeRoundId !== 0n) {
            return this.reverts(step.kind, sent, verifier, "VerifierTaskBusy", model.taskId, model.activeRoundId);
          }
          if (step.terms.challengeDuration < 5n) {
            return this.reverts(step.kind, sent, verifier, "VerifierChallengeWindowTooShort", step.terms.challengeDuration, 5n);
          }
          await this.succeeds(step.kind, sent);
          model.terms = { ...step.terms };
          return;
        }
        case "withdrawPool": {
          const model = this.tasks[step.task]!;
          const actor = step.byOwner ? model.owner : stranger;
          const requested = [0n, model.pool / 2n, model.pool, model.pool + 1n][step.share]!;
          await this.pin();
          const send = () => verifier.connect(actor).withdrawPool(model.taskId, requested);
          if (!step.byOwner) return this.reverts(step.kind, send(), verifier, "VerifierNotTaskOwner", model.taskId, actor.address);
          if (requested === 0n) return this.reverts(step.kind, send(), verifier, "VerifierZeroAmount");
          if (requested > model.pool) {
            return this.reverts(step.kind, send(), verifier, "VerifierInsufficientPool", model.taskId, requested, model.pool);
          }
          await this.payout(step.kind, actor, requested, send);
          model.pool -= requested;
          return;
        }
        case "depositBond": {
          const model = this.tasks[step.task]!;
          const actor = step.byAggregator ? model.aggregator : stranger;
          await this.pin();
          const sent = verifier.connect(actor).depositBond(model.taskId, { value: step.amount });
          if (!step.byAggregator) return this.reverts(step.kind, sent, verifier, "VerifierNotAggregator", model.taskId, actor.address);
          if (step.amount === 0n) return this.reverts(step.kind, sent, verifier, "VerifierZeroAmount");
          await this.succeeds(step.kind, sent);
          model.bond += step.amount;
          this.paidIn += step.amount;
          return;
        }
        case "withdrawBond": {
          const model = this.tasks[step.task]!;
          const actor = step.byAggregator ? model.aggregator : stranger;
          const requested = [0n, model.bond / 2n, model.bond, model.bond + 1n][step.share]!;
          const active = model.lastRound;
          const locked =
            model.activeRoundId !== 0n &&
            (active?.stage === Stage.BatchSums || active?.stage === Stage.Commitments || active?.stage === Stage.Challenge);
          await this.pin();
          const send = () => verifier.connect(actor).withdrawBond(model.taskId, requested);
          if (!step.byAggregator) return this.reverts(step.kind, send(), verifier, "VerifierNotAggregator", model.taskId, actor.address);
          if (requested === 0n) return this.reverts(step.kind, send(), verifier, "VerifierZeroAmount");
          if (locked) return this.reverts(step.kind, send(), verifier, "VerifierBondLocked", model.taskId, model.activeRoundId);
          if (requested > model.bond) {
            return this.reverts(step.kind, send(), verifier, "VerifierInsufficientBond", model.taskId, requested, model.bond);
          }
          await this.payout(step.kind, actor, requested, send);
          model.bond -= requested;
          return;
        }
        case "acceptTask": {
          const model = this.tasks[step.task]!;
          const actor = step.byAggregator ? model.aggregator : stranger;
          await this.pin();
          const sent = verifier.connect(actor).acceptTask(model.taskId, step.maxBond);
          if (!step.byAggregator) return this.reverts(step.kind, sent, verifier, "VerifierNotAggregator", model.taskId, actor.address);
          await this.succeeds(step.kind, sent);
          model.acceptedBond = step.maxBond;
          return;
        }
        case "openRound": {
          const model = this.tasks[step.task]!;
          const last = model.lastRound;
          const reserve = MAX_CLIENTS * model.terms.clientReward + model.terms.aggregatorReward;
          await this.pin();
          const sent = coordinator.connect(model.owner).openRound(model.taskId, (await coordinator.task(model.taskId)).currentModelCid);
          if (last !== undefined && !isTerminal(last.phase)) {
            return this.reverts(step.kind, sent, coordinator, "CoordinatorRoundInProgress", model.taskId, last.roundId);
          }
          if (reserve > model.pool) {
            return this.reverts(step.kind, sent, verifier, "VerifierInsufficientPool", model.taskId, reserve, model.pool);
          }
          await this.succeeds(step.kind, sent);
          const round: RoundModel = {
            roundId: BigInt(this.rounds.length + 1),
            task: model,
            phase: Phase.Joining,
            stage: Stage.Reserved,
            outcome: Outcome.None,
            terms: { ...model.terms },
            reserved: reserve,
            unclaimed: 0n,
            deadline: 0n,
            aggregateBlock: 0n,
            batchSumsBlock: 0n,
            driven: undefined,
            sum: undefined,
            challengeCount: 0,
            sampleSeed: undefined,
            posted: undefined,
            tampered: false,
            lied: false,
            committed: new Set(),
            claimed: new Set(),
            owed: new Map(),
          };
          expect(await coordinator.latestRound(model.taskId)).to.equal(round.roundId);
          model.pool -= reserve;
          model.activeRoundId = round.roundId;
          model.lastRound = round;
          this.rounds.push(round);
          return;
        }
        case "driveToAggregation": {
          const model = this.tasks[step.task]!;
          const round = model.lastRound;
          // Joining only, with time left for the joins (another task's deadline jumps may have closed it).
          if (round === undefined || round.phase !== Phase.Joining) return this.count(`${step.kind}: skipped`);
          if ((await coordinator.round(round.roundId)).deadline < BigInt(await time.latest()) + 20n) {
            return this.count(`${step.kind}: skipped`);
          }
          const joiners = this.fixture.clients.slice(step.firstJoiner, step.firstJoiner + Number(MAX_CLIENTS));
          const common = {
            coordinator,
            verifier,
            taskId: model.taskId,
            owner: model.owner,
            aggregator: model.aggregator,
            keeper: stranger,
            clients: this.fixture.clients,
            roundId: round.roundId,
            updateSeed: ++this.updateSeed,
            until: "aggregation" as const,
          };
          // Mash: one group drops out at submission; Shamir: one client never submits.
          const driven =
            model.mode === Mode.Mash
              ? await driveMashRound({ ...common, behaviour: { joiners, groupsSilentAtSubmit: step.dropGroup ? [1] : [] } })
              : await driveShamirRound({
                  ...common,
                  shamir: this.fixture.shamir,
                  servers: this.fixture.servers,
                  behaviour: { joiners, nonSubmitters: step.dropGroup ? 1 : 0 },
                });
          expect(driven.phase).to.equal(Phase.Aggregation);
          this.count(`${step.kind}: ok`);
          round.driven = driven;
          round.phase = Phase.Aggregation;
          return;
        }
        case "postAggregate": {
          const model = this.tasks[step.task]!;
          const round = model.lastRound;
          if (round === undefined || round.phase !== Phase.Aggregation) return this.count(`${step.kind}: skipped`);
          const timestamp = await this.pin();
          const deadline = (await coordinator.round(round.roundId)).deadline;
          // Mash: the sum's real commitment, of the true sum or of one off by one at TAMPERED_COORDINATE.
          let aggregateHash = ethers.id(`aggregate ${round.roundId}`);
          let sum: CommittedVector | undefined;
          if (model.mode === Mode.Mash) {
            const posted = round.driven!.aggregate.slice();
            if (step.tampered) posted[TAMPERED_COORDINATE] += 1;
            sum = commitAggregateSum(posted, ethers.id(`aggregate ${round.roundId}`));
            aggregateHash = sum.commitment;
          }
          const sent = coordinator.connect(model.aggregator).postAggregate(round.roundId, "bafkreiaggregate", "bafkreinextmodel", aggregateHash);
          if (timestamp > deadline) {
            return this.reverts(step.kind, sent, coordinator, "CoordinatorDeadlinePassed", round.roundId, Phase.Aggregation, deadline);
          }
          if (round.terms.aggregatorBond > model.acceptedBond) {
            return this.reverts(step.kind, sent, verifier, "VerifierBondNotAccepted", model.taskId, round.terms.aggregatorBond, model.acceptedBond);
          }
          if (model.bond < round.terms.aggregatorBond) {
            return this.reverts(step.kind, sent, verifier, "VerifierInsufficientBond", model.taskId, round.terms.aggregatorBond, model.bond);
          }
          const receipt = await this.succeeds(step.kind, sent);
          round.phase = Phase.Verification;
          round.aggregateBlock = BigInt(receipt.blockNumber);
          if (model.mode === Mode.Mash) {
            round.stage = Stage.Challenge;
            round.deadline = timestamp + round.terms.challengeDuration;
            round.sum = sum;
            round.tampered = step.tampered;
          } else {
            round.stage = Stage.BatchSums;
            round.deadline = timestamp + BATCH_SUMS_DURATION;
          }
          return;
        }
        case "challenge": {
          const model = this.tasks[step.task]!;
          const round = model.lastRound;
          if (round === undefined) return this.count(`${step.kind}: skipped`);
          const { library } = this.fixture;
          const challenger = [stranger, round.driven?.included[0] ?? stranger, model.aggregator][step.who]!;
          const value = step.wrongBond ? CHALLENGE_BOND - 1n : CHALLENGE_BOND;
          const vectors = round.driven?.vectors;
          // Real openings of the leaf (of the last one for a leaf past the end); none before there is anything to open.
          const [, openings, aggregate] =
            vectors !== undefined && round.sum !== undefined
              ? challengeArguments(vectors, round.sum, Math.min(step.leaf, LEAVES - 1))
              : [0, [], { payloadHash: ethers.ZeroHash, values: "0x", proof: [] }];
          const timestamp = await this.pin();
          const send = () => verifier.connect(challenger).challenge(round.roundId, step.leaf, openings, aggregate, { value });
          if (model.mode !== Mode.Mash) return this.reverts(step.kind, send(), verifier, "VerifierNotChallengeable", round.roundId);
          if (round.stage !== Stage.Challenge) {
            return this.reverts(step.kind, send(), verifier, "VerifierUnexpectedStage", round.roundId, round.stage, Stage.Challenge);
          }
          if (timestamp > round.deadline) return this.reverts(step.kind, send(), verifier, "VerifierDeadlinePassed", round.roundId, round.deadline);
          if (step.wrongBond) return this.reverts(step.kind, send(), verifier, "VerifierWrongChallengeBond", value, CHALLENGE_BOND);
          if (step.leaf >= LEAVES) return this.reverts(step.kind, send(), library, "FraudProofLeafOutOfRange", step.leaf, LEAVES);
          // The challenger's bond is paid in whatever happens; only a claim brings it back.
          this.paidIn += CHALLENGE_BOND;
          round.challengeCount += 1;
          if (round.tampered && step.leaf === TAMPERED_LEAF) {
            await this.succeeds(`${step.kind} upheld`, send());
            this.settleFraud(round, challenger.address);
            return;
          }
          await this.succeeds(`${step.kind} rejected`, send());
          model.burned += CHALLENGE_BOND;
          return;
        }
        case "postBatchSums": {
          const model = this.tasks[step.task]!;
          const round = model.lastRound;
          if (round === undefined) return this.count(`${step.kind}: skipped`);
          const sender = step.byAggregator ? model.aggregator : stranger;
          const timestamp = await this.pin();
          const nextBlock = await this.nextBlock();
          const ready = round.stage === Stage.BatchSums && timestamp <= round.deadline && nextBlock - round.aggregateBlock <= BLOCKHASH_WINDOW;
          let packed = `0x${"00".repeat(PARTITIONS * BATCHES * 8)}`;
          if (ready && step.byAggregator) {
            round.sampleSeed = await this.blockSeed(round.aggregateBlock, round.roundId, "sample");
            const sums = batchSums(round.driven!.aggregate, round.sampleSeed as `0x${string}`, PARTITIONS, BATCHES);
            if (step.tampered) sums[0] += 1n;
            packed = encodeBatchSums(sums);
          }
          const sent = verifier.connect(sender).postBatchSums(round.roundId, packed);
          if (!step.byAggregator) return this.reverts(step.kind, sent, verifier, "VerifierNotAggregator", model.taskId, sender.address);
          if (round.stage !== Stage.BatchSums) {
            return this.reverts(step.kind, sent, verifier, "VerifierUnexpectedStage", round.roundId, round.stage, Stage.BatchSums);
          }
          if (timestamp > round.deadline) return this.reverts(step.kind, sent, verifier, "VerifierDeadlinePassed", round.roundId, round.deadline);
          if (!ready) return this.reverts(step.kind, sent, verifier, "VerifierSeedExpired", round.roundId, round.aggregateBlock);
          const receipt = await this.succeeds(step.kind, sent);
          round.stage = Stage.Commitments;
          round.deadline = timestamp + COMMIT_DURATION;
          round.batchSumsBlock = BigInt(receipt.blockNumber);
          round.posted = packed;
          round.tampered = step.tampered;
          return;
        }
        case "commit": {
          const round = this.tasks[step.task]!.lastRound;
          if (round === undefined) return this.count(`${step.kind}: skipped`);
          const included = round.driven?.included ?? [];
          const clients = step.all ? included.filter((client) => !round.committed.has(client.address)) : [this.pick(round, step.who)];
          for (const client of clients) await this.commit(round, client, step.lie);
          return;
        }
        case "settle": {
          const round = this.tasks[step.task]!.lastRound;
          if (round === undefined) return this.count(`${step.kind}: skipped`);
          const timestamp = await this.pin(step.afterDeadline && round.deadline > 0n ? round.deadline + 1n : 0n);
          const sent = verifier.connect(stranger).settle(round.roundId, round.posted ?? "0x");
          let outcome: Outcome;
          if (round.stage === Stage.Challenge) {
            if (timestamp <= round.deadline) {
              return this.reverts(step.kind, sent, verifier, "VerifierDeadlineNotPassed", round.roundId, round.deadline);
            }
            // The window closed without a proven fraud: the round passes, even a tampered one nobody proved.
            outcome = Outcome.Passed;
            if (round.tampered) this.count("a tampered sum passed unchallenged");
          } else if (round.stage === Stage.BatchSums) {
            if (timestamp <= round.deadline) {
              return this.reverts(step.kind, sent, verifier, "VerifierDeadlineNotPassed", round.roundId, round.deadline);
            }
            outcome = Outcome.BatchSumsMissing;
          } else if (round.stage !== Stage.Commitments) {
            return this.reverts(step.kind, sent, verifier, "VerifierUnexpectedStage", round.roundId, round.stage, Stage.Commitments);
          } else if (round.committed.size < round.driven!.included.length) {
            if (timestamp <= round.deadline) {
              return this.reverts(step.kind, sent, verifier, "VerifierDeadlineNotPassed", round.roundId, round.deadline);
            }
            outcome = Outcome.CommitmentsMissing;
          } else if (round.tampered || round.lied) {
            outcome = Outcome.Failed;
          } else {
            outcome = Outcome.Passed;
          }
          await this.succeeds(step.kind, sent);
          this.settleBooks(round, outcome);
          return;
        }
        case "claim": {
          const known = [...this.rounds];
          const round = known[step.round % (known.length + 1)];
          if (round === undefined) {
            const unknownId = BigInt(known.length + 1);
            await this.pin();
            const sent = verifier.connect(stranger).claim(unknownId);
            return this.reverts(step.kind, sent, verifier, "VerifierUnknownRound", unknownId);
          }
          const candidates = this.claimCandidates(round);
          const account = candidates[step.who % candidates.length]!;
          const owed = round.owed.get(account.address) ?? 0n;
          await this.pin();
          const send = () => verifier.connect(account).claim(round.roundId);
          if (round.claimed.has(account.address)) {
            return this.reverts(step.kind, send(), verifier, "VerifierAlreadyClaimed", round.roundId, account.address);
          }
          if (owed === 0n) return this.reverts(step.kind, send(), verifier, "VerifierNothingToClaim", round.roundId, account.address);
          await this.payout(step.kind, account, owed, send);
          round.claimed.add(account.address);
          round.unclaimed -= owed;
          return;
        }
        case "cancelRound": {
          const model = this.tasks[step.task]!;
          const round = model.lastRound;
          if (round === undefined) return this.count(`${step.kind}: skipped`);
          const actor = step.byOwner ? model.owner : stranger;
          await this.pin();
          const sent = coordinator.connect(actor).cancelRound(round.roundId);
          if (!step.byOwner) return this.reverts(step.kind, sent, coordinator, "CoordinatorNotTaskOwner", model.taskId, actor.address);
          if (round.phase !== Phase.Joining) {
            const allowed = model.mode === Mode.Mash ? CANCEL_PHASES : SHAMIR_CANCEL_PHASES;
            return this.reverts(step.kind, sent, coordinator, "CoordinatorUnexpectedPhase", round.roundId, round.phase, allowed);
          }
          await this.succeeds(step.kind, sent);
          this.release(round);
          return;
        }
        case "advance": {
          const round = this.tasks[step.task]!.lastRound;
          if (round === undefined) return this.count(`${step.kind}: skipped`);
          const timed = round.phase === Phase.Joining || round.phase === Phase.Aggregation;
          const deadline = (await coordinator.round(round.roundId)).deadline;
          const timestamp = await this.pin(step.late && timed ? deadline + 1n : 0n);
          const sent = coordinator.connect(stranger).advance(round.roundId);
          if (!timed) {
            const allowed = round.task.mode === Mode.Mash ? ADVANCE_PHASES : SHAMIR_ADVANCE_PHASES;
            return this.reverts(step.kind, sent, coordinator, "CoordinatorUnexpectedPhase", round.roundId, round.phase, allowed);
          }
          if (timestamp <= deadline) {
            return this.reverts(step.kind, sent, coordinator, "CoordinatorDeadlineNotPassed", round.roundId, round.phase, deadline);
          }
          // Joining fails for want of clients (none joined); Aggregation fails for want of the aggregate.
          await this.succeeds(step.kind, sent);
          this.release(round);
          return;
        }
      }
    }

    /** An included client by index, or a client outside the aggregate (who = -1, or before any is included). */
    pick(round: RoundModel, who: number): HardhatEthersSigner {
      const included = round.driven?.included ?? [];
      if (who < 0 || included.length === 0) {
        return this.fixture.clients.find((client) => !included.includes(client)) ?? this.fixture.stranger;
      }
      return included[who % included.length]!;
    }

    async commit(round: RoundModel, client: HardhatEthersSigner, lie: boolean): Promise<void> {
      const { verifier } = this.fixture;
      const timestamp = await this.pin();
      const nextBlock = await this.nextBlock();
      const included = round.driven?.included.includes(client) ?? false;
      const seedExpired = round.committed.size === 0 && nextBlock - round.batchSumsBlock > BLOCKHASH_WINDOW;
      let point = { x: 0n, y: 0n };
      if (included && round.stage === Stage.Commitments && !seedExpired) {
        const update = Int32Array.from(round.driven!.updates.get(client.address)!);
        if (lie) update[0] += 1;
        point = commitBatchSums({
          batchSums: batchSums(update, round.sampleSeed as `0x${string}`, PARTITIONS, BATCHES),
          weightSeed: await this.blockSeed(round.batchSumsBlock, round.roundId, "weight"),
          m: PARTITIONS,
          k: BATCHES,
        });
      }
      const sent = verifier.connect(client).commit(round.roundId, point.x, point.y);
      if (!included) return this.reverts("commit", sent, verifier, "VerifierNotIncluded", round.roundId, client.address);
      if (round.committed.has(client.address)) {
        return this.reverts("commit", sent, verifier, "VerifierAlreadyCommitted", round.roundId, client.address);
      }
      if (round.stage !== Stage.Commitments) {
        return this.reverts("commit", sent, verifier, "VerifierUnexpectedStage", round.roundId, round.stage, Stage.Commitments);
      }
      if (timestamp > round.deadline) return this.reverts("commit", sent, verifier, "VerifierDeadlinePassed", round.roundId, round.deadline);
      if (seedExpired) return this.reverts("commit", sent, verifier, "VerifierSeedExpired", round.roundId, round.batchSumsBlock);
      await this.succeeds("commit", sent);
      round.committed.add(client.address);
      round.lied ||= lie;
    }

    /**
     * The books: balance == totalOwed + totalBurned, totalOwed == Σ views == the model's, totalBurned == Σ burned ==
     * the model's, each view as modelled, each account paid as owed.
     */
    async expectBooks(): Promise<void> {
      const { coordinator, verifier } = this.fixture;
      const balance = await ethers.provider.getBalance(await verifier.getAddress());
      const totalOwed = await verifier.totalOwed();
      const totalBurned = await verifier.totalBurned();
      expect(balance, "balance == totalOwed() + totalBurned()").to.equal(totalOwed + totalBurned);
      let viewSum = 0n;
      let modelSum = 0n;
      let burnedViewSum = 0n;
      let burnedModelSum = 0n;
      for (const model of this.tasks) {
        const funds = await verifier.taskFunds(model.taskId);
        viewSum += funds.pool + funds.bond;
        modelSum += model.pool + model.bond;
        burnedViewSum += funds.burned;
        burnedModelSum += model.burned;
        expect(
          [funds.pool, funds.bond, funds.activeRoundId, funds.acceptedBond, funds.burned],
          `task ${model.taskId} pool, bond, active round, accepted bond, burned`,
        ).to.deep.equal([model.pool, model.bond, model.activeRoundId, model.acceptedBond, model.burned]);
        expect([funds.terms.aggregatorBond, funds.terms.clientReward, funds.terms.aggregatorReward, funds.terms.challengeDuration]).to.deep.equal([
          model.terms.aggregatorBond,
          model.terms.clientReward,
          model.terms.aggregatorReward,
          model.terms.challengeDuration,
        ]);
      }
      for (const round of this.rounds) {
        const view = await verifier.verification(round.roundId);
        viewSum += view.reserved + view.unclaimed;
        modelSum += round.reserved + round.unclaimed;
        expect(
          [view.stage, view.outcome, view.reserved, view.unclaimed, view.committedCount, view.challengeCount, view.deadline],
          `round ${round.roundId} stage, outcome, reserved, unclaimed, commitments, challenges, deadline`,
        ).to.deep.equal([
          BigInt(round.stage),
          BigInt(round.outcome),
          round.reserved,
          round.unclaimed,
          BigInt(round.committed.size),
          BigInt(round.challengeCount),
          round.deadline,
        ]);
        expect(await coordinator.phase(round.roundId), `round ${round.roundId} phase`).to.equal(round.phase);
      }
      expect(viewSum, "Σ pools + bonds + reserves + unclaimed").to.equal(totalOwed);
      expect(modelSum, "the model's books").to.equal(totalOwed);
      expect(burnedViewSum, "Σ burned == totalBurned()").to.equal(totalBurned);
      expect(burnedModelSum, "the model's burned slashes").to.equal(totalBurned);
      expect(this.paidOut <= this.paidIn, "paid out <= paid in").to.equal(true);
      expect(this.paidIn - this.paidOut, "paid in − paid out == balance").to.equal(balance);
      for (const [account, received] of this.received) {
        expect(received, `${account} received what it was owed`).to.equal(this.owedPayouts.get(account));
      }
    }
  }

  it("keeps balance == totalOwed == Σ views and pays every account exactly what it is owed, over random action sequences", async function () {
    const stats = new Map<string, number>();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 30, maxLength: 70, size: "max" }), async (actions) => {
          const run = new Run(await loadFixture(deployTwoTasksFixture), stats);
          await run.expectBooks();
          for (const step of actions) {
            await run.perform(step);
            await run.expectBooks();
          }
        }),
        // Shrinking replays whole chains of transactions and can take minutes; FC_SHRINK=1 turns it on.
        { numRuns: NUM_RUNS, seed: SEED, endOnFailure: process.env.FC_SHRINK !== "1" },
      );
    } catch (error) {
      console.log(`    invariant test failed with FC_SEED=${SEED} FC_NUM_RUNS=${NUM_RUNS}`);
      throw error;
    }
    const lines = [...stats.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([label, count]) => `${label} ×${count}`);
    console.log(`    ${NUM_RUNS} runs, seed ${SEED}: ${lines.join(", ")}`);
    // Runs that never reach an outcome or a payout would make the property vacuous: require them all.
    const reached = ["Passed", "Failed", "BatchSumsMissing", "CommitmentsMissing", "FraudProven", "Released"].map(
      (outcome) => stats.get(`outcome ${outcome}`) ?? 0,
    );
    expect(reached.every((count) => count > 0), "every outcome reached").to.equal(true);
    expect(stats.get("claim: ok") ?? 0, "paid claims").to.be.greaterThan(0);
    expect(stats.get("challenge rejected: ok") ?? 0, "rejected challenges").to.be.greaterThan(0);
    expect(stats.get("challenge upheld: ok") ?? 0, "upheld challenges").to.be.greaterThan(0);
    expect(stats.get("claim: VerifierAlreadyClaimed") ?? 0, "second claims").to.be.greaterThan(0);
  });
});
