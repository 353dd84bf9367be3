import type { AuthProvider, FetchLike, Implementation, Progress } from '@modelcontextprotocol/client';
import type { StoredServer } from '../../preload/contract/server-definition.ts';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError, toErrorInfo } from '../lib/errors.ts';
import { createListeners } from '../lib/listeners.ts';
import type { Logger } from '../lib/logger.ts';
import type { Redactor } from '../lib/redactor.ts';
import type { UpstreamCatalogRepository } from '../registry/upstream-catalog-repository.ts';
import { ALL_LISTS, createCatalogRefresher } from './catalog-refresh.ts';
import type { PidRegistry } from './pid-registry.ts';
import type { PoolEntry } from './pool-entry.ts';
import { newPoolEntry, statusOf } from './pool-entry.ts';
import { signalGroup, signalProcess } from './process-tree.ts';
import type { RestartPolicy } from './restart-policy.ts';
import { DEFAULT_RESTART_POLICY } from './restart-policy.ts';
import type { RingLine } from './line-buffer.ts';
import type { SyncAction, ValuesOutcome } from './sync-plan.ts';
import { planSync } from './sync-plan.ts';
import { createCalls } from './upstream-calls.ts';
import { createConnector } from './upstream-connection.ts';
import { createUpstreamHttp } from './upstream-http.ts';
import { createRunner } from './upstream-runner.ts';
import type { UpstreamCaller, UpstreamPoolEvents, UpstreamStatus } from './upstream-types.ts';

/**
 * The upstream pool: one SDK Client per upstream server, shared by every downstream session. It starts servers
 * lazily, stops idle stdio servers, restarts crashed ones with backoff, reconnects with a new session when an
 * upstream forgot ours, keeps the catalog cache fresh, and routes requests (with progress, cancellation and
 * server→client requests) to them. Every server has its own state and promises; nothing here waits on a global
 * lock, so a hung or crash-looping server only affects its own callers.
 *
 * This file only composes the pieces: the pure state machine (upstream-state.ts) and sync planner
 * (sync-plan.ts), the runner that performs their actions (upstream-runner.ts), connecting
 * (upstream-connection.ts), the catalog (catalog-refresh.ts) and the request path (upstream-calls.ts).
 */

export interface UpstreamPoolDeps {
  /** The registry's servers (re-read on every sync). */
  servers: { list(): StoredServer[] };
  /**
   * The user's values for a server's variables: vault secrets plus registry non-secrets. The server is passed
   * too, so values can be looked up by its id (owners are keyed by id, not prefix).
   */
  values: (
    prefix: string,
    server: StoredServer,
  ) => Promise<Record<string, string | undefined>> | Record<string, string | undefined>;
  /** The catalog cache, keyed by server id. */
  catalog: Pick<UpstreamCatalogRepository, 'get' | 'save'>;
  redactor: Redactor;
  log: Logger;
  clock: Clock;
  /** Idle time after which a stdio server without calls is stopped; 0 = never (read at each arming). */
  idleTimeoutMs: () => number;
  /** PATH for stdio servers (resolveLoginShellEnv().path, memoized by the caller). */
  loginPath: () => Promise<string>;
  pids?: PidRegistry;
  processEnv?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Bound on one connect attempt (spawn + handshake), default 60 s (first `npx -y` runs download). */
  connectTimeoutMs?: number;
  /** Default per-request timeout, reset by progress; default 60 s. */
  requestTimeoutMs?: number;
  /** Default bound on a request however much progress it reports; default 10 min. */
  maxTotalTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when stopping a stdio tree; default 2 s. */
  killGraceMs?: number;
  /** A call arriving while its stdio server waits to restart waits for it when the restart is at most this far; default 5 s. */
  backoffWaitMs?: number;
  restartPolicy?: RestartPolicy;
  /** Credentials for HTTP upstreams (OAuth, client credentials), when the hub has them. */
  authProvider?: (prefix: string, server: StoredServer) => AuthProvider | undefined;
  /** An upstream answered 403 insufficient_scope (the OAuth manager records it so status and Connect show it). */
  onInsufficientScope?: (prefix: string, requiredScope: string | undefined, server: StoredServer) => void;
  /** Fetch of the HTTP upstreams (tests inject one); default one keep-alive client per pool (upstream-http.ts). */
  fetch?: FetchLike;
  clientInfo?: Implementation;
}

