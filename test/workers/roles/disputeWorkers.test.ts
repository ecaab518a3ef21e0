// The pure parts of the dispute workers: the chunked event search by cursor (audit M4), which disputes the aggregator
// acts on and in what order (H1), what a challenger must hold before it opens a dispute (H2), and the watcher's
// backoff between failed watches (H2).
import { expect } from "chai";
import { DisputeTurn, disputeGeometry, type DisputeView } from "../../../workers/protocol/watch/disputeGame";
import { dueDisputes, loadCommittedSum } from "../../../workers/roles/answerAggregateDisputes";
import { aggregateCommitment } from "../../../workers/crypto/commit/vectorCommitments";
import type { Logger } from "../../../workers/log";
import { advanceCursor, blockRanges } from "../../../workers/roles/disputeEvents";
import { disputeFundsNeeded, disputeMovesGas } from "../../../workers/roles/playAggregateDispute";
import { watchRetryDelayMs } from "../../../workers/roles/runWatcher";

describe("dispute workers (pure parts)", function () {
  describe("event search by cursor", function () {
    it("covers from … to in chunks of at most `chunk` blocks, and nothing when the cursor is past the latest block", function () {
      expect(blockRanges(10, 14, 2)).to.deep.equal([
        [10, 11],
        [12, 13],
        [14, 14],
      ]);
      expect(blockRanges(10, 10, 2000)).to.deep.equal([[10, 10]]);
      expect(blockRanges(11, 10)).to.deep.equal([]);
      expect(() => blockRanges(0, 10, 0)).to.throw(RangeError);
    });

    it("searches each block once across calls, and resumes at a chunk that failed", async function () {
      const searched: [number, number][] = [];
      const cursor = { next: 100 };
      await advanceCursor(cursor, 104, async (from, to) => void searched.push([from, to]), 3);
      expect(cursor.next).to.equal(105);
      await advanceCursor(cursor, 104, async (from, to) => void searched.push([from, to]), 3); // nothing new
      let fail = true;
      const flaky = async (from: number, to: number): Promise<void> => {
        if (from >= 108 && fail) throw new Error("outage");
        searched.push([from, to]);
      };
      await advanceCursor(cursor, 110, flaky, 3).then(
        () => expect.fail("expected the outage"),
        (error: Error) => expect(error.message).to.equal("outage"),
      );
      expect(cursor.next).to.equal(108); // 105 … 107 kept
      fail = false;
      await advanceCursor(cursor, 110, flaky, 3);
      expect(searched).to.deep.equal([
        [100, 102],
        [103, 104],
        [105, 107],
        [108, 110],
      ]);
    });
  });

  describe("the aggregator's due disputes", function () {
    const view = (turn: DisputeTurn, deadline: number, node = "0x01"): DisputeView => ({ depth: 0, position: 0, node, turn, deadline });
    const dispute = (challenger: string, v: DisputeView) => ({ roundId: 1n, challenger, view: v });

    it("answers every dispute waiting for it, earliest deadline first, and closes those whose challenger let its step lapse", function () {
      const due = dueDisputes(
        [
          dispute("0xa", view(DisputeTurn.Aggregator, 130)),
          dispute("0xb", view(DisputeTurn.Aggregator, 110)),
          dispute("0xc", view(DisputeTurn.Challenger, 90)), // lapsed: close it
          dispute("0xd", view(DisputeTurn.Challenger, 150)), // its challenger's move (a node already revealed): not ours
          dispute("0xe", view(DisputeTurn.Closed, 0)),
          dispute("0xf", view(DisputeTurn.Aggregator, 120)),
        ],
        100,
      );
      expect(due.map((d) => [d.challenger, d.kind])).to.deep.equal([
        ["0xc", "close"],
        ["0xb", "answer"],
        ["0xf", "answer"],
        ["0xa", "answer"],
      ]);
    });

    it("skips an answer whose deadline passed by the chain's clock (it would revert), and closes on the later of the two clocks", function () {
      expect(dueDisputes([dispute("0xa", view(DisputeTurn.Aggregator, 99))], 100)).to.deep.equal([]);
      expect(dueDisputes([dispute("0xa", view(DisputeTurn.Aggregator, 100))], 100).map((d) => d.kind)).to.deep.equal(["answer"]);
      // The wall clock is past the challenger's deadline, the chain not yet: the close lands in a block stamped after both.
      expect(dueDisputes([dispute("0xa", view(DisputeTurn.Challenger, 100))], 95, 101).map((d) => d.kind)).to.deep.equal(["close"]);
      // The wall clock never makes an answer too late.
      expect(dueDisputes([dispute("0xa", view(DisputeTurn.Aggregator, 100))], 95, 200).map((d) => d.kind)).to.deep.equal(["answer"]);
    });
  });

  describe("the aggregator's committed sum (L9)", function () {
    const sum = Int32Array.from({ length: 100 }, (_, i) => i - 50);
    const other = Int32Array.from(sum, (v, i) => (i === 7 ? v + 1 : v));
    const root = aggregateCommitment(sum);
    function logged(): { logger: Logger; lines: string[] } {
      const lines: string[] = [];
      const logger: Logger = { debug: () => undefined, info: (m) => void lines.push(m), warn: (m) => void lines.push(m), error: (m) => void lines.push(m), child: () => logger };
      return { logger, lines };
    }

    it("answers from the kept sum when its root is the aggregateHash, without fetching the payload", async function () {
      const { logger, lines } = logged();
      const loaded = await loadCommittedSum({ roundId: 1n, aggregateHash: root, kept: () => sum, published: () => Promise.reject(new Error("not fetched")), logger });
      expect(loaded).to.equal(sum);
      expect(lines).to.deep.equal([]);
    });

    it("falls back to the published payload when the kept sum is missing, another sum's, or unreadable", async function () {
      for (const kept of [() => undefined, () => other, () => { throw new Error("truncated file"); }]) {
        const { logger } = logged();
        expect(await loadCommittedSum({ roundId: 1n, aggregateHash: root, kept, published: async () => sum, logger })).to.equal(sum);
      }
    });

    it("gives undefined, with one error line, when no sum opens the commitment", async function () {
      const { logger, lines } = logged();
      expect(await loadCommittedSum({ roundId: 1n, aggregateHash: root, kept: () => other, published: () => Promise.reject(new Error("does not open it")), logger })).to.equal(undefined);
      expect(lines).to.have.length(2);
      expect(lines[1]).to.match(/^no committed sum to answer disputes from/);
    });
  });

  describe("the challenger's funds", function () {
    it("needs both bonds and the gas of its moves, the challenge's growing with the vectors", function () {
      const geometry = disputeGeometry(101_770); // D = 13: two picks
      const bond = 10n ** 16n;
      expect(disputeFundsNeeded({ bond, geometry, vectors: 10, gasPrice: 0n })).to.equal(2n * bond);
      const gas10 = disputeMovesGas(geometry, 10);
      const gas100 = disputeMovesGas(geometry, 100);
      // Above the measured costs (bench/results/gas.md): 204k before the challenge, 0.98M (N = 10) and 7.0M (N = 100).
      expect(gas10 > 204_000n + 980_000n).to.equal(true);
      expect(gas100 > 204_000n + 7_000_000n).to.equal(true);
      expect(disputeFundsNeeded({ bond, geometry, vectors: 10, gasPrice: 10n ** 9n })).to.equal(2n * bond + gas10 * 10n ** 9n);
    });
  });

  it("the watcher retries a failed watch after 1 s, doubling, at most 30 s, and never gives it up", function () {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(watchRetryDelayMs)).to.deep.equal([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
});
