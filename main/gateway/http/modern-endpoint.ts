import type { AuthInfo } from '@modelcontextprotocol/server';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { Logger } from '../../lib/logger.ts';
import type { GatewayCore, GatewayScope } from '../gateway-core.ts';
import { echoableId, jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';
import { principalOf } from './principal.ts';
import { MAX_BODY_BYTES } from './read-json-body.ts';
import type { PrincipalTable } from './stream-limits.ts';
import { admit, createPrincipalTable, DEFAULT_STREAM_LIMITS } from './stream-limits.ts';
import { closableResponse } from './track-response.ts';

/**
 * The 2026-07-28 (stateless) era: the SDK's createMcpHandler answers server/discover, validates the
 * Mcp-Method/Mcp-Name headers against the body (400 -32020), serves subscriptions/listen, and builds one
 * core Server per request. Session-era traffic never reaches it (`legacy: 'reject'`): the front routes
 * that to the session table first. Listen streams are counted per principal and overall; they and the
 * requests still being answered are ended when their token is revoked.
 */

export interface ModernEndpointOptions {
  core: GatewayCore;
  log: Logger;
  keepAliveMs?: number;
  maxBodyBytes?: number;
  /** Open `subscriptions/listen` streams overall (default 256) and per principal (default 32). */
  maxListenStreams?: number;
  maxListenStreamsPerPrincipal?: number;
}

export interface ModernEndpoint {
  /** Serves one modern-era POST whose body the front already parsed. */
  handle(request: Request, scope: GatewayScope, parsedBody: unknown): Promise<Response>;
  /**
   * Ends the listen streams and in-flight requests one principal opened (its token was revoked); returns how
   * many.
   */
  endOwnedBy(principal: string): number;
  /** Ends every open listen stream (the gateway was paused). */
  endAll(): void;
  /** Open listen streams. */
  readonly streams: number;
  /** Requests other than listen still being answered. */
  readonly inFlight: number;
  /** Ends open listen streams and in-flight exchanges; stops following the core's list changes. */
  close(): Promise<void>;
}

// The per-request factory receives only what the handler passes through; the scope travels in authInfo.
const SCOPE_KEY = 'switchboard/scope';

/** A listen stream or an in-flight request, which a revocation or a pause can end. */
interface ListenStream {
  close(): void;
}

function isListenRequest(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    (body as { method?: unknown }).method === 'subscriptions/listen'
  );
}

