import type { AuthProvider, FetchLike, Implementation } from '@modelcontextprotocol/client';
import { Client, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/client';
import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { resolveDefinition } from '../env/resolve-definition.ts';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Redactor } from '../lib/redactor.ts';
import type { UpstreamCatalogRepository } from '../registry/upstream-catalog-repository.ts';
import { routeServerRequest } from './caller-routing.ts';
import type { ListKind } from './catalog-fetch.ts';
import { connectUpstream } from './connect-upstream.ts';
import { definitionHash } from './definition-fingerprint.ts';
import { needsConfigError } from './needs-config.ts';
import type { PidRegistry } from './pid-registry.ts';
import type { LiveConnection, PoolEntry } from './pool-entry.ts';
import { launchStdio } from './stdio-launch.ts';
import { StdioProcessTransport } from './stdio-process-transport.ts';
import type { StreamTags } from './stream-tagging.ts';
import { createStreamTags } from './stream-tagging.ts';
import type { ServerRequestMethod } from './upstream-types.ts';

/**
 * Opening one connection for an entry: its variables resolved (secrets added to the redactor), the era it
 * spoke last time, a stdio process wired to the entry's stderr ring and pid file, or an HTTP transport whose
 * streams are watched (see stream-tagging.ts) — and an SDK Client whose handlers relay what the upstream
 * sends back: server→client requests to the right caller, list_changed to the catalog, logs to the callers.
 */

export interface ConnectorDeps {
  values(
    prefix: string,
    server: StoredServer,
  ): Promise<Record<string, string | undefined>> | Record<string, string | undefined>;
  catalog: Pick<UpstreamCatalogRepository, 'get'>;
  redactor: Redactor;
  log: Logger;
  clock: Clock;
  /** Settles once orphans of a previous hub were reaped (nothing is spawned before). */
  reaped: Promise<unknown>;
  loginPath(): Promise<string>;
  processEnv: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  killGraceMs: number;
  connectTimeoutMs: number;
  pids?: PidRegistry;
  authProvider?: (prefix: string, server: StoredServer) => AuthProvider | undefined;
  fetch?: FetchLike;
  clientInfo: Implementation;
  /** Re-reads lists the upstream announced as changed. */
  listChanged(entry: PoolEntry, kinds: readonly ListKind[]): void;
  resourceUpdated(entry: PoolEntry, uri: string): void;
  /** A log message the upstream sent. */
  upstreamLog(entry: PoolEntry, params: Record<string, unknown>): void;
  /** The answer to call `callId` can no longer arrive (its response stream ended). */
  answerLost(entry: PoolEntry, callId: number): void;
}

