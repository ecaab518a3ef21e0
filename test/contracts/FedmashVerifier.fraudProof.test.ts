// MASH fraud proofs on real data (docs/VERIFICATION.md, "Fraud proofs"): a task of 40 coordinates (three leaves of 16,
// the last one partial), seven clients (a holder and two groups of three), each masking its quantized update with the
// real TypeScript mask group, rlwr-2048 and paper-compat, seeds from group.randomSeed and the holder's minus their
// sum, so the masks cancel as in a round. Every submission commits keccak256(payloadHash ‖ Merkle root of the masked
// vector), the aggregate keccak256(payloadHash ‖ root of the int64 sum), and FedmashVerifier.challenge recomputes one
// leaf on-chain. Checked: an honest sum survives every challenge (the bond is burned) and passes after the window,
// paying every included account; a wrong sum (off by one, or beyond what decodes) is proven, slashing the aggregator,
// paying the challenger bond + half and the included clients the rest; a challenge of the wrong leaf loses its bond but
// does not stop the right one; openings that are not the committed ones revert and move no money. The two attacks the
// fraud proofs close are first-class tests: H2 (a cheating aggregator kept its bond) and H1 (one client vetoed an honest
// round). The gas of a challenge at this size is printed.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { FunctionFragment, parseEther, type ContractTransactionResponse } from "ethers";
import type { FedmashVerifier } from "../../typechain-types";
import type { AggregateFraudProof } from "../../typechain-types/contracts/FedmashVerifier";
import { getMaskGroup } from "../../workers/crypto/mask/getMaskGroup";
import type { MaskGroupId } from "../../workers/crypto/mask/maskGroup";
import { deployFedmash } from "../helpers/deployFedmash";
import { driveMashRound, type MashRoundBehaviour } from "../helpers/driveMashRound";
import { driveShamirRound } from "../helpers/driveShamirRound";
import { encryptionKey } from "../helpers/encryptionKey";
import { MaskGroup, Mode, Phase, Role } from "../helpers/enums";
import {
  challengeArguments,
  commitAggregateSum,
  commitRawSum,
  openingOf,
  type CommittedVector,
} from "../helpers/mashVectors";
import { taskConfig } from "../helpers/taskConfig";
import { Outcome, Stage, VerifierFailureReason } from "../helpers/verifierEnums";

const TASK_ID = 1n;
/** Three leaves: 0–15, 16–31 and 32–39 (the last one partial). */
const MODEL_SIZE = 40;
const LEAVES = 3;
/** A holder and two groups of three. */
const MAX_CLIENTS = 7;
const GROUP_SIZE = 3;
/** Not even: the slash's halves and shares leave a remainder, which is burned. */
const AGGREGATOR_BOND = parseEther("1") + 3n;
const CLIENT_REWARD = parseEther("0.1");
const AGGREGATOR_REWARD = parseEther("0.5");
const RESERVE = BigInt(MAX_CLIENTS) * CLIENT_REWARD + AGGREGATOR_REWARD;
const POOL = parseEther("3");
const CHALLENGE_DURATION = 600n;
const CHALLENGE_BOND = parseEther("0.01");
const MODEL_CID = "bafkreifraudproofmodel";
const NEXT_MODEL_CID = "bafkreifraudproofnextmodel";
const AGGREGATE_CID = "bafkreifraudproofaggregate";
const AGGREGATE_PAYLOAD_HASH = ethers.id(AGGREGATE_CID);
/** The coordinate a tampered sum gets wrong: in the last, partial leaf. */
const TAMPERED_COORDINATE = 37;
const TAMPERED_LEAF = 2;

const GROUPS: readonly { id: MaskGroupId; code: number }[] = [
  { id: "rlwr-2048", code: MaskGroup.Rlwr2048 },
  { id: "paper-compat", code: MaskGroup.PaperCompat },
];

/** Gas of every challenge sent, by group and kind, printed at the end. */
const challengeGas = new Map<string, bigint[]>();

async function gasOf(label: string, transaction: Promise<ContractTransactionResponse>): Promise<ContractTransactionResponse> {
  const sent = await transaction;
  const receipt = await sent.wait();
  challengeGas.set(label, [...(challengeGas.get(label) ?? []), receipt!.gasUsed]);
  return sent;
}

/** What a failed call must leave untouched: the verifier's balance and books and the round's challenge count. */
async function moneySnapshot(verifier: FedmashVerifier, roundId: bigint) {
  const verification = await verifier.verification(roundId);
  return {
    balance: await ethers.provider.getBalance(await verifier.getAddress()),
    totalOwed: await verifier.totalOwed(),
    totalBurned: await verifier.totalBurned(),
    funds: (await verifier.taskFunds(TASK_ID)).toString(),
    challengeCount: verification.challengeCount,
    stage: verification.stage,
  };
}

async function expectBalanced(verifier: FedmashVerifier): Promise<void> {
  const balance = await ethers.provider.getBalance(await verifier.getAddress());
  expect(balance).to.equal((await verifier.totalOwed()) + (await verifier.totalBurned()));
}

