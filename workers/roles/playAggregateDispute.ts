// The challenger's side of an aggregate dispute, I/O only: open the dispute with the bond (or resume this account's
// own), then poll the verifier's `dispute(roundId, self)` view and this dispute's reveal events, and do what
// nextChallengerMove (pure, workers/protocol/watch/disputeGame.ts) says: pick a child, challenge the revealed leaf,
// close the dispute once the aggregator's deadline passed, or wait. It returns when the dispute or the round is over.
// The dispute outlives the challenge window: every step gets a fresh deadline of one window length.
import type { ContractTransactionReceipt } from "ethers";
import { hexlify, getBytes } from "ethers";
import { sendTransaction } from "../chain/sendTransaction";
import { ChainRevertError } from "../chain/errors";
import { VerificationStage } from "../protocol/enums";
import {
  DisputeTurn,
  nextChallengerMove,
  type DisputeGeometry,
  type DisputeReveal,
  type DisputeView,
} from "../protocol/watch/disputeGame";
import { buildChallenge, type CommittedVector } from "../protocol/watch/buildChallenge";
import { retry, sleep } from "../retry";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** Gas headroom over the node's estimate for a challenge (its calldata grows with the vectors). */
const CHALLENGE_GAS_HEADROOM_PERCENT = 130n;

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
  /** The dispute could not be opened (the window closed, or the verifier refused it). */
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

  let view = await readView();
  if (view.turn === DisputeTurn.None) {
    const bond = await retry(() => verifier.CHALLENGE_BOND());
    try {
      const receipt = await sendTransaction(runtime.connection.signer, {
        action: `openDispute(round ${roundId})`,
        send: () => verifier.openDispute(roundId, { value: bond }),
      });
      logger.warn("aggregate dispute opened: the aggregator must open its committed sum node by node", { round: roundId, bondWei: bond, tx: receipt.hash });
    } catch (error) {
      if (!(error instanceof ChainRevertError)) throw error;
      return { status: "not-opened", error };
    }
    view = await readView();
  }

  for (;;) {
    const verification = await retry(() => verifier.verification(roundId));
    const stage = Number(verification.stage) as VerificationStage;
    if (stage !== VerificationStage.Challenge) return { status: "round-over", stage };
    view = await readView();
    // Nothing of this round's disputes predates its aggregate.
    const fromBlock = Number(verification.aggregateBlock);
    const [revealedEvents, leafEvents] = await Promise.all([
      retry(() => verifier.queryFilter(verifier.filters.DisputeNodesRevealed(roundId, self), fromBlock)),
      retry(() => verifier.queryFilter(verifier.filters.DisputeLeafRevealed(roundId, self), fromBlock)),
    ]);
    const reveals: DisputeReveal[] = revealedEvents.map((event) => ({ depth: Number(event.args.depth), position: Number(event.args.position), nodes: [...event.args.nodes] }));
    const leafEvent = leafEvents.at(-1);
    const leaf = leafEvent ? { leafIndex: Number(leafEvent.args.leafIndex), values: hexlify(leafEvent.args[3]) } : undefined;
    const now = await chainNow(runtime);
    const move = nextChallengerMove({ geometry, view, reveals, leaf, own: parameters.own, targetLeaf: parameters.targetLeaf, now });
    try {
      switch (move.type) {
        case "wait":
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
      // Someone else ended the round, or a deadline raced the transaction: read the chain again.
      if (!(error instanceof ChainRevertError)) throw error;
      logger.warn("dispute step reverted; reading the dispute again", { round: roundId, move: move.type, error: error.shortMessage });
      await sleep(pollMs);
    }
  }
}

/**
 * The time a transaction sent now is judged at: the latest block's timestamp, or the wall clock when it is later (a
 * new block is stamped no earlier than either).
 */
export async function chainNow(runtime: WorkerRuntime): Promise<number> {
  const latest = await retry(() => runtime.connection.provider.getBlock("latest"));
  return Math.max(latest?.timestamp ?? 0, Math.floor(Date.now() / 1000));
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
