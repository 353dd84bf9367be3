import { dataFiles } from './lib/paths.ts';
import type { Hub } from './hub.ts';
import { createListeners } from './upstream/listeners.ts';
import { createUpstreamPool, type UpstreamPool } from './upstream/upstream-pool.ts';
import { createPidRegistry } from './upstream/pid-registry.ts';
import { resolveLoginShellEnv } from './upstream/login-shell-env.ts';
import {
  createUpstreamCatalogRepository,
  type UpstreamCatalogRepository,
} from './registry/upstream-catalog-repository.ts';
import { createCallLogRepository, type CallLogRepository } from './registry/call-log-repository.ts';
import {
  createToolSettingsRepository,
  type ToolSettingsRepository,
} from './registry/tool-settings-repository.ts';
import { createHealthHistoryRepository } from './registry/health-history-repository.ts';
import { toDefinition } from './registry/server-repository.ts';
import { createCallLogWriter, type CallLogWriter } from './gateway/core/call-log-writer.ts';
import { createGatewayCore } from './gateway/core/create-gateway-core.ts';
import type { GatewayCore } from './gateway/gateway-core.ts';
import { startLocalGateway } from './gateway/http/start-local-gateway.ts';
import type { GatewayRoute } from './gateway/http/gateway-app.ts';
import type { RunningGateway } from './gateway/http/start-gateway-server.ts';
import { createHealthMonitor, type HealthMonitor } from './health/health-monitor.ts';
import type { HealthState } from './health/health-status.ts';
import { upstreamEventFromPool } from './health/pool-events.ts';
import { createOAuthManager, type OAuthManager } from './oauth/oauth-manager.ts';
import type { OpenBrowser } from './oauth/browser-opener.ts';
import { resolveDefinition } from './env/resolve-definition.ts';
import { filterDisabledTools } from './gateway/disabled-tools.ts';
import type { HealthSettings } from './health/health-settings.ts';
import { tapAuthorizationUrls } from './oauth/authorization-url-capture.ts';
import { createOAuthGatewayRoutes } from './oauth/gateway-routes.ts';
import { applyExternalChange, watchRegistryChanges } from './registry/change-watcher.ts';
import type { EventName, EventPayload } from '../preload/contract/events.ts';
import type { GatewayStatus } from '../preload/contract/models.ts';

/** Events the window and the tray listen to (the contract's events, emitted by main). */
export type HubEvents = { [E in EventName]: (payload: EventPayload<E>) => void };

/** The long-running part of the hub: upstream pool, gateway, health monitor, OAuth. */
export interface HubServices {
  hub: Hub;
  pool: UpstreamPool;
  core: GatewayCore;
  catalog: UpstreamCatalogRepository;
  callLog: CallLogRepository;
  toolSettings: ToolSettingsRepository;
  health: HealthMonitor;
  oauth: OAuthManager;
  /** The HTTP front while it listens (undefined while paused). */
  gateway(): RunningGateway | undefined;
  /** What the window and the tray show about the gateway. */
  gatewayStatus(): GatewayStatus;
  /** Pauses (stops listening) or resumes the gateway; upstreams keep running. */
  setGatewayPaused(paused: boolean): Promise<void>;
  on<E extends EventName>(event: E, listener: HubEvents[E]): () => void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /**
   * Call after any change to servers, their variables or credentials: reconciles the pool (restarting only
   * what changed), tells the window, and re-checks health at once so nothing sits at `unknown`.
   */
  serversChanged(prefix?: string): Promise<void>;
  /** Stops everything in order: gateway sessions, core, health, upstream processes, call log. */
  close(): Promise<void>;
}

export interface StartServicesOptions {
  /** Gateway port; default the `gateway.port` setting. 0 picks a free port (tests). */
  port?: number;
  openBrowser: OpenBrowser;
  /** More routes on the gateway port (the web UI). */
  routes?: (services: HubServices) => GatewayRoute[];
  /** Start the health monitor (default true). */
  health?: boolean;
  /** Health check tuning (probe interval, timeouts…) over the settings; tests shorten them. */
  healthSettings?: Partial<HealthSettings>;
  /** Apply registry changes committed by other processes (the CLI); polls every `intervalMs` (default 500 ms). */
  watchRegistry?: false | { intervalMs?: number };
}