describe("FedmashVerifier: MASH fraud proofs on real masked vectors", function () {
  after(function () {
    const rows = [...challengeGas.entries()].map(([label, values]) => {
      const low = values.reduce((a, b) => (a < b ? a : b));
      const high = values.reduce((a, b) => (a > b ? a : b));
      return `    ${label}: ${low === high ? low : `${low}–${high}`} gas (${values.length} calls)`;
    });
    console.log(`\n  challenge gas, d = ${MODEL_SIZE}, N = ${MAX_CLIENTS} vectors:\n${rows.join("\n")}`);
  });

  for (const group of GROUPS) {
    describe(`in ${group.id}`, function () {
      async function taskFixture() {
        const signers = await ethers.getSigners();
        const [owner, aggregator, keeper, challenger, secondChallenger] = signers;
        const clients = signers.slice(5, 5 + MAX_CLIENTS);
        const { registry, coordinator, verifier } = await deployFedmash();
        await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
        for (const [index, client] of clients.entries()) {
          await registry.connect(client).register(Role.Client, encryptionKey(`client${index}`).compressed);
        }
        const config = taskConfig({
          mode: Mode.Mash,
          aggregator: aggregator.address,
          modelSize: MODEL_SIZE,
          // The default floor on the included set is max(3, minClients): four lets H1 leave a group out.
          minClients: 4,
          maxClients: MAX_CLIENTS,
          groupSize: GROUP_SIZE,
          maskGroup: group.code,
        });
        await coordinator.connect(owner).createTask(config, MODEL_CID);
        await verifier.connect(owner).setTerms(TASK_ID, {
          aggregatorBond: AGGREGATOR_BOND,
          clientReward: CLIENT_REWARD,
          aggregatorReward: AGGREGATOR_REWARD,
          challengeDuration: CHALLENGE_DURATION,
        });
        await verifier.connect(owner).fundTask(TASK_ID, { value: POOL });
        await verifier.connect(aggregator).acceptTask(TASK_ID, AGGREGATOR_BOND);
        // Twice the round's bond: a proven fraud takes exactly aggregatorBond of it.
        await verifier.connect(aggregator).depositBond(TASK_ID, { value: 2n * AGGREGATOR_BOND });
        return { coordinator, verifier, owner, aggregator, keeper, challenger, secondChallenger, clients };
      }

      type TaskFixture = Awaited<ReturnType<typeof taskFixture>>;

      async function aggregating(fixture: TaskFixture, behaviour: MashRoundBehaviour = {}) {
        const { coordinator, verifier, owner, aggregator, keeper, clients } = fixture;
        const round = await driveMashRound({
          coordinator,
          verifier,
          taskId: TASK_ID,
          owner,
          aggregator,
          keeper,
          clients,
          behaviour,
          until: "aggregation",
        });
        expect(round.phase).to.equal(Phase.Aggregation);
        return round;
      }

      /** Every group submitted: seven included vectors (six members and the holder), the aggregate due. */
      async function aggregatingFixture() {
        const fixture = await loadFixture(taskFixture);
        return { ...fixture, round: await aggregating(fixture) };
      }

      type AggregatingFixture = Awaited<ReturnType<typeof aggregatingFixture>>;

      /** The aggregator posts `sum` (its commitment is the aggregateHash). */
      async function post({ coordinator, aggregator, round }: AggregatingFixture, sum: CommittedVector) {
        return coordinator.connect(aggregator).postAggregate(round.roundId, AGGREGATE_CID, NEXT_MODEL_CID, sum.commitment);
      }

      async function honestFixture() {
        const fixture = await loadFixture(aggregatingFixture);
        const sum = commitAggregateSum(fixture.round.aggregate, AGGREGATE_PAYLOAD_HASH);
        await post(fixture, sum);
        return { ...fixture, sum };
      }

      async function tamperedFixture() {
        const fixture = await loadFixture(aggregatingFixture);
        const tampered = fixture.round.aggregate.slice();
        tampered[TAMPERED_COORDINATE] += 1;
        const sum = commitAggregateSum(tampered, AGGREGATE_PAYLOAD_HASH);
        await post(fixture, sum);
        return { ...fixture, sum };
      }

      type PostedFixture = Awaited<ReturnType<typeof honestFixture>>;

      function challenge(fixture: PostedFixture, challenger: HardhatEthersSigner, leafIndex: number, value = CHALLENGE_BOND) {
        const [leaf, openings, aggregate] = challengeArguments(fixture.round.vectors, fixture.sum, leafIndex);
        return fixture.verifier.connect(challenger).challenge(fixture.round.roundId, leaf, openings, aggregate, { value });
      }

      /** The library's errors bubble up through the verifier; this handle decodes them. */
      async function library(verifier: FedmashVerifier) {
        return ethers.getContractAt("AggregateFraudProof", await verifier.getAddress());
      }

      it("commits real masked vectors whose masks cancel: the sum of the seven decodes to the sum of the updates", async function () {
        const { coordinator, round } = await loadFixture(aggregatingFixture);
        expect(round.included).to.have.length(MAX_CLIENTS);
        expect(round.included[MAX_CLIENTS - 1]).to.equal(round.holder);
        const masked = round.included.map((client) => round.masked.get(client.address)!);
        const decoded = await getMaskGroup(group.id, { kernel: "ts" }).aggregate({ masked, bound: MAX_CLIENTS * 10_000 });
        expect([...decoded]).to.deep.equal([...round.aggregate]);
        // A masked vector alone says nothing: it is not its update.
        expect(masked[0]!.length).to.equal(MODEL_SIZE * (group.id === "rlwr-2048" ? 2 : 3));
        for (const [index, client] of round.included.entries()) {
          expect((await coordinator.submission(round.roundId, client.address)).contentHash).to.equal(round.vectors[index]!.commitment);
        }
        expect(round.vectors[0]!.tree.leafCount).to.equal(LEAVES);
      });

      describe("an honest aggregate", function () {
        it("opens the challenge window at the aggregate, with no batch sums, seeds or commitments", async function () {
          const fixture = await loadFixture(aggregatingFixture);
          const { verifier, round } = fixture;
          const sum = commitAggregateSum(round.aggregate, AGGREGATE_PAYLOAD_HASH);
          const posted = post(fixture, sum);
          await expect(posted).to.emit(verifier, "ChallengeWindowOpened").withArgs(round.roundId, sum.commitment, anyValue);
          const started = await verifier.verification(round.roundId);
          const block = await ethers.provider.getBlock("latest");
          expect([started.stage, started.deadline, started.includedCount, started.aggregateHash]).to.deep.equal([
            BigInt(Stage.Challenge),
            BigInt(block!.timestamp) + CHALLENGE_DURATION,
            BigInt(MAX_CLIENTS),
            sum.commitment,
          ]);
          expect([started.batchSumsHash, started.sampleSeed, started.weightSeed]).to.deep.equal([ethers.ZeroHash, ethers.ZeroHash, ethers.ZeroHash]);
          await expect(verifier.recordSeed(round.roundId))
            .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
            .withArgs(round.roundId, Stage.Challenge, Stage.BatchSums);
          await expect(verifier.connect(round.included[0]!).commit(round.roundId, 0, 0))
            .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
            .withArgs(round.roundId, Stage.Challenge, Stage.Commitments);
        });

        it("rejects a challenge of every leaf, burning each bond, and passes after the window, paying every included account", async function () {
          const fixture = await loadFixture(honestFixture);
          const { coordinator, verifier, aggregator, keeper, challenger, round } = fixture;
          const burnedBefore = await verifier.totalBurned();
          for (let leafIndex = 0; leafIndex < LEAVES; leafIndex++) {
            const sent = gasOf(`${group.id} challenge rejected, leaf ${leafIndex} (${leafIndex === LEAVES - 1 ? 8 : 16} coordinates recomputed)`, challenge(fixture, challenger, leafIndex));
            await expect(sent).to.emit(verifier, "ChallengeRejected").withArgs(round.roundId, challenger.address, leafIndex, CHALLENGE_BOND);
            await expect(sent).to.changeEtherBalances([challenger, verifier], [-CHALLENGE_BOND, CHALLENGE_BOND]);
            await expect(sent).not.to.emit(verifier, "AggregatorSlashed");
          }
          expect(await verifier.totalBurned()).to.equal(burnedBefore + BigInt(LEAVES) * CHALLENGE_BOND);
          expect((await verifier.taskFunds(TASK_ID)).burned).to.equal(BigInt(LEAVES) * CHALLENGE_BOND);
          const during = await verifier.verification(round.roundId);
          expect([during.stage, during.challengeCount, during.challenger]).to.deep.equal([BigInt(Stage.Challenge), BigInt(LEAVES), ethers.ZeroAddress]);
          await expectBalanced(verifier);

          // The window goes on: settling waits for its deadline.
          await expect(verifier.connect(keeper).settle(round.roundId, "0x"))
            .to.be.revertedWithCustomError(verifier, "VerifierDeadlineNotPassed")
            .withArgs(round.roundId, during.deadline);
          await time.increaseTo(during.deadline + 1n);
          const paid = AGGREGATOR_REWARD + BigInt(MAX_CLIENTS) * CLIENT_REWARD;
          const settled = verifier.connect(keeper).settle(round.roundId, "0x");
          await expect(settled)
            .to.emit(verifier, "VerificationSettled")
            .withArgs(TASK_ID, round.roundId, Outcome.Passed, 0, MAX_CLIENTS, paid, 0, 0);
          await expect(settled).to.emit(coordinator, "RoundFinalized").withArgs(TASK_ID, round.roundId, NEXT_MODEL_CID);
          expect((await coordinator.task(TASK_ID)).currentModelCid).to.equal(NEXT_MODEL_CID);

          for (const client of round.included) {
            await expect(verifier.connect(client).claim(round.roundId)).to.changeEtherBalance(client, CLIENT_REWARD);
          }
          await expect(verifier.connect(aggregator).claim(round.roundId)).to.changeEtherBalance(aggregator, AGGREGATOR_REWARD);
          // The rejected challenger is owed nothing; the aggregator keeps its whole bond and can take it back.
          await expect(verifier.connect(challenger).claim(round.roundId))
            .to.be.revertedWithCustomError(verifier, "VerifierNothingToClaim")
            .withArgs(round.roundId, challenger.address);
          const funds = await verifier.taskFunds(TASK_ID);
          expect([funds.bond, funds.pool, funds.activeRoundId]).to.deep.equal([2n * AGGREGATOR_BOND, POOL - paid, 0n]);
          await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, 2n * AGGREGATOR_BOND)).to.changeEtherBalance(
            aggregator,
            2n * AGGREGATOR_BOND,
          );
          expect((await verifier.verification(round.roundId)).unclaimed).to.equal(0n);
          await expectBalanced(verifier);
        });
      });

      describe("a tampered aggregate", function () {
        /** The split of a slash among the challenger and the included accounts. */
        function split(slashed: bigint) {
          const toChallenger = slashed / 2n;
          const share = (slashed - toChallenger) / BigInt(MAX_CLIENTS);
          return { toChallenger, share, remainder: slashed - toChallenger - share * BigInt(MAX_CLIENTS) };
        }

        async function expectFraudSettled(fixture: PostedFixture, sent: Promise<ContractTransactionResponse>, coordinate: number, challenger: HardhatEthersSigner) {
          const { coordinator, verifier, aggregator, round } = fixture;
          const { toChallenger, share } = split(AGGREGATOR_BOND);
          await expect(sent)
            .to.emit(verifier, "AggregateFraudProven")
            .withArgs(TASK_ID, round.roundId, challenger.address, coordinate, AGGREGATOR_BOND, CHALLENGE_BOND + toChallenger, share);
          await expect(sent).to.emit(verifier, "AggregatorSlashed").withArgs(TASK_ID, round.roundId, aggregator.address, AGGREGATOR_BOND);
          await expect(sent)
            .to.emit(verifier, "VerificationSettled")
            .withArgs(TASK_ID, round.roundId, Outcome.FraudProven, 0, MAX_CLIENTS, 0, AGGREGATOR_BOND, RESERVE);
          await expect(sent)
            .to.emit(coordinator, "RoundFailed")
            .withArgs(TASK_ID, round.roundId, VerifierFailureReason.AggregateFraudProven);
        }

        /** After a proven fraud: claims, pool, bond and books, exactly. */
        async function expectFraudPayouts(fixture: PostedFixture, challenger: HardhatEthersSigner, rejectedBonds: bigint) {
          const { coordinator, verifier, owner, aggregator, round } = fixture;
          const { toChallenger, share, remainder } = split(AGGREGATOR_BOND);
          expect(await coordinator.phase(round.roundId)).to.equal(Phase.Failed);
          expect((await coordinator.round(round.roundId)).failureReason).to.equal(VerifierFailureReason.AggregateFraudProven);
          expect((await coordinator.task(TASK_ID)).currentModelCid).to.equal(MODEL_CID);
          const settled = await verifier.verification(round.roundId);
          expect([settled.stage, settled.outcome, settled.slashed, settled.challenger, settled.challengerReward]).to.deep.equal([
            BigInt(Stage.Settled),
            BigInt(Outcome.FraudProven),
            AGGREGATOR_BOND,
            challenger.address,
            CHALLENGE_BOND + toChallenger,
          ]);
          const funds = await verifier.taskFunds(TASK_ID);
          // The bond dropped by exactly aggregatorBond; the pool got the whole reserve back.
          expect([funds.bond, funds.pool, funds.activeRoundId, funds.burned]).to.deep.equal([
            AGGREGATOR_BOND,
            POOL,
            0n,
            rejectedBonds + remainder,
          ]);
          await expectBalanced(verifier);

          await expect(verifier.connect(challenger).claim(round.roundId)).to.changeEtherBalance(challenger, CHALLENGE_BOND + AGGREGATOR_BOND / 2n);
          for (const client of round.included) {
            await expect(verifier.connect(client).claim(round.roundId)).to.changeEtherBalance(client, share);
          }
          await expect(verifier.connect(aggregator).claim(round.roundId))
            .to.be.revertedWithCustomError(verifier, "VerifierNothingToClaim")
            .withArgs(round.roundId, aggregator.address);
          expect((await verifier.verification(round.roundId)).unclaimed).to.equal(0n);
          await expect(verifier.connect(owner).withdrawPool(TASK_ID, POOL)).to.changeEtherBalance(owner, POOL);
          await expectBalanced(verifier);
          // The round is over: nothing more to challenge or settle.
          await expect(challenge(fixture, challenger, TAMPERED_LEAF))
            .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
            .withArgs(round.roundId, Stage.Settled, Stage.Challenge);
          await expect(verifier.settle(round.roundId, "0x"))
            .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
            .withArgs(round.roundId, Stage.Settled, Stage.Commitments);
        }

        it("upholds a challenge of the leaf off by one: FraudProven, the aggregator slashed, challenger and clients paid", async function () {
          const fixture = await loadFixture(tamperedFixture);
          const { challenger } = fixture;
          const sent = gasOf(`${group.id} challenge upheld, leaf 2 wrong at its 6th of 8 coordinates`, challenge(fixture, challenger, TAMPERED_LEAF));
          await expect(sent).to.changeEtherBalances([challenger, fixture.verifier], [-CHALLENGE_BOND, CHALLENGE_BOND]);
          await expectFraudSettled(fixture, sent, TAMPERED_COORDINATE, challenger);
          await expectFraudPayouts(fixture, challenger, 0n);
        });

        it("upholds a challenge of a sum beyond what any masked vectors decode to", async function () {
          const fixture = await loadFixture(aggregatingFixture);
          const { verifier, challenger, round } = fixture;
          // rlwr-2048 decodes |Σg| ≤ 2^28 − 1, paper-compat int32; the value is off both ranges, the others are right.
          const beyond = group.id === "rlwr-2048" ? 1n << 28n : 1n << 31n;
          const values = [...round.aggregate].map(BigInt);
          values[5] = beyond;
          const sum = commitRawSum(values, AGGREGATE_PAYLOAD_HASH);
          await post(fixture, sum);
          const posted = { ...fixture, sum };
          // Its leaf carries the out-of-range value as an int64; the other leaves are right and survive.
          await expect(challenge(posted, challenger, 1)).to.emit(verifier, "ChallengeRejected");
          const sent = gasOf(`${group.id} challenge upheld, leaf 0 wrong at its 6th of 16 coordinates (after a rejected one)`, challenge(posted, challenger, 0));
          await expectFraudSettled(posted, sent, 5, challenger);
          await expectFraudPayouts(posted, challenger, CHALLENGE_BOND);
          expect(await verifier.totalBurned()).to.equal(CHALLENGE_BOND + split(AGGREGATOR_BOND).remainder);
        });

        it("upholds a challenge of a negative out-of-range sum too (int64 two's complement)", async function () {
          const fixture = await loadFixture(aggregatingFixture);
          const { verifier, challenger, round } = fixture;
          const values = [...round.aggregate].map(BigInt);
          values[20] = -(1n << 40n);
          const sum = commitRawSum(values, AGGREGATE_PAYLOAD_HASH);
          await post(fixture, sum);
          const sent = challenge({ ...fixture, sum }, challenger, 1);
          await expect(sent).to.emit(verifier, "AggregateFraudProven").withArgs(TASK_ID, round.roundId, challenger.address, 20, AGGREGATOR_BOND, anyValue, anyValue);
        });

        it("rejects a challenge of a right leaf of a wrong sum (its bond is burned), and the right leaf still wins later", async function () {
          const fixture = await loadFixture(tamperedFixture);
          const { verifier, challenger, secondChallenger, round } = fixture;
          const wrongLeaf = gasOf(`${group.id} challenge rejected, leaf 0 (16 coordinates recomputed)`, challenge(fixture, challenger, 0));
          await expect(wrongLeaf).to.emit(verifier, "ChallengeRejected").withArgs(round.roundId, challenger.address, 0, CHALLENGE_BOND);
          await expect(wrongLeaf).to.changeEtherBalances([challenger, verifier], [-CHALLENGE_BOND, CHALLENGE_BOND]);
          expect(await verifier.totalBurned()).to.equal(CHALLENGE_BOND);
          expect((await verifier.verification(round.roundId)).stage).to.equal(Stage.Challenge);
          // Someone else proves it on the right leaf; the first challenger's bond stays burned.
          const sent = challenge(fixture, secondChallenger, TAMPERED_LEAF);
          await expectFraudSettled(fixture, sent, TAMPERED_COORDINATE, secondChallenger);
          expect((await verifier.verification(round.roundId)).challengeCount).to.equal(2n);
          await expectFraudPayouts(fixture, secondChallenger, CHALLENGE_BOND);
          await expect(verifier.connect(challenger).claim(round.roundId))
            .to.be.revertedWithCustomError(verifier, "VerifierNothingToClaim")
            .withArgs(round.roundId, challenger.address);
        });
      });

      describe("should revert, moving no money,", function () {
        type Variant = { name: string; run: (fixture: PostedFixture) => Promise<unknown> };

        async function expectRevertsWithoutMoney(
          variant: Variant,
          check: (fixture: PostedFixture, call: Promise<unknown>, lib: Awaited<ReturnType<typeof library>>) => Promise<void>,
        ) {
          const fixture = await loadFixture(tamperedFixture);
          const before = await moneySnapshot(fixture.verifier, fixture.round.roundId);
          const lib = await library(fixture.verifier);
          await check(fixture, variant.run(fixture), lib);
          expect(await moneySnapshot(fixture.verifier, fixture.round.roundId)).to.deep.equal(before);
          // The fraud is still there to prove.
          await expect(challenge(fixture, fixture.challenger, TAMPERED_LEAF)).to.emit(fixture.verifier, "AggregateFraudProven");
        }

        function withOpenings(fixture: PostedFixture, edit: (openings: AggregateFraudProof.OpeningStruct[], aggregate: AggregateFraudProof.OpeningStruct) => void) {
          const [leaf, openings, aggregate] = challengeArguments(fixture.round.vectors, fixture.sum, TAMPERED_LEAF);
          edit(openings, aggregate);
          return fixture.verifier.connect(fixture.challenger).challenge(fixture.round.roundId, leaf, openings, aggregate, { value: CHALLENGE_BOND });
        }

        it("if a value of an opening is flipped (FraudProofOpeningMismatch)", async function () {
          await expectRevertsWithoutMoney(
            {
              name: "flipped",
              run: (fixture) =>
                withOpenings(fixture, (openings) => {
                  const bytes = ethers.getBytes(openings[1]!.values as string);
                  bytes[7] ^= 1;
                  openings[1]!.values = ethers.hexlify(bytes);
                }),
            },
            async (fixture, call, lib) => {
              await expect(call)
                .to.be.revertedWithCustomError(lib, "FraudProofOpeningMismatch")
                .withArgs(1, fixture.round.vectors[1]!.commitment, anyValue);
            },
          );
        });

        it("if a value of the aggregate's opening is flipped (index 2^256 − 1)", async function () {
          await expectRevertsWithoutMoney(
            {
              name: "aggregate flipped",
              run: (fixture) =>
                withOpenings(fixture, (_openings, aggregate) => {
                  const bytes = ethers.getBytes(aggregate.values as string);
                  bytes[(TAMPERED_COORDINATE % 16) * 8 + 7] ^= 1;
                  aggregate.values = ethers.hexlify(bytes);
                }),
            },
            async (fixture, call, lib) => {
              await expect(call)
                .to.be.revertedWithCustomError(lib, "FraudProofOpeningMismatch")
                .withArgs(ethers.MaxUint256, fixture.sum.commitment, anyValue);
            },
          );
        });

        it("if a proof is wrong (FraudProofOpeningMismatch)", async function () {
          await expectRevertsWithoutMoney(
            { name: "proof", run: (fixture) => withOpenings(fixture, (openings) => void (openings[3]!.proof = [ethers.ZeroHash, ...(openings[3]!.proof as string[]).slice(1)])) },
            async (fixture, call, lib) => {
              await expect(call)
                .to.be.revertedWithCustomError(lib, "FraudProofOpeningMismatch")
                .withArgs(3, fixture.round.vectors[3]!.commitment, anyValue);
            },
          );
        });

        it("if the clients' openings are out of order (the first no longer matches its client)", async function () {
          await expectRevertsWithoutMoney(
            { name: "order", run: (fixture) => withOpenings(fixture, (openings) => void ([openings[0], openings[1]] = [openings[1]!, openings[0]!])) },
            async (fixture, call, lib) => {
              await expect(call)
                .to.be.revertedWithCustomError(lib, "FraudProofOpeningMismatch")
                .withArgs(0, fixture.round.vectors[0]!.commitment, fixture.round.vectors[1]!.commitment);
            },
          );
        });

        it("if the holder's opening is missing, or one too many (VerifierWrongOpeningCount)", async function () {
          await expectRevertsWithoutMoney(
            { name: "missing", run: (fixture) => withOpenings(fixture, (openings) => void openings.pop()) },
            async (fixture, call, lib) => {
              await expect(call)
                .to.be.revertedWithCustomError(fixture.verifier, "VerifierWrongOpeningCount")
                .withArgs(fixture.round.roundId, MAX_CLIENTS - 1, MAX_CLIENTS);
            },
          );
          await expectRevertsWithoutMoney(
            { name: "extra", run: (fixture) => withOpenings(fixture, (openings) => void openings.push(openings[0]!)) },
            async (fixture, call, lib) => {
              await expect(call)
                .to.be.revertedWithCustomError(fixture.verifier, "VerifierWrongOpeningCount")
                .withArgs(fixture.round.roundId, MAX_CLIENTS + 1, MAX_CLIENTS);
            },
          );
        });

        it("if an opening has the wrong width or depth (FraudProofMalformedOpening)", async function () {
          const width = group.id === "rlwr-2048" ? 8 : 16;
          await expectRevertsWithoutMoney(
            { name: "width", run: (fixture) => withOpenings(fixture, (openings) => void (openings[2]!.values = `0x${"00".repeat(16 * width - 1)}`)) },
            async (fixture, call, lib) => {
              await expect(call)
                .to.be.revertedWithCustomError(lib, "FraudProofMalformedOpening")
                .withArgs(2, 16 * width - 1, 2);
            },
          );
          await expectRevertsWithoutMoney(
            { name: "depth", run: (fixture) => withOpenings(fixture, (_openings, aggregate) => void (aggregate.proof = (aggregate.proof as string[]).slice(1))) },
            async (fixture, call, lib) => {
              await expect(call)
                .to.be.revertedWithCustomError(lib, "FraudProofMalformedOpening")
                .withArgs(ethers.MaxUint256, 16 * 8, 1);
            },
          );
        });

        it("if the bond is not exactly 0.01 ETH (VerifierWrongChallengeBond)", async function () {
          for (const value of [0n, CHALLENGE_BOND - 1n, 2n * CHALLENGE_BOND]) {
            await expectRevertsWithoutMoney(
              { name: `bond ${value}`, run: (fixture) => challenge(fixture, fixture.challenger, TAMPERED_LEAF, value) },
              async (fixture, call, lib) => {
                await expect(call)
                  .to.be.revertedWithCustomError(fixture.verifier, "VerifierWrongChallengeBond")
                  .withArgs(value, CHALLENGE_BOND);
              },
            );
          }
          const { verifier } = await loadFixture(taskFixture);
          expect(await verifier.CHALLENGE_BOND()).to.equal(CHALLENGE_BOND);
        });

        it("if the leaf is past the vector's last (FraudProofLeafOutOfRange)", async function () {
          await expectRevertsWithoutMoney(
            {
              name: "leaf",
              run: (fixture) => {
                const [, openings, aggregate] = challengeArguments(fixture.round.vectors, fixture.sum, TAMPERED_LEAF);
                return fixture.verifier.connect(fixture.challenger).challenge(fixture.round.roundId, LEAVES, openings, aggregate, { value: CHALLENGE_BOND });
              },
            },
            async (fixture, call, lib) => {
              await expect(call).to.be.revertedWithCustomError(lib, "FraudProofLeafOutOfRange").withArgs(LEAVES, LEAVES);
            },
          );
        });

        it("if the window closed (VerifierDeadlinePassed), and then the wrong sum passes: a fraud must be proven in time", async function () {
          const fixture = await loadFixture(tamperedFixture);
          const { verifier, challenger, keeper, round } = fixture;
          const { deadline } = await verifier.verification(round.roundId);
          // The deadline itself is still inside the window.
          await time.setNextBlockTimestamp(deadline);
          await expect(challenge(fixture, challenger, 0)).to.emit(verifier, "ChallengeRejected");
          // The network allows blocks with the same timestamp, so the next one is placed one second later explicitly.
          await time.setNextBlockTimestamp(deadline + 1n);
          const before = await moneySnapshot(verifier, round.roundId);
          await expect(challenge(fixture, challenger, TAMPERED_LEAF))
            .to.be.revertedWithCustomError(verifier, "VerifierDeadlinePassed")
            .withArgs(round.roundId, deadline);
          expect(await moneySnapshot(verifier, round.roundId)).to.deep.equal(before);
          await expect(verifier.connect(keeper).settle(round.roundId, "0x"))
            .to.emit(verifier, "VerificationSettled")
            .withArgs(TASK_ID, round.roundId, Outcome.Passed, 0, MAX_CLIENTS, RESERVE, 0, 0);
        });

        it("if the aggregate is not posted yet (VerifierUnexpectedStage), or the round is unknown", async function () {
          const fixture = await loadFixture(aggregatingFixture);
          const { verifier, challenger, round } = fixture;
          const sum = commitAggregateSum(round.aggregate, AGGREGATE_PAYLOAD_HASH);
          const [leaf, openings, aggregate] = challengeArguments(round.vectors, sum, 0);
          await expect(verifier.connect(challenger).challenge(round.roundId, leaf, openings, aggregate, { value: CHALLENGE_BOND }))
            .to.be.revertedWithCustomError(verifier, "VerifierUnexpectedStage")
            .withArgs(round.roundId, Stage.Reserved, Stage.Challenge);
          await expect(verifier.connect(challenger).challenge(99n, leaf, openings, aggregate, { value: CHALLENGE_BOND }))
            .to.be.revertedWithCustomError(verifier, "VerifierUnknownRound")
            .withArgs(99n);
        });
      });

      describe("the attacks fraud proofs close", function () {
        it("H2: a cheating aggregator keeps its bond — no more: a tampered sum is proven and slashed", async function () {
          // Before, the aggregator could publish a wrong aggregate beside the true T, pass the BN254 check and keep
          // its bond. Now the posted hash commits the sum itself, and one leaf proves it wrong.
          const fixture = await loadFixture(tamperedFixture);
          const { verifier, aggregator, challenger, round } = fixture;
          const bondBefore = (await verifier.taskFunds(TASK_ID)).bond;
          await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, 1n))
            .to.be.revertedWithCustomError(verifier, "VerifierBondLocked")
            .withArgs(TASK_ID, round.roundId);
          await challenge(fixture, challenger, TAMPERED_LEAF);
          expect((await verifier.taskFunds(TASK_ID)).bond).to.equal(bondBefore - AGGREGATOR_BOND);
          expect((await verifier.verification(round.roundId)).slashed).to.equal(AGGREGATOR_BOND);
          await expect(verifier.connect(aggregator).withdrawBond(TASK_ID, bondBefore))
            .to.be.revertedWithCustomError(verifier, "VerifierInsufficientBond")
            .withArgs(TASK_ID, bondBefore, bondBefore - AGGREGATOR_BOND);
          // Whichever coordinate it changes: here the first one of the first leaf, in a fresh round.
          const again = await loadFixture(aggregatingFixture);
          const tampered = again.round.aggregate.slice();
          tampered[0] -= 1;
          const sum = commitAggregateSum(tampered, AGGREGATE_PAYLOAD_HASH);
          await post(again, sum);
          await expect(challenge({ ...again, sum }, again.challenger, 0))
            .to.emit(again.verifier, "AggregatorSlashed")
            .withArgs(TASK_ID, again.round.roundId, again.aggregator.address, AGGREGATOR_BOND);
        });

        it("H1: one client vetoes — no more: there is no dispute, and an honest round passes whatever an included client does", async function () {
          // The old evidence-free dispute(roundId) is gone. A dispute now is a bonded bisection game over the aggregator's
          // committed tree (FedmashVerifier.dispute.test.ts: an included client that disputes an honest round loses its
          // bond to the aggregator, and the round still passes).
          const { interface: abi } = (await loadFixture(taskFixture)).verifier;
          const functions = abi.fragments.filter((fragment): fragment is FunctionFragment => fragment.type === "function");
          expect(functions.some((fragment) => fragment.format() === "dispute(uint256)" || /veto/i.test(fragment.name))).to.equal(false);
          expect(functions.filter((fragment) => /disput/i.test(fragment.name) && fragment.payable).map((fragment) => fragment.format())).to.deep.equal(["openDispute(uint256)"]);
          const fixture = await loadFixture(taskFixture);
          const { verifier, keeper, aggregator, clients } = fixture;
          // Group 1's first member never submits, so group 1 is left out: three members and the holder are included.
          const round = await aggregating(fixture, { groupsSilentAtSubmit: [1] });
          expect(round.included).to.have.length(4);
          const excluded = clients.filter((client) => !round.included.includes(client));
          expect(excluded).to.have.length(3);
          const sum = commitAggregateSum(round.aggregate, AGGREGATE_PAYLOAD_HASH);
          await fixture.coordinator.connect(aggregator).postAggregate(round.roundId, AGGREGATE_CID, NEXT_MODEL_CID, sum.commitment);
          const posted = { ...fixture, round, sum };

          // The malicious included client: a challenge with a forged opening reverts, an honest-looking one of a right
          // leaf loses its bond, and then it goes silent. Nothing it can call changes the outcome.
          const malicious = round.included[0]!;
          // Resolved before any transaction is sent: an await between sending and expect's handlers would leave a
          // revert unhandled for that moment, which mocha reports as an uncaught error in whatever test runs then.
          const proofLibrary = await library(verifier);
          const forged = challengeArguments(round.vectors, sum, 0);
          forged[2] = { ...forged[2], values: `0x${"ff".repeat(16 * 8)}` };
          await expect(verifier.connect(malicious).challenge(round.roundId, ...forged, { value: CHALLENGE_BOND }))
            .to.be.revertedWithCustomError(proofLibrary, "FraudProofOpeningMismatch")
            .withArgs(ethers.MaxUint256, sum.commitment, anyValue);
          await expect(challenge(posted, malicious, 1)).to.emit(verifier, "ChallengeRejected");
          // A left-out client's vector is not among the commitments at all: in place of an included one it is refused.
          const withOutsider = challengeArguments(round.vectors, sum, 0);
          withOutsider[1][0] = openingOf(round.vectors[1]!, 0);
          await expect(verifier.connect(excluded[0]!).challenge(round.roundId, ...withOutsider, { value: CHALLENGE_BOND }))
            .to.be.revertedWithCustomError(proofLibrary, "FraudProofOpeningMismatch")
            .withArgs(0, round.vectors[0]!.commitment, round.vectors[1]!.commitment);

          await time.increaseTo((await verifier.verification(round.roundId)).deadline + 1n);
          const paid = AGGREGATOR_REWARD + 4n * CLIENT_REWARD;
          await expect(verifier.connect(keeper).settle(round.roundId, "0x"))
            .to.emit(verifier, "VerificationSettled")
            .withArgs(TASK_ID, round.roundId, Outcome.Passed, 0, 4, paid, 0, RESERVE - paid);
          // Every included account is paid, the troublemaker too (it was included); the left-out clients are not.
          for (const client of round.included) {
            await expect(verifier.connect(client).claim(round.roundId)).to.changeEtherBalance(client, CLIENT_REWARD);
          }
          for (const client of excluded) {
            expect(await verifier.claimable(round.roundId, client.address)).to.equal(0n);
          }
          await expect(verifier.connect(aggregator).claim(round.roundId)).to.changeEtherBalance(aggregator, AGGREGATOR_REWARD);
          await expectBalanced(verifier);
        });
      });
    });
  }

  describe("a Shamir round", function () {
    it("cannot be challenged (VerifierNotChallengeable): its aggregate is checked by the BN254 commitments", async function () {
      const signers = await ethers.getSigners();
      const [owner, aggregator, keeper, challenger] = signers;
      const clients = signers.slice(5, 9);
      const servers = signers.slice(12, 15);
      const { registry, coordinator, verifier, shamir } = await deployFedmash();
      await registry.connect(aggregator).register(Role.Aggregator, encryptionKey("aggregator").compressed);
      for (const [index, client] of clients.entries()) await registry.connect(client).register(Role.Client, encryptionKey(`c${index}`).compressed);
      for (const [index, server] of servers.entries()) await registry.connect(server).register(Role.Server, encryptionKey(`s${index}`).compressed);
      await coordinator.connect(owner).createShamirTask(
        { ...taskConfig({ mode: Mode.Plain, aggregator: aggregator.address }), mode: Mode.Shamir, minClients: 3, maxClients: 4, quantizationScale: 10_000, clipMillionths: 1_000_000 },
        MODEL_CID,
        servers.map((server) => server.address),
        2,
      );
      await verifier.connect(owner).setTerms(TASK_ID, { aggregatorBond: AGGREGATOR_BOND, clientReward: CLIENT_REWARD, aggregatorReward: AGGREGATOR_REWARD, challengeDuration: CHALLENGE_DURATION });
      await verifier.connect(owner).fundTask(TASK_ID, { value: POOL });
      await verifier.connect(aggregator).acceptTask(TASK_ID, AGGREGATOR_BOND);
      await verifier.connect(aggregator).depositBond(TASK_ID, { value: AGGREGATOR_BOND });
      const round = await driveShamirRound({ coordinator, verifier, shamir, servers, taskId: TASK_ID, owner, aggregator, keeper, clients, until: "aggregate" });
      expect((await verifier.verification(round.roundId)).stage).to.equal(Stage.BatchSums);
      const before = await moneySnapshot(verifier, round.roundId);
      await expect(verifier.connect(challenger).challenge(round.roundId, 0, [], { payloadHash: ethers.ZeroHash, values: "0x", proof: [] }, { value: CHALLENGE_BOND }))
        .to.be.revertedWithCustomError(verifier, "VerifierNotChallengeable")
        .withArgs(round.roundId);
      expect(await moneySnapshot(verifier, round.roundId)).to.deep.equal(before);
    });
  });
});
