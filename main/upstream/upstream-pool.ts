import type { AuthProvider, FetchLike, Implementation, Progress } from '@modelcontextprotocol/client';
import { Client, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/client';
import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { resolveDefinition } from '../env/resolve-definition.ts';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError, toErrorInfo } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Redactor } from '../lib/redactor.ts';
import type { CatalogRecord, UpstreamCatalogRepository } from '../registry/upstream-catalog-repository.ts';
import { pickCaller } from './caller-routing.ts';
import type { ListKind } from './catalog-fetch.ts';
import { diffCatalogs, fetchCatalog } from './catalog-fetch.ts';
import type { UpstreamConnection } from './connect-upstream.ts';
import { connectUpstream } from './connect-upstream.ts';
import { definitionHash, runtimeFingerprint } from './definition-fingerprint.ts';
import type { LineRing, RingLine } from './line-buffer.ts';
import { createLineRing } from './line-buffer.ts';
import { createListeners } from './listeners.ts';
import { needsConfigError } from './needs-config.ts';
import type { PidRegistry } from './pid-registry.ts';
import { signalGroup, signalProcess } from './process-tree.ts';
import type { RestartPolicy } from './restart-policy.ts';
import { DEFAULT_RESTART_POLICY, planRestart, recentFailures } from './restart-policy.ts';
import type { ExitInfo } from './stdio-process-transport.ts';
import { launchStdio } from './stdio-launch.ts';
import { settlesWithin } from './timeouts.ts';
import { StdioProcessTransport } from './stdio-process-transport.ts';
import {
  cancelledError,
  connectError,
  insufficientScopeOf,
  isSessionGone,
  requestFailure,
} from './upstream-errors.ts';
import type {
  ServerRequestMethod,
  UpstreamCaller,
  UpstreamPoolEvents,
  UpstreamState,
  UpstreamStatus,
} from './upstream-types.ts';

/**
 * The upstream pool: one SDK Client per upstream server, shared by every downstream session. It starts servers
 * lazily, stops idle stdio servers, restarts crashed ones with backoff, keeps the catalog cache fresh, and routes
 * requests (with progress, cancellation and server→client requests) to them. Every server has its own state and
 * promises; nothing here waits on a global lock, so a hung or crash-looping server only affects its own callers.
 */

