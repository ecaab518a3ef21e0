// Builds the native MASH kernel (binding.gyp -> build/Release/mash_kernel.node) from the root package's
// `install` script. It must never fail `npm install` / `npm ci`: without a compiler or Node headers it
// prints one line and the pure-TS kernel is used. `--strict` (npm run build:native) exits non-zero instead.
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const { dirname, join, resolve } = require("node:path");

const root = resolve(__dirname, "..");
const strict = process.argv.includes("--strict");

function nodeGypScript() {
  // npm tells scripts where its bundled node-gyp is; outside npm, look beside the node binary.
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  try {
    candidates.push(require.resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    // not installed locally: fine
  }
  return candidates.find((candidate) => candidate && existsSync(candidate));
}

function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  // Distribution builds of Node (Debian's /usr/bin/node) ship their headers under <prefix>/include/node;
  // pointing node-gyp there avoids a header download, which fails offline.
  const prefix = resolve(dirname(process.execPath), "..");
  return existsSync(join(prefix, "include", "node", "common.gypi")) ? [`--nodedir=${prefix}`] : [];
}

function fail(reason) {
  const line = `fedmash: native MASH kernel not built (${reason}); the pure-TS kernel will be used (much slower). Retry with \`npm run build:native\`.`;
  console.warn(line);
  process.exit(strict ? 1 : 0);
}

if (process.env.FEDMASH_SKIP_NATIVE === "1" && !strict) fail("FEDMASH_SKIP_NATIVE=1");
const script = nodeGypScript();
if (!script) fail("node-gyp not found");
const result = spawnSync(process.execPath, [script, "rebuild", ...nodedirArgs()], {
  cwd: root,
  stdio: strict ? "inherit" : ["ignore", "ignore", "pipe"],
  encoding: "utf8",
  timeout: 300_000,
});
if (result.status !== 0) {
  const stderr = (result.stderr || "").trim().split("\n").filter((l) => /error/i.test(l)).slice(-1)[0];
  fail(result.error ? result.error.message : stderr || `node-gyp exited with ${result.status}`);
}
if (!existsSync(join(root, "build", "Release", "mash_kernel.node"))) fail("node-gyp produced no mash_kernel.node");
console.log("fedmash: native MASH kernel built (build/Release/mash_kernel.node)");
