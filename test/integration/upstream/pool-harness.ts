import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerDefinitionInput } from '../../../preload/contract/server-definition.ts';
import { systemClock } from '../../../main/lib/clock.ts';
import { createLogger } from '../../../main/lib/logger.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import type { RegistryDatabase } from '../../../main/registry/database.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import { createServerRepository } from '../../../main/registry/server-repository.ts';
import { createUpstreamCatalogRepository } from '../../../main/registry/upstream-catalog-repository.ts';
import { createPidRegistry } from '../../../main/upstream/pid-registry.ts';
import type { UpstreamPool, UpstreamPoolDeps } from '../../../main/upstream/upstream-pool.ts';
import { createUpstreamPool } from '../../../main/upstream/upstream-pool.ts';
import type { UpstreamPoolEvents, UpstreamState } from '../../../main/upstream/upstream-types.ts';

/**
 * A real registry (SQLite file in a temp folder) plus a pool over it, for integration tests of the pool and the
 * gateway core. Secrets live in a plain map here (the vault is not this module's concern).
 */

export interface Harness {
  dir: string;
  db: RegistryDatabase;
  servers: ReturnType<typeof createServerRepository>;
  catalog: ReturnType<typeof createUpstreamCatalogRepository>;
  pool: UpstreamPool;
  redactor: Redactor;
  logs: string[];
  secrets: Record<string, Record<string, string>>;
  /** The stored catalog of the server now registered under `prefix` (catalogs are keyed by server id). */
  catalogOf(prefix: string): ReturnType<Harness['catalog']['get']>;
  /** Adds a stdio server running `node <fixture> ...args`. */
  addStdio(prefix: string, fixture: string, args?: string[], extra?: Partial<ServerDefinitionInput>): void;
  /** Adds an HTTP (or SSE) server. */
  addRemote(prefix: string, url: string, transport?: 'http' | 'sse'): void;
  /** Resolves when `prefix` reaches `state` (rejects after timeoutMs). */
  waitForState(prefix: string, state: UpstreamState, timeoutMs?: number): Promise<void>;
  /** Resolves with the next event of a kind matching `filter`. */
  next<K extends keyof UpstreamPoolEvents>(
    event: K,
    filter?: (...args: Parameters<UpstreamPoolEvents[K]>) => boolean,
    timeoutMs?: number,
  ): Promise<Parameters<UpstreamPoolEvents[K]>>;
  /** Syncs the pool and resolves once every registered server has delivered its first catalog. */
  syncAndList(): Promise<void>;
  /** A second pool over the same database (a hub restart). */
  reopenPool(over?: Partial<UpstreamPoolDeps>): UpstreamPool;
  close(): Promise<void>;
}

/**
 * Creates a harness; pass pool options to override the test defaults, and `fromDatabase` to start from a copy
 * of an existing (closed) database file instead of an empty one.
 */
export function createHarness(over: Partial<UpstreamPoolDeps> = {}, fromDatabase?: string): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-pool-'));
  if (fromDatabase !== undefined) fs.copyFileSync(fromDatabase, path.join(dir, 'switchboard.db'));
  const db = openDatabase({ file: path.join(dir, 'switchboard.db') });
  const servers = createServerRepository(db, { clock: systemClock });
  const catalog = createUpstreamCatalogRepository(db, { clock: systemClock });
  const redactor = new Redactor();
  const logs: string[] = [];
  const log = createLogger({ redactor, write: (line) => logs.push(line), level: 'debug' });
  const secrets: Record<string, Record<string, string>> = {};
  const pools: UpstreamPool[] = [];
  const makePool = (more: Partial<UpstreamPoolDeps> = {}) => {
    const pool = createUpstreamPool({
      servers,
      values: (prefix) => ({ ...servers.listEnvValues(prefix), ...secrets[prefix] }),
      catalog,
      redactor,
      log,
      clock: systemClock,
      idleTimeoutMs: () => 0,
      loginPath: async () => process.env.PATH ?? '',
      pids: createPidRegistry({ file: path.join(dir, 'upstream-pids.json'), log }),
      connectTimeoutMs: 15_000,
      killGraceMs: 1000,
      restartPolicy: { baseDelayMs: 200, maxDelayMs: 2000, windowMs: 60_000, maxFailures: 5 },
      ...over,
      ...more,
    });
    pools.push(pool);
    return pool;
  };
  const pool = makePool();

  const harness: Harness = {
    dir,
    db,
    servers,
    catalog,
    pool,
    redactor,
    logs,
    secrets,
    catalogOf(prefix) {
      const server = servers.find(prefix);
      return server === undefined ? undefined : catalog.get(server.id);
    },
    addStdio(prefix, fixture, args = [], extra = {}) {
      servers.add({
        prefix,
        name: prefix,
        transport: 'stdio',
        command: process.execPath,
        args: [fixture, ...args],
        ...extra,
      });
    },
    addRemote(prefix, url, transport = 'http') {
      servers.add({ prefix, name: prefix, transport, url });
    },
    waitForState(prefix, state, timeoutMs = 10_000) {
      if (pool.status(prefix)?.state === state) return Promise.resolve();
      return harness
        .next('state', (s) => s.prefix === prefix && s.state === state, timeoutMs)
        .then(() => undefined);
    },
    next(event, filter, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`no ${String(event)} event within ${timeoutMs}ms`));
        }, timeoutMs);
        const off = pool.on(event, ((...args: Parameters<UpstreamPoolEvents[typeof event]>) => {
          if (filter && !filter(...args)) return;
          clearTimeout(timer);
          off();
          resolve(args);
        }) as UpstreamPoolEvents[typeof event]);
      });
    },
    async syncAndList() {
      const waiting = new Set(servers.list().map((server) => server.prefix));
      const listed = new Promise<void>((resolve) => {
        const off = pool.on('catalog', (e) => {
          waiting.delete(e.prefix);
          if (waiting.size > 0) return;
          off();
          resolve();
        });
      });
      await pool.sync();
      await listed;
    },
    reopenPool: (more) => makePool(more),
    async close() {
      await Promise.all(pools.map((p) => p.stopAll()));
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Text of the first content block of a tools/call result. */
export function firstText(result: Record<string, unknown>): string {
  const content = result.content as { text?: string }[] | undefined;
  return content?.[0]?.text ?? '';
}
