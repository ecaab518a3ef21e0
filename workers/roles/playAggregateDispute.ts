// The challenger's side of an aggregate dispute, I/O only: open the dispute with the bond (or resume this account's
// own), then poll the verifier's `dispute(roundId, self)` view and the round's reveal events (every challenger's:
// reveals are shared between a round's disputes, so this dispute may find its nodes in another's events), and do what
// nextChallengerMove (pure, workers/protocol/watch/disputeGame.ts) says: pick a child, challenge the revealed leaf,
// close the dispute once the aggregator's deadline passed, or wait. It returns when the dispute or the round is over.
// The dispute outlives the challenge window: every step gets a fresh deadline of one window length.
//
// A missed step loses the dispute, so the play never gives up while a move is still possible: a failure that is not
// the contract deciding (an RPC or IPFS outage, a nonce race, "already known", a receipt that did not come) is logged
// and the step retried with backoff, for as long as the chain's clock (never the wall clock) says the step is open.
import type { ContractTransactionReceipt } from "ethers";
import { getBytes } from "ethers";
import { sendTransaction } from "../chain/sendTransaction";
import { ChainRevertError } from "../chain/errors";
import { BaseError } from "../errors";
import { VerificationStage } from "../protocol/enums";
import {
  DisputeTurn,
  REVEAL_LEVELS,
  nextChallengerMove,
  type DisputeGeometry,
  type DisputeView,
} from "../protocol/watch/disputeGame";
import { buildChallenge, type CommittedVector } from "../protocol/watch/buildChallenge";
import { retry, sleep } from "../retry";
import { createRoundReveals, latestBlock, type RoundReveals } from "./disputeEvents";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** Gas headroom over the node's estimate for a challenge (its calldata grows with the vectors). */
const CHALLENGE_GAS_HEADROOM_PERCENT = 130n;
/** The longest pause between two tries of a step that failed without a revert. */
const MAX_RETRY_DELAY_MS = 10_000;

/** This account cannot pay for a dispute it would play to the end: both bonds and the gas of its moves. */
export class DisputeFundsTooLowError extends BaseError {
  override name = "DisputeFundsTooLowError" as const;
}

/** The challenge window closed before this account's dispute was opened. */
export class DisputeWindowClosedError extends BaseError {
  override name = "DisputeWindowClosedError" as const;
}

/**
 * The gas a challenger's moves take, generously (bench/results/gas.md at d = 101,770: openDispute 91k, a pickNode
 * 57k for each reveal level group, the challenge about 0.3M plus 68k a vector, with its 130 % gas-limit headroom).
 */
export function disputeMovesGas(geometry: DisputeGeometry, vectors: number): bigint {
  const picks = BigInt(Math.ceil(geometry.depth / REVEAL_LEVELS));
  const challenge = ((400_000n + 75_000n * BigInt(vectors)) * CHALLENGE_GAS_HEADROOM_PERCENT) / 100n;
  return 120_000n + 80_000n * picks + challenge + 120_000n; // open, picks, challenge, a closeDispute
}

/** What a dispute can cost its challenger at `gasPrice`: the dispute's bond, the challenge's bond and the gas of every move. */
export function disputeFundsNeeded(parameters: { bond: bigint; geometry: DisputeGeometry; vectors: number; gasPrice: bigint }): bigint {
  return 2n * parameters.bond + disputeMovesGas(parameters.geometry, parameters.vectors) * parameters.gasPrice;
}

export type PlayedDispute =
  /** The revealed leaf was challenged: upheld proves the fraud (AggregateFraudProven). */
  | { status: "challenged"; leafIndex: number; upheld: boolean; transactionHash: string }
  /** The aggregator missed a deadline: closeDispute proved the fraud. */
  | { status: "aggregator-timed-out"; transactionHash: string }
  /** A pick reached a padding leaf that is not the zero leaf: the pick proved the fraud. */
  | { status: "padding-not-zero"; transactionHash: string }
  /** The round left its challenge stage (someone else proved the fraud, or it settled): the bond is claimed back if owed. */
  | { status: "round-over"; stage: VerificationStage }
  /** Nothing to prove under what was revealed, or the challenger's deadline passed: the bond goes to the aggregator. */
  | { status: "lost"; reason: string }
  /** The dispute could not be opened (the window closed, the verifier refused it, or the account cannot pay for it). */
  | { status: "not-opened"; error: Error };

