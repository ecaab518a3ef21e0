// Mocha's spec reporter plus, at the end, each test file's wall time with its hooks (a demo runs in `before`):
// what the CI budget of 15 minutes is spent on. Chosen by FEDMASH_MOCHA_REPORTER (see hardhat.config.ts).
"use strict";
const path = require("node:path");
const Mocha = require(require.resolve("mocha", { paths: [process.cwd()] }));

class FileTimesReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const started = new Map();
    const perFile = new Map();
    runner.on("suite", (suite) => {
      if (suite.parent && suite.parent.root) started.set(suite, Date.now());
    });
    runner.on("suite end", (suite) => {
      const start = started.get(suite);
      if (start === undefined) return;
      const file = suite.file ? path.relative(process.cwd(), suite.file) : suite.title;
      perFile.set(file, (perFile.get(file) ?? 0) + (Date.now() - start));
    });
    runner.once("end", () => {
      const rows = [...perFile.entries()].sort((a, b) => b[1] - a[1]);
      const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
      const shown = rows.slice(0, 12);
      const lines = [`  slowest test files (${(total / 1000).toFixed(0)} s in all):`];
      for (const [file, ms] of shown) lines.push(`  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}`);
      process.stdout.write(`\n${lines.join("\n")}\n`);
    });
  }
}

module.exports = FileTimesReporter;
