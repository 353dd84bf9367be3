/**
 * Headless entry: `switchboard serve | server … | secret … | export | import | vault … | doctor`.
 * Runs under Node >= 22 (type stripping) from a checkout, or from the bundled build.
 */
import { runCli } from './cli/program.ts';

const code = await runCli({ argv: process.argv.slice(2) });
process.exitCode = code;
