// The aggregator's side of aggregate disputes, I/O only: for each of its MASH rounds still in the challenge stage, read
// the disputes opened against it (DisputeOpened, by cursor) and each one's state (`dispute(roundId, challenger)`);
// when it is the aggregator's turn, answer from the tree of the sum it committed (answerDispute, pure): revealNodes,
// or revealLeaf at the bottom. When the challenger let its own deadline pass, close the dispute (its bond goes to the
// aggregator's task bond). A dispute whose turn is the challenger's (a node some dispute already revealed: the
// verifier skipped the aggregator's move) is not its to answer.
//
// A burst of disputes shares one deadline, and a missed one slashes: each tick answers every due dispute, earliest
// deadline first, sending each answer as soon as the one before is accepted by the node (submitTransaction: the
// account's nonces stay in order) and awaiting the receipts together. Stateless on-chain between ticks, so a
// restarted aggregator picks up where the chain is.
import { hexlify } from "ethers";
import { ChainRevertError } from "../chain/errors";
import { submitTransaction, type SubmittedTransaction } from "../chain/sendTransaction";
import { aggregateSumTree, type VectorMerkleTree } from "../crypto/commit/vectorMerkle";
import { aggregateCommitment } from "../crypto/commit/vectorCommitments";
import type { Logger } from "../log";
import { DisputeTurn, answerDispute, type DisputeView } from "../protocol/watch/disputeGame";
import { retry } from "../retry";
import { createDisputeOpenedIndex, latestBlock } from "./disputeEvents";
import type { WorkerRuntime } from "./openWorkerRuntime";

/** How long a round whose committed sum could not be loaded waits before the next try (and the next log line). */
const LOST_SUM_RETRY_MS = 60_000;

export interface AggregateDisputeAnswerer {
  /**
   * Answers every dispute of these rounds that waits for the aggregator, and closes those whose challenger timed out.
   * `aggregateBlock`, when known, is where the event search starts (nothing of a round's disputes predates its aggregate).
   */
  tick(rounds: readonly { roundId: string; aggregateBlock?: number }[]): Promise<void>;
  /** Drops the cached tree and event cursor of a round that left its challenge stage. */
  forget(roundId: string): void;
}

export interface CreateAggregateDisputeAnswererParameters {
  runtime: WorkerRuntime;
  /** The sum whose root the aggregator committed for the round (kept at publication), or undefined when it is lost. */
  committedSum: (roundId: bigint) => Promise<Int32Array | undefined>;
}

export interface LoadCommittedSumParameters {
  roundId: bigint;
  /** The round's aggregateHash: the root the sum must have. */
  aggregateHash: string;
  /** The sum kept at publication (the state folder), undefined when there is none; it may throw (corrupt file). */
  kept: () => Int32Array | undefined;
  /** The published payload's sum, when it opens the aggregateHash; rejects otherwise. */
  published: () => Promise<Int32Array>;
  logger: Logger;
}

/**
 * The sum whose root the aggregator committed, to answer disputes from: the kept one when its root is the
 * aggregateHash, else the published payload's when it opens that root (an honest aggregator's does), else undefined.
 * Each fallback is logged (the answerer asks at most once a minute after a failure).
 */
export async function loadCommittedSum(parameters: LoadCommittedSumParameters): Promise<Int32Array | undefined> {
  const { roundId, logger } = parameters;
  try {
    const kept = parameters.kept();
    if (kept && aggregateCommitment(kept).toLowerCase() === parameters.aggregateHash.toLowerCase()) return kept;
    if (kept) logger.warn("the kept committed sum does not hash to the round's aggregateHash: using the published payload", { round: roundId });
  } catch (error) {
    logger.warn("the kept committed sum is unreadable: using the published payload", { round: roundId, error });
  }
  try {
    return await parameters.published();
  } catch (error) {
    logger.error("no committed sum to answer disputes from: none kept, and the published payload does not open the commitment", { round: roundId, error });
    return undefined;
  }
}

/** One dispute the aggregator has to act on this tick. */
export interface DueDispute {
  roundId: bigint;
  challenger: string;
  view: DisputeView;
  /** answer: the aggregator's turn, still open by the chain's clock; close: the challenger's turn, past its deadline. */
  kind: "answer" | "close";
}

/**
 * Which disputes to act on, in the order to send: closes of timed-out challengers, then answers earliest deadline
 * first. `now` is the chain's latest block time, `wallClock` the wall clock (a close goes out once either is past the
 * deadline: its block is stamped no earlier than both). An answer whose deadline passed by the chain's clock is
 * skipped (it would revert; anyone may close that dispute now).
 */
export function dueDisputes(disputes: readonly Omit<DueDispute, "kind">[], now: number, wallClock: number = now): DueDispute[] {
  const closes: DueDispute[] = [];
  const answers: DueDispute[] = [];
  for (const dispute of disputes) {
    const { turn, deadline } = dispute.view;
    if (turn === DisputeTurn.Challenger && Math.max(now, wallClock) > deadline) closes.push({ ...dispute, kind: "close" });
    else if (turn === DisputeTurn.Aggregator && now <= deadline) answers.push({ ...dispute, kind: "answer" });
  }
  answers.sort((a, b) => a.view.deadline - b.view.deadline);
  return [...closes, ...answers];
}