/** Starts the hub's services over an opened hub and begins listening. */
export async function startHubServices(hub: Hub, options: StartServicesOptions): Promise<HubServices> {
  const { registry, log, clock, redactor } = hub;
  const catalog = createUpstreamCatalogRepository(registry.db, { clock, log });
  const callLog = createCallLogRepository(registry.db);
  const toolSettings = createToolSettingsRepository(registry.db);
  const events = createListeners<HubEvents>(log);
  let port = options.port ?? registry.settings.get('gateway.port');

  const oauth = createOAuthManager({
    vault: hub.vault,
    servers: registry.servers,
    clock,
    log,
    openBrowser: tapAuthorizationUrls(options.openBrowser),
    redirectUri: () => `http://127.0.0.1:${port}/oauth/callback`,
    redactor,
  });

  const loginPath = resolveLoginShellEnv().then((env) => {
    if (env.problem) log.warn('stdio servers get a fallback PATH', { problem: env.problem });
    return env.path;
  });
  const pool = createUpstreamPool({
    servers: registry.servers,
    values: (prefix) => hub.variables.values(prefix),
    catalog,
    redactor,
    log,
    clock,
    idleTimeoutMs: () => registry.settings.get('upstream.idleTimeoutSeconds') * 1000,
    requestTimeoutMs: registry.settings.get('upstream.callTimeoutSeconds') * 1000,
    loginPath: () => loginPath,
    pids: createPidRegistry({ file: dataFiles(hub.dataDir).pidsFile, log }),
    authProvider: (prefix) => {
      const server = registry.servers.find(prefix);
      return server === undefined ? undefined : oauth.authProviderFor(toDefinition(server));
    },
    onInsufficientScope: (prefix, scope) => void oauth.noteInsufficientScope(prefix, scope),
  });
  // Last resort: stdio servers lead their own process groups, so nothing else would stop them.
  const killOnExit = () => pool.killAllSync();
  process.on('exit', killOnExit);

  const callLogWriter: CallLogWriter = createCallLogWriter({
    repository: {
      append: (entries) => {
        withRelaxedSync(registry.db.connection, () => callLog.append(entries));
        events.emit('activity.appended', { count: entries.length });
      },
      prune: (before) => callLog.prune(before),
    },
    clock,
    log,
    retentionDays: () => registry.settings.get('callLog.retentionDays'),
  });
  const toolToggles = createListeners<{ changed: (prefix: string) => void }>(log);
  const core = createGatewayCore({
    pool: filterDisabledTools(pool, toolToggles),
    catalog: { list: () => filterCatalogs(catalog.list(), toolSettings.allDisabled()) },
    servers: registry.servers,
    log,
    clock,
    callLog: callLogWriter,
  });

  const health = createHealthMonitor({
    listServers: () => registry.servers.list().map((s) => ({ prefix: s.prefix, enabled: s.enabled })),
    probe: async (prefix, signal) => {
      await pool.start(prefix);
      const started = clock.now();
      if (pool.status(prefix)?.era?.era !== 'modern') {
        await pool.request(prefix, { method: 'ping' }, { signal });
      }
      await pool.request(prefix, { method: 'tools/list' }, { signal });
      return { latencyMs: clock.now() - started };
    },
    isIdleStopped: (prefix) => {
      const server = registry.servers.find(prefix);
      return server?.transport === 'stdio' && pool.status(prefix)?.state === 'stopped';
    },
    preflight: (prefix) => {
      const server = registry.servers.find(prefix);
      if (server === undefined) return { kind: 'ready' };
      const resolution = resolveDefinition(toDefinition(server), hub.variables.values(prefix));
      if (!resolution.ok) return { kind: 'needs_config', missing: resolution.missing };
      if (
        server.transport !== 'stdio' &&
        server.auth?.kind === 'oauth' &&
        server.auth.flow === 'authorization_code'
      ) {
        if (!oauth.status(prefix).hasCredential) return { kind: 'needs_auth' };
      }
      return { kind: 'ready' };
    },
    redact: (text) => redactor.redact(text),
    clock,
    history: createHealthHistoryRepository(registry.db),
    log,
    settings: () => ({
      probeIdleServers: registry.settings.get('health.probeIdleServers'),
      intervalMs: registry.settings.get('health.intervalSeconds') * 1000,
      ...options.healthSettings,
    }),
  });
  pool.on('state', (status) => {
    // A refused sign-in is not a crash: the probe that met it reports needs_auth instead.
    if (status.lastError?.code === 'NEEDS_AUTH' && status.state === 'failed') return;
    const event = upstreamEventFromPool(status);
    if (event) health.handleUpstreamEvent(event);
  });
  // The window lists each server's tools: tell it when the hub learned new ones (a first start after a missing
  // variable was set, an upstream's list_changed), or it shows "No tools yet" until something else refetches.
  pool.on('catalog', ({ prefix }) => events.emit('servers.changed', { prefix }));
  health.onChange(({ prefix, current }) => {
    if (current) events.emit('health.changed', { prefix, health: snapshotOf(current) });
  });
  oauth.onStatusChange((status) => {
    events.emit('auth.changed', { prefix: status.prefix });
    void pool.restart(status.prefix).catch(() => undefined);
    void health.checkNow(status.prefix);
  });

  let gateway: RunningGateway | undefined;
  const services: HubServices = {
    hub,
    pool,
    core,
    catalog,
    callLog,
    toolSettings,
    health,
    oauth,
    gateway: () => gateway,
    gatewayStatus: () => gatewayStatus(),
    async setGatewayPaused(paused) {
      if (paused && gateway) {
        const running = gateway;
        gateway = undefined;
        await running.close();
      } else if (!paused && !gateway) {
        gateway = await listen();
      }
      events.emit('gateway.changed', gatewayStatus());
    },
    on: (event, listener) => events.on(event, listener),
    emit: (event, ...[payload]) => events.emit(event, ...([payload] as Parameters<HubEvents[typeof event]>)),
    async serversChanged(prefix) {
      await pool.sync();
      if (prefix !== undefined) toolToggles.emit('changed', prefix);
      events.emit('servers.changed', prefix === undefined ? {} : { prefix });
      if (prefix !== undefined && registry.servers.find(prefix)) void health.checkNow(prefix);
    },
    async close() {
      watcher?.stop();
      await gateway?.close();
      gateway = undefined;
      health.stop();
      oauth.close();
      await core.close();
      await pool.stopAll();
      callLogWriter.close();
      process.off('exit', killOnExit);
    },
  };

  const gatewayStatus = (): GatewayStatus => ({
    running: gateway !== undefined,
    paused: gateway === undefined,
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    sessions: 0,
  });

  const oauthRoute: GatewayRoute = {
    method: 'GET',
    path: '/oauth/callback',
    auth: 'none',
    handler: async (request) => {
      const page = await oauth.handleCallback(new URL(request.url));
      return new Response(page.html, { status: page.status, headers: page.headers });
    },
  };
  const oauthRoutes = createOAuthGatewayRoutes({
    servers: registry.servers,
    values: (prefix) => hub.variables.values(prefix),
    oauth,
    clock,
    log,
  });
  let watcher: ReturnType<typeof watchRegistryChanges> | undefined;
  const listen = async () => {
    const running = await startLocalGateway({
      dataDir: hub.dataDir,
      database: registry.db,
      core,
      port,
      log,
      clock,
      routes: [oauthRoute, ...oauthRoutes, ...(options.routes?.(services) ?? [])],
    });
    port = running.port;
    return running;
  };

  try {
    gateway = await listen();
  } catch (error) {
    await services.close();
    throw error;
  }
  // Servers never seen before are connected in the background to fill the tool cache.
  void pool.sync().catch((error) => log.warn('initial upstream sync failed', { error }));
  if (options.health !== false) health.start();
  if (options.watchRegistry !== false) {
    watcher = watchRegistryChanges({
      connection: registry.db.connection,
      log,
      ...(options.watchRegistry?.intervalMs === undefined
        ? {}
        : { intervalMs: options.watchRegistry.intervalMs }),
      onChange: () => applyExternalChange(services),
    });
  }
  return services;
}

