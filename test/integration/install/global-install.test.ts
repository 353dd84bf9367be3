import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, olderThan, run, userEnv, userNode } from './user-shell.ts';

/**
 * The install a person does (README "Using the CLI"): `npm pack`, `npm install -g <tarball>` into a fresh
 * prefix, then the installed `switchboard` from a shell whose PATH has no node_modules/.bin — so on this
 * machine (Debian's Node 20) it must find the Node 24 that the install brought (docs/decisions/cli-launcher.md).
 *
 * It runs everywhere `npm test` runs, CI included: it needs only the npm registry (the runtime dependencies
 * better-sqlite3, @napi-rs/keyring and node-<platform>, usually from the npm cache), which CI reaches.
 *
 * The pack runs in a staged copy of the sources, not in the repository: `npm pack` runs `prepack` (the
 * build), and a build into the repository's out/ while other test files run would change, mid-run, which CLI
 * entry they find (out/cli/switchboard.mjs or main/cli.ts). The copy has the repository's package.json,
 * sources and build scripts, and its node_modules is a link to the repository's.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The build inputs. A new one the build needs makes `npm pack` fail here, loudly.
const SOURCES = ['main', 'preload', 'renderer', 'build'];
const ROOT_FILES = ['package.json', 'README.md', 'vite.config.ts', 'tsconfig.base.json', 'tsconfig.json'];

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-install-'));
const stage = path.join(work, 'stage');
const prefix = path.join(work, 'prefix');
const dataDir = path.join(work, 'data');
const home = path.join(work, 'home');
const passphraseFile = path.join(work, 'passphrase');
let tarball = '';
let installed = '';

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function switchboardBin(): string {
  return process.platform === 'win32'
    ? path.join(prefix, 'switchboard.cmd')
    : path.join(prefix, 'bin', 'switchboard');
}

/** The environment of a person's shell, with a home and a data folder of its own and no keyring needed. */
function shellEnv(): NodeJS.ProcessEnv {
  return userEnv({
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    SWITCHBOARD_HOME: dataDir,
    SWITCHBOARD_LAUNCHER_DEBUG: '1',
    SWITCHBOARD_NO_BROWSER: '1',
  });
}

/** npm as the person runs it: their real HOME, so their npm config and cache (fewer registry trips). */
function npmEnv(): NodeJS.ProcessEnv {
  return userEnv();
}

beforeAll(async () => {
  fs.mkdirSync(stage);
  fs.mkdirSync(home);
  fs.writeFileSync(passphraseFile, 'install-test-passphrase\n', { mode: 0o600 });
  for (const dir of SOURCES) fs.cpSync(path.join(ROOT, dir), path.join(stage, dir), { recursive: true });
  for (const file of ROOT_FILES) fs.copyFileSync(path.join(ROOT, file), path.join(stage, file));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'junction');

  // `npm pack` as a developer runs it: prepack builds out/ (in the stage), `files` picks what ships.
  const packed = await run(NPM, ['pack', '--pack-destination', work, '--json'], {
    cwd: stage,
    env: npmEnv(),
    timeoutMs: 300_000,
  });
  expect(packed.code, `npm pack failed: ${describeRun(packed)}`).toBe(0);
  // npm prints the prepack script's output first; the JSON array is the last thing on stdout.
  const json = packed.stdout.slice(packed.stdout.lastIndexOf('\n[') + 1);
  const [info] = JSON.parse(json) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, info!.filename);
  const files = info!.files.map((f) => f.path);
  expect(files).toEqual(
    expect.arrayContaining([
      'main/bin/switchboard.js',
      'main/bin/launch.js',
      'out/cli/switchboard.mjs',
      'out/renderer/index.html',
    ]),
  );
  // Nothing from the sources, the tests or the maps (the tarball is the CLI, not the project).
  expect(
    files.filter((f) => /^(test|docs|bench|renderer|preload)\/|^main\/(?!bin\/)|\.map$/.test(f)),
  ).toEqual([]);

  const install = await run(
    NPM,
    ['install', '-g', tarball, '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel', 'warn'],
    { env: npmEnv(), timeoutMs: 420_000 },
  );
  expect(install.code, `npm install -g failed: ${describeRun(install)}`).toBe(0);
  installed = install.stderr;
}, 900_000);

describe('npm install -g <packed tarball>', () => {
  it('installs a `switchboard` command that lists servers with the Node it needs', async () => {
    expect(fs.existsSync(switchboardBin()), `no ${switchboardBin()} after the install:\n${installed}`).toBe(
      true,
    );
    const listed = await run(switchboardBin(), ['--data-dir', dataDir, 'server', 'list'], {
      env: shellEnv(),
      timeoutMs: 120_000,
    });
    expect(listed.code, describeRun(listed)).toBe(0);
    expect(listed.stdout).toMatch(/no servers yet/i);

    // Which Node ran it: this machine's own when new enough, else the Node 24 installed with it.
    const system = userNode();
    const choice = /switchboard launcher: (import|spawn) (\S+)/.exec(listed.stderr);
    expect(choice, listed.stderr).not.toBeNull();
    if (!system || olderThan(system.version, [22, 12, 0])) {
      expect(choice![1]).toBe('spawn');
      expect(choice![2]!.startsWith(path.join(prefix))).toBe(true);
    } else {
      expect(choice![1]).toBe('import');
    }
  }, 180_000);

  it('runs `serve --port 0` until it listens, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      switchboardBin(),
      ['--data-dir', dataDir, '--vault-passphrase-file', passphraseFile, 'serve', '--port', '0'],
      { env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
    try {
      // Waits for the listening line (an event), bounded generously for a loaded machine.
      const deadline = Date.now() + 90_000;
      let listening: RegExpExecArray | null = null;
      while (!(listening = /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(output))) {
        if (child.exitCode !== null)
          throw new Error(`serve exited (${child.exitCode}) before listening:\n${output}`);
        if (Date.now() > deadline) throw new Error(`serve printed no listening line within 90 s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // It really answers there (without a client token: refused, but by the gateway).
      const response = await fetch(listening[1]!, { method: 'POST', signal: AbortSignal.timeout(30_000) });
      expect(response.status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const end = await ended;
    clearTimeout(timer);
    expect(end, output).toEqual({ code: 0, signal: null });
    expect(output).toContain('stopped');
  }, 180_000);
});
