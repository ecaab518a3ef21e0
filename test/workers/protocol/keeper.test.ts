// The keepers' "is it due" rules: advance after a phase deadline, never in Verification (only the verifier ends it);
// poke a Mash round in Grouping until its groups are drawn, whatever the deadline, and as a MASH client only after
// the keepers let the grace pass; settle a verification strictly after its stage's deadline, with T in Commitments and without it in BatchSums.
import { expect } from "chai";
import { CLIENT_DRAW_GRACE, isAdvanceDue, isDrawDue, isGracedDrawPokeDue } from "../../../workers/protocol/keeper";
import { verificationSettleDue } from "../../../workers/protocol/verificationSettleDue";
import { Mode, Phase, VerificationStage } from "../../../workers/protocol/enums";

describe("keeper rules", function () {
  describe("isAdvanceDue", function () {
    it("is due strictly after the deadline of an open phase", function () {
      expect(isAdvanceDue({ phase: Phase.Submission, deadline: 100n, now: 100n })).to.equal(false);
      expect(isAdvanceDue({ phase: Phase.Submission, deadline: 100n, now: 101n })).to.equal(true);
    });

    it("is never due in Verification, or in a terminal or unknown phase", function () {
      for (const phase of [Phase.Verification, Phase.Finalized, Phase.Failed, Phase.None]) {
        expect(isAdvanceDue({ phase, deadline: 100n, now: 10_000n }), `phase ${phase}`).to.equal(false);
      }
    });
  });

  describe("isDrawDue", function () {
    it("is due for a Mash round in Grouping without groups, and only then", function () {
      expect(isDrawDue({ mode: Mode.Mash, phase: Phase.Grouping, groupCount: 0n })).to.equal(true);
      expect(isDrawDue({ mode: Mode.Mash, phase: Phase.Grouping, groupCount: 2n })).to.equal(false);
      for (const phase of [Phase.Joining, Phase.Shuffle, Phase.Failed]) {
        expect(isDrawDue({ mode: Mode.Mash, phase, groupCount: 0n }), `phase ${phase}`).to.equal(false);
      }
      for (const mode of [Mode.Plain, Mode.Shamir]) {
        expect(isDrawDue({ mode, phase: Phase.Grouping, groupCount: 0n }), `mode ${mode}`).to.equal(false);
      }
    });
  });

  describe("isGracedDrawPokeDue (the MASH client's back-up poke)", function () {
    const grace = { blocks: 8n, ms: 10_000 };
    const seen = 1_000_000;

    it("waits while the keepers still have blocks and time: the chain has not passed drawBlock + 8, and under 10 s passed", function () {
      for (const block of [99n, 100n, 101n, 107n]) {
        expect(isGracedDrawPokeDue({ drawBlock: 100n, block, waitingSinceMs: seen, nowMs: seen + 9_999, grace }), `block ${block}`).to.equal(false);
      }
    });

    it("pokes once the chain reached drawBlock + 8 without a draw, however recently it looked", function () {
      expect(isGracedDrawPokeDue({ drawBlock: 100n, block: 108n, waitingSinceMs: seen, nowMs: seen, grace })).to.equal(true);
      // A client that starts late, long after the draw block, does not wait another 10 s.
      expect(isGracedDrawPokeDue({ drawBlock: 100n, block: 300n, waitingSinceMs: seen, nowMs: seen, grace })).to.equal(true);
    });

    it("pokes 10 s after it first saw the draw waiting, when no block comes (an automining chain)", function () {
      expect(isGracedDrawPokeDue({ drawBlock: 100n, block: 99n, waitingSinceMs: seen, nowMs: seen + 10_000, grace })).to.equal(true);
      expect(isGracedDrawPokeDue({ drawBlock: 100n, block: 100n, waitingSinceMs: seen, nowMs: seen + 10_001, grace })).to.equal(true);
    });

    it("gives the keepers 8 blocks and 10 s, far inside the 256 blocks after which the round fails DrawExpired", function () {
      expect(CLIENT_DRAW_GRACE).to.deep.equal({ blocks: 8n, ms: 10_000 });
      expect(CLIENT_DRAW_GRACE.blocks < 256n).to.equal(true);
    });
  });

  describe("verificationSettleDue", function () {
    const after = { deadline: 100n, now: 101n };
    it("settles a missing T without batch sums, and missing commitments with the posted T, strictly after the deadline", function () {
      expect(verificationSettleDue({ stage: VerificationStage.BatchSums, ...after })).to.equal("without-batch-sums");
      expect(verificationSettleDue({ stage: VerificationStage.Commitments, ...after })).to.equal("with-batch-sums");
      expect(verificationSettleDue({ stage: VerificationStage.BatchSums, deadline: 100n, now: 100n })).to.equal(undefined);
      expect(verificationSettleDue({ stage: VerificationStage.Commitments, deadline: 100n, now: 100n })).to.equal(undefined);
    });

    it("never settles a round that is not under verification", function () {
      for (const stage of [VerificationStage.None, VerificationStage.Reserved, VerificationStage.Settled]) {
        expect(verificationSettleDue({ stage, deadline: 100n, now: 10_000n }), `stage ${stage}`).to.equal(undefined);
      }
      expect(verificationSettleDue({ stage: VerificationStage.Commitments, deadline: 0n, now: 10_000n })).to.equal(undefined);
    });
  });
});