export interface UpstreamRequestOptions {
  /** The downstream side of the call: answers sampling/elicitation/roots, receives logs. */
  caller?: UpstreamCaller;
  signal?: AbortSignal;
  onprogress?: (progress: Progress) => void;
  timeoutMs?: number;
  maxTotalTimeoutMs?: number;
}

export interface UpstreamPool {
  /** Reconciles with the registry after add/remove/edit/enable; restarts only servers whose config changed. */
  sync(): Promise<void>;
  status(prefix: string): UpstreamStatus | undefined;
  statuses(): UpstreamStatus[];
  /** Recent stderr lines of a stdio server (redacted), oldest first. */
  stderr(prefix: string): RingLine[];
  /** Sends one request to an upstream (starting it if needed) and returns its result. */
  request(
    prefix: string,
    request: { method: string; params?: Record<string, unknown> },
    options?: UpstreamRequestOptions,
  ): Promise<Record<string, unknown>>;
  /** Starts a server now (health checks, "test connection"); resolves when it is ready. */
  start(prefix: string): Promise<void>;
  stop(prefix: string): Promise<void>;
  /** Stops and starts again, forgetting earlier failures (the person asked for it). */
  restart(prefix: string): Promise<void>;
  /** Re-reads a running server's lists now. */
  refreshCatalog(prefix: string): Promise<void>;
  /** Stops every server and waits until their process trees are gone. */
  stopAll(): Promise<void>;
  /**
   * SIGKILLs every running stdio tree at once, synchronously: for a `process.on('exit')` hook, where nothing
   * asynchronous runs any more. Our children lead their own process groups, so a Ctrl-C aimed at the hub's
   * terminal never reaches them; without stopAll() or this they would outlive the hub (until the next start reaps them).
   */
  killAllSync(): void;
  on<K extends keyof UpstreamPoolEvents>(event: K, listener: UpstreamPoolEvents[K]): () => void;
}

