import type { EventName } from '../preload/contract/events.ts';
import type { GatewayStatus } from '../preload/contract/models.ts';
import { createCallLogWriter } from './gateway/core/call-log-writer.ts';
import { catalogSourceOf } from './gateway/core/catalog-source.ts';
import { createGatewayCore } from './gateway/core/create-gateway-core.ts';
import { createFirstListingGate } from './gateway/core/first-listing.ts';
import { withToolSwitches } from './gateway/core/tool-switches.ts';
import { createLeakGuardHook } from './gateway/core/leak-guard.ts';
import { pendingToolsHook, withPendingRefusals, withToolPins } from './gateway/core/tool-pins.ts';
import { defaultViewPolicy } from './gateway/core/tool-view.ts';
import { withProfiles } from './gateway/core/profile-view-policy.ts';
import { deferredCore, type DeferredCore } from './deferred-core.ts';
import { createLeakGuardState } from './guard/leak-guard-state.ts';
import type { GatewayRoute } from './gateway/http/gateway-app.ts';
import type { RunningGateway } from './gateway/http/start-gateway-server.ts';
import { startLocalGateway } from './gateway/http/start-local-gateway.ts';
import { createHealthMonitor, type HealthMonitor } from './health/health-monitor.ts';
import type { HealthSettings } from './health/health-settings.ts';
import { upstreamEventFromPool } from './health/pool-events.ts';
import { createPreflight, createProbe, isIdleStopped } from './health/probe-policy.ts';
import { createHubProofRoute } from './bridge/hub-proof.ts';
import type { ServerVariables } from './env/server-secrets.ts';
import type { Clock } from './lib/clock.ts';
import { createListeners } from './lib/listeners.ts';
import type { Logger } from './lib/logger.ts';
import type { Redactor } from './lib/redactor.ts';
import { dataFiles } from './lib/paths.ts';
import { tapAuthorizationUrls } from './oauth/authorization-url-capture.ts';
import type { OpenBrowser } from './oauth/browser-opener.ts';
import { createOAuthGatewayRoutes } from './oauth/gateway-routes.ts';
import { createLegacyOwners } from './oauth/legacy-owners.ts';
import { createOAuthManager, type OAuthManager } from './oauth/oauth-manager.ts';
import { changeCounter } from './registry/change-counters.ts';
import type { Registry } from './registry/index.ts';
import type { Vault } from './vault/vault.ts';
import { applyExternalChange, watchRegistryChanges } from './registry/change-watcher.ts';
import { resolveLoginShellEnv } from './upstream/login-shell-env.ts';
import { createPidRegistry } from './upstream/pid-registry.ts';
import { createUpstreamPool, type UpstreamPool } from './upstream/upstream-pool.ts';
import type { HubEvents, HubRuntime } from './usecases/context.ts';
import { snapshotOf } from './usecases/server-views.ts';

/** How the long-running part is started. */
export interface RuntimeOptions {
  /** Gateway port; default the `gateway.port` setting. 0 picks a free port (tests). */
  port?: number;
  /** Listen for MCP clients (default true); false runs pool and core only (`switchboard tool call`). */
  listen?: boolean;
  /** Overrides the hub's browser opener for sign-ins. */
  openBrowser?: OpenBrowser;
  /** More routes on the gateway port (the web UI). */
  routes?: (runtime: Runtime) => GatewayRoute[];
  /** Start the health monitor (default true). */
  health?: boolean;
  /** Health check tuning over the settings; tests shorten them. */
  healthSettings?: Partial<HealthSettings>;
  /** Apply registry changes committed by other processes (the CLI); polls every `intervalMs` (default 500 ms). */
  watchRegistry?: false | { intervalMs?: number };
}