export function createAggregateDisputeAnswerer(parameters: CreateAggregateDisputeAnswererParameters): AggregateDisputeAnswerer {
  const { runtime } = parameters;
  const { verifier, logger } = runtime;
  const trees = new Map<string, VectorMerkleTree>();
  /** Rounds whose committed sum could not be loaded: when to try again. */
  const lost = new Map<string, number>();
  const opened = createDisputeOpenedIndex(runtime);
  /** Disputes whose move is sent and not mined yet (`round:challenger`), and nodes whose answer is (`round:node`). */
  const inFlight = new Set<string>();

  const treeOf = async (roundId: bigint): Promise<VectorMerkleTree | undefined> => {
    const key = roundId.toString();
    const cached = trees.get(key);
    if (cached) return cached;
    if ((lost.get(key) ?? 0) > Date.now()) return undefined;
    const sum = await parameters.committedSum(roundId);
    if (!sum) {
      if (!lost.has(key)) logger.error("cannot answer the aggregate disputes of a round: the committed sum is lost", { round: roundId });
      lost.set(key, Date.now() + LOST_SUM_RETRY_MS);
      return undefined;
    }
    lost.delete(key);
    const tree = aggregateSumTree(sum);
    trees.set(key, tree);
    return tree;
  };

  const readView = async (roundId: bigint, challenger: string): Promise<DisputeView> => {
    const d = await retry(() => verifier.disputeOf(roundId, challenger));
    return { node: d.node, deadline: Number(d.deadline), position: Number(d.position), depth: Number(d.depth), turn: Number(d.turn) as DisputeTurn };
  };

  /** Sends the move; resolves once it is sent, with the receipt to await. */
  const submit = async (due: DueDispute): Promise<SubmittedTransaction | undefined> => {
    const { roundId, challenger, view } = due;
    if (due.kind === "close") {
      const sent = await submitTransaction(runtime.connection.signer, { action: `closeDispute(round ${roundId}, ${challenger})`, send: () => verifier.closeDispute(roundId, challenger) });
      void sent.receipt.then(() => logger.info("closed a dispute whose challenger did not move in time: its bond goes to the task bond", { round: roundId, challenger }), () => undefined);
      return sent;
    }
    const tree = await treeOf(roundId);
    if (!tree) return undefined;
    const answer = answerDispute(tree, view);
    if (answer.type === "reveal-nodes") {
      const sent = await submitTransaction(runtime.connection.signer, {
        action: `revealNodes(round ${roundId}, ${challenger}, depth ${answer.depth})`,
        send: () => verifier.revealNodes(roundId, challenger, answer.nodes),
      });
      void sent.receipt.then(() => logger.info("dispute answered: nodes revealed", { round: roundId, challenger, depth: answer.depth, position: answer.position, nodes: answer.nodes.length }), () => undefined);
      return sent;
    }
    const sent = await submitTransaction(runtime.connection.signer, {
      action: `revealLeaf(round ${roundId}, ${challenger}, leaf ${answer.leafIndex})`,
      send: () => verifier.revealLeaf(roundId, challenger, hexlify(answer.values)),
    });
    void sent.receipt.then(() => logger.info("dispute answered: leaf revealed", { round: roundId, challenger, leafIndex: answer.leafIndex }), () => undefined);
    return sent;
  };

  const report = (due: DueDispute, error: unknown): void => {
    // A race with the other party or a deadline: the next tick reads the dispute again.
    if (error instanceof ChainRevertError) logger.debug("dispute step reverted", { round: due.roundId, challenger: due.challenger, kind: due.kind, error: error.shortMessage });
    else logger.error("answering an aggregate dispute failed; retried next tick", { round: due.roundId, challenger: due.challenger, kind: due.kind, error });
  };

  return {
    async tick(rounds) {
      if (rounds.length === 0) return;
      const latest = await latestBlock(runtime);
      const found: Omit<DueDispute, "kind">[] = [];
      for (const { roundId: id, aggregateBlock } of rounds) {
        const roundId = BigInt(id);
        const challengers = await opened.challengers(roundId, aggregateBlock ?? 0, latest.number);
        const pending = challengers.filter((challenger) => !inFlight.has(`${id}:${challenger.toLowerCase()}`));
        // Closed disputes stay in the list (their events do): their view says Closed, and nothing is due.
        const views = await Promise.all(pending.map((challenger) => readView(roundId, challenger)));
        pending.forEach((challenger, i) => found.push({ roundId, challenger, view: views[i]! }));
      }
      const due = dueDisputes(found, latest.timestamp, Math.floor(Date.now() / 1000));
      for (const dispute of due) {
        const key = `${dispute.roundId}:${dispute.challenger.toLowerCase()}`;
        // One answer per distinct node: the verifier counts it for every dispute waiting there (shared reveals), which
        // then wait for their challengers; answering one of them again would only revert.
        const nodeKey = dispute.kind === "answer" ? `${dispute.roundId}:${dispute.view.node.toLowerCase()}` : undefined;
        if (inFlight.has(key) || (nodeKey && inFlight.has(nodeKey))) continue;
        inFlight.add(key);
        if (nodeKey) inFlight.add(nodeKey);
        const release = (): void => {
          inFlight.delete(key);
          if (nodeKey) inFlight.delete(nodeKey);
        };
        let sent: SubmittedTransaction | undefined;
        try {
          sent = await submit(dispute);
        } catch (error) {
          report(dispute, error);
        }
        if (!sent) {
          release();
          continue;
        }
        // Not awaited here: one receipt that is slow to come must not hold up the next tick's answers.
        void sent.receipt.catch((error: unknown) => report(dispute, error)).finally(release);
      }
    },
    forget(roundId) {
      trees.delete(roundId);
      lost.delete(roundId);
      opened.forget(roundId);
    },
  };
}
