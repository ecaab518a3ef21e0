// The client's rule for the model it trains on, against stub chain and store reads: the task's initial model and
// cached verified models pass at once; a round's model passes only when that round's verification Passed and its
// aggregate matches T (checked here with the real library on a real tampered sum); every other case is a
// ModelRefusedError with its reason, and a transient failure is not a refusal.
import { expect } from "chai";
import { checkInputModel, ModelNotDerivedError, ModelRefusedError, type InputModelSources } from "../../../workers/roles/checkInputModel";
import { enumName, VerificationOutcome } from "../../../workers/protocol/enums";
import { batchSums } from "../../../workers/crypto/verify/batchSums";
import { checkAggregateAgainstBatchSums } from "../../../workers/crypto/verify/checkAggregateAgainstBatchSums";
import { tamperAggregateSum } from "../../../workers/protocol/mash/tamperAggregateSum";
import { IpfsFetchTimeoutError, PayloadHashMismatchError } from "../../../workers/storage/errors";

const INITIAL = "bafy-initial";
const ROUND_3_MODEL = "bafy-round-3";
const SEED = `0x${"5e".repeat(32)}` as const;
const TRUE_SUM = Int32Array.from({ length: 1_000 }, (_, i) => ((i * 7919) % 201) - 100);
/** T of the true sum, as an honest aggregator posts it. */
const TRUE_T = batchSums(TRUE_SUM, SEED, 64, 2);

interface Calls {
  producingRound: number;
  checkRoundAggregate: number;
}

function sources(overrides: Partial<InputModelSources> = {}, calls: Calls = { producingRound: 0, checkRoundAggregate: 0 }): InputModelSources {
  return {
    initialModelCid: async () => INITIAL,
    producingRound: async (cid) => {
      calls.producingRound++;
      return cid === ROUND_3_MODEL ? 3n : undefined;
    },
    verificationOutcome: async () => VerificationOutcome.Passed,
    // The published aggregate is the true sum: it matches T.
    checkRoundAggregate: async () => {
      calls.checkRoundAggregate++;
      checkAggregateAgainstBatchSums(TRUE_SUM, SEED, 64, 2, TRUE_T);
    },
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<ModelRefusedError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ModelRefusedError);
    return error as ModelRefusedError;
  }
  throw new Error("expected a ModelRefusedError");
}

describe("checkInputModel", function () {
  it("accepts the task's initial model without looking for a producing round", async function () {
    const calls = { producingRound: 0, checkRoundAggregate: 0 };
    expect(await checkInputModel({ modelCid: INITIAL, sources: sources({}, calls), verified: {} })).to.deep.equal({ basis: "initial" });
    expect(calls.producingRound).to.equal(0);
  });

  it("accepts a cached verified model without any read", async function () {
    const calls = { producingRound: 0, checkRoundAggregate: 0 };
    const result = await checkInputModel({ modelCid: ROUND_3_MODEL, sources: sources({ initialModelCid: async () => { throw new Error("must not be read"); } }, calls), verified: { [ROUND_3_MODEL]: { roundId: "3" } } });
    expect(result).to.deep.equal({ basis: "cached", roundId: "3" });
    expect(calls).to.deep.equal({ producingRound: 0, checkRoundAggregate: 0 });
  });

  it("accepts the model of a Passed round whose aggregate matches T, naming the round for the cache", async function () {
    const calls = { producingRound: 0, checkRoundAggregate: 0 };
    expect(await checkInputModel({ modelCid: ROUND_3_MODEL, sources: sources({}, calls), verified: {} })).to.deep.equal({ basis: "verified", roundId: "3" });
    expect(calls.checkRoundAggregate).to.equal(1);
  });

  it("refuses a model no finalized round of the task produced (unknown-model)", async function () {
    const error = await refusal(checkInputModel({ modelCid: "bafy-elsewhere", sources: sources(), verified: {} }));
    expect([error.modelCid, error.reason]).to.deep.equal(["bafy-elsewhere", "unknown-model"]);
  });

  for (const outcome of [VerificationOutcome.Failed, VerificationOutcome.FraudProven, VerificationOutcome.CommitmentsMissing, VerificationOutcome.None]) {
    it(`refuses the model of a round whose outcome is ${String(enumName(VerificationOutcome, outcome))}, without checking its aggregate (verification-not-passed)`, async function () {
      const calls = { producingRound: 0, checkRoundAggregate: 0 };
      const error = await refusal(checkInputModel({ modelCid: ROUND_3_MODEL, sources: sources({ verificationOutcome: async () => outcome }, calls), verified: {} }));
      expect(error.reason).to.equal("verification-not-passed");
      expect(calls.checkRoundAggregate).to.equal(0);
    });
  }

  it("refuses a Passed round's model whose published aggregate is tampered (aggregate-mismatch), naming the batch", async function () {
    const tampered = tamperAggregateSum(TRUE_SUM);
    const error = await refusal(
      checkInputModel({ modelCid: ROUND_3_MODEL, sources: sources({ checkRoundAggregate: async () => checkAggregateAgainstBatchSums(tampered, SEED, 64, 2, TRUE_T) }), verified: {} }),
    );
    expect(error.reason).to.equal("aggregate-mismatch");
    expect(error.details).to.match(/^Round 3: partition 0, batch \d: accepted -?\d+, the aggregate sums to -?\d+/);
    expect((error.cause as Error).name).to.equal("AggregateVerificationError");
  });

  it("refuses when the published aggregate is not the recorded one (aggregate-invalid) or the model is not derived from it (model-not-derived)", async function () {
    const invalid = await refusal(
      checkInputModel({ modelCid: ROUND_3_MODEL, sources: sources({ checkRoundAggregate: async () => { throw new PayloadHashMismatchError("bafy-agg", "0x01", "0x02"); } }), verified: {} }),
    );
    expect(invalid.reason).to.equal("aggregate-invalid");
    const underived = await refusal(
      checkInputModel({ modelCid: ROUND_3_MODEL, sources: sources({ checkRoundAggregate: async () => { throw new ModelNotDerivedError("not parent + aggregate"); } }), verified: {} }),
    );
    expect(underived.reason).to.equal("model-not-derived");
  });

  it("lets a transient failure through unchanged, so the join is retried rather than the model refused", async function () {
    const timeout = new IpfsFetchTimeoutError("bafy-agg", 30_000);
    let caught: unknown;
    try {
      await checkInputModel({ modelCid: ROUND_3_MODEL, sources: sources({ checkRoundAggregate: async () => { throw timeout; } }), verified: {} });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.equal(timeout);
  });
});