export interface UpstreamPoolDeps {
  /** The registry's servers (re-read on every sync). */
  servers: { list(): StoredServer[] };
  /** The user's values for a server's variables: vault secrets plus registry non-secrets. */
  values: (
    prefix: string,
  ) => Promise<Record<string, string | undefined>> | Record<string, string | undefined>;
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
  /** A call arriving while its server waits to restart waits for it when the restart is at most this far; default 5 s. */
  backoffWaitMs?: number;
  restartPolicy?: RestartPolicy;
  /** Credentials for HTTP upstreams (OAuth, client credentials), when the hub has them. */
  authProvider?: (prefix: string) => AuthProvider | undefined;
  /** An upstream answered 403 insufficient_scope (the OAuth manager records it so status and Connect show it). */
  onInsufficientScope?: (prefix: string, requiredScope: string | undefined) => void;
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

interface InFlight {
  caller?: UpstreamCaller;
  startedAt: number;
}

interface Entry {
  server: StoredServer;
  fingerprint?: string;
  state: UpstreamState;
  since: number;
  lastError?: ReturnType<typeof toErrorInfo>;
  missing?: string[];
  conn?: UpstreamConnection;
  starting?: Promise<UpstreamConnection>;
  /** Transport of a connect in progress, so stop() can abort it. */
  pending?: StdioProcessTransport;
  lastExit?: ExitInfo;
  failures: number[];
  nextRetryAt?: number;
  backoffTimer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  inFlight: Set<InFlight>;
  stderr: LineRing;
  /** Bumped by every start and stop; a start that finds it changed was overtaken and cleans up after itself. */
  generation: number;
  refreshKinds: Set<ListKind>;
  refreshing?: Promise<void>;
  subscription?: { close(): Promise<void> };
}

const ALL_LISTS: ListKind[] = ['tools', 'prompts', 'resources', 'resourceTemplates'];
const CATALOG_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;

/** Creates the pool; call sync() to load the registry's servers. */
export function createUpstreamPool(deps: UpstreamPoolDeps): UpstreamPool {
  const log = deps.log.child({ component: 'upstream-pool' });
  const policy = deps.restartPolicy ?? DEFAULT_RESTART_POLICY;
  const platform = deps.platform ?? process.platform;
  const processEnv = deps.processEnv ?? process.env;
  const connectTimeoutMs = deps.connectTimeoutMs ?? 60_000;
  const requestTimeoutMs = deps.requestTimeoutMs ?? 60_000;
  const maxTotalTimeoutMs = deps.maxTotalTimeoutMs ?? 10 * 60_000;
  const backoffWaitMs = deps.backoffWaitMs ?? 5000;
  const clientInfo = deps.clientInfo ?? { name: 'switchboard', version: '0.1.0' };
  const listeners = createListeners<UpstreamPoolEvents>(log);
  const entries = new Map<string, Entry>();
  let callSeq = 0;
  let syncing: Promise<void> | undefined;
  let syncAgain = false;
  // Orphans of a crashed previous hub are reaped before we spawn anything ourselves.
  const reaped: Promise<unknown> =
    deps.pids?.reapOrphans().catch((error) => log.warn('orphan reaping failed', { error })) ??
    Promise.resolve();

  const now = () => deps.clock.now();

  const statusOf = (prefix: string, e: Entry): UpstreamStatus => ({
    prefix,
    state: e.state,
    since: e.since,
    ...(e.lastError === undefined ? {} : { lastError: e.lastError }),
    ...(e.missing === undefined ? {} : { missing: e.missing }),
    ...(e.conn?.pid === undefined ? {} : { pid: e.conn.pid }),
    ...(e.conn?.era === undefined ? {} : { era: e.conn.era }),
    failures: recentFailures(e.failures, now(), policy).length,
    ...(e.nextRetryAt === undefined || e.state !== 'backoff' ? {} : { nextRetryAt: e.nextRetryAt }),
    inFlight: e.inFlight.size,
  });

  const setState = (e: Entry, state: UpstreamState) => {
    if (e.state === state && state !== 'backoff') return;
    e.state = state;
    e.since = now();
    if (state !== 'needs_config') e.missing = undefined;
    listeners.emit('state', statusOf(e.server.prefix, e));
  };

  const entryOf = (prefix: string): Entry => {
    const e = entries.get(prefix);
    if (!e)
      throw new SwitchboardError('NOT_FOUND', `no server has the prefix "${prefix}"`, {
        details: { prefix },
      });
    return e;
  };

  // ---- server → client requests and notifications from an upstream ----

  const routeServerRequest = async (
    e: Entry,
    method: ServerRequestMethod,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
  ) => {
    const call = pickCaller(e.inFlight, method);
    if (!call?.caller) {
      if (method === 'roots/list') return { roots: [] };
      throw new ProtocolError(
        ProtocolErrorCode.MethodNotFound,
        `${method} is not available: the client using ${e.server.prefix} through Switchboard does not support it`,
      );
    }
    return call.caller.request(method, params, signal);
  };

  const forwardLog = (e: Entry, params: Record<string, unknown>) => {
    if (e.inFlight.size === 0) {
      log.debug('upstream log message', {
        prefix: e.server.prefix,
        level: params.level,
        data: deps.redactor.redact(JSON.stringify(params.data ?? null)),
      });
      return;
    }
    const sessions = new Set<string>();
    for (const call of e.inFlight) {
      if (!call.caller?.log || sessions.has(call.caller.sessionKey)) continue;
      sessions.add(call.caller.sessionKey);
      call.caller.log(params);
    }
  };

  const createClient = (e: Entry) => (mode: 'legacy' | 'auto') => {
    const client = new Client(clientInfo, {
      // We can relay these to whichever downstream client caused the request (see caller-routing.ts).
      capabilities: { sampling: {}, elicitation: { form: {}, url: {} }, roots: {} },
      versionNegotiation: { mode },
    });
    for (const method of ['sampling/createMessage', 'elicitation/create', 'roots/list'] as const) {
      client.setRequestHandler(
        method,
        async (request, ctx) =>
          // The SDK validates what we return against the method's result schema.
          (await routeServerRequest(
            e,
            method,
            request.params as Record<string, unknown> | undefined,
            ctx.mcpReq.signal,
          )) as never,
      );
    }
    client.setNotificationHandler(
      'notifications/tools/list_changed',
      () => void scheduleRefresh(e, ['tools']),
    );
    client.setNotificationHandler(
      'notifications/prompts/list_changed',
      () => void scheduleRefresh(e, ['prompts']),
    );
    client.setNotificationHandler(
      'notifications/resources/list_changed',
      () => void scheduleRefresh(e, ['resources', 'resourceTemplates']),
    );
    client.setNotificationHandler('notifications/resources/updated', (n) =>
      listeners.emit('resourceUpdated', { prefix: e.server.prefix, uri: n.params.uri }),
    );
    client.setNotificationHandler('notifications/message', (n) =>
      forwardLog(e, n.params as Record<string, unknown>),
    );
    client.onerror = (error) =>
      log.debug('upstream client error', {
        prefix: e.server.prefix,
        error: deps.redactor.redact(String(error)),
      });
    return client;
  };

  // ---- lifecycle ----

  const startEntry = (e: Entry): Promise<UpstreamConnection> => {
    if (e.starting) return e.starting;
    if (e.state === 'ready' && e.conn) return Promise.resolve(e.conn);
    clearTimeout(e.backoffTimer);
    e.backoffTimer = undefined;
    const generation = ++e.generation;
    const prefix = e.server.prefix;
    setState(e, 'starting');

    const run = async (): Promise<UpstreamConnection> => {
      await reaped;
      const values = await deps.values(prefix);
      const resolution = resolveDefinition(e.server, values);
      if (!resolution.ok) {
        e.missing = resolution.missing;
        throw needsConfigError(e.server, resolution.missing);
      }
      for (const secret of resolution.secrets) deps.redactor.add(secret);
      const stored = deps.catalog.get(prefix);
      const remembered = stored?.definitionHash === definitionHash(e.server) ? stored.era : undefined;
      const childPath = resolution.server.transport === 'stdio' ? await deps.loginPath() : '';
      const authProvider = deps.authProvider?.(prefix);
      const startedAt = now();
      const conn = await connectUpstream({
        prefix,
        resolved: resolution.server,
        ...(remembered === undefined ? {} : { remembered }),
        now: now(),
        timeoutMs: connectTimeoutMs,
        createClient: createClient(e),
        ...(authProvider === undefined ? {} : { authProvider }),
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
        createStdioTransport: (server) => {
          e.pending = launchStdio({
            prefix,
            server,
            path: childPath,
            processEnv,
            platform,
            killGraceMs: deps.killGraceMs ?? 2000,
            stderr: e.stderr,
            redactor: deps.redactor,
            log,
            clock: deps.clock,
            ...(deps.pids === undefined ? {} : { pids: deps.pids }),
            onExit: (info) => {
              e.lastExit = info;
            },
          });
          return e.pending;
        },
      }).catch(async (error: unknown) => {
        // "Connection closed" says little; what the process printed before dying usually says why.
        const pending = e.pending;
        if (pending instanceof StdioProcessTransport) await pending.whenStderrDrained();
        const tail = e.stderr
          .lines()
          .filter((l) => l.at >= startedAt)
          .slice(-3)
          .map((l) => l.text);
        if (tail.length === 0 || !(error instanceof SwitchboardError)) throw error;
        throw new SwitchboardError(error.code, `${error.message}; it printed: ${tail.join(' | ')}`, {
          cause: error,
        });
      });
      e.pending = undefined;
      if (generation !== e.generation) {
        // stop() (or a newer start) overtook us while we were connecting.
        await closeConnection(conn);
        throw new SwitchboardError('UPSTREAM_UNAVAILABLE', `${prefix} was stopped while it was starting`);
      }
      e.conn = conn;
      e.lastExit = undefined;
      conn.client.onclose = () => onConnectionClosed(e, conn);
      setState(e, 'ready');
      log.info('upstream ready', { prefix, era: conn.era.era, wire: conn.era.wire, pid: conn.pid });
      if (conn.era.era === 'modern') void openListenStream(e, conn);
      void scheduleRefresh(e, ALL_LISTS);
      armIdle(e);
      return conn;
    };

    const promise = run();
    e.starting = promise;
    promise.then(
      () => {
        if (e.starting === promise) e.starting = undefined;
      },
      (error: unknown) => {
        if (e.starting === promise) e.starting = undefined;
        e.pending = undefined;
        if (generation !== e.generation) return;
        if (error instanceof SwitchboardError && error.code === 'NEEDS_CONFIG') {
          e.lastError = toErrorInfo(error);
          setState(e, 'needs_config');
          return;
        }
        recordFailure(e, error);
      },
    );
    return promise;
  };

  // Modern upstreams only deliver list_changed on a listen stream, which connect({prior}) does not open.
  const openListenStream = async (e: Entry, conn: UpstreamConnection) => {
    const caps = (conn.client.getServerCapabilities() ?? {}) as Record<
      string,
      { listChanged?: boolean } | undefined
    >;
    const filter = {
      ...(caps.tools?.listChanged ? { toolsListChanged: true } : {}),
      ...(caps.prompts?.listChanged ? { promptsListChanged: true } : {}),
      ...(caps.resources?.listChanged ? { resourcesListChanged: true } : {}),
    };
    if (Object.keys(filter).length === 0) return;
    try {
      const subscription = await conn.client.listen(filter);
      if (e.conn === conn) e.subscription = subscription;
      else await subscription.close();
    } catch (error) {
      log.debug('could not open a listen stream', { prefix: e.server.prefix, error: String(error) });
    }
  };

  const recordFailure = (e: Entry, error: unknown) => {
    const t = now();
    e.failures = recentFailures([...e.failures, t], t, policy);
    const info = toErrorInfo(
      error instanceof SwitchboardError ? error : connectError(e.server.prefix, error),
    );
    e.lastError = { ...info, message: deps.redactor.redact(info.message) };
    if (e.lastError.code === 'NEEDS_AUTH') {
      // Retrying cannot help until the person signs in; the next call or health check tries again.
      log.info('upstream needs sign-in', { prefix: e.server.prefix, error: e.lastError.message });
      setState(e, 'failed');
      return;
    }
    const plan = planRestart(e.failures, t, policy);
    log.warn('upstream failed', {
      prefix: e.server.prefix,
      error: e.lastError.message,
      attempt: plan.attempt,
    });
    if (plan.action === 'give-up') {
      setState(e, 'failed');
      return;
    }
    e.nextRetryAt = t + plan.delayMs;
    e.backoffTimer = setTimeout(() => {
      e.backoffTimer = undefined;
      if (e.state === 'backoff') startEntry(e).catch(() => {});
    }, plan.delayMs);
    e.backoffTimer.unref?.();
    setState(e, 'backoff');
  };

  const onConnectionClosed = (e: Entry, conn: UpstreamConnection) => {
    if (e.conn !== conn) return; // Replaced or stopped on purpose.
    e.conn = undefined;
    void e.subscription?.close().catch(() => {});
    e.subscription = undefined;
    clearTimeout(e.idleTimer);
    const exit = e.lastExit;
    const how = exit
      ? exit.signal
        ? `was killed by ${exit.signal}`
        : `exited with code ${exit.code}`
      : 'closed the connection';
    const tail = e.stderr
      .lines()
      .slice(-3)
      .map((l) => l.text)
      .join(' | ');
    const error = new SwitchboardError(
      'UPSTREAM_UNAVAILABLE',
      `${e.server.prefix} ${how} unexpectedly${tail ? `; last stderr: ${tail}` : ''}`,
    );
    recordFailure(e, error);
  };

  const closeConnection = async (conn: UpstreamConnection) => {
    const closing = conn.client.close().catch(() => {});
    await settlesWithin(closing, CLOSE_TIMEOUT_MS);
    // Client.close() closes the transport too; a second close is a no-op, but covers a client that threw early.
    await settlesWithin(conn.transport.close(), CLOSE_TIMEOUT_MS);
  };

  const stopEntry = async (e: Entry, next: UpstreamState = 'stopped') => {
    e.generation++;
    clearTimeout(e.backoffTimer);
    clearTimeout(e.idleTimer);
    e.backoffTimer = undefined;
    const conn = e.conn;
    const pending = e.pending;
    e.conn = undefined;
    e.pending = undefined;
    const subscription = e.subscription;
    e.subscription = undefined;
    setState(e, next);
    await subscription?.close().catch(() => {});
    await Promise.all([conn ? closeConnection(conn) : undefined, pending?.close().catch(() => {})]);
    await e.starting?.catch(() => {});
  };

  const armIdle = (e: Entry) => {
    clearTimeout(e.idleTimer);
    e.idleTimer = undefined;
    if (e.state !== 'ready' || e.inFlight.size > 0) return;
    if (e.server.transport !== 'stdio' || e.server.keepRunning) return;
    const ms = deps.idleTimeoutMs();
    if (!(ms > 0)) return;
    e.idleTimer = setTimeout(() => {
      if (e.state === 'ready' && e.inFlight.size === 0) {
        log.info('stopping idle upstream', { prefix: e.server.prefix });
        void stopEntry(e);
      }
    }, ms);
    e.idleTimer.unref?.();
  };

  // ---- catalog ----

  const scheduleRefresh = (e: Entry, kinds: readonly ListKind[]): Promise<void> => {
    for (const k of kinds) e.refreshKinds.add(k);
    if (e.refreshing) return e.refreshing;
    const run = async () => {
      while (e.refreshKinds.size > 0) {
        const batch = [...e.refreshKinds];
        e.refreshKinds.clear();
        await refresh(e, batch);
      }
    };
    e.refreshing = run()
      .catch((error) =>
        log.warn('could not refresh the catalog', {
          prefix: e.server.prefix,
          error: deps.redactor.redact(String(error)),
        }),
      )
      .finally(() => {
        e.refreshing = undefined;
      });
    return e.refreshing;
  };

  const refresh = async (e: Entry, kinds: ListKind[]) => {
    const conn = e.conn;
    if (!conn) return;
    const prefix = e.server.prefix;
    const previous = deps.catalog.get(prefix);
    const hash = definitionHash(e.server);
    // A catalog of another definition (command/URL changed) cannot be patched list by list.
    const base = previous?.definitionHash === hash ? previous : undefined;
    const fresh = await fetchCatalog(conn.client, base ? kinds : ALL_LISTS, base, CATALOG_TIMEOUT_MS);
    if (e.conn !== conn || !entries.has(prefix)) return;
    const record: CatalogRecord = { ...fresh, definitionHash: hash, era: conn.era, refreshedAt: now() };
    deps.catalog.save(prefix, record);
    const changes = diffCatalogs(previous, fresh);
    if (changes.tools || changes.prompts || changes.resources) listeners.emit('catalog', { prefix, changes });
  };

  // ---- calls ----

  const acquire = async (e: Entry, signal: AbortSignal | undefined): Promise<UpstreamConnection> => {
    for (let round = 0; round < 3; round++) {
      if (signal?.aborted) throw cancelledError(e.server.prefix);
      switch (e.state) {
        case 'ready':
          if (e.conn) return e.conn;
          return startEntry(e);
        case 'disabled':
          throw new SwitchboardError(
            'UPSTREAM_UNAVAILABLE',
            `${e.server.prefix} is disabled: enable it in Switchboard to use it`,
          );
        case 'needs_config':
          throw needsConfigError(e.server, e.missing ?? []);
        case 'backoff': {
          const wait = (e.nextRetryAt ?? 0) - now();
          if (wait > backoffWaitMs) {
            throw new SwitchboardError(
              'UPSTREAM_UNAVAILABLE',
              `${e.server.prefix} is restarting after a failure (next attempt in ${Math.ceil(wait / 1000)}s)` +
                (e.lastError ? `: ${e.lastError.message}` : ''),
            );
          }
          await abortableDelay(Math.max(wait, 0) + 10, signal, e.server.prefix);
          if (e.state === 'backoff') return startEntry(e);
          continue;
        }
        default:
          // stopped, failed (a call is a reason to try again), starting.
          return startEntry(e);
      }
    }
    throw new SwitchboardError(
      'UPSTREAM_UNAVAILABLE',
      `${e.server.prefix} could not be started${e.lastError ? `: ${e.lastError.message}` : ''}`,
    );
  };

  const reconnect = async (e: Entry, stale: UpstreamConnection): Promise<UpstreamConnection> => {
    if (e.conn === stale) {
      log.info('upstream forgot our session (HTTP 404); reconnecting', { prefix: e.server.prefix });
      e.conn = undefined;
      void closeConnection(stale);
      setState(e, 'stopped');
    }
    return startEntry(e);
  };

  const request: UpstreamPool['request'] = async (prefix, req, options = {}) => {
    const e = entryOf(prefix);
    const call: InFlight = {
      ...(options.caller === undefined ? {} : { caller: options.caller }),
      startedAt: ++callSeq,
    };
    e.inFlight.add(call);
    clearTimeout(e.idleTimer);
    const timeoutMs = options.timeoutMs ?? requestTimeoutMs;
    const send = (conn: UpstreamConnection) =>
      conn.client.request(req as { method: 'tools/call'; params?: Record<string, unknown> }, {
        timeout: timeoutMs,
        maxTotalTimeout: options.maxTotalTimeoutMs ?? maxTotalTimeoutMs,
        resetTimeoutOnProgress: true,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.onprogress === undefined ? {} : { onprogress: options.onprogress }),
      }) as Promise<Record<string, unknown>>;
    try {
      let conn = await acquire(e, options.signal);
      try {
        return await send(conn);
      } catch (error) {
        if (
          !options.signal?.aborted &&
          isSessionGone(error) &&
          conn.era.era === 'legacy' &&
          conn.era.wire === 'streamable-http'
        ) {
          conn = await reconnect(e, conn);
          return await send(conn);
        }
        throw error;
      }
    } catch (error) {
      const scope = insufficientScopeOf(error);
      if (scope) deps.onInsufficientScope?.(prefix, scope.requiredScope);
      throw requestFailure(prefix, error, {
        aborted: options.signal?.aborted ?? false,
        timeoutMs,
        ...(e.lastExit === undefined ? {} : { lastExit: e.lastExit }),
        redact: (text: string) => deps.redactor.redact(text),
      });
    } finally {
      e.inFlight.delete(call);
      armIdle(e);
    }
  };