/** The modern-era handler, fed list changes from the core so listen streams get list_changed. */
export function createModernEndpoint(options: ModernEndpointOptions): ModernEndpoint {
  const maxStreams = options.maxListenStreams ?? DEFAULT_STREAM_LIMITS.maxListenStreams;
  const maxPerPrincipal =
    options.maxListenStreamsPerPrincipal ?? DEFAULT_STREAM_LIMITS.maxListenStreamsPerPrincipal;
  const listens = createPrincipalTable<ListenStream>();
  // Requests being answered (a long tools/call streaming its progress…), by principal.
  const inFlight = createPrincipalTable<ListenStream>();
  const handler = createMcpHandler(
    ({ authInfo }) => {
      const scope = authInfo?.extra?.[SCOPE_KEY] as GatewayScope | undefined;
      if (scope === undefined) throw new Error('modern request reached the factory without a scope');
      return options.core.createServer(scope, 'modern');
    },
    {
      legacy: 'reject',
      keepAliveMs: options.keepAliveMs ?? 15_000,
      maxRequestBodySize: options.maxBodyBytes ?? MAX_BODY_BYTES,
      // Also receives ordinary client mistakes the SDK rejected (header mismatch …): debug, not error.
      onerror: (error) => options.log.debug('modern MCP request rejected or failed', { error }),
    },
  );
  const stopFollowing = options.core.onListChanged((change) => {
    if (change.tools) handler.notify.toolsChanged();
    if (change.prompts) handler.notify.promptsChanged();
    if (change.resources) handler.notify.resourcesChanged();
  });
  const endAll = () => {
    for (const stream of [...listens.all(), ...inFlight.all()]) stream.close();
  };

  const serve = (request: Request, scope: GatewayScope, parsedBody: unknown) => {
    // token is left empty on purpose: the client's credential must never travel further than the front.
    const authInfo: AuthInfo = {
      token: '',
      clientId: scope.caller.clientName,
      scopes: [],
      extra: { [SCOPE_KEY]: scope },
    };
    return handler.fetch(request, { authInfo, parsedBody });
  };

  /**
   * Serves one request while `table` holds a slot for it, so a revocation (or a pause) can end it: a slot
   * closed before the answer comes drops the answer; a streamed answer is ended where it stands.
   */
  const serveTracked = async (
    table: PrincipalTable<ListenStream>,
    principal: string,
    request: Request,
    scope: GatewayScope,
    parsedBody: unknown,
  ): Promise<Response> => {
    // The SDK follows the request's signal (the era's cancellation: the core cancels the call upstream), so
    // the request it gets carries ours too. No body: the SDK uses `parsedBody` (the front already read it).
    const abort = new AbortController();
    const forward = new Request(request.url, {
      method: request.method,
      headers: request.headers,
      signal: AbortSignal.any([request.signal, abort.signal]),
    });
    const opened: { close?: () => void } = {};
    let cut: (() => void) | undefined;
    const ended = new Promise<undefined>((resolve) => (cut = () => resolve(undefined)));
    let isEnded = false;
    const slot: ListenStream = {
      close: () => {
        isEnded = true;
        table.remove(slot);
        abort.abort();
        opened.close?.();
        cut?.();
      },
    };
    table.add(principal, slot);
    const answer = serve(forward, scope, parsedBody);
    let response: Response | undefined;
    try {
      response = await Promise.race([answer, ended]);
    } catch (error) {
      table.remove(slot);
      throw error;
    }
    if (response === undefined || isEnded) {
      // Ended before (or as) it was answered: whatever the SDK still answers is dropped.
      void answer.then((late) => late.body?.cancel()).catch(() => {});
      return jsonRpcErrorResponse(
        503,
        RPC.serverError,
        'Service Unavailable: the request was ended before it was answered (its token was revoked, or Switchboard was paused)',
        { id: echoableId(parsedBody) },
      );
    }
    const isStream =
      response.status === 200 &&
      response.body !== null &&
      (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
    if (!isStream) {
      table.remove(slot);
      return response;
    }
    const tracked = closableResponse(response, forward.signal, () => table.remove(slot));
    opened.close = tracked.close;
    return tracked.response;
  };

  return {
    async handle(request, scope, parsedBody) {
      const principal = principalOf(scope.caller);
      // Every other request is held too (no quota: it ends with its answer), so revoking its token ends it.
      if (!isListenRequest(parsedBody)) return serveTracked(inFlight, principal, request, scope, parsedBody);
      const admission = admit(listens, principal, { overall: maxStreams, perPrincipal: maxPerPrincipal });
      if (!admission.ok) {
        return jsonRpcErrorResponse(
          503,
          RPC.serverError,
          admission.reason === 'principal'
            ? `Service Unavailable: this client token has too many subscriptions/listen streams open (${maxPerPrincipal}); close unused ones`
            : `Service Unavailable: too many subscriptions/listen streams open (${maxStreams})`,
          { id: echoableId(parsedBody), headers: { 'retry-after': '30' } },
        );
      }
      // The slot is held while the SDK answers, so a burst of listens cannot overshoot the quota.
      return serveTracked(listens, principal, request, scope, parsedBody);
    },
    endOwnedBy(principal) {
      const streams = [...listens.itemsOf(principal), ...inFlight.itemsOf(principal)];
      for (const stream of streams) stream.close();
      return streams.length;
    },
    endAll,
    get streams() {
      return listens.size;
    },
    get inFlight() {
      return inFlight.size;
    },
    async close() {
      stopFollowing();
      endAll();
      await handler.close();
    },
  };
}
