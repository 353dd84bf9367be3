import type { Implementation, Server } from '@modelcontextprotocol/server';
import type { StoredServer } from '../../../preload/contract/server-definition.ts';
import type { Clock } from '../../lib/clock.ts';
import { createListeners } from '../../lib/listeners.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ListChanges } from '../../upstream/upstream-types.ts';
import type { UpstreamPool } from '../../upstream/upstream-pool.ts';
import type { GatewayCore, LegacyToolCall } from '../gateway-core.ts';
import type { CallLogSink } from './call-log-writer.ts';
import type { CatalogSource } from './catalog-source.ts';
import { createConnection } from './connection.ts';
import { createInputBridge } from './input-bridge.ts';
import { createListChangeDebouncer } from './list-change-debouncer.ts';
import { wrapUri } from './resource-uris.ts';
import type { Session } from './session-registry.ts';
import { createSessionRegistry } from './session-registry.ts';
import { createSubscriptions } from './subscriptions.ts';
import type { ToolCallHook } from './tool-call-hooks.ts';
import { createToolCallPath, directly } from './tool-call-path.ts';
import type { ViewPolicy } from './tool-view.ts';
import { defaultViewPolicy } from './tool-view.ts';
import { createViewCache } from './view-cache.ts';
import type { FirstListingGate } from './first-listing.ts';

/**
 * The aggregation core behind the gateway seam (gateway-core.ts): the composition of its parts.
 *
 *   catalog source (tool switches … as decorators) + servers ─► view policy ─► view cache (per view key:
 *   the view and its serialized tools/list) ─► connection Servers: list handlers, tools/call handler,
 *   feature handlers ─► the ONE tool-call path (hooks, pool, progress, outcome, call log) ◄─ callTool
 *   catalog / server / policy changes ─► invalidate + debounced list_changed ─► session registry, modern fronts
 *
 * Extension points (for issues 13 and 14; each is a dependency below, tested in test/unit/gateway/core and
 * test/integration/gateway-core/extension-points.test.ts):
 * - `viewPolicy: ViewPolicy` (tool-view.ts) decides per scope — the scope carries the caller's token — what a
 *   connection lists and what it may call: `keyOf(scope)` names the cache entry, `build(sources, scope)` returns
 *   the ScopeView (lists, routes, hub-answered `localTools`, `refusal` for a clear error), `onChange` says the
 *   policy's own state moved (its sessions get list_changed; views and the tools/list bytes are rebuilt).
 *   Profiles (13) decorate `defaultViewPolicy` by narrowing `sources.catalogs` and adding the profile to
 *   `keyOf`; search mode replaces `tools` with meta-tools in `localTools` that reach real tools through
 *   `LocalToolContext.callUpstream`.
 * - `hooks: ToolCallHook[]` (tool-call-hooks.ts) run on every call that reaches an upstream: `beforeCall` on the
 *   arguments, `afterCall` on the result; pass / replace (redact) / block, findings recorded in the call-log row.
 *   The leak guard (14) is one such hook. Pinned definitions (14) are a CatalogSource decorator like the tool
 *   switches, plus a view `refusal` naming the pending change.
 * - The serialized tools/list (`legacyToolsListResult`, issue 15's fast path) is cached with its view, per view
 *   key, and dropped with it on every change, so it can only ever be the bytes the scope's Server would send.
 */

export interface GatewayCoreDeps {
  pool: Pick<UpstreamPool, 'request' | 'on' | 'status'>;
  /** What upstreams offer, with the hub's policies (tool switches …) already applied. */
  catalog: CatalogSource;
  servers: { list(): StoredServer[] };
  log: Logger;
  clock: Clock;
  callLog?: CallLogSink;
  serverInfo?: Implementation;
  /** What each scope sees and may call; default: every enabled server (see tool-view.ts). */
  viewPolicy?: ViewPolicy;
  /** Run on every tool call that reaches an upstream, in order (see tool-call-hooks.ts). */
  hooks?: readonly ToolCallHook[];
  /** Quiet period before list_changed goes out; default 100 ms. */
  listChangedDebounceMs?: number;
  /** Per-call timeout (reset by progress) and total cap for tools/call; pool defaults otherwise. */
  toolTimeoutMs?: number;
  toolMaxTotalMs?: number;
  /** How long a modern client may take to answer a question an upstream asked mid-call; default 10 min. */
  inputTimeoutMs?: number;
  /** The bounded wait of the first listings after start, for servers never listed (first-listing.ts). */
  firstListing?: Pick<FirstListingGate, 'pending'>;
}

const EVERY_LIST: ListChanges = { tools: true, prompts: true, resources: true };