  // ---- sync ----

  const syncOnce = async () => {
    const servers = deps.servers.list();
    const seen = new Set<string>();
    const added: string[] = [];
    const changed: string[] = [];
    const stops: Promise<void>[] = [];
    for (const server of servers) {
      seen.add(server.prefix);
      let e = entries.get(server.prefix);
      if (!e) {
        e = newEntry(server);
        entries.set(server.prefix, e);
        added.push(server.prefix);
      }
      const wasEnabled = e.server.enabled;
      const keepRunningChanged = e.server.keepRunning !== server.keepRunning;
      e.server = server;
      if (!server.enabled) {
        if (e.state !== 'disabled') {
          if (!added.includes(server.prefix)) changed.push(server.prefix);
          e.fingerprint = undefined;
          stops.push(stopEntry(e, 'disabled'));
        }
        continue;
      }
      let values: Record<string, string | undefined>;
      try {
        values = await deps.values(server.prefix);
      } catch (error) {
        e.lastError = toErrorInfo(error);
        setState(e, 'failed');
        continue;
      }
      const fingerprint = runtimeFingerprint(server, values);
      const configChanged = e.fingerprint !== undefined && e.fingerprint !== fingerprint;
      if ((configChanged || !wasEnabled) && !added.includes(server.prefix)) changed.push(server.prefix);
      const firstLook = e.fingerprint === undefined;
      e.fingerprint = fingerprint;
      const resolution = resolveDefinition(server, values);
      if (!resolution.ok) {
        if (e.state !== 'needs_config') stops.push(stopEntry(e, 'needs_config'));
        e.missing = resolution.missing;
        e.lastError = toErrorInfo(needsConfigError(server, resolution.missing));
        // Listeners saw needs_config before `missing` was known; tell them again with it.
        listeners.emit('state', statusOf(server.prefix, e));
        continue;
      }
      if (e.state === 'disabled' || e.state === 'needs_config') {
        e.failures = [];
        e.lastError = undefined;
        setState(e, 'stopped');
      }
      const running =
        e.state === 'ready' || e.state === 'starting' || e.state === 'backoff' || e.state === 'failed';
      if (configChanged) {
        e.failures = [];
        if (running) {
          stops.push(
            stopEntry(e).then(() => {
              startEntry(e).catch(() => {});
            }),
          );
          continue;
        }
      }
      const stored = deps.catalog.get(server.prefix);
      const known = stored?.definitionHash === definitionHash(server);
      const wantsRunning = server.keepRunning && e.state === 'stopped';
      // A server we never talked to is connected in the background so its tools appear in the catalog.
      const wantsDiscovery = !known && e.state === 'stopped' && (firstLook || configChanged || !wasEnabled);
      if (wantsRunning || wantsDiscovery) startEntry(e).catch(() => {});
      else if (keepRunningChanged) armIdle(e);
    }
    const removed: string[] = [];
    for (const [prefix, e] of entries) {
      if (seen.has(prefix)) continue;
      entries.delete(prefix);
      removed.push(prefix);
      stops.push(stopEntry(e));
    }
    await Promise.all(stops);
    if (added.length || removed.length || changed.length)
      listeners.emit('servers', { added, removed, changed });
  };

