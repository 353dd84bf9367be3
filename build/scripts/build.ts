/**
 * Builds everything the desktop app ships into out/ (`npm run build`):
 *   out/main/index.js          the Electron main process (ESM; Electron ≥ 28 loads ESM entry points)
 *   out/preload/index.cjs      the sandboxed preload (sandboxed preloads must be CommonJS)
 *   out/cli/switchboard.mjs    the CLI, incl. the stdio bridge Claude Desktop starts with ELECTRON_RUN_AS_NODE
 *   out/renderer/              the window (vite build)
 * Native modules and Electron stay external: they load from node_modules at run time.
 * Flags: --skip-renderer (only the esbuild bundles), --outdir <dir> (default out).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Modules loaded at run time instead of bundled: Electron itself and the Node-API addons. */
export const EXTERNALS = ['electron', 'better-sqlite3', '@napi-rs/keyring'];

// Bundled CommonJS dependencies call require() for Node built-ins; in an ESM bundle that needs a real require.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __switchboardCreateRequire } from 'node:module';\n" +
  'const require = __switchboardCreateRequire(import.meta.url);';

/**
 * The contract's files only declare schemas and constants: marking them side-effect free lets the preload
 * bundle keep the two channel names and drop zod and every schema it never uses.
 */
const pureContract: Plugin = {
  name: 'pure-contract',
  setup(b) {
    const contractDir = path.join(ROOT, 'preload', 'contract') + path.sep;
    b.onResolve({ filter: /\.ts$/ }, (args) => {
      const file = path.resolve(args.resolveDir, args.path);
      return file.startsWith(contractDir) ? { path: file, sideEffects: false } : undefined;
    });
  },
};

export interface BuildResult {
  outDir: string;
  files: string[];
}

/** The esbuild options every bundle shares (Node target, externals, version baked in). */
function commonOptions(): BuildOptions {
  const version = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version;
  return {
    bundle: true,
    platform: 'node',
    target: 'node22',
    external: EXTERNALS,
    sourcemap: 'linked',
    logLevel: 'warning',
    legalComments: 'none',
    // ESM entries first: some packages' "main" is a UMD wrapper esbuild cannot follow (jsonc-parser).
    mainFields: ['module', 'main'],
    define: { 'process.env.SWITCHBOARD_VERSION': JSON.stringify(version) },
  };
}

/** The CLI bundle alone (what the installed `switchboard` runs); the benchmark builds it to time cold starts. */
export async function buildCliBundle(outFile: string = path.join(ROOT, 'out', 'cli', 'switchboard.mjs')) {
  await build({
    ...commonOptions(),
    format: 'esm',
    banner: { js: ESM_REQUIRE_BANNER },
    entryPoints: [path.join(ROOT, 'main/cli.ts')],
    outfile: outFile,
  });
  return outFile;
}

/** Runs the esbuild bundles (and the renderer build unless told not to). */
export async function buildAll(options: { outDir?: string; renderer?: boolean } = {}): Promise<BuildResult> {
  const outDir = path.resolve(ROOT, options.outDir ?? 'out');
  const common = commonOptions();
  const esm: BuildOptions = { ...common, format: 'esm', banner: { js: ESM_REQUIRE_BANNER } };
  const files = [
    path.join(outDir, 'main', 'index.js'),
    path.join(outDir, 'preload', 'index.cjs'),
    path.join(outDir, 'cli', 'switchboard.mjs'),
  ] as const;
  await Promise.all([
    build({ ...esm, entryPoints: [path.join(ROOT, 'main/index.ts')], outfile: files[0] }),
    build({
      ...common,
      format: 'cjs',
      // The preload runs sandboxed: only `electron` (its renderer half) may be required.
      external: ['electron'],
      plugins: [pureContract],
      entryPoints: [path.join(ROOT, 'preload/index.ts')],
      outfile: files[1],
    }),
    buildCliBundle(files[2]),
  ]);
  // out/main is ESM whatever the nearest package.json says.
  fs.writeFileSync(path.join(outDir, 'main', 'package.json'), '{ "type": "module" }\n');
  if (options.renderer !== false) {
    const { build: viteBuild } = await import('vite');
    await viteBuild({
      configFile: path.join(ROOT, 'vite.config.ts'),
      root: path.join(ROOT, 'renderer'),
      logLevel: 'warn',
      // --outdir moves the renderer too (vite.config.ts alone would always write to out/renderer).
      build: { outDir: path.join(outDir, 'renderer') },
    });
  }
  return { outDir, files: [...files] };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--outdir');
  const result = await buildAll({
    renderer: !args.includes('--skip-renderer'),
    ...(outIndex >= 0 && args[outIndex + 1] ? { outDir: args[outIndex + 1] } : {}),
  });
  for (const file of result.files) process.stdout.write(`built ${path.relative(ROOT, file)}\n`);
}