/** Creates the function that opens connections. */
export function createConnector(
  deps: ConnectorDeps,
): (entry: PoolEntry, attempt: number) => Promise<LiveConnection> {
  const { log } = deps;

  const answerServerRequest = async (
    entry: PoolEntry,
    tags: StreamTags | undefined,
    method: ServerRequestMethod,
    params: Record<string, unknown> | undefined,
    requestId: string | number,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> => {
    const route = routeServerRequest({
      prefix: entry.model.prefix,
      method,
      inFlight: entry.inFlight,
      associatedCallId: tags?.callOf(requestId),
      wire: entry.server.transport,
    });
    if (route.kind === 'caller') return route.caller.request(method, params, signal);
    if (route.kind === 'empty-roots') return { roots: [] };
    log.info('refused a request from an upstream', {
      prefix: entry.model.prefix,
      method,
      reason: route.message,
    });
    throw new ProtocolError(
      route.reason === 'unsupported' ? ProtocolErrorCode.MethodNotFound : ProtocolErrorCode.InvalidRequest,
      route.message,
    );
  };

  const createClient = (entry: PoolEntry, tags: StreamTags | undefined, mode: 'legacy' | 'auto') => {
    const client = new Client(deps.clientInfo, {
      // We relay these to the downstream client whose call caused the request (see caller-routing.ts).
      capabilities: { sampling: {}, elicitation: { form: {}, url: {} }, roots: {} },
      versionNegotiation: { mode },
    });
    for (const method of ['sampling/createMessage', 'elicitation/create', 'roots/list'] as const) {
      client.setRequestHandler(
        method,
        async (request, ctx) =>
          // The SDK validates what we return against the method's result schema.
          (await answerServerRequest(
            entry,
            tags,
            method,
            request.params as Record<string, unknown> | undefined,
            ctx.mcpReq.id,
            ctx.mcpReq.signal,
          )) as never,
      );
    }
    client.setNotificationHandler('notifications/tools/list_changed', () =>
      deps.listChanged(entry, ['tools']),
    );
    client.setNotificationHandler('notifications/prompts/list_changed', () =>
      deps.listChanged(entry, ['prompts']),
    );
    client.setNotificationHandler('notifications/resources/list_changed', () =>
      deps.listChanged(entry, ['resources', 'resourceTemplates']),
    );
    client.setNotificationHandler('notifications/resources/updated', (n) =>
      deps.resourceUpdated(entry, n.params.uri),
    );
    client.setNotificationHandler('notifications/message', (n) =>
      deps.upstreamLog(entry, n.params as Record<string, unknown>),
    );
    client.onerror = (error) =>
      log.debug('upstream client error', {
        prefix: entry.model.prefix,
        error: deps.redactor.redact(String(error)),
      });
    return client;
  };

  return async (entry, attempt) => {
    await deps.reaped;
    const server = entry.server;
    const prefix = server.prefix;
    const values = await deps.values(prefix, server);
    const resolution = resolveDefinition(server, values);
    if (!resolution.ok) throw needsConfigError(server, resolution.missing);
    for (const secret of resolution.secrets) deps.redactor.add(secret);
    const stored = deps.catalog.get(server.id);
    const remembered = stored?.definitionHash === definitionHash(server) ? stored.era : undefined;
    const childPath = resolution.server.transport === 'stdio' ? await deps.loginPath() : '';
    const tags =
      resolution.server.transport === 'stdio'
        ? undefined
        : createStreamTags({ base: deps.fetch, onAnswerLost: (callId) => deps.answerLost(entry, callId) });
    const startedAt = deps.clock.now();
    const conn = await connectUpstream({
      prefix,
      resolved: resolution.server,
      remembered,
      now: deps.clock.now(),
      timeoutMs: deps.connectTimeoutMs,
      log,
      createClient: (mode) => createClient(entry, tags, mode),
      authProvider: deps.authProvider?.(prefix, server),
      fetch: tags?.fetch ?? deps.fetch,
      createStdioTransport: (resolved) => {
        const transport = launchStdio({
          prefix,
          server: resolved,
          path: childPath,
          processEnv: deps.processEnv,
          platform: deps.platform,
          killGraceMs: deps.killGraceMs,
          stderr: entry.stderr,
          redactor: deps.redactor,
          log,
          clock: deps.clock,
          pids: deps.pids,
          onExit: (info) => {
            entry.lastExit = info;
          },
        });
        // Only the current attempt's process is the entry's; a stop kills it through this field.
        if (entry.model.attempt === attempt) entry.pending = transport;
        return transport;
      },
    }).catch(async (error: unknown) => {
      // "Connection closed" says little; what the process printed before dying usually says why.
      const pending = entry.pending;
      if (pending instanceof StdioProcessTransport) await pending.whenStderrDrained();
      const tail = entry.stderr
        .lines()
        .filter((l) => l.at >= startedAt)
        .slice(-3)
        .map((l) => l.text);
      if (tail.length === 0 || !(error instanceof SwitchboardError)) throw error;
      throw new SwitchboardError(error.code, `${error.message}; it printed: ${tail.join(' | ')}`, {
        cause: error,
      });
    });
    return { ...conn, tags };
  };
}
