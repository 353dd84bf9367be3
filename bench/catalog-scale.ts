import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { definitionHash } from '../main/upstream/definition-fingerprint.ts';
import { openRegistry } from '../main/registry/index.ts';
import { createUpstreamCatalogRepository } from '../main/registry/upstream-catalog-repository.ts';
import { silentLogger } from '../main/lib/logger.ts';
import { systemClock } from '../main/lib/clock.ts';
import { manyTools } from '../test/fixtures/e2e/many-tools-server.ts';
import type { DataDir } from '../test/integration/e2e/serve-harness.ts';
import {
  E2E_FIXTURE_DIR,
  ROOT,
  descendants,
  e2eEnv,
  prepareDataDir,
  stdioServer,
  toolNames,
} from '../test/integration/e2e/serve-harness.ts';
import { startServeAt } from './targets.ts';
import { median, quantile, rssMiB } from './measure.ts';

/**
 * The hub at catalog scale: N registered servers × M tools whose catalogs are already cached (as after the hub
 * has met them once), so listing must answer from the cache without starting anything. Measures tools/list
 * latency (and proves zero processes were spawned), cold start to listening, and idle memory of `serve`.
 */

/** tools/list at catalog scale through one Switchboard build. */
export interface CatalogListResult {
  build: string;
  toolsListed: number;
  listCalls: number;
  /** Through the SDK v2 Client (includes its result validation of 1000 tools), as an SDK-based client sees it. */
  listP50Ms: number;
  listP99Ms: number;
  /** Raw HTTP (fetch + JSON.parse, same session), isolating the gateway from client-side validation. */
  rawListP50Ms: number;
  rawListP99Ms: number;
  /** What the raw answer came as: application/json or text/event-stream. */
  rawContentType: string;
  /**
   * Upstream (many-tools fixture) processes under serve: before, the most seen while listing (sampled every 25
   * calls), and after. All must be 0. (Right after start serve also runs the user's login shell once to learn
   * the PATH stdio servers get; that short-lived helper is not an upstream and is not counted.)
   */
  processesBefore: number;
  processesDuring: number;
  processesAfter: number;
  /** Pids recorded in upstream-pids.json by this serve (must be 0). */
  upstreamPidsRecorded: number;
}

/** Start-up of one Switchboard build with the catalog-scale data directory. */
export interface ColdStartResult {
  build: string;
  runs: number;
  /** spawn() → the "listening" line on stderr: median, and the first run (Node's compile cache still empty). */
  listeningMs: number;
  firstListeningMs: number;
  /** spawn() → first HTTP 200 from /healthz, median. */
  healthyMs: number;
  /** RSS of an idle serve with these servers registered (none running), MiB, median. */
  idleRssMiB: number | undefined;
  /** `switchboard --help` (start-up of the CLI alone: no SDK, no database), spawn → exit, median. */
  helpMs: number;
}

/**
 * Every build's numbers in `lists` and `coldStarts`; the flat fields repeat the FIRST build's (this checkout's
 * sources), as earlier versions of this file reported them.
 */
export interface CatalogScaleResult extends Omit<CatalogListResult, 'build' | 'rawContentType'> {
  servers: number;
  toolsPerServer: number;
  lists: CatalogListResult[];
  coldStarts: ColdStartResult[];
  coldStartRuns: number;
  coldStartListeningMs: number;
  coldStartHealthyMs: number;
  idleRssMiB: number | undefined;
  /** spawn → exit of `node -e ""` (the floor of any start), median, interleaved with the cold starts. */
  emptyNodeMs: number;
}

/** A build as the catalog measurements need it. */
export interface CatalogBuild {
  name: string;
  entry: string;
  /** Extra environment for its start-ups (e.g. its own NODE_COMPILE_CACHE folder). */
  env?: Record<string, string | undefined>;
}

/** Descendants of `pid` that are many-tools fixture processes (read from /proc/<pid>/cmdline). */
function fixtureProcesses(pid: number): number {
  return descendants(pid).filter((child) => {
    try {
      return fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('many-tools-server');
    } catch {
      return false;
    }
  }).length;
}

