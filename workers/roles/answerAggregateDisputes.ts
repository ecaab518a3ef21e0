// The aggregator's side of aggregate disputes, I/O only: for each of its MASH rounds still in the challenge stage, read
// the disputes opened against it (DisputeOpened) and each one's state (`dispute(roundId, challenger)`); when it is
// the aggregator's turn, answer from the tree of the sum it committed (answerDispute, pure): revealNodes, or
// revealLeaf at the bottom. When the challenger let its own deadline pass, close the dispute (its bond goes to the
// aggregator's task bond). Stateless between ticks, so a restarted aggregator picks up where the chain is.
import { hexlify } from "ethers";
import { ChainRevertError } from "../chain/errors";
import { sendTransaction } from "../chain/sendTransaction";
import { aggregateSumTree, type VectorMerkleTree } from "../crypto/commit/vectorMerkle";
import { DisputeTurn, answerDispute } from "../protocol/watch/disputeGame";
import { retry } from "../retry";
import { chainNow } from "./playAggregateDispute";
import type { WorkerRuntime } from "./openWorkerRuntime";

export interface AggregateDisputeAnswerer {
  /**
   * Answers every dispute of these rounds that waits for the aggregator, and closes those whose challenger timed out.
   * `aggregateBlock`, when known, bounds the event search (nothing of a round's disputes predates its aggregate).
   */
  tick(rounds: readonly { roundId: string; aggregateBlock?: number }[]): Promise<void>;
  /** Drops the cached tree of a round that left its challenge stage. */
  forget(roundId: string): void;
}

export interface CreateAggregateDisputeAnswererParameters {
  runtime: WorkerRuntime;
  /** The sum whose root the aggregator committed for the round (kept at publication), or undefined when it is lost. */
  committedSum: (roundId: bigint) => Promise<Int32Array | undefined>;
}

export function createAggregateDisputeAnswerer(parameters: CreateAggregateDisputeAnswererParameters): AggregateDisputeAnswerer {
  const { runtime } = parameters;
  const { verifier, logger } = runtime;
  const trees = new Map<string, VectorMerkleTree>();
  const inFlight = new Set<string>();

  const treeOf = async (roundId: bigint): Promise<VectorMerkleTree | undefined> => {
    const cached = trees.get(roundId.toString());
    if (cached) return cached;
    const sum = await parameters.committedSum(roundId);
    if (!sum) return undefined;
    const tree = aggregateSumTree(sum);
    trees.set(roundId.toString(), tree);
    return tree;
  };

  const step = async (roundId: bigint, challenger: string): Promise<void> => {
    const d = await retry(() => verifier.disputeOf(roundId, challenger));
    const turn = Number(d.turn) as DisputeTurn;
    const deadline = Number(d.deadline);
    const now = await chainNow(runtime);
    if (turn === DisputeTurn.Challenger && now > deadline) {
      await sendTransaction(runtime.connection.signer, { action: `closeDispute(round ${roundId}, ${challenger})`, send: () => verifier.closeDispute(roundId, challenger) });
      logger.info("closed a dispute whose challenger did not move in time: its bond goes to the task bond", { round: roundId, challenger });
      return;
    }
    if (turn !== DisputeTurn.Aggregator) return;
    const tree = await treeOf(roundId);
    if (!tree) {
      logger.error("cannot answer an aggregate dispute: the committed sum of the round is lost", { round: roundId, challenger });
      return;
    }
    const answer = answerDispute(tree, { depth: Number(d.depth), position: Number(d.position), node: d.node });
    if (answer.type === "reveal-nodes") {
      await sendTransaction(runtime.connection.signer, {
        action: `revealNodes(round ${roundId}, ${challenger}, depth ${answer.depth})`,
        send: () => verifier.revealNodes(roundId, challenger, answer.nodes),
      });
      logger.info("dispute answered: nodes revealed", { round: roundId, challenger, depth: answer.depth, position: answer.position, nodes: answer.nodes.length });
    } else {
      await sendTransaction(runtime.connection.signer, {
        action: `revealLeaf(round ${roundId}, ${challenger}, leaf ${answer.leafIndex})`,
        send: () => verifier.revealLeaf(roundId, challenger, hexlify(answer.values)),
      });
      logger.info("dispute answered: leaf revealed", { round: roundId, challenger, leafIndex: answer.leafIndex });
    }
  };

  return {
    async tick(rounds) {
      for (const { roundId: id, aggregateBlock } of rounds) {
        const roundId = BigInt(id);
        const opened = await retry(() => verifier.queryFilter(verifier.filters.DisputeOpened(roundId), aggregateBlock ?? 0));
        const challengers = [...new Set(opened.map((event) => event.args.challenger))];
        for (const challenger of challengers) {
          const key = `${id}:${challenger.toLowerCase()}`;
          if (inFlight.has(key)) continue;
          inFlight.add(key);
          try {
            await step(roundId, challenger);
          } catch (error) {
            // A race with the other party or a deadline: the next tick reads the dispute again.
            if (!(error instanceof ChainRevertError)) logger.warn("answering an aggregate dispute failed", { round: roundId, challenger, error });
            else logger.debug("dispute step reverted", { round: roundId, challenger, error: error.shortMessage });
          } finally {
            inFlight.delete(key);
          }
        }
      }
    },
    forget(roundId) {
      trees.delete(roundId);
    },
  };
}
