/**
 * Headless entry: `switchboard serve | server … | secret … | export | import | vault … | doctor`.
 * Runs under Node >= 22 (type stripping) from a checkout, or from the bundled build.
 */
import module from 'node:module';

// Node's on-disk compile cache (V8 code cache, and the type-stripped sources when run from a checkout) roughly
// halves start-up from the second run on. It must be on before the program's modules load, hence the dynamic
// import below. NODE_DISABLE_COMPILE_CACHE=1 turns it off; Node versions without it skip this.
module.enableCompileCache?.();

const { runCli } = await import('./cli/program.ts');
const code = await runCli({ argv: process.argv.slice(2) });
process.exitCode = code;