/** Creates the pool; call sync() to load the registry's servers. */
export function createUpstreamPool(deps: UpstreamPoolDeps): UpstreamPool {
  const log = deps.log.child({ component: 'upstream-pool' });
  const policy = deps.restartPolicy ?? DEFAULT_RESTART_POLICY;
  const platform = deps.platform ?? process.platform;
  const listeners = createListeners<UpstreamPoolEvents>(log);
  const entries = new Map<string, PoolEntry>();
  const now = () => deps.clock.now();
  let syncing: Promise<void> | undefined;
  let syncAgain = false;
  // Orphans of a crashed previous hub are reaped before we spawn anything ourselves.
  const reaped: Promise<unknown> =
    deps.pids?.reapOrphans().catch((error) => log.warn('orphan reaping failed', { error })) ??
    Promise.resolve();

  const isCurrent = (entry: PoolEntry) => entries.get(entry.model.prefix) === entry;

  const catalog = createCatalogRefresher({
    catalog: deps.catalog,
    log,
    redactor: deps.redactor,
    now,
    isCurrent,
    stored(entry, changes) {
      const prefix = entry.model.prefix;
      listeners.emit('catalogFetched', { prefix, serverId: entry.model.serverId, changes });
      if (changes.tools || changes.prompts || changes.resources)
        listeners.emit('catalog', { prefix, changes });
    },
  });

  const runner = createRunner({
    log,
    redactor: deps.redactor,
    listeners,
    now,
    policy,
    idleTimeoutMs: deps.idleTimeoutMs,
    open: (entry, attempt) => connector(entry, attempt),
    refreshCatalog: (entry) => void catalog.schedule(entry, ALL_LISTS),
    openListen: catalog.openListen,
    retireTimeoutMs: deps.maxTotalTimeoutMs ?? 10 * 60_000,
  });

  const calls = createCalls({
    runner,
    log,
    redactor: deps.redactor,
    now,
    requestTimeoutMs: deps.requestTimeoutMs ?? 60_000,
    maxTotalTimeoutMs: deps.maxTotalTimeoutMs ?? 10 * 60_000,
    backoffWaitMs: deps.backoffWaitMs ?? 5000,
    onInsufficientScope: (entry, scope) =>
      deps.onInsufficientScope?.(entry.model.prefix, scope, entry.server),
  });

  // One per hub: every HTTP upstream's requests share its kept-alive connections; stopAll() closes them.
  const http = deps.fetch === undefined ? createUpstreamHttp() : undefined;

  const connector = createConnector({
    values: deps.values,
    catalog: deps.catalog,
    redactor: deps.redactor,
    log,
    clock: deps.clock,
    reaped,
    loginPath: deps.loginPath,
    processEnv: deps.processEnv ?? process.env,
    platform,
    killGraceMs: deps.killGraceMs ?? 2000,
    connectTimeoutMs: deps.connectTimeoutMs ?? 60_000,
    pids: deps.pids,
    authProvider: deps.authProvider,
    fetch: deps.fetch ?? http?.fetch,
    clientInfo: deps.clientInfo ?? { name: 'switchboard', version: '0.1.0' },
    listChanged: (entry, kinds) => void catalog.schedule(entry, kinds),
    // A removed server's late notification must not reach the subscribers of a newcomer under its prefix.
    resourceUpdated: (entry, uri) => {
      if (isCurrent(entry)) listeners.emit('resourceUpdated', { prefix: entry.model.prefix, uri });
    },
    upstreamLog: (entry, params) => forwardLog(entry, params),
    answerLost: (entry, callId) => calls.answerLost(entry, callId),
  });

  const forwardLog = (entry: PoolEntry, params: Record<string, unknown>) => {
    if (entry.inFlight.size === 0) {
      log.debug('upstream log message', {
        prefix: entry.model.prefix,
        level: params.level,
        data: deps.redactor.redact(JSON.stringify(params.data ?? null)),
      });
      return;
    }
    const sessions = new Set<string>();
    for (const call of entry.inFlight) {
      if (!call.caller?.log || sessions.has(call.caller.sessionKey)) continue;
      sessions.add(call.caller.sessionKey);
      call.caller.log(params);
    }
  };

  // A request may come before the first sync has loaded the registry's servers (the hub syncs once it listens; the
  // CLI's `tools call` asks right after starting it) or while a sync adds one: it waits for that sync rather than
  // failing for a server the registry has.
  let synced = false;
  const entryAfterSync = async (prefix: string): Promise<PoolEntry> => {
    if (!entries.has(prefix) && (!synced || syncing)) await pool.sync();
    return entryOf(prefix);
  };

  const entryOf = (prefix: string): PoolEntry => {
    const entry = entries.get(prefix);
    if (!entry)
      throw new SwitchboardError('NOT_FOUND', `no server has the prefix "${prefix}"`, {
        details: { prefix },
      });
    return entry;
  };

  // ---- sync: read values, plan (pure), apply ----

  const readValues = async (servers: readonly StoredServer[]) => {
    const values = new Map<number, ValuesOutcome>();
    for (const server of servers) {
      if (!server.enabled) continue;
      try {
        values.set(server.id, { ok: true, values: await deps.values(server.prefix, server) });
      } catch (error) {
        values.set(server.id, { ok: false, error: toErrorInfo(error) });
      }
    }
    return values;
  };

  const apply = (action: SyncAction): Promise<void> | undefined => {
    if (action.kind === 'add') {
      entries.set(action.server.prefix, newPoolEntry(action.server, now()));
      return undefined;
    }
    const entry = entries.get(action.prefix);
    if (!entry) return undefined;
    switch (action.kind) {
      case 'remove':
        // Deleted first: whatever the old entry still finishes (a catalog fetch, a connect) finds itself stale.
        entries.delete(action.prefix);
        return runner.stop(entry, 'stopped');
      case 'update':
        entry.server = action.server;
        entry.fingerprint = action.fingerprint;
        return undefined;
      case 'event':
        return runner.dispatch(entry, action.event);
      case 'restart':
        return runner.stop(entry, 'stopped').then(() => {
          runner.ensureStarted(entry).catch(() => {});
        });
      case 'start':
        runner.ensureStarted(entry).catch(() => {});
        return undefined;
      case 'rearm-idle':
        runner.armIdle(entry);
        return undefined;
    }
  };

  const syncOnce = async () => {
    const servers = deps.servers.list();
    const values = await readValues(servers);
    const catalogs = new Map<number, string>();
    for (const server of servers) {
      const hash = deps.catalog.get(server.id)?.definitionHash;
      if (hash !== undefined) catalogs.set(server.id, hash);
    }
    const plan = planSync({
      entries: [...entries.values()].map((e) => ({
        serverId: e.model.serverId,
        prefix: e.model.prefix,
        server: e.server,
        state: e.model.state,
        fingerprint: e.fingerprint,
      })),
      servers,
      values,
      catalogs,
    });
    const waits: Promise<void>[] = [];
    for (const action of plan.actions) {
      const done = apply(action);
      if (done) waits.push(done);
    }
    await Promise.all(waits);
    if (plan.changes) listeners.emit('servers', plan.changes);
  };

  const pool: UpstreamPool = {
    async sync() {
      if (syncing) {
        syncAgain = true;
        return syncing;
      }
      syncing = (async () => {
        try {
          do {
            syncAgain = false;
            await syncOnce();
          } while (syncAgain);
          synced = true;
        } finally {
          syncing = undefined;
        }
      })();
      return syncing;
    },
    status(prefix) {
      const entry = entries.get(prefix);
      return entry && statusOf(entry, now(), policy);
    },
    statuses() {
      return [...entries.values()].map((entry) => statusOf(entry, now(), policy));
    },
    stderr(prefix) {
      return entries.get(prefix)?.stderr.lines() ?? [];
    },
    request: (prefix, request, options) => {
      const entry = entries.get(prefix);
      if (entry) return calls.request(entry, request, options);
      return entryAfterSync(prefix).then((found) => calls.request(found, request, options));
    },
    async start(prefix) {
      await calls.acquire(await entryAfterSync(prefix), undefined);
    },
    async stop(prefix) {
      const entry = entryOf(prefix);
      await runner.stop(entry, entry.model.state === 'disabled' ? 'disabled' : 'stopped');
    },
    async restart(prefix) {
      const entry = entryOf(prefix);
      await runner.dispatch(entry, { type: 'forget-failures' });
      if (entry.model.state === 'disabled' || entry.model.state === 'needs_config') return;
      await runner.stop(entry, 'stopped');
      await runner.ensureStarted(entry);
    },
    async refreshCatalog(prefix) {
      await catalog.schedule(entryOf(prefix), ALL_LISTS);
    },
    async stopAll() {
      // The start-up reaping writes the pid file: once stopAll resolves, nothing of the pool runs any more.
      await reaped;
      await Promise.all(
        [...entries.values()].map((entry) => {
          const state = entry.model.state;
          // What the person must act on stays visible; everything else is simply stopped.
          return runner.stop(entry, state === 'disabled' || state === 'needs_config' ? state : 'stopped');
        }),
      );
      http?.close();
    },
    killAllSync() {
      for (const entry of entries.values()) {
        const pid = entry.conn?.pid ?? entry.pending?.pid;
        if (pid === undefined) continue;
        if (platform === 'win32') signalProcess(pid, 'SIGKILL');
        else signalGroup(pid, 'SIGKILL');
      }
    },
    on: listeners.on,
  };
  return pool;
}