/** A raw Streamable HTTP session (legacy era) for timing requests without an SDK client on top. */
async function rawSession(
  url: string,
  token: string,
): Promise<{ post(body: unknown): Promise<unknown>; lastContentType(): string }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  let contentType = '';
  const post = async (body: unknown) => {
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    contentType = response.headers.get('content-type') ?? '';
    const sid = response.headers.get('mcp-session-id');
    if (sid) headers['mcp-session-id'] = sid;
    if (text === '') return undefined;
    // JSON, or an SSE stream whose data line carries the response.
    const json = (response.headers.get('content-type') ?? '').includes('event-stream')
      ? text
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .filter(Boolean)
          .pop()
      : text;
    return json === undefined ? undefined : (JSON.parse(json) as unknown);
  };
  await post({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'bench-raw', version: '1' },
    },
  });
  headers['mcp-protocol-version'] = '2025-11-25';
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { post, lastContentType: () => contentType };
}

/** A data directory with `servers` many-tools definitions whose catalogs are cached in the registry. */
export async function seededDataDir(servers: number, toolsPerServer: number): Promise<DataDir> {
  const file = path.join(E2E_FIXTURE_DIR, 'many-tools-server.ts');
  const definitions = Array.from({ length: servers }, (_, i) =>
    stdioServer(`s${String(i + 1).padStart(2, '0')}`, file, { args: [`--tools=${toolsPerServer}`] }),
  );
  const data = await prepareDataDir(definitions, 'bench-catalog');
  const registry = openRegistry(data.dir, { log: silentLogger, clock: systemClock });
  try {
    const catalog = createUpstreamCatalogRepository(registry.db, { clock: systemClock, log: silentLogger });
    const tools = manyTools(toolsPerServer).map((t) => t.tool);
    const now = Date.now();
    for (const server of registry.servers.list()) {
      catalog.save(server.id, {
        capabilities: { tools: { listChanged: true }, logging: {} },
        serverInfo: { name: 'many-tools', version: '1.0.0' },
        tools,
        prompts: [],
        resources: [],
        resourceTemplates: [],
        definitionHash: definitionHash(server),
        era: { era: 'legacy', wire: 'stdio', protocolVersion: '2025-11-25', checkedAt: now },
        refreshedAt: now,
      });
    }
  } finally {
    registry.close();
  }
  return data;
}

