#!/usr/bin/env node
// The `switchboard` command (package.json "bin"). It runs on any Node, finds one that can run the CLI
// (this one when new enough, else the Node 24 installed with Switchboard), and runs it there — see
// main/bin/launch.js and docs/decisions/cli-launcher.md.
import { launch } from './launch.js';

// No top-level await: an old Node must get as far as the launcher's message, not fail on syntax.
launch().catch((error) => {
  process.stderr.write(`switchboard: ${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 1;
});
