// bin/registerTs.js, the hook every `fedmash` process loads its TypeScript with: a file is transpiled once and the
// JavaScript cached under a hash of its source, so an edited file is never served stale, and stack traces still
// name the .ts line a user wrote.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../helpers/runCli";

const HOOK = join(PROJECT_ROOT, "bin", "registerTs.js");

function run(file: string, cacheDir: string) {
  const result = spawnSync(process.execPath, ["-r", HOOK, file], { encoding: "utf8", env: { ...process.env, FEDMASH_TS_CACHE_DIR: cacheDir } });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

describe("bin/registerTs.js (the CLI's cached TypeScript loader)", function () {
  this.timeout(60_000);
  let folder: string;

  beforeEach(function () {
    folder = mkdtempSync(join(tmpdir(), "fedmash-register-ts-"));
  });

  afterEach(function () {
    rmSync(folder, { recursive: true, force: true });
  });

  it("runs a TypeScript file, caches its JavaScript, and transpiles it again once the source changes", function () {
    const cache = join(folder, "cache");
    const file = join(folder, "area.ts");
    writeFileSync(file, "interface Shape { width: number; height: number }\nconst area = (s: Shape): number => s.width * s.height;\nconsole.log(area({ width: 3, height: 4 }));\n");
    expect(run(file, cache)).to.deep.include({ status: 0, stdout: "12" });
    expect(readdirSync(cache)).to.have.length(1);
    // Served from the cache: same output, no second entry.
    expect(run(file, cache)).to.deep.include({ status: 0, stdout: "12" });
    expect(readdirSync(cache)).to.have.length(1);
    writeFileSync(file, "const volume = (a: number, b: number, c: number): number => a * b * c;\nconsole.log(volume(2, 3, 4));\n");
    expect(run(file, cache)).to.deep.include({ status: 0, stdout: "24" });
    expect(readdirSync(cache)).to.have.length(2);
  });

  it("does not use a cache folder that other accounts can write (its JavaScript would run with the worker's keys)", function () {
    const cache = join(folder, "shared-cache");
    mkdirSync(cache, { mode: 0o777 });
    chmodSync(cache, 0o777);
    const file = join(folder, "sum.ts");
    writeFileSync(file, "const sum = (a: number, b: number): number => a + b;\nconsole.log(sum(2, 3));\n");
    expect(run(file, cache)).to.deep.include({ status: 0, stdout: "5" });
    expect(readdirSync(cache)).to.have.length(0);
  });

  it("reports an error at the .ts line it was thrown from", function () {
    const file = join(folder, "throws.ts");
    writeFileSync(file, "type Id = string;\ninterface Named {\n  id: Id;\n}\nconst named: Named = { id: 'x' };\nif (named.id === 'x') {\n  throw new Error('thrown on line 7');\n}\n");
    const result = run(file, join(folder, "cache"));
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.include(`${file}:7`);
  });
});