export interface PlayAggregateDisputeParameters {
  runtime: WorkerRuntime;
  roundId: bigint;
  geometry: DisputeGeometry;
  /** This watcher's own tree of the true sum (node by node); absent after a failed decode. */
  own?: (depth: number, position: number) => string;
  /** A failed decode's leaf ⌊i/16⌋: follow the path to it. */
  targetLeaf?: number;
  /** The first coordinate of a revealed leaf the contract finds wrong, or undefined (then no challenge is sent). */
  judgeLeaf: (leafIndex: number, values: Uint8Array) => number | undefined;
  /** The included masked vectors (includedClients order, then the holder), for the challenge's openings. */
  vectors: readonly CommittedVector[];
  /** The round's aggregateHash: the committed sum's root. */
  root: string;
  pollMs?: number;
}

export async function playAggregateDispute(parameters: PlayAggregateDisputeParameters): Promise<PlayedDispute> {
  const { runtime, roundId, geometry } = parameters;
  const { verifier, logger } = runtime;
  const self = runtime.connection.address;
  const pollMs = parameters.pollMs ?? 500;

  const readView = async (): Promise<DisputeView> => {
    const d = await retry(() => verifier.disputeOf(roundId, self));
    return { node: d.node, deadline: Number(d.deadline), position: Number(d.position), depth: Number(d.depth), turn: Number(d.turn) as DisputeTurn };
  };

  let reveals: RoundReveals | undefined;
  /** The last step this account had to make, with the chain's time when it was read: a retry stops once it is past. */
  let ownStep: { deadline: number; chainTime: number } | undefined;
  let failures = 0;
  for (;;) {
    let step = "read";
    try {
      const verification = await retry(() => verifier.verification(roundId));
      const stage = Number(verification.stage) as VerificationStage;
      if (stage !== VerificationStage.Challenge) return { status: "round-over", stage };
      const latest = await latestBlock(runtime);
      const view = await readView();
      ownStep = view.turn === DisputeTurn.Challenger ? { deadline: view.deadline, chainTime: latest.timestamp } : undefined;

      if (view.turn === DisputeTurn.None) {
        if (latest.timestamp > Number(verification.deadline)) {
          return { status: "not-opened", error: new DisputeWindowClosedError(`Round ${roundId}: its challenge window closed (by the chain's clock) before this account opened a dispute.`) };
        }
        const bond = await retry(() => verifier.CHALLENGE_BOND());
        const [balance, fees] = await Promise.all([
          retry(() => runtime.connection.provider.getBalance(self)),
          retry(() => runtime.connection.provider.getFeeData()),
        ]);
        const gasPrice = fees.maxFeePerGas ?? fees.gasPrice ?? 0n;
        const needed = disputeFundsNeeded({ bond, geometry, vectors: parameters.vectors.length, gasPrice });
        if (balance < needed) {
          const error = new DisputeFundsTooLowError(`Round ${roundId}: this account holds ${balance} wei; a dispute played to its challenge needs about ${needed} wei.`, {
            details: `2 × CHALLENGE_BOND (${bond} wei) and the gas of its moves at ${gasPrice} wei a gas. Fund ${self} to dispute the aggregate.`,
          });
          logger.error("cannot afford an aggregate dispute: not opening it", { round: roundId, balanceWei: balance, neededWei: needed, error });
          return { status: "not-opened", error };
        }
        step = "open";
        const receipt = await sendTransaction(runtime.connection.signer, {
          action: `openDispute(round ${roundId})`,
          send: () => verifier.openDispute(roundId, { value: bond }),
        });
        logger.warn("aggregate dispute opened: the aggregator must open its committed sum node by node", { round: roundId, bondWei: bond, tx: receipt.hash });
        failures = 0;
        continue;
      }
      // Nothing of this round's disputes predates its aggregate; the reveals are read once, by cursor.
      reveals ??= createRoundReveals(runtime, roundId, Number(verification.aggregateBlock));
      await reveals.update(latest.number);
      const move = nextChallengerMove({
        geometry,
        view,
        root: parameters.root,
        reveals: reveals.reveals,
        leaves: reveals.leaves,
        own: parameters.own,
        targetLeaf: parameters.targetLeaf,
        now: latest.timestamp,
        wallClock: Math.floor(Date.now() / 1000),
      });
      step = move.type;
      switch (move.type) {
        case "wait":
          failures = 0;
          await sleep(pollMs);
          continue;
        case "done":
          if (view.turn === DisputeTurn.Closed) return { status: "lost", reason: "the dispute was closed" };
          logger.warn("aggregate dispute: nothing this watcher can prove; its bond goes to the aggregator", { round: roundId, reason: move.reason });
          return { status: "lost", reason: move.reason };
        case "close": {
          const receipt = await sendTransaction(runtime.connection.signer, {
            action: `closeDispute(round ${roundId})`,
            send: () => verifier.closeDispute(roundId, self),
          });
          logger.warn("the aggregator did not answer the dispute in time: fraud proven", { round: roundId, tx: receipt.hash });
          return { status: "aggregator-timed-out", transactionHash: receipt.hash };
        }
        case "pick": {
          const { pick } = move;
          const receipt = await sendTransaction(runtime.connection.signer, {
            action: `pickNode(round ${roundId}, depth ${pick.depth}, position ${pick.position})`,
            send: () => verifier.pickNode(roundId, pick.childIndex, pick.child, pick.proof),
          });
          logger.info("dispute: picked a node that differs from the true sum's tree", { round: roundId, depth: pick.depth, position: pick.position, padding: pick.provesPadding });
          if (pick.provesPadding) return { status: "padding-not-zero", transactionHash: receipt.hash };
          failures = 0;
          continue;
        }
        case "challenge": {
          const values = getBytes(move.values);
          const coordinate = parameters.judgeLeaf(move.leafIndex, values);
          if (coordinate === undefined) {
            logger.warn("aggregate dispute: the revealed leaf is right; not challenging it", { round: roundId, leafIndex: move.leafIndex });
            return { status: "lost", reason: `leaf ${move.leafIndex} as revealed is right` };
          }
          const challenge = buildChallenge({
            leafIndex: move.leafIndex,
            vectors: parameters.vectors,
            sum: { revealed: { values: move.values, proof: move.proof, root: parameters.root, length: geometry.modelSize } },
          });
          const sent = await sendChallengeTransaction(runtime, roundId, challenge.leafIndex, challenge.openings, challenge.aggregate);
          logger.info(sent.upheld ? "dispute won: the revealed leaf proves the fraud" : "dispute lost: the revealed leaf's challenge was rejected", { round: roundId, leafIndex: move.leafIndex, coordinate, tx: sent.transactionHash });
          return { status: "challenged", leafIndex: move.leafIndex, upheld: sent.upheld, transactionHash: sent.transactionHash };
        }
      }
    } catch (error) {
      if (error instanceof ChainRevertError) {
        // The verifier refused the dispute itself (window closed, wrong bond …): nothing to play. An existing one is ours to resume.
        if (step === "open" && error.errorName !== "VerifierDisputeExists") return { status: "not-opened", error };
        // Someone else ended the round, or a deadline raced the transaction: read the chain again.
        logger.warn("dispute step reverted; reading the dispute again", { round: roundId, step, error: error.shortMessage });
        await sleep(pollMs);
        continue;
      }
      // Not the contract deciding: an outage, a nonce race, a lost receipt. The step is retried while it is still open
      // by the chain's clock (the last one read); the loop reads the dispute again first, so a step that did land is not resent.
      if (ownStep && ownStep.chainTime > ownStep.deadline) return { status: "lost", reason: "the challenger's deadline passed" };
      failures += 1;
      const delayMs = Math.min(pollMs * 2 ** Math.min(failures, 16), MAX_RETRY_DELAY_MS);
      logger.warn("dispute step failed (not a revert): retrying", { round: roundId, step, attempt: failures, retryInMs: delayMs, error });
      await sleep(delayMs);
    }
  }
}

