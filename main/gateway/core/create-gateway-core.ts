import { randomUUID } from 'node:crypto';
import type { CallToolResult, Implementation, ServerContext } from '@modelcontextprotocol/server';
import { inputRequired, ProtocolError, ProtocolErrorCode, Server } from '@modelcontextprotocol/server';
import type { StoredServer } from '../../../preload/contract/server-definition.ts';
import type { Clock } from '../../lib/clock.ts';
import { SwitchboardError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { StoredCatalog } from '../../registry/upstream-catalog-repository.ts';
import type { UpstreamPool } from '../../upstream/upstream-pool.ts';
import type { GatewayCore, GatewayScope, ProtocolEra } from '../gateway-core.ts';
import type { Aggregate, AggregateScope } from './aggregate.ts';
import { buildAggregate } from './aggregate.ts';
import type { CallLogSink } from './call-log-writer.ts';
import { classifyFailure, toolErrorResult } from './call-outcome.ts';
import { createDownstreamCaller, modernCapabilities } from './downstream-caller.ts';
import type { RoundOutcome } from './input-bridge.ts';
import { createInputBridge } from './input-bridge.ts';
import type { UpstreamCaller } from '../../upstream/upstream-types.ts';
import { createListChangeDebouncer } from './list-change-debouncer.ts';
import { unwrapUri, wrapUri } from './resource-uris.ts';
import { rewritePromptResult, rewriteReadResult, rewriteToolResult } from './result-rewrite.ts';
import { createSubscriptions } from './subscriptions.ts';

/**
 * The aggregation core behind the gateway seam (gateway-core.ts). Each downstream connection gets its own
 * low-level SDK Server whose list handlers answer from the cached catalogs (never starting a process) and
 * whose call handlers route through the shared upstream pool, with names and URIs mapped for the scope,
 * progress and cancellation passed both ways, and server→client requests relayed to the calling session.
 */

export interface GatewayCoreDeps {
  pool: Pick<UpstreamPool, 'request' | 'on' | 'status'>;
  catalog: { list(): StoredCatalog[] };
  servers: { list(): StoredServer[] };
  log: Logger;
  clock: Clock;
  callLog?: CallLogSink;
  serverInfo?: Implementation;
  /** Quiet period before list_changed goes out; default 100 ms. */
  listChangedDebounceMs?: number;
  /** Per-call timeout (reset by progress) and total cap for tools/call; pool defaults otherwise. */
  toolTimeoutMs?: number;
  toolMaxTotalMs?: number;
  /** How long a modern client may take to answer a question an upstream asked mid-call; default 10 min. */
  inputTimeoutMs?: number;
}

/** One tools/call as it lives across the rounds of a modern multi-round-trip exchange. */
interface CallHolder {
  prefix: string;
  name: string;
  ctx: ServerContext;
  started: number;
  progress: Promise<void>;
}

interface Session {
  key: string;
  server: Server;
  scope: GatewayScope;
  logLevel?: string;
}

const CAPABILITIES = {
  tools: { listChanged: true },
  prompts: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  completions: {},
  logging: {},
};

/**
 * True when the SDK sends `tool` to session-era clients exactly as given: it wraps an output schema whose root
 * is not an object (allowed since 2026-07-28) before sending it to them. Conservative: any output schema that
 * does not plainly declare `type: "object"` counts as rewritten.
 */
function keptAsIsForLegacy(tool: { outputSchema?: unknown }): boolean {
  const schema = tool.outputSchema;
  return (
    schema === undefined ||
    (typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'object')
  );
}

/** Creates the core over a pool, the catalog cache and the server registry. */
export function createGatewayCore(deps: GatewayCoreDeps): GatewayCore {
  const log = deps.log.child({ component: 'gateway-core' });
  const serverInfo = deps.serverInfo ?? { name: 'switchboard', version: '0.1.0' };
  const legacySessions = new Set<Session>();
  const listChangedListeners = new Set<
    (change: { tools: boolean; prompts: boolean; resources: boolean }) => void
  >();
  const bridge = createInputBridge({
    log,
    ...(deps.inputTimeoutMs === undefined ? {} : { ttlMs: deps.inputTimeoutMs }),
  });
  const subscriptions = createSubscriptions({
    subscribe: (prefix, uri) => deps.pool.request(prefix, { method: 'resources/subscribe', params: { uri } }),
    unsubscribe: (prefix, uri) =>
      deps.pool.request(prefix, { method: 'resources/unsubscribe', params: { uri } }),
    log,
  });

  // ---- the cached aggregate, rebuilt only when a catalog or the server list changed ----
  let version = 0;
  const cache = new Map<string, { version: number; aggregate: Aggregate; toolsJson?: Uint8Array | null }>();
  let sourcesCache:
    | { version: number; enabled: Set<string>; servers: Map<string, StoredServer>; catalogs: StoredCatalog[] }
    | undefined;
  const sources = () => {
    if (sourcesCache?.version !== version) {
      const servers = new Map(deps.servers.list().map((s) => [s.prefix, s]));
      const enabled = new Set([...servers.values()].filter((s) => s.enabled).map((s) => s.prefix));
      sourcesCache = {
        version,
        enabled,
        servers,
        catalogs: deps.catalog.list().filter((c) => enabled.has(c.prefix)),
      };
    }
    return sourcesCache;
  };
  const aggregateOf = (scope: AggregateScope): Aggregate => {
    const key = scope.kind === 'all' ? '*' : `server:${scope.prefix}`;
    const hit = cache.get(key);
    if (hit?.version === version) return hit.aggregate;
    const built = buildAggregate(
      sources().catalogs.map((c) => ({ prefix: c.prefix, catalog: c })),
      scope,
    );
    cache.set(key, { version, aggregate: built });
    return built;
  };
  const invalidate = () => {
    version++;
  };
  // The serialized tools/list result of a scope, kept with its aggregate (so it follows the same version).
  // null: the SDK rewrites some output schema for session-era clients, so only the Server may answer.
  const legacyToolsListResult = (scope: GatewayScope): Uint8Array | undefined => {
    const aggregateScope = scopeOf(scope);
    const aggregate = aggregateOf(aggregateScope);
    const entry = cache.get(aggregateScope.kind === 'all' ? '*' : `server:${aggregateScope.prefix}`);
    if (entry?.aggregate !== aggregate) return undefined;
    if (entry.toolsJson === undefined) {
      entry.toolsJson = aggregate.tools.every(keptAsIsForLegacy)
        ? Buffer.from(JSON.stringify({ tools: aggregate.tools }), 'utf8')
        : null;
    }
    return entry.toolsJson ?? undefined;
  };

  // ---- list_changed ----
  const debouncer = createListChangeDebouncer(deps.listChangedDebounceMs ?? 100, (changes) => {
    for (const session of legacySessions) {
      if (session.scope.kind === 'server' && !changes.prefixes.has(session.scope.prefix)) continue;
      const s = session.server;
      if (changes.tools) void s.sendToolListChanged().catch(() => {});
      if (changes.prompts) void s.sendPromptListChanged().catch(() => {});
      if (changes.resources) void s.sendResourceListChanged().catch(() => {});
    }
    const flags = { tools: changes.tools, prompts: changes.prompts, resources: changes.resources };
    for (const listener of [...listChangedListeners]) {
      try {
        listener(flags);
      } catch (error) {
        log.error('list_changed listener failed', { error });
      }
    }
  });
  const detach = [
    deps.pool.on('catalog', ({ prefix, changes }) => {
      invalidate();
      debouncer.add(prefix, changes);
    }),
    deps.pool.on('servers', ({ added, removed, changed }) => {
      invalidate();
      for (const prefix of [...added, ...removed, ...changed])
        debouncer.add(prefix, { tools: true, prompts: true, resources: true });
      for (const prefix of removed) subscriptions.dropServer(prefix);
    }),
    deps.pool.on('resourceUpdated', ({ prefix, uri }) => {
      for (const session of subscriptions.sessionsFor(prefix, uri) as Set<Session>) {
        const exposed = session.scope.kind === 'all' ? wrapUri(prefix, uri) : uri;
        void session.server.sendResourceUpdated({ uri: exposed }).catch(() => {});
      }
    }),
    deps.pool.on('state', (status) => {
      // An upstream that restarted lost its subscriptions; ask again for the ones still wanted.
      if (status.state === 'ready') subscriptions.resubscribe(status.prefix);
    }),
  ];

  // ---- routing helpers ----
  const scopeOf = (scope: GatewayScope): AggregateScope =>
    scope.kind === 'all' ? { kind: 'all' } : { kind: 'server', prefix: scope.prefix };
  const isEnabled = (prefix: string) => sources().enabled.has(prefix);
  const unavailable = (prefix: string): SwitchboardError | undefined => {
    const server = sources().servers.get(prefix);
    if (!server) return new SwitchboardError('NOT_FOUND', `no server has the prefix "${prefix}"`);
    if (!server.enabled)
      return new SwitchboardError(
        'UPSTREAM_UNAVAILABLE',
        `${prefix} is disabled: enable it in Switchboard to use it`,
      );
    return undefined;
  };
  const resolveUri = (scope: GatewayScope, uri: string): { prefix: string; uri: string } => {
    if (scope.kind === 'server') return { prefix: scope.prefix, uri };
    const target = unwrapUri(uri);
    if (!target || !isEnabled(target.prefix)) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Unknown resource: ${uri} (resources here look like switchboard://<server>/<uri>)`,
        {
          uri,
        },
      );
    }
    return target;
  };
  // Relays an upstream failure on a non-tool method as a JSON-RPC error the client can show.
  const relayError = (error: unknown): never => {
    if (error instanceof ProtocolError) throw error;
    if (error instanceof SwitchboardError)
      throw new ProtocolError(ProtocolErrorCode.InternalError, error.message, { code: error.code });
    throw error;
  };

  // ---- per-connection Server ----
  const createServer = (scope: GatewayScope, era: ProtocolEra): Server => {
    const aggregateScope = scopeOf(scope);
    const aggregate = scope.kind === 'all';
    const instructions =
      scope.kind === 'server'
        ? sources().catalogs.find((c) => c.prefix === scope.prefix)?.instructions
        : 'Tools, prompts and resources of several MCP servers, gathered by Switchboard. Names are "<server>__<name>".';
    const server = new Server(serverInfo, {
      capabilities: CAPABILITIES,
      ...(instructions === undefined ? {} : { instructions }),
    });
    const session: Session = { key: randomUUID(), server, scope };
    if (era === 'legacy') {
      legacySessions.add(session);
      const previous = server.onclose;
      server.onclose = () => {
        legacySessions.delete(session);
        subscriptions.dropSession(session);
        previous?.();
      };
    }
    const callerFor = (ctx: ServerContext, prefix: string) =>
      createDownstreamCaller({
        sessionKey: session.key,
        server,
        ctx,
        era,
        prefix,
        aggregate,
        logLevel: () => session.logLevel,
      });

    server.setRequestHandler('tools/list', async () => ({ tools: aggregateOf(aggregateScope).tools }));
    server.setRequestHandler('prompts/list', async () => ({ prompts: aggregateOf(aggregateScope).prompts }));
    server.setRequestHandler('resources/list', async () => ({
      resources: aggregateOf(aggregateScope).resources,
    }));
    server.setRequestHandler('resources/templates/list', async () => ({
      resourceTemplates: aggregateOf(aggregateScope).resourceTemplates,
    }));

    server.setRequestHandler('tools/call', async (request, ctx) => {
      const exposed = request.params.name;
      // A modern client coming back with answers for a parked call: the call is already routed.
      const resumed = era === 'modern' ? parkedCall(scope, ctx) : undefined;
      if (resumed) return callTool(scope, session, era, resumed.prefix, resumed.name, request.params, ctx);
      const target = aggregateOf(aggregateScope).toolRoutes.targetOf(exposed);
      if (!target) {
        const blocked = scope.kind === 'server' ? unavailable(scope.prefix) : undefined;
        if (blocked)
          return toolErrorResult(scope.kind === 'server' ? scope.prefix : '', exposed, blocked, false);
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${exposed}`);
      }
      return callTool(scope, session, era, target.prefix, target.name, request.params, ctx);
    });

    server.setRequestHandler('prompts/get', async (request, ctx) => {
      const target = aggregateOf(aggregateScope).promptRoutes.targetOf(request.params.name);
      if (!target)
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
      const result = await deps.pool
        .request(
          target.prefix,
          { method: 'prompts/get', params: { ...request.params, name: target.name } },
          { caller: callerFor(ctx, target.prefix), signal: ctx.mcpReq.signal },
        )
        .catch(relayError);
      return (aggregate ? rewritePromptResult(target.prefix, result) : result) as never;
    });

    server.setRequestHandler('resources/read', async (request, ctx) => {
      const target = resolveUri(scope, request.params.uri);
      const result = await deps.pool
        .request(
          target.prefix,
          { method: 'resources/read', params: { ...request.params, uri: target.uri } },
          { caller: callerFor(ctx, target.prefix), signal: ctx.mcpReq.signal },
        )
        .catch(relayError);
      return (aggregate ? rewriteReadResult(target.prefix, result) : result) as never;
    });

    server.setRequestHandler('resources/subscribe', async (request) => {
      const target = resolveUri(scope, request.params.uri);
      await subscriptions.add(session, target.prefix, target.uri).catch(relayError);
      return {};
    });
    server.setRequestHandler('resources/unsubscribe', async (request) => {
      const target = resolveUri(scope, request.params.uri);
      await subscriptions.remove(session, target.prefix, target.uri).catch(relayError);
      return {};
    });

    server.setRequestHandler('completion/complete', async (request, ctx) => {
      const ref = request.params.ref as { type: string; name?: string; uri?: string };
      let prefix: string;
      let upstreamRef: Record<string, unknown>;
      if (ref.type === 'ref/prompt') {
        const target = aggregateOf(aggregateScope).promptRoutes.targetOf(String(ref.name));
        if (!target)
          throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt: ${String(ref.name)}`);
        prefix = target.prefix;
        upstreamRef = { ...ref, name: target.name };
      } else {
        const target = resolveUri(scope, String(ref.uri));
        prefix = target.prefix;
        upstreamRef = { ...ref, uri: target.uri };
      }
      const result = await deps.pool
        .request(
          prefix,
          { method: 'completion/complete', params: { ...request.params, ref: upstreamRef } },
          { caller: callerFor(ctx, prefix), signal: ctx.mcpReq.signal },
        )
        .catch(relayError);
      return result as never;
    });

    server.setRequestHandler('logging/setLevel', async (request) => {
      session.logLevel = request.params.level;
      // Per-server scope: pass the level on when the upstream is running (never start a process for it);
      // in the aggregate scope the level only filters what this session receives, as other clients share
      // the same upstreams.
      if (scope.kind === 'server' && deps.pool.status(scope.prefix)?.state === 'ready') {
        await deps.pool
          .request(scope.prefix, { method: 'logging/setLevel', params: { level: request.params.level } })
          .catch((error) => {
            log.debug('upstream refused logging/setLevel', { prefix: scope.prefix, error: String(error) });
          });
      }
      return {};
    });

    return server;
  };

  const ownerOf = (scope: GatewayScope) => scope.caller.tokenId ?? `client:${scope.caller.clientName}`;
  const parkedCall = (scope: GatewayScope, ctx: ServerContext): CallHolder | undefined => {
    const state = ctx.mcpReq.requestState<string>();
    return typeof state === 'string'
      ? (bridge.extraOf(ownerOf(scope), state) as CallHolder | undefined)
      : undefined;
  };

  const callTool = async (
    scope: GatewayScope,
    session: Session,
    era: ProtocolEra,
    prefix: string,
    name: string,
    params: Record<string, unknown>,
    ctx: ServerContext,
  ): Promise<CallToolResult> => {
    const identity = scope.caller;
    const resumeState = era === 'modern' ? ctx.mcpReq.requestState<string>() : undefined;
    const resumed = typeof resumeState === 'string' ? parkedCall(scope, ctx) : undefined;
    const holder: CallHolder = resumed ?? {
      prefix,
      name,
      ctx,
      started: deps.clock.now(),
      progress: Promise.resolve(),
    };
    // Progress goes to whichever downstream request of this call is open now (modern calls span rounds).
    holder.ctx = ctx;
    const token = () => holder.ctx.mcpReq._meta?.progressToken;
    const { progressToken: _token, ...meta } = (params._meta ?? {}) as Record<string, unknown>;
    let outcome:
      ReturnType<typeof classifyFailure> | { outcome: 'ok' | 'tool_error'; errorCode?: undefined } = {
      outcome: 'ok',
    };
    let logIt = true;
    const run = (caller: UpstreamCaller, signal: AbortSignal) =>
      deps.pool.request(
        prefix,
        {
          method: 'tools/call',
          params: {
            name,
            ...(params.arguments === undefined ? {} : { arguments: params.arguments }),
            ...(Object.keys(meta).length ? { _meta: meta } : {}),
          },
        },
        {
          caller,
          signal,
          ...(deps.toolTimeoutMs === undefined ? {} : { timeoutMs: deps.toolTimeoutMs }),
          ...(deps.toolMaxTotalMs === undefined ? {} : { maxTotalTimeoutMs: deps.toolMaxTotalMs }),
          // Always ask for progress: it resets the upstream timeout even when the client did not ask for it.
          onprogress: (p) => {
            const progressToken = token();
            if (progressToken === undefined) return;
            const target = holder.ctx;
            holder.progress = holder.progress
              .then(() =>
                target.mcpReq.notify({ method: 'notifications/progress', params: { ...p, progressToken } }),
              )
              .catch(() => {});
          },
        },
      );
    try {
      const blocked = unavailable(prefix);
      if (blocked) throw blocked;
      let result: Record<string, unknown>;
      if (era === 'legacy') {
        result = await run(
          createDownstreamCaller({
            sessionKey: session.key,
            server: session.server,
            ctx,
            era,
            prefix,
            aggregate: scope.kind === 'all',
            logLevel: () => session.logLevel,
          }),
          ctx.mcpReq.signal,
        );
      } else {
        if (typeof resumeState === 'string' && !resumed) {
          throw new SwitchboardError(
            'UPSTREAM_ERROR',
            `this call to ${name} waited too long for an answer and was cancelled; call the tool again`,
          );
        }
        const round = resumed
          ? (bridge.resume(
              ownerOf(scope),
              resumeState as string,
              (ctx.mcpReq.inputResponses ?? {}) as Record<string, unknown>,
              ctx.mcpReq.signal,
            ) as Promise<RoundOutcome<Record<string, unknown>>>)
          : bridge.start(
              ownerOf(scope),
              modernCapabilities(ctx),
              session.key,
              run,
              ctx.mcpReq.signal,
              holder,
            );
        const next = await round;
        if (next.kind === 'input') {
          logIt = false;
          return inputRequired({
            inputRequests: next.inputRequests as never,
            requestState: next.requestState,
          }) as never;
        }
        if (next.kind === 'failed') throw next.error;
        result = next.value;
      }
      // Progress must reach the client before the result, or the client drops it as belonging to no request.
      await holder.progress;
      if (result.isError === true) outcome = { outcome: 'tool_error' };
      return (scope.kind === 'all' ? rewriteToolResult(prefix, result) : result) as CallToolResult;
    } catch (error) {
      const cancelled = ctx.mcpReq.signal.aborted;
      outcome = classifyFailure(error, cancelled);
      if (outcome.outcome !== 'cancelled')
        log.info('tool call failed', { prefix, tool: name, code: outcome.errorCode });
      return toolErrorResult(prefix, name, error, cancelled);
    } finally {
      if (logIt) {
        deps.callLog?.record({
          at: holder.started,
          clientName: identity.clientName,
          ...(identity.tokenId === undefined ? {} : { tokenId: identity.tokenId }),
          server: prefix,
          tool: name,
          durationMs: deps.clock.now() - holder.started,
          outcome: outcome.outcome,
          ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
        });
      }
    }
  };

  return {
    createServer,
    legacyToolsListResult,
    hasServer(prefix) {
      return sources().servers.has(prefix);
    },
    onListChanged(listener) {
      listChangedListeners.add(listener);
      return () => listChangedListeners.delete(listener);
    },
    async close() {
      for (const off of detach) off();
      debouncer.cancel();
      bridge.close();
      legacySessions.clear();
      deps.callLog?.flush();
    },
  };
}