  const newEntry = (server: StoredServer): Entry => ({
    server,
    state: server.enabled ? 'stopped' : 'disabled',
    since: now(),
    failures: [],
    inFlight: new Set(),
    stderr: createLineRing(),
    generation: 0,
    refreshKinds: new Set(),
  });

  return {
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
        } finally {
          syncing = undefined;
        }
      })();
      return syncing;
    },
    status(prefix) {
      const e = entries.get(prefix);
      return e && statusOf(prefix, e);
    },
    statuses() {
      return [...entries].map(([prefix, e]) => statusOf(prefix, e));
    },
    stderr(prefix) {
      return entries.get(prefix)?.stderr.lines() ?? [];
    },
    request,
    async start(prefix) {
      const e = entryOf(prefix);
      await acquire(e, undefined);
    },
    async stop(prefix) {
      await stopEntry(entryOf(prefix), entryOf(prefix).state === 'disabled' ? 'disabled' : 'stopped');
    },
    async restart(prefix) {
      const e = entryOf(prefix);
      e.failures = [];
      e.lastError = undefined;
      if (e.state === 'disabled' || e.state === 'needs_config') return;
      await stopEntry(e);
      await startEntry(e);
    },
    async refreshCatalog(prefix) {
      await scheduleRefresh(entryOf(prefix), ALL_LISTS);
    },
    async stopAll() {
      await Promise.all(
        [...entries.values()].map((e) =>
          stopEntry(e, e.state === 'disabled' || e.state === 'needs_config' ? e.state : 'stopped'),
        ),
      );
    },
    killAllSync() {
      for (const e of entries.values()) {
        const pid = e.conn?.pid ?? e.pending?.pid;
        if (pid === undefined) continue;
        if (platform === 'win32') signalProcess(pid, 'SIGKILL');
        else signalGroup(pid, 'SIGKILL');
      }
    },
    on: listeners.on,
  };
}

function abortableDelay(ms: number, signal: AbortSignal | undefined, prefix: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(prefix));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
