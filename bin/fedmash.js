#!/usr/bin/env node
// fedmash command-line entry: runs the TypeScript CLI, each file transpiled once and cached (registerTs.js: transpile
// only, types are checked by `npm run typecheck`), so no build step stands between `npm ci` and a working command.
"use strict";
const path = require("node:path");
require("./registerTs");
require(path.join(__dirname, "..", "workers", "cli.ts")).main(process.argv.slice(2));
