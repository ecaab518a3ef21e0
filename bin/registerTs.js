// Loads the project's TypeScript in every `fedmash` process (and the kernel's worker threads) without compiling it
// again in each one: a file is transpiled once, as ts-node's transpile-only mode does (ts.transpileModule with the
// project's compiler options, types checked by `npm run typecheck`), and the JavaScript is kept in
// node_modules/.cache/fedmash-ts under a hash of the TypeScript version, the compiler options, the file's path and its
// source. A changed file gets a new hash, so a stale entry is never read. A demo starts a dozen workers at once; under
// ts-node each spent about 2 s transpiling its 230 modules, with the cache about 0.3 s loading them.
//
// Entries are written to a temporary file and renamed into place, so a process never reads a torn one (the problem
// that made bin/fedmash.js disable v8-compile-cache). Stack traces keep pointing at the .ts lines: the JavaScript
// carries an inline source map and Node's own source-map support is switched on.
"use strict";
const { createHash } = require("node:crypto");
const { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } = require("node:fs");
const path = require("node:path");

const PROJECT_ROOT = path.join(__dirname, "..");
const CACHE_DIR = process.env.FEDMASH_TS_CACHE_DIR || path.join(PROJECT_ROOT, "node_modules", ".cache", "fedmash-ts");

let typescript;
let compilerOptions;
let cacheSalt;
let cacheUsable;

/**
 * Whether the cache folder is this user's and nobody else can write it: its JavaScript runs with the worker's keys, so a
 * folder another account could plant entries in (say a shared one under /tmp) is not used, and each file is transpiled.
 */
function cacheIsOurs() {
  if (cacheUsable === undefined) {
    try {
      mkdirSync(CACHE_DIR, { recursive: true, mode: 0o700 });
      const folder = statSync(CACHE_DIR);
      const ownUid = typeof process.getuid === "function" ? process.getuid() : folder.uid;
      cacheUsable = folder.isDirectory() && folder.uid === ownUid && (folder.mode & 0o022) === 0;
    } catch {
      cacheUsable = false;
    }
  }
  return cacheUsable;
}

function salt() {
  if (cacheSalt === undefined) {
    const tsVersion = JSON.parse(readFileSync(require.resolve("typescript/package.json", { paths: [PROJECT_ROOT] }), "utf8")).version;
    const tsconfig = readFileSync(path.join(PROJECT_ROOT, "tsconfig.json"), "utf8");
    // This file's own source too: its compiler options are part of what a cached entry was made with.
    cacheSalt = `fedmash-ts/1\0${tsVersion}\0${tsconfig}\0${readFileSync(__filename, "utf8")}`;
  }
  return cacheSalt;
}

function transpile(source, filename) {
  if (typescript === undefined) {
    typescript = require(require.resolve("typescript", { paths: [PROJECT_ROOT] }));
    const { config, error } = typescript.readConfigFile(path.join(PROJECT_ROOT, "tsconfig.json"), typescript.sys.readFile);
    if (error) throw new Error(`tsconfig.json: ${typescript.flattenDiagnosticMessageText(error.messageText, "\n")}`);
    const parsed = typescript.convertCompilerOptionsFromJson(config.compilerOptions ?? {}, PROJECT_ROOT);
    // No outDir: the map's `sources` is then the file's own name, which Node resolves beside the file it runs.
    compilerOptions = { ...parsed.options, outDir: undefined, rootDir: undefined, sourceRoot: undefined, sourceMap: false, inlineSourceMap: true, inlineSources: false, declaration: false, noEmit: false };
  }
  return typescript.transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: false }).outputText;
}

/** The JavaScript for one .ts file: from the cache, or transpiled and stored. */
function javascriptOf(filename) {
  const source = readFileSync(filename, "utf8");
  if (!cacheIsOurs()) return transpile(source, filename);
  const key = createHash("sha256").update(salt()).update("\0").update(filename).update("\0").update(source).digest("hex");
  const entry = path.join(CACHE_DIR, `${key}.js`);
  try {
    const cached = readFileSync(entry, "utf8");
    // Every entry ends with its source map; anything else (a write cut short by a crash) is made again.
    if (cached.includes("//# sourceMappingURL=")) return cached;
  } catch {
    // Not cached yet.
  }
  const output = transpile(source, filename);
  const temporary = `${entry}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const descriptor = openSync(temporary, "w", 0o600);
    try {
      writeSync(descriptor, output);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, entry);
  } catch {
    // A read-only or full disk only costs the next process the transpile.
  }
  return output;
}

function register() {
  if (require.extensions[".ts"]) return;
  process.setSourceMapsEnabled(true);
  require.extensions[".ts"] = function loadTypeScript(module, filename) {
    module._compile(javascriptOf(filename), filename);
  };
}

register();

module.exports = { javascriptOf, CACHE_DIR };