/** Spawns `serve` and times it to the listening line and to a healthy /healthz; then stops it. */
async function coldStart(
  data: DataDir,
  entry: string,
  env: Record<string, string | undefined> = {},
): Promise<{ listeningMs: number; healthyMs: number; rss: number | undefined }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [entry, '--data-dir', data.dir, 'serve', '--port', '0'], {
    cwd: ROOT,
    env: e2eEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const { port, listeningMs } = await new Promise<{ port: number; listeningMs: number }>(
      (resolve, reject) => {
        let stderr = '';
        const timer = setTimeout(() => reject(new Error(`serve did not listen: ${stderr}`)), 30_000);
        child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr);
          if (match) {
            clearTimeout(timer);
            resolve({ port: Number(match[1]), listeningMs: performance.now() - t0 });
          }
        });
      },
    );
    let healthyMs = Number.NaN;
    for (let i = 0; i < 400; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) {
        healthyMs = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const rss = await rssMiB(child.pid!);
    return { listeningMs, healthyMs, rss };
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Spawn → exit of Node with an empty script: the floor under every cold start. */
async function emptyNodeRun(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', ''], { cwd: ROOT, env: e2eEnv(), stdio: 'ignore' });
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return performance.now() - t0;
}

/** Spawn → exit of `switchboard --help`. */
async function helpRun(entry: string, env: Record<string, string | undefined> = {}): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [entry, '--help'], { cwd: ROOT, env: e2eEnv(env), stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  if (code !== 0) throw new Error(`${entry} --help exited ${code}`);
  return performance.now() - t0;
}

/** tools/list latency through one build, and proof that listing started no upstream. */
async function measureList(
  data: DataDir,
  build: CatalogBuild,
  listCalls: number,
): Promise<CatalogListResult> {
  const serve = await startServeAt(build.entry, data);
  try {
    const client = await serve.connect();
    const processesBefore = fixtureProcesses(serve.pid);
    let processesDuring = 0;
    // Warm-up, then the measured calls, one at a time (a client listing tools does not do it in parallel).
    let toolsListed = 0;
    for (let i = 0; i < 20; i++) toolsListed = (await toolNames(client)).length;
    const latencies: number[] = [];
    for (let i = 0; i < listCalls; i++) {
      const t0 = performance.now();
      const result = (await client.request({ method: 'tools/list', params: {} })) as { tools: unknown[] };
      latencies.push(performance.now() - t0);
      toolsListed = result.tools.length;
      if (i % 25 === 0) processesDuring = Math.max(processesDuring, fixtureProcesses(serve.pid));
    }
    latencies.sort((a, b) => a - b);
    const raw = await rawSession(serve.url, data.token);
    for (let i = 0; i < 20; i++)
      await raw.post({ jsonrpc: '2.0', id: -1 - i, method: 'tools/list', params: {} });
    const rawLatencies: number[] = [];
    for (let i = 0; i < listCalls; i++) {
      const t0 = performance.now();
      const answer = (await raw.post({ jsonrpc: '2.0', id: i + 1, method: 'tools/list', params: {} })) as {
        result?: { tools: unknown[] };
      };
      rawLatencies.push(performance.now() - t0);
      if (answer.result?.tools.length !== toolsListed)
        throw new Error('raw tools/list returned another list');
      if (i % 25 === 0) processesDuring = Math.max(processesDuring, fixtureProcesses(serve.pid));
    }
    rawLatencies.sort((a, b) => a - b);
    return {
      build: build.name,
      toolsListed,
      listCalls: latencies.length,
      listP50Ms: quantile(latencies, 0.5),
      listP99Ms: quantile(latencies, 0.99),
      rawListP50Ms: quantile(rawLatencies, 0.5),
      rawListP99Ms: quantile(rawLatencies, 0.99),
      rawContentType: raw.lastContentType(),
      processesBefore,
      processesDuring,
      processesAfter: fixtureProcesses(serve.pid),
      upstreamPidsRecorded: recordedUpstreamPids(data.dir, serve.pid),
    };
  } finally {
    await serve.stop();
  }
}

/** Pids that serve `pid` recorded in upstream-pids.json. */
function recordedUpstreamPids(dataDir: string, pid: number): number {
  try {
    const doc = JSON.parse(fs.readFileSync(path.join(dataDir, 'upstream-pids.json'), 'utf8')) as {
      owners: Record<string, { entries: unknown[] }>;
    };
    return doc.owners[String(pid)]?.entries.length ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Runs the catalog-scale measurements for each build: tools/list through `listBuilds`, cold starts (and
 * `--help`) of `startBuilds`. Cold starts of the builds are interleaved run by run, so load swings hit each alike.
 */
export async function measureCatalogScale(options: {
  servers: number;
  toolsPerServer: number;
  listCalls: number;
  coldStarts: number;
  listBuilds: readonly CatalogBuild[];
  startBuilds: readonly CatalogBuild[];
  log: (line: string) => void;
}): Promise<CatalogScaleResult> {
  const data = await seededDataDir(options.servers, options.toolsPerServer);
  try {
    options.log(
      `cold start × ${options.coldStarts} with ${options.servers} registered servers: ${options.startBuilds.map((b) => b.name).join(', ')}`,
    );
    const starts = new Map(
      options.startBuilds.map((b) => [b.name, [] as Awaited<ReturnType<typeof coldStart>>[]]),
    );
    const helps = new Map(options.startBuilds.map((b) => [b.name, [] as number[]]));
    const empties: number[] = [];
    for (let i = 0; i < options.coldStarts; i++) {
      empties.push(await emptyNodeRun());
      for (const build of options.startBuilds) {
        starts.get(build.name)!.push(await coldStart(data, build.entry, build.env));
        helps.get(build.name)!.push(await helpRun(build.entry, build.env));
      }
    }
    const coldStarts = options.startBuilds.map((build): ColdStartResult => {
      const runs = starts.get(build.name)!;
      return {
        build: build.name,
        runs: runs.length,
        listeningMs: median(runs.map((s) => s.listeningMs)),
        firstListeningMs: runs[0]!.listeningMs,
        healthyMs: median(runs.map((s) => s.healthyMs)),
        idleRssMiB: median(runs.map((s) => s.rss ?? Number.NaN)),
        helpMs: median(helps.get(build.name)!),
      };
    });
    const lists: CatalogListResult[] = [];
    for (const build of options.listBuilds) {
      options.log(`tools/list × ${options.listCalls} through ${build.name}`);
      lists.push(await measureList(data, build, options.listCalls));
    }
    const { build: _build, rawContentType: _type, ...first } = lists[0]!;
    const start = coldStarts[0]!;
    return {
      servers: options.servers,
      toolsPerServer: options.toolsPerServer,
      ...first,
      coldStartRuns: start.runs,
      coldStartListeningMs: start.listeningMs,
      coldStartHealthyMs: start.healthyMs,
      idleRssMiB: start.idleRssMiB,
      emptyNodeMs: median(empties),
      lists,
      coldStarts,
    };
  } finally {
    data.cleanup();
  }
}
