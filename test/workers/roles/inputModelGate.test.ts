// Second audit, HIGH 1: a MASH round that passed unchallenged proves nothing by itself (a watcher may have timed out
// on a vector a cheating aggregator's Sybil served slowly, or restarted after the window). The input-model gate of a
// MASH client therefore recomputes the producing round's sum before it accepts that round's model, unless this
// client's own watch already did during the window. Before the fix the gate accepted any Passed round whose aggregate
// opened its commitment, so such a client trained on a wrong sum; the first test shows it refusing instead.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInputModelGate } from "../../../workers/roles/createInputModelGate";
import type { InputModelSources } from "../../../workers/roles/checkInputModel";
import type { WorkerRuntime } from "../../../workers/roles/openWorkerRuntime";
import { VerificationOutcome } from "../../../workers/protocol/enums";

const INITIAL = "bafy-initial";
const ROUND_3_MODEL = "bafy-round-3";

const quietLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A round 3 that Passed, whose aggregate opens its commitment: everything the chain can say is fine. */
const passedRound3: InputModelSources = {
  initialModelCid: async () => INITIAL,
  producingRound: async (cid) => (cid === ROUND_3_MODEL ? 3n : undefined),
  verificationOutcome: async () => VerificationOutcome.Passed,
  checkRoundAggregate: async () => undefined,
};

describe("the MASH input-model gate recomputes a passed round's sum (second audit, HIGH 1)", function () {
  let stateDir: string;
  beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), "fedmash-gate-"))));
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  function gate(mode: "mash" | "shamir", verify: (roundId: string) => Promise<"verified" | { refused: string }>) {
    const runtime = { config: { stateDir }, logger: quietLogger } as unknown as WorkerRuntime;
    return createInputModelGate({ runtime, taskId: 1n, modelSize: 16, scale: 10_000, mode, sources: passedRound3, verifyAggregate: verify });
  }

  it("refuses a Passed round's model whose recomputed sum is wrong, and remembers it", async function () {
    const calls: string[] = [];
    const mash = gate("mash", async (roundId) => (calls.push(roundId), { refused: "its sum is wrong at coordinate 5" }));
    const refusal = await mash.refusal(4n, ROUND_3_MODEL);
    expect(refusal?.reason).to.equal("aggregate-unverifiable");
    expect(refusal?.message).to.contain("coordinate 5");
    expect(await mash.refusal(5n, ROUND_3_MODEL)).to.not.equal(undefined);
    expect(calls).to.deep.equal(["3"]);
  });

  it("accepts it once the sum is recomputed and right, and does not recompute it again", async function () {
    const calls: string[] = [];
    const mash = gate("mash", async (roundId) => (calls.push(roundId), "verified"));
    expect(await mash.refusal(4n, ROUND_3_MODEL)).to.equal(undefined);
    expect(await mash.refusal(5n, ROUND_3_MODEL)).to.equal(undefined);
    expect(calls).to.deep.equal(["3"]);
  });

  it("takes its own watch's verdict from the window without recomputing", async function () {
    const mash = gate("mash", async () => expect.fail("the watch already recomputed round 3"));
    mash.markAggregateVerified("3");
    expect(await mash.refusal(4n, ROUND_3_MODEL)).to.equal(undefined);
  });

  it("refuses for now, without remembering it, when the vectors cannot be fetched", async function () {
    let attempts = 0;
    const mash = gate("mash", async () => {
      attempts++;
      if (attempts === 1) throw new Error("IpfsFetchTimeoutError: timed out");
      return "verified";
    });
    expect((await mash.refusal(4n, ROUND_3_MODEL))?.reason).to.equal("aggregate-unverifiable");
    expect(await mash.refusal(5n, ROUND_3_MODEL)).to.equal(undefined);
    expect(attempts).to.equal(2);
  });

  it("does not recompute the initial model, nor anything in Shamir (checked against T there)", async function () {
    const mash = gate("mash", async () => expect.fail("the initial model has no producing round"));
    expect(await mash.refusal(1n, INITIAL)).to.equal(undefined);
    const shamir = gate("shamir", async () => expect.fail("Shamir rounds are checked against T"));
    expect(await shamir.refusal(4n, ROUND_3_MODEL)).to.equal(undefined);
  });
});
