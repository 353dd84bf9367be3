import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientOptions } from '@modelcontextprotocol/client';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { expect } from 'vitest';
import { CLI_ENTRY, runCli } from '../../helpers/cli.ts';
import { isolatedEnv, noKeyringEnv } from '../../helpers/private-keyring.ts';
import type { NodeRun } from '../../helpers/private-keyring.ts';

/**
 * End-to-end harness: a REAL `switchboard serve` child process over a throwaway data directory, set up
 * through the real CLI (`import`, `token create`), with real upstream processes. Clients talk to it over
 * 127.0.0.1 only. Everything it starts is tracked and taken down by `stop()` (and, as a last resort, on exit).
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURE_DIR = path.join(ROOT, 'test/fixtures/servers');
export const E2E_FIXTURE_DIR = path.join(ROOT, 'test/fixtures/e2e');
export const EVERYTHING = path.join(
  ROOT,
  'node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
export const MEMORY = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
export const CONFORMANCE_STDIO = path.join(
  ROOT,
  'test/integration/gateway-http/fixtures/conformance-server-stdio.ts',
);

/** The environment of every child we start: no session bus (no keyring), an explicit vault passphrase. */
export function e2eEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return isolatedEnv({
    ...noKeyringEnv(),
    SWITCHBOARD_VAULT_PASSPHRASE: 'e2e-test-passphrase',
    SWITCHBOARD_LOG_LEVEL: undefined,
    ...extra,
  });
}

/** A stdio server definition that runs a TS/JS file with THIS Node (absolute: the login-shell PATH may hold another). */
export function stdioServer(
  prefix: string,
  file: string,
  options: { args?: string[]; env?: Record<string, string>; keepRunning?: boolean } = {},
): Record<string, unknown> {
  return {
    prefix,
    name: prefix,
    transport: 'stdio',
    command: process.execPath,
    args: [file, ...(options.args ?? [])],
    env: options.env ?? {},
    ...(options.keepRunning ? { keepRunning: true } : {}),
  };
}

/** A Streamable HTTP server definition. */
export function httpServer(prefix: string, url: string): Record<string, unknown> {
  return { prefix, name: prefix, transport: 'http', url, headers: {} };
}

/** Runs the real CLI against `dataDir`; throws with its output on a non-zero exit. */
export async function cli(dataDir: string, args: string[], input?: string): Promise<NodeRun> {
  const run = await runCli(dataDir, args, {
    env: e2eEnv(),
    timeoutMs: 30_000,
    ...(input === undefined ? {} : { input }),
  });
  if (run.code !== 0) {
    throw new Error(`switchboard ${args.join(' ')} exited ${run.code}: ${run.stderr}${run.stdout}`);
  }
  return run;
}

export interface DataDir {
  dir: string;
  /** A client token created with `token create`. */
  token: string;
  cleanup(): void;
}

/** A fresh data directory with `servers` imported (one CLI run) and a client token. */
export async function prepareDataDir(servers: Record<string, unknown>[], name = 'e2e'): Promise<DataDir> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-'));
  if (servers.length > 0) await importServers(dir, servers);
  const token = (await cli(dir, ['token', 'create', name])).stdout.trim();
  if (!/^sbt_/.test(token)) throw new Error(`unexpected token output: ${token}`);
  return { dir, token, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Adds `servers` to the data directory with the real `import` command. For definitions that name files inside
 * the directory: make it with `prepareDataDir([])` first, then import.
 */
export async function importServers(dataDir: string, servers: Record<string, unknown>[]): Promise<void> {
  const file = path.join(dataDir, 'import.json');
  fs.writeFileSync(file, JSON.stringify({ format: 'switchboard-servers', version: 1, servers }));
  await cli(dataDir, ['import', file]);
}

/** A port that was free a moment ago (for runs that must know the port before `serve` starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Pid → parent pid for every process (Linux `ps`). */
function processTable(): [number, number][] {
  return execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
}

/** Every descendant of `pid`. */
export function descendants(pid: number): number[] {
  const table = processTable();
  const result: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent && !result.includes(child)) {
        result.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return result;
}

/** Members of the process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  return execFileSync('ps', ['-eo', 'pid=,pgid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number])
    .filter(([, g]) => g === pgid)
    .map(([p]) => p);
}

/** Running (a zombie holds nothing and waits for a reaper that may not be ours). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The processes of `pids` still running after up to `ms` (signals take a moment to land). */
export async function survivors(pids: number[], ms = 3000): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!pids.some(alive)) return [];
    await sleep(50);
  }
  return pids.filter(alive);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns a value other than undefined/false, or throws after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

// Last resort if a test run dies without afterAll: never leave a serve (or its upstream groups) behind.
const live = new Set<() => void>();
process.once('exit', () => {
  for (const kill of live) kill();
});

