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

/**
 * zod's namespace object re-exports every locale (`export * as locales`), so a bundle keeps ~40 of them (400 KB
 * before minifying) that nothing here uses: zod's own default is English and no code calls `z.config` with another
 * locale. Only `en` is kept; V8 no longer reads and compiles the rest at every start (docs/decisions/cold-start.md).
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: path.resolve(args.resolveDir, args.path), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
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
    plugins: [zodEnglishOnly],
  };
}

/** The CLI's chunks beside its entry: `switchboard-<name>-<hash>.mjs` (and maps). */
const CLI_CHUNK = /^switchboard-.+-[A-Z0-9]{8}\.mjs(\.map)?$/;

/**
 * The CLI bundle alone (what the installed `switchboard` runs); the benchmark builds it to time cold starts.
 * Split into chunks beside `outFile` (docs/decisions/cold-start.md): the entry is main/cli.ts alone, so Node's
 * compile cache, which it turns on, covers every chunk loaded after it — in one file, the cache was enabled only
 * once that file was compiled, and never served it — and what a command imports dynamically (the web UI, the
 * bridge, OAuth sign-in…) is read only by the commands that use it. The chunks stay in the entry's folder: modules
 * find the renderer and the CLI entry relative to their own URL (web-ui.ts, bridge/launch-command.ts).
 */
export async function buildCliBundle(outFile: string = path.join(ROOT, 'out', 'cli', 'switchboard.mjs')) {
  const outDir = path.dirname(outFile);
  // Chunk names carry a content hash: an earlier build's would otherwise stay beside the new ones forever.
  if (fs.existsSync(outDir)) {
    for (const name of fs.readdirSync(outDir))
      if (CLI_CHUNK.test(name)) fs.rmSync(path.join(outDir, name), { force: true });
  }
  await build({
    ...commonOptions(),
    format: 'esm',
    banner: { js: ESM_REQUIRE_BANNER },
    // Whitespace and comments only (names stay, so stack traces and `name`s read as in the sources; the linked
    // source map maps positions back): a third less for V8 to decode and parse at every start, and the output is
    // then pure ASCII, which Node decodes on its fast path.
    minifyWhitespace: true,
    entryPoints: [{ in: path.join(ROOT, 'main/cli.ts'), out: path.basename(outFile, '.mjs') }],
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'switchboard-[name]-[hash]',
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
      plugins: [...(common.plugins ?? []), pureContract],
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
