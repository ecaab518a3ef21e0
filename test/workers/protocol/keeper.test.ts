// The keepers' "is it due" rules: advance after a phase deadline, never in Verification (only the verifier ends it);
// poke a Mash round in Grouping until its groups are drawn, whatever the deadline; settle a verification strictly after its stage's deadline, with T in Commitments and without it in BatchSums.
import { expect } from "chai";
import { isAdvanceDue, isDrawDue } from "../../../workers/protocol/keeper";
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