/** The contract's health snapshot of a monitor state. */
export function snapshotOf(state: HealthState) {
  return {
    status: state.status,
    degradedBy: state.degradedBy,
    since: state.since,
    checkedAt: state.checkedAt,
    latencyMs: state.latencyMs,
    lastError: state.lastError
      ? { message: state.lastError.message, code: state.lastError.code ?? null, at: state.lastError.at }
      : null,
    missing: [...(state.missing ?? [])],
  };
}

function filterCatalogs<C extends { prefix: string; tools: { name: string }[] }>(
  catalogs: C[],
  disabled: Map<string, Set<string>>,
): C[] {
  return catalogs.map((c) => {
    const off = disabled.get(c.prefix);
    return off === undefined || off.size === 0 ? c : { ...c, tools: c.tools.filter((t) => !off.has(t.name)) };
  });
}

/**
 * Runs `write` with `PRAGMA synchronous = NORMAL`, then restores the connection's level. The registry runs
 * FULL (an fsync per commit); for call-log batches that fsync stalled the event loop, and with it every call in
 * flight, for up to tens of milliseconds on a busy disk. In WAL mode NORMAL is still crash-safe (the database
 * cannot be corrupted, the batch survives the app dying); only a power loss may drop the newest batch — fine for
 * an activity log — and the next FULL commit of anything else syncs it anyway.
 */
function withRelaxedSync(
  connection: { pragma(source: string, options?: { simple: boolean }): unknown },
  write: () => void,
): void {
  let previous: unknown;
  try {
    previous = connection.pragma('synchronous', { simple: true });
    connection.pragma('synchronous = NORMAL');
  } catch {
    previous = undefined; // A closing connection: let the write itself report the problem.
  }
  try {
    write();
  } finally {
    if (typeof previous === 'number') {
      try {
        connection.pragma(`synchronous = ${previous}`);
      } catch {
        // Closed meanwhile: nothing to restore.
      }
    }
  }
}