export interface SentChallengeTransaction {
  upheld: boolean;
  gasUsed: bigint;
  transactionHash: string;
}

type ChallengeArguments = Parameters<WorkerRuntime["verifier"]["challenge"]>;

/** challenge(roundId, leafIndex, openings, aggregate) with the bond and gas headroom; `upheld` from the receipt. */
export async function sendChallengeTransaction(
  runtime: WorkerRuntime,
  roundId: bigint,
  leafIndex: number,
  openings: ChallengeArguments[2],
  aggregate: ChallengeArguments[3],
): Promise<SentChallengeTransaction> {
  const { verifier } = runtime;
  const bond = await retry(() => verifier.CHALLENGE_BOND());
  const receipt: ContractTransactionReceipt = await sendTransaction(runtime.connection.signer, {
    action: `challenge(round ${roundId}, leaf ${leafIndex})`,
    send: async () => {
      const estimate = await verifier.challenge.estimateGas(roundId, leafIndex, openings, aggregate, { value: bond });
      return verifier.challenge(roundId, leafIndex, openings, aggregate, { value: bond, gasLimit: (estimate * CHALLENGE_GAS_HEADROOM_PERCENT) / 100n });
    },
  });
  const upheld = receipt.logs.some((log) => {
    try {
      return verifier.interface.parseLog({ topics: [...log.topics], data: log.data })?.name === "AggregateFraudProven";
    } catch {
      return false;
    }
  });
  return { upheld, gasUsed: receipt.gasUsed, transactionHash: receipt.hash };
}
