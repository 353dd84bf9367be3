import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const UI_URL = /(http:\/\/127\.0\.0\.1:\d+)\/ui\/#token=([A-Za-z0-9_-]+)/;

/**
 * Builds the renderer, starts one hub in web mode on a free port with an empty data folder, and passes its
 * address and UI token to the tests through the environment. Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.SWITCHBOARD_E2E_BASE_URL && process.env.SWITCHBOARD_E2E_TOKEN) return async () => {};

  await build({ configFile: join(repo, 'vite.config.ts'), root: join(repo, 'renderer'), logLevel: 'warn' });

  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-'));
  const passphraseFile = join(dataDir, 'passphrase');
  await writeFile(passphraseFile, `e2e-${randomBytes(16).toString('hex')}\n`, { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [
      'main/cli.ts',
      '--data-dir',
      dataDir,
      '--vault-passphrase-file',
      passphraseFile,
      'serve',
      '--ui',
      '--port',
      '0',
    ],
    { cwd: repo, env: { ...process.env, SWITCHBOARD_HOME: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const { baseUrl, token } = await waitForUiUrl(child, 60_000);
  process.env.SWITCHBOARD_E2E_BASE_URL = baseUrl;
  process.env.SWITCHBOARD_E2E_TOKEN = token;
  process.env.SWITCHBOARD_E2E_DATA_DIR = dataDir;

  return async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await rm(dataDir, { recursive: true, force: true });
  };
}

function waitForUiUrl(child: ChildProcess, timeoutMs: number): Promise<{ baseUrl: string; token: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchboard serve --ui printed no UI address within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = UI_URL.exec(output);
      if (match?.[1] && match[2]) {
        clearTimeout(timer);
        // Keep draining the pipes so the hub never blocks on a full buffer.
        child.stdout?.removeListener('data', onData);
        child.stderr?.removeListener('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ baseUrl: match[1], token: match[2] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`switchboard serve --ui exited (${code}) before printing the UI address:\n${output}`));
    });
  });
}
