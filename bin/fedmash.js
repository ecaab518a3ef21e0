#!/usr/bin/env node
// fedmash command-line entry: runs the TypeScript CLI through ts-node (transpile only, types are checked by
// `npm run typecheck`), so no build step stands between `npm ci` and a working command.
"use strict";
const path = require("node:path");
process.env.TS_NODE_TRANSPILE_ONLY = "true";
process.env.TS_NODE_PROJECT = path.join(__dirname, "..", "tsconfig.json");
require("ts-node/register/transpile-only");
require(path.join(__dirname, "..", "workers", "cli.ts")).main(process.argv.slice(2));
