import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayInfoPath, readGatewayInfo } from '../../../main/gateway/http/gateway-info-file.ts';
import { openRegistry } from '../../../main/registry/index.ts';
import type { TestClientId } from '../../helpers/client-ids.ts';
import { CLI_ENTRY, runCli } from '../../helpers/cli.ts';
import { isolatedEnv, noKeyringEnv, type NodeRun } from '../../helpers/private-keyring.ts';

/** Shared pieces of the AI-client end-to-end tests: fake homes, the CLI, and a real `switchboard serve`. */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLIENT_FIXTURES = path.join(ROOT, 'test/fixtures/clients');
export const E2E_FIXTURES = path.join(ROOT, 'test/fixtures/clients-e2e');

export { CLIENT_IDS, type TestClientId } from '../../helpers/client-ids.ts';

/**
 * Where each client's user file sits below a home folder, written out by hand (not computed by the code
 * under test) so the tests also pin the SWITCHBOARD_CLIENT_HOME behaviour down.
 */
export function clientFileIn(home: string, id: TestClientId): string {
  const appData =
    process.platform === 'darwin'
      ? ['Library', 'Application Support']
      : process.platform === 'win32'
        ? ['AppData', 'Roaming']
        : ['.config'];
  const relative: Record<TestClientId, string[]> = {
    'claude-desktop': [...appData, 'Claude', 'claude_desktop_config.json'],
    'claude-code': ['.claude.json'],
    cursor: ['.cursor', 'mcp.json'],
    vscode: [...appData, 'Code', 'User', 'mcp.json'],
    windsurf: ['.codeium', 'windsurf', 'mcp_config.json'],
    codex: ['.codex', 'config.toml'],
    'gemini-cli': ['.gemini', 'settings.json'],
  };
  return path.join(home, ...relative[id]);
}

/** The unit-test fixture of a client (`full.input.json`, `invalid.input.toml` …). */
export function clientFixture(id: TestClientId, name: 'full' | 'invalid'): string {
  const ext = id === 'codex' ? 'toml' : 'json';
  return fs.readFileSync(path.join(CLIENT_FIXTURES, id, `${name}.input.${ext}`), 'utf8');
}

/** Writes a file, creating its folder. */
export function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Backups `config-file.ts` made of a file, oldest first. */
export function backupsOf(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.switchboard-backup-`;
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(prefix))
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * The environment for CLI children: no keyring reachable, the real home's client files out of reach
 * (SWITCHBOARD_CLIENT_HOME), plus `extra`.
 */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return isolatedEnv({
    ...noKeyringEnv(),
    SWITCHBOARD_CLIENT_HOME: home,
    SWITCHBOARD_VAULT_PASSPHRASE: undefined,
    ...extra,
  });
}

/** A CLI runner for one data directory and environment that remembers every output (for leak scans). */
export function cliRunner(dataDir: string, env: NodeJS.ProcessEnv) {
  const outputs: string[] = [];
  const run = async (args: string[], input?: string): Promise<NodeRun> => {
    const result = await runCli(dataDir, args, { env, input });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  /** Runs with --json, expects exit 0, and parses stdout. */
  const json = async <T = unknown>(args: string[]): Promise<T> => {
    const result = await run(['--json', ...args]);
    if (result.code !== 0) {
      throw new Error(
        `switchboard ${args.join(' ')} exited ${result.code}: ${result.stdout}${result.stderr}`,
      );
    }
    return JSON.parse(result.stdout) as T;
  };
  return { run, json, outputs };
}

/** A free loopback port (released again at once; the gateway binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Stores the `gateway.port` setting, which is the port `connect` writes and `serve` listens on. */
export function setGatewayPort(dataDir: string, port: number): void {
  const registry = openRegistry(dataDir);
  try {
    registry.settings.set('gateway.port', port);
  } finally {
    registry.close();
  }
}

export interface RunningServe {
  port: number;
  stderr(): string;
  stop(): Promise<void>;
}

const serves = new Set<ChildProcess>();
// A test run that dies without afterAll must not leave gateways behind.
process.once('exit', () => {
  for (const child of serves) child.kill('SIGKILL');
});

/** Starts `switchboard --data-dir DIR serve` as a child and waits until its gateway answers /healthz. */
export async function startServe(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Promise<RunningServe> {
  const child = spawn(process.execPath, [CLI_ENTRY, '--data-dir', dataDir, 'serve', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  serves.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    serves.delete(child);
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`serve exited early (${child.exitCode}): ${stderr}`);
    const info = readGatewayInfo(gatewayInfoPath(dataDir));
    if (info !== undefined && info.pid === child.pid) {
      const healthy = await fetch(`http://127.0.0.1:${info.port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) return { port: info.port, stderr: () => stderr, stop };
    }
    // Polling real time is fine here: this is fixture start-up, not the behaviour under test.
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`serve did not come up within 30 s: ${stderr}`);
}