/** The running part of a hub: what the use-cases steer, plus what the shells observe. */
export interface Runtime extends HubRuntime {
  pool: UpstreamPool;
  /** Built after the front listens, or by the first request that needs it (docs/decisions/cold-start.md). */
  core: DeferredCore;
  health: HealthMonitor;
  oauth: OAuthManager;
  /** The HTTP front, while it listens (undefined with `listen: false`). */
  front(): RunningGateway | undefined;
  on<E extends EventName>(event: E, listener: HubEvents[E]): () => void;
  /** Stops everything in order: sessions, core, health, upstream processes, call log. */
  close(): Promise<void>;
}

/** What the runtime needs of an opened hub (main/hub.ts's Hub has it; named here so the two files do not import each other). */
export interface OpenedHub {
  dataDir: string;
  registry: Registry;
  vault: Vault;
  variables: ServerVariables;
  redactor: Redactor;
  log: Logger;
  clock: Clock;
}

/** Starts the hub's long-running part over an opened hub and begins listening. */
export async function startRuntime(hub: OpenedHub, options: RuntimeOptions): Promise<Runtime> {
  const { registry, log, clock, redactor, variables } = hub;
  const events = createListeners<HubEvents>(log);
  let port = options.port ?? registry.settings.get('gateway.port');

  const oauth = createOAuthManager({
    vault: hub.vault,
    servers: registry.servers,
    clock,
    log,
    openBrowser: tapAuthorizationUrls(options.openBrowser ?? (async () => undefined)),
    redirectUri: () => `http://127.0.0.1:${port}/oauth/callback`,
    redactor,
    // Grants stored under prefixes before migration 008 move under the server's id on first use.
    legacy: createLegacyOwners({
      db: registry.db.connection,
      write: (fn) => registry.write(fn),
      vault: hub.vault,
      log,
    }),
  });

  // Asked once, after the front listens (or by the first stdio start): a login shell's profile can take a while,
  // and on few cores it would compete with the start itself.
  let loginPath: Promise<string> | undefined;
  const resolveLoginPath = () =>
    (loginPath ??= resolveLoginShellEnv().then((env) => {
      if (env.problem) log.warn('stdio servers get a fallback PATH', { problem: env.problem });
      return env.path;
    }));
  const pool = createUpstreamPool({
    servers: registry.servers,
    // The pool passes the server it is (re)connecting: never look it up again by prefix, which may already name
    // a newcomer after a remove + add (its secrets or its sign-in would go to the old server's connect).
    values: (_prefix, server) => variables.values(server),
    catalog: registry.catalog,
    redactor,
    log,
    clock,
    idleTimeoutMs: () => registry.settings.get('upstream.idleTimeoutSeconds') * 1000,
    requestTimeoutMs: registry.settings.get('upstream.callTimeoutSeconds') * 1000,
    loginPath: resolveLoginPath,
    pids: createPidRegistry({ file: dataFiles(hub.dataDir).pidsFile, log }),
    authProvider: (_prefix, server) => oauth.authProviderFor(server),
    onInsufficientScope: (prefix, scope) => void oauth.noteInsufficientScope(prefix, scope),
  });
  // Last resort: stdio servers lead their own process groups, so nothing else would stop them.
  const killOnExit = () => pool.killAllSync();
  process.on('exit', killOnExit);

  const callLog = createCallLogWriter({
    repository: {
      append: (entries) => {
        registry.callLog.append(entries);
        events.emit('activity.appended', { count: entries.length });
      },
      prune: (before) => registry.callLog.prune(before),
    },
    clock,
    log,
    retentionDays: () => registry.settings.get('callLog.retentionDays'),
  });
  // The core and the policies over the catalog (pins, leak guard, profiles, tool switches, the first listing) are
  // built after the front listens, or by the first request that needs them: docs/decisions/cold-start.md.
  let built:
    | {
        pinned: ReturnType<typeof withToolPins>;
        guard: ReturnType<typeof createLeakGuardState>;
        profiles: ReturnType<typeof withProfiles>;
        switches: ReturnType<typeof withToolSwitches>;
        firstListing: ReturnType<typeof createFirstListingGate>;
      }
    | undefined;
  const core = deferredCore(() => {
    // ---- issue 14: pinned tool definitions and the secret-leak guard (docs/decisions/tool-pins-and-leak-guard.md) ----
    // Withheld tools leave the catalog before the tool switches see it; calling one names the pending change.
    const pinned = withToolPins(catalogSourceOf(registry.catalog, pool), {
      pins: registry.toolPins,
      servers: registry.servers,
      write: (fn) => registry.write(fn),
      pinsVersion: () => changeCounter(registry.db.connection, 'tool_pins'),
      clock,
      log,
    });
    // Every vault secret, decrypted now and again whenever the vault changed (never per call), in main only.
    const guard = createLeakGuardState({
      db: registry.db.connection,
      vault: hub.vault,
      servers: registry.servers,
      log,
    });
    const guards = {
      hooks: [pendingToolsHook(pinned), createLeakGuardHook(guard)],
      viewPolicy: withPendingRefusals(defaultViewPolicy, pinned),
    };
    // ---- end of issue 14 ----
    // ---- issue 13: profiles and tool search mode (docs/decisions/profiles-and-tool-search.md) ----
    // Each client token (and the bridge) sees its profile's tools, listed or behind the search meta-tools.
    const profiles = withProfiles(guards.viewPolicy, { profiles: registry.profiles, log });
    // ---- end of issue 13 ----
    const switches = withToolSwitches(pinned, registry.toolSettings, log);
    // Clients connecting as the hub starts see the servers it meets for the first time (bounded wait).
    const listed = registry.catalog.serverIds();
    const firstListing = createFirstListingGate({
      awaited: registry.servers
        .list()
        .filter((s) => s.enabled && !listed.has(s.id))
        .map((s) => s.prefix),
      waitMs: registry.settings.get('gateway.firstListWaitSeconds') * 1000,
      onCatalog: (listener) => pool.on('catalog', listener),
      onState: (listener) => pool.on('state', listener),
    });
    try {
      const gatewayCore = createGatewayCore({
        pool,
        catalog: switches,
        servers: registry.servers,
        log,
        clock,
        callLog,
        ...guards,
        viewPolicy: profiles,
        firstListing,
      });
      built = { pinned, guard, profiles, switches, firstListing };
      return gatewayCore;
    } catch (error) {
      // The next request builds it all again: leave nothing of this attempt listening to the pool.
      firstListing.close();
      pinned.close();
      throw error;
    }
  });
  // Approvals and policy edits from this process or another (the CLI) and new secrets or sign-ins (issue 14); profile
  // edits made here (use-cases emit profiles.changed) or by the CLI (the registry watcher's servers.changed), noticed
  // by one counter read, so only the affected clients' sessions hear list_changed (issue 13). Before the core is
  // built there is nothing to recheck: building reads everything as it is then.
  events.on('servers.changed', () => {
    built?.pinned.recheck();
    built?.guard.refresh();
  });
  events.on('auth.changed', () => built?.guard.refresh());
  events.on('profiles.changed', () => void built?.profiles.recheck());
  events.on('servers.changed', () => {
    if (built?.profiles.recheck()) events.emit('profiles.changed', {});
  });

  const find = (prefix: string) => registry.servers.find(prefix);
  const health = createHealthMonitor({
    listServers: () =>
      registry.servers.list().map((s) => ({ id: s.id, prefix: s.prefix, enabled: s.enabled })),
    probe: createProbe(pool, clock),
    isIdleStopped: isIdleStopped(find, pool),
    preflight: createPreflight({
      find,
      values: (server) => variables.values(server),
      hasSignIn: (prefix) => oauth.status(prefix).hasCredential,
    }),
    redact: (text) => redactor.redact(text),
    clock,
    history: registry.healthHistory,
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

  let front: RunningGateway | undefined;
  let closed = false;
  let afterListening: NodeJS.Immediate | undefined;
  let paused = registry.settings.get('gateway.paused');
  let watcher: ReturnType<typeof watchRegistryChanges> | undefined;

  const gatewayStatus = (): GatewayStatus => ({
    state: front === undefined ? 'stopped' : paused ? 'paused' : 'running',
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    configuredPort: registry.settings.get('gateway.port'),
    sessions: front?.sessions() ?? 0,
  });

  const runtime: Runtime = {
    pool,
    core,
    health,
    oauth,
    front: () => front,
    gateway: {
      status: gatewayStatus,
      async applyPaused(next) {
        if (next === paused) return;
        paused = next;
        log.info(paused ? 'gateway paused: MCP requests are refused' : 'gateway resumed');
        // Sessions end so clients notice now; they reconnect (and are told why) when they next try.
        if (paused) await front?.endSessions();
        events.emit('gateway.changed', gatewayStatus());
      },
      closeSessionsOf(tokenId) {
        const ended = front?.endSessionsOf(tokenId) ?? 0;
        if (ended > 0) log.info('ended the sessions of a revoked client token', { tokenId, sessions: ended });
      },
    },
    emit: (event, ...[payload]) => events.emit(event, ...([payload] as Parameters<HubEvents[typeof event]>)),
    on: (event, listener) => events.on(event, listener),
    async serversChanged(prefix) {
      await pool.sync();
      // Not built yet: it reads the switches as they are when it is.
      if (prefix !== undefined) built?.switches.switched(prefix);
      events.emit('servers.changed', prefix === undefined ? {} : { prefix });
      if (prefix !== undefined && registry.servers.find(prefix)) void health.checkNow(prefix);
    },
    async close() {
      closed = true;
      clearImmediate(afterListening);
      watcher?.stop();
      built?.firstListing.close();
      await front?.close();
      front = undefined;
      health.stop();
      oauth.close();
      await core.close();
      await pool.stopAll();
      callLog.close();
      process.off('exit', killOnExit);
    },
  };

  const oauthCallback: GatewayRoute = {
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
    values: (prefix) => variables.values(registry.servers.get(prefix)),
    oauth,
    clock,
    log,
  });

  try {
    if (options.listen !== false) {
      front = await startLocalGateway({
        dataDir: hub.dataDir,
        database: registry.db,
        tokens: registry.tokens,
        core,
        port,
        log,
        clock,
        routes: [
          oauthCallback,
          createHubProofRoute({ dataDir: hub.dataDir, port: () => front?.port ?? port }),
          ...oauthRoutes,
          ...(options.routes?.(runtime) ?? []),
        ],
        paused: () => paused,
      });
      port = front.port;
    }
  } catch (error) {
    await runtime.close();
    throw error;
  }
  // What can follow listening runs once the caller has it (serve prints "listening" first): a client connecting
  // meanwhile is answered all the same, since whatever its request needs is built on the spot.
  afterListening = setImmediate(() => {
    if (closed) return;
    try {
      core.ready();
    } catch (error) {
      // Every request that needs the core tries again (and fails with this, in its own answer).
      log.error('could not build the gateway core', { error });
    }
    // Servers never seen before are connected in the background to fill the tool cache.
    void pool.sync().catch((error) => log.warn('initial upstream sync failed', { error }));
    if (options.health !== false) health.start();
    if (options.watchRegistry !== false) {
      watcher = watchRegistryChanges({
        connection: registry.db.connection,
        log,
        intervalMs: options.watchRegistry?.intervalMs,
        onChange: async () => {
          await applyExternalChange(runtime);
          await runtime.gateway.applyPaused(registry.settings.get('gateway.paused'));
        },
      });
    }
    // Ready for the first stdio start (pool.sync above asks at once if it starts one), after any request that came.
    afterListening = setImmediate(() => {
      if (!closed) void resolveLoginPath();
    });
  });
  return runtime;
}
