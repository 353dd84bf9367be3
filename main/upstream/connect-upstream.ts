import type {
  AuthProvider,
  Client,
  DiscoverResult,
  FetchLike,
  Transport,
} from '@modelcontextprotocol/client';
import { SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { SwitchboardError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { ResolvedServer } from '../env/resolve-definition.ts';
import type { EraMemory } from '../registry/upstream-catalog-repository.ts';
import { cutBeforeAnswer } from './connection-trouble.ts';
import { connectError, describe, suggestsLegacySse } from './upstream-errors.ts';

/**
 * Opening one upstream connection, era and wire included:
 * - stdio speaks legacy (an `auto` probe would spawn a second, throw-away process every time), unless we
 *   remember the server as modern, in which case its remembered discover result is adopted (`prior`).
 * - Streamable HTTP uses `auto` negotiation, skipped via `prior` when a verdict is remembered (a legacy verdict
 *   only for `legacyVerdictTtlMs`: a server that upgraded must get the chance to be found modern).
 * - When Streamable HTTP is refused with 400/404/405 the server is an old HTTP+SSE one: retry over SSE.
 * - When an HTTP connection is cut before any answer (a kept-alive socket the server closed that moment), the
 *   same attempt is made once more at once, on a new connection: that failure says nothing about the server.
 * Every attempt is bounded by `timeoutMs`; the transport is closed on any failure so nothing leaks.
 */

/** How long a remembered legacy verdict for an HTTP upstream is trusted before probing again. */
export const LEGACY_VERDICT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface ConnectRequest {
  prefix: string;
  resolved: ResolvedServer;
  remembered?: EraMemory;
  now: number;
  timeoutMs: number;
  /** Builds a fresh Client (handlers installed) with the given version negotiation. */
  createClient(mode: 'legacy' | 'auto'): Client;
  /** Builds the stdio transport for a stdio server (the pool wires stderr, pid file and exit handling). */
  createStdioTransport(
    server: Extract<ResolvedServer, { transport: 'stdio' }>,
  ): Transport & { readonly pid?: number | undefined };
  authProvider?: AuthProvider;
  /** Fetch used by HTTP transports (tests inject one). */
  fetch?: FetchLike;
  legacyVerdictTtlMs?: number;
  log: Pick<Logger, 'info'>;
}

/** A live upstream connection. */
export interface UpstreamConnection {
  client: Client;
  transport: Transport;
  era: EraMemory;
  pid?: number;
}

/** Connects to the upstream described by `request.resolved`; throws a SwitchboardError on failure. */
export async function connectUpstream(request: ConnectRequest): Promise<UpstreamConnection> {
  const { resolved } = request;
  if (resolved.transport === 'stdio') {
    const transport = request.createStdioTransport(resolved);
    const client = request.createClient('legacy');
    const discover = request.remembered?.era === 'modern' ? request.remembered.discover : undefined;
    await attempt(
      request,
      client,
      transport,
      discover === undefined ? undefined : { kind: 'modern', discover: discover as DiscoverResult },
    );
    return {
      client,
      transport,
      era: eraOf(client, 'stdio', request.now),
      ...(transport.pid === undefined ? {} : { pid: transport.pid }),
    };
  }

  const url = new URL(resolved.url);
  const init = { headers: resolved.headers };
  const auth = request.authProvider === undefined ? {} : { authProvider: request.authProvider };
  const fetchOption = request.fetch === undefined ? {} : { fetch: request.fetch };
  const remembered = request.remembered;
  const viaSse = () =>
    onceMoreIfCut(request, async () => {
      const client = request.createClient('legacy');
      const transport = new SSEClientTransport(url, { requestInit: init, ...auth, ...fetchOption });
      await attempt(request, client, transport, undefined);
      return { client, transport, era: eraOf(client, 'sse', request.now) };
    });
  if (resolved.transport === 'sse' || remembered?.wire === 'sse') return viaSse();

  const ttl = request.legacyVerdictTtlMs ?? LEGACY_VERDICT_TTL_MS;
  const prior =
    remembered?.era === 'modern' && remembered.discover !== undefined
      ? ({ kind: 'modern', discover: remembered.discover as DiscoverResult } as const)
      : remembered?.era === 'legacy' && request.now - remembered.checkedAt < ttl
        ? ({ kind: 'legacy' } as const)
        : undefined;
  const viaStreamable = (withPrior: typeof prior) =>
    onceMoreIfCut(request, async () => {
      const client = request.createClient('auto');
      const transport = new StreamableHTTPClientTransport(url, {
        requestInit: init,
        ...auth,
        ...fetchOption,
      });
      await attempt(request, client, transport, withPrior);
      return { client, transport, era: eraOf(client, 'streamable-http', request.now) };
    });
  try {
    return await viaStreamable(prior);
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (suggestsLegacySse(cause)) return viaSse();
    // A remembered verdict can be wrong after the server changed: probe afresh once.
    const final =
      error instanceof SwitchboardError && (error.code === 'NEEDS_AUTH' || error.code === 'UPSTREAM_TIMEOUT');
    if (prior !== undefined && !final) return viaStreamable(undefined);
    throw error;
  }
}

async function onceMoreIfCut(
  request: ConnectRequest,
  connect: () => Promise<UpstreamConnection>,
): Promise<UpstreamConnection> {
  try {
    return await connect();
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (!cutBeforeAnswer(cause)) throw error;
    request.log.info('connection cut before any answer; connecting again on a new connection', {
      prefix: request.prefix,
      error: describe(cause),
    });
    return connect();
  }
}

async function attempt(
  request: ConnectRequest,
  client: Client,
  transport: Transport,
  prior: { kind: 'modern'; discover: DiscoverResult } | { kind: 'legacy' } | undefined,
): Promise<void> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(
        new SwitchboardError(
          'UPSTREAM_TIMEOUT',
          `${request.prefix} did not finish connecting within ${Math.round(request.timeoutMs / 1000)}s`,
        ),
      );
    }, request.timeoutMs);
  });
  try {
    await Promise.race([
      client.connect(transport, {
        timeout: request.timeoutMs,
        signal: abort.signal,
        ...(prior === undefined ? {} : { prior }),
      }),
      expired,
    ]);
  } catch (error) {
    await client.close().catch(() => {});
    await transport.close().catch(() => {});
    throw connectError(request.prefix, error);
  } finally {
    clearTimeout(timer);
  }
}

function eraOf(client: Client, wire: EraMemory['wire'], now: number): EraMemory {
  const era = client.getProtocolEra() === 'modern' ? 'modern' : 'legacy';
  const protocolVersion = client.getNegotiatedProtocolVersion();
  const discover = client.getDiscoverResult();
  return {
    era,
    wire,
    ...(protocolVersion === undefined ? {} : { protocolVersion }),
    ...(era === 'modern' && discover !== undefined
      ? { discover: discover as unknown as Record<string, unknown> }
      : {}),
    checkedAt: now,
  };
}
