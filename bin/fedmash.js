#!/usr/bin/env node
// fedmash command-line entry: runs the TypeScript CLI through ts-node (transpile only, types are checked by
// `npm run typecheck`), so no build step stands between `npm ci` and a working command.
"use strict";
const path = require("node:path");
// ts-node loads the TypeScript compiler through v8-compile-cache-lib, whose cache in $TMPDIR is shared by every
// process and written blob-then-map without a rename: a demo starting eight workers at once can read a torn
// cache, and V8 aborts ("Fatal error ... unreachable code" in the code deserializer). It saves ~0.1 s per start.
process.env.DISABLE_V8_COMPILE_CACHE = "1";
process.env.TS_NODE_TRANSPILE_ONLY = "true";
process.env.TS_NODE_PROJECT = path.join(__dirname, "..", "tsconfig.json");
require("ts-node/register/transpile-only");
require(path.join(__dirname, "..", "workers", "cli.ts")).main(process.argv.slice(2));