export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  dataDir: string;
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** `${origin}/mcp` */
  url: string;
  token: string;
  /** Everything `serve` printed on stderr so far. */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Pids of the stdio upstreams this serve started, by prefix (from upstream-pids.json). */
  upstreamPids(): Map<string, number>;
  /** An SDK v2 client connected to `/mcp` (or `/mcp/<prefix>`) with the bearer token. */
  connect(options?: ConnectOptions): Promise<Client>;
  /** SIGTERM, wait for exit (SIGKILL after 15 s); returns the exit and what of its tree survived. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; survivors: number[] }>;
}

export interface ConnectOptions {
  prefix?: string;
  mode?: 'legacy' | 'auto';
  capabilities?: ClientOptions['capabilities'];
  setup?(client: Client): void;
  token?: string;
}

/** Starts `switchboard --data-dir D serve --port P` and waits until it answers /healthz. */
export async function startServe(
  data: DataDir,
  options: { port?: number; env?: Record<string, string | undefined> } = {},
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [CLI_ENTRY, '--data-dir', data.dir, 'serve', '--port', String(options.port ?? 0)],
    { cwd: ROOT, env: e2eEnv(options.env), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pidsFile = path.join(data.dir, 'upstream-pids.json');
  const upstreamPids = () => {
    const pids = new Map<string, number>();
    try {
      const doc = JSON.parse(fs.readFileSync(pidsFile, 'utf8')) as {
        owners: Record<string, { entries: { prefix: string; pid: number }[] }>;
      };
      for (const entry of doc.owners[String(child.pid)]?.entries ?? []) pids.set(entry.prefix, entry.pid);
    } catch {
      // Not written yet.
    }
    return pids;
  };
  const seenGroups = new Set<number>();
  const killEverything = () => {
    for (const pid of [...seenGroups, ...upstreamPids().values()]) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  live.add(killEverything);

  const port = await waitFor(
    '`serve` to listen',
    async () => {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${stderr}`);
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr);
      if (!match) return undefined;
      const p = Number(match[1]);
      const ok = await fetch(`http://127.0.0.1:${p}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      return ok ? p : undefined;
    },
    20_000,
    25,
  ).catch((error: unknown) => {
    killEverything();
    throw new Error(`${String(error)}\n--- serve stderr ---\n${stderr}`);
  });
  const origin = `http://127.0.0.1:${port}`;
  const clients = new Set<Client>();

  const serve: ServeProcess = {
    child,
    pid: child.pid!,
    dataDir: data.dir,
    port,
    origin,
    url: `${origin}/mcp`,
    token: data.token,
    stderr: () => stderr,
    exited,
    upstreamPids: () => {
      const pids = upstreamPids();
      for (const pid of pids.values()) seenGroups.add(pid);
      return pids;
    },
    async connect(options = {}) {
      const url = new URL(options.prefix === undefined ? serve.url : `${serve.url}/${options.prefix}`);
      const transport = new StreamableHTTPClientTransport(url, {
        requestInit: { headers: { authorization: `Bearer ${options.token ?? data.token}` } },
      });
      const client = new Client(
        { name: 'e2e-client', version: '1.0.0' },
        {
          capabilities: options.capabilities ?? {},
          versionNegotiation: { mode: options.mode ?? 'legacy' },
        },
      );
      options.setup?.(client);
      await client.connect(transport);
      clients.add(client);
      return client;
    },
    async stop() {
      await Promise.all([...clients].map((c) => c.close().catch(() => {})));
      clients.clear();
      serve.upstreamPids();
      const tree = [...new Set([...descendants(child.pid!), ...[...seenGroups].flatMap(groupMembers)])];
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const exit = await exited;
      clearTimeout(timer);
      const left = await survivors(tree);
      killEverything();
      live.delete(killEverything);
      return { ...exit, survivors: left };
    },
  };
  return serve;
}

/**
 * Starts `serve` over `data` and returns once tools/list holds every name in `tools` (the catalogs fill in
 * the background). Stops it again if they never appear.
 */
export async function startServeWithTools(data: DataDir, tools: string[]): Promise<ServeProcess> {
  const serve = await startServe(data);
  try {
    const client = await serve.connect();
    await waitForTools(client, tools);
    await client.close();
    return serve;
  } catch (error) {
    await serve.stop();
    throw error;
  }
}

/**
 * The end of an e2e suite: stops `serve` and removes `data` (either may be missing if setup failed), then
 * expects that nothing of the serve tree survived, and no other child of this worker either. `release` runs
 * between the stop and the checks (to close what the suite started besides); `check` adds expectations.
 */
export async function stopServeAndCheck(
  serve: ServeProcess | undefined,
  data: DataDir | undefined,
  extra: { release?: () => Promise<void>; check?: () => Promise<void> | void } = {},
): Promise<void> {
  const stopped = await serve?.stop();
  await extra.release?.();
  data?.cleanup();
  expect(stopped?.survivors).toEqual([]);
  await extra.check?.();
  expect(await leftoverChildren()).toEqual([]);
}

/** Names of the tools the client sees now (raw tools/list, no client-side cache). */
export async function toolNames(client: Client): Promise<string[]> {
  const result = (await client.request({ method: 'tools/list', params: {} })) as {
    tools: { name: string }[];
  };
  return result.tools.map((t) => t.name);
}

/** Waits until tools/list through the gateway contains every name in `expected` (catalogs fill in the background). */
export async function waitForTools(client: Client, expected: string[], ms = 30_000): Promise<string[]> {
  return waitFor(
    `tools ${expected.join(', ')}`,
    async () => {
      const names = await toolNames(client);
      return expected.every((n) => names.includes(n)) ? names : undefined;
    },
    ms,
    100,
  );
}

/** The first text content of a tool result. */
export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.find((c) => c.type === 'text')?.text ?? '';
}

/** Child processes of THIS process (the test worker) still running after a grace period: must be none. */
export async function leftoverChildren(): Promise<number[]> {
  return survivors(descendants(process.pid));
}
