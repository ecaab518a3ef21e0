// A MASH client masks one update per round however often it retries or restarts: the second call returns the
// vector, sample count and loss of the first from the state folder and never trains again.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrPrepareUpdate, type PreparedUpdate } from "../../../workers/roles/preparedUpdateFile";

describe("loadOrPrepareUpdate (workers/roles/preparedUpdateFile)", function () {
  let stateDir: string;
  beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), "fedmash-prepared-"))));
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it("trains once: a retry or restart gets the same vector, samples and loss", async function () {
    let trained = 0;
    const train = async (): Promise<PreparedUpdate> => {
      trained++;
      return { quantized: Int32Array.from({ length: 10 }, () => Math.floor(Math.random() * 2000) - 1000), numSamples: 600 + trained, loss: 0.25 * trained, trainMs: 5 };
    };
    const first = await loadOrPrepareUpdate(stateDir, 3n, 10, train);
    const again = await loadOrPrepareUpdate(stateDir, 3n, 10, train);
    expect(trained).to.equal(1);
    expect(Array.from(again.quantized)).to.deep.equal(Array.from(first.quantized));
    expect([again.numSamples, again.loss]).to.deep.equal([601, 0.25]);
    // Another round trains its own.
    await loadOrPrepareUpdate(stateDir, 4n, 10, train);
    expect(trained).to.equal(2);
  });
});
