import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
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
 *
 * The hub's stdout and stderr are copied to a log file OUTSIDE the data folder
 * (SWITCHBOARD_E2E_HUB_LOG), for specs that read what the hub prints: the sign-in address of an OAuth
 * Connect (the hub runs with SWITCHBOARD_NO_BROWSER=1, so it prints the address and never launches a
 * browser), or a canary that must never be logged.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.SWITCHBOARD_E2E_BASE_URL && process.env.SWITCHBOARD_E2E_TOKEN) return async () => {};

  await build({ configFile: join(repo, 'vite.config.ts'), root: join(repo, 'renderer'), logLevel: 'warn' });

  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-'));
  const passphraseFile = join(dataDir, 'passphrase');
  await writeFile(passphraseFile, `e2e-${randomBytes(16).toString('hex')}\n`, { mode: 0o600 });
  const logDir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-log-'));
  const logFile = join(logDir, 'hub.log');
  const log = createWriteStream(logFile, { mode: 0o600 });
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
    {
      cwd: repo,
      env: {
        ...process.env,
        SWITCHBOARD_HOME: dataDir,
        SWITCHBOARD_NO_BROWSER: '1',
        // AI clients' files are looked for in an empty home of the run's own: never the real one's.
        SWITCHBOARD_CLIENT_HOME: join(dataDir, 'client-home'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Drains both pipes for the hub's whole life (it never blocks on a full buffer) into the log file.
  child.stdout?.on('data', (chunk: Buffer) => log.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
  let started: { baseUrl: string; token: string };
  try {
    started = await waitForUiUrl(child, 60_000);
  } catch (error) {
    await new Promise<void>((resolve) => log.end(() => resolve()));
    await rm(dataDir, { recursive: true, force: true });
    await rm(logDir, { recursive: true, force: true });
    throw error;
  }
  const { baseUrl, token } = started;
  process.env.SWITCHBOARD_E2E_BASE_URL = baseUrl;
  process.env.SWITCHBOARD_E2E_TOKEN = token;
  process.env.SWITCHBOARD_E2E_DATA_DIR = dataDir;
  process.env.SWITCHBOARD_E2E_HUB_LOG = logFile;

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
    await new Promise<void>((resolve) => log.end(() => resolve()));
    await rm(dataDir, { recursive: true, force: true });
    await rm(logDir, { recursive: true, force: true });
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
        // The log listeners keep draining the pipes.
        child.stdout?.removeListener('data', onData);
        child.stderr?.removeListener('data', onData);
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
