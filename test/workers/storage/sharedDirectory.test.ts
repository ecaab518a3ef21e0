// Several OS processes on one embedded store directory, as the workers of a round run on one machine: they put
// identical and distinct content at the same moment and read it back, and every process sees whole, correct files.
import { fork, type ChildProcess } from "node:child_process";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { computeUnixfsCid } from "../../../workers/storage/computeUnixfsCid";
import { createEmbeddedStore } from "../../../workers/storage/createEmbeddedStore";
import type { StoreWorkerJob, StoreWorkerReport } from "./fixtures/storeWorker";
import { makeTempDir, patternBytes, removeDir } from "./helpers";

const WORKER_SCRIPT = path.join(__dirname, "fixtures", "storeWorker.ts");

/** Forks one worker per job, releases them together once all are ready, and collects their reports. */
async function runWorkers(jobs: StoreWorkerJob[]): Promise<StoreWorkerReport[]> {
  const children: ChildProcess[] = jobs.map(() =>
    fork(WORKER_SCRIPT, [], {
      execArgv: ["-r", "ts-node/register/transpile-only"],
      // Hardhat sets TS_NODE_FILES for its own process; the worker needs no project-wide file list.
      env: { ...process.env, TS_NODE_FILES: "false" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    }),
  );
  try {
    const ready = children.map(
      (child, index) =>
        new Promise<void>((resolve, reject) => {
          child.once("message", () => resolve());
          child.once("exit", (code) => reject(new Error(`worker ${index} exited with ${code} before it was ready`)));
          child.send(jobs[index]!);
        }),
    );
    await Promise.all(ready);
    const reports = children.map(
      (child, index) =>
        new Promise<StoreWorkerReport>((resolve, reject) => {
          child.once("message", (message: { report: StoreWorkerReport }) => resolve(message.report));
          child.once("exit", (code) => reject(new Error(`worker ${index} exited with ${code} without a report`)));
        }),
    );
    for (const child of children) child.send("go");
    return await Promise.all(reports);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
}

describe("embedded store shared by several processes", function () {
  this.timeout(120_000);
  let directory: string;

  beforeEach(async () => {
    directory = await makeTempDir();
  });

  afterEach(async () => {
    await removeDir(directory);
  });

  it("gives every process the same CID for the same bytes and keeps one whole copy of each block", async () => {
    const sharedSize = 3 * 1024 * 1024;
    const jobs = [1, 2, 3, 4].map((worker) => ({ directory, sharedSeeds: [42], sharedSize, ownSeed: 100 + worker, ownSize: 700_000 }));
    const reports = await runWorkers(jobs);

    const expectedShared = (await computeUnixfsCid(patternBytes(sharedSize, 42))).toString();
    for (const report of reports) {
      expect(report.errors).to.deep.equal([]);
      expect(report.mismatches).to.equal(0);
      expect(report.sharedCids).to.deep.equal([expectedShared]);
    }
    const store = await createEmbeddedStore({ directory });
    expect(Buffer.from(await store.get(expectedShared)).equals(Buffer.from(patternBytes(sharedSize, 42)))).to.equal(true);
    for (const [index, report] of reports.entries()) {
      expect(report.ownCid).to.equal((await computeUnixfsCid(patternBytes(700_000, 101 + index))).toString());
      expect(Buffer.from(await store.get(report.ownCid)).equals(Buffer.from(patternBytes(700_000, 101 + index)))).to.equal(true);
    }
    // 12 + 1 blocks of the shared file, 3 + 1 of each own file, and no staging files left by the racing writers.
    const files = await filesUnder(directory);
    expect(files.filter((file) => file.endsWith(".data"))).to.have.length(13 + 4 * 4);
    expect(files.filter((file) => !file.endsWith(".data"))).to.deep.equal([]);
  });

  it("never lets a process read a partial block while others write the same blocks", async () => {
    const sharedSeeds = Array.from({ length: 40 }, (_, index) => 1_000 + index);
    const jobs = [1, 2, 3, 4].map((worker) => ({ directory, sharedSeeds, sharedSize: 300_000, ownSeed: worker, ownSize: 10 }));
    const reports = await runWorkers(jobs);
    const expected = await Promise.all(sharedSeeds.map(async (seed) => (await computeUnixfsCid(patternBytes(300_000, seed))).toString()));
    for (const report of reports) {
      expect(report.errors).to.deep.equal([]);
      expect(report.mismatches).to.equal(0);
      expect(report.sharedCids).to.deep.equal(expected);
    }
  });
});