/** Creates the core over a pool, the catalog source and the server registry. */
export function createGatewayCore(deps: GatewayCoreDeps): GatewayCore {
  const log = deps.log.child({ component: 'gateway-core' });
  const policy = deps.viewPolicy ?? defaultViewPolicy;
  const views = createViewCache({ servers: deps.servers, catalogs: deps.catalog, policy });
  const sessions = createSessionRegistry();
  const listeners = createListeners<{ listChanged: (change: ListChanges) => void }>(log);
  const bridge = createInputBridge({ log, ttlMs: deps.inputTimeoutMs });
  const subscriptions = createSubscriptions<Session>({
    subscribe: (prefix, uri) => deps.pool.request(prefix, { method: 'resources/subscribe', params: { uri } }),
    unsubscribe: (prefix, uri) =>
      deps.pool.request(prefix, { method: 'resources/unsubscribe', params: { uri } }),
    log,
  });
  const path = createToolCallPath({
    pool: deps.pool,
    clock: deps.clock,
    log,
    callLog: deps.callLog,
    hooks: deps.hooks ?? [],
    servers: () => views.sources().servers,
    toolTimeoutMs: deps.toolTimeoutMs,
    toolMaxTotalMs: deps.toolMaxTotalMs,
  });

  // ---- changes: rebuild the views at once, tell the clients after a quiet period ----
  const debouncer = createListChangeDebouncer(deps.listChangedDebounceMs ?? 100, (changes) => {
    sessions.notifyListChanged(changes);
    listeners.emit('listChanged', {
      tools: changes.tools,
      prompts: changes.prompts,
      resources: changes.resources,
    });
  });
  const detach = [
    deps.catalog.onChange(({ prefix, changes }) => {
      views.invalidate();
      debouncer.add(prefix, changes);
    }),
    deps.pool.on('servers', ({ added, removed, changed }) => {
      views.invalidate();
      for (const prefix of [...added, ...removed, ...changed]) debouncer.add(prefix, EVERY_LIST);
      for (const prefix of removed) subscriptions.dropServer(prefix);
    }),
    deps.pool.on('resourceUpdated', ({ prefix, uri }) => {
      for (const session of subscriptions.sessionsFor(prefix, uri)) {
        // A session whose view now refuses the server (its client moved to a profile without it) hears nothing of
        // it; the subscription is kept, so moving back brings the updates back.
        if (views.view(session.scope).serverRefusal?.(prefix, uri)) continue;
        const exposed = session.scope.kind === 'all' ? wrapUri(prefix, uri) : uri;
        void session.server.sendResourceUpdated({ uri: exposed }).catch(() => {});
      }
    }),
    deps.pool.on('state', (status) => {
      // An upstream that restarted lost its subscriptions; ask again for the ones still wanted.
      if (status.state === 'ready') subscriptions.resubscribe(status.prefix);
    }),
    policy.onChange?.((change) => {
      views.invalidate();
      debouncer.addFor(change.affects ?? (() => true), change.lists);
    }),
  ];

  const firstListing = deps.firstListing && (() => deps.firstListing?.pending());
  const services = { pool: deps.pool, views, sessions, subscriptions, bridge, path, log, firstListing };
  const serverInfo = deps.serverInfo ?? { name: 'switchboard', version: '0.1.0' };

  // The session-era Servers' tools/call handlers, for the hot path; gone with their Server.
  const legacyToolCalls = new WeakMap<Server, LegacyToolCall>();

  return {
    createServer(scope, era) {
      const connection = createConnection({ ...services, serverInfo }, scope, era);
      if (connection.legacyToolCall) legacyToolCalls.set(connection.server, connection.legacyToolCall);
      return connection.server;
    },
    legacyToolCall: (server) => legacyToolCalls.get(server),
    // While the first listing waits, the pre-serialized answer is not used: the Server's handler waits.
    legacyToolsListResult: (scope) =>
      firstListing?.() === undefined ? views.toolsListBytes(scope) : undefined,
    // Switchboard's own calls address the upstream's own names (no view: the window sees every tool) and have
    // no downstream session, so an upstream's sampling or elicitation request is refused by the pool.
    callTool(request) {
      const state = path.begin(
        request.caller,
        { prefix: request.prefix, name: request.tool },
        false,
        request.onprogress,
      );
      return path.run(
        state,
        { kind: 'start', arguments: request.arguments, execute: directly(undefined, request.signal) },
        request.signal,
      );
    },
    hasServer: (prefix) => views.sources().servers.has(prefix),
    onListChanged: (listener) => listeners.on('listChanged', listener),
    async close() {
      for (const off of detach) off?.();
      debouncer.cancel();
      bridge.close();
      sessions.clear();
      deps.callLog?.flush();
    },
  };
}
