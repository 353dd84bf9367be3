import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CallerIdentity, GatewayCore } from '../gateway-core.ts';
import type { TokenVerifier } from './token-verifier.ts';
import type { TokenCarrier } from './bearer-auth.ts';
import { authenticate } from './bearer-auth.ts';
import { checkHostAndOrigin } from './host-origin-check.ts';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';
import { createLegacySessions } from './legacy-sessions.ts';
import { createMcpRoute, isKnownPrefix, principalOf, scopeFor, unknownServerResponse } from './mcp-route.ts';
import { createModernEndpoint } from './modern-endpoint.ts';
import { MAX_BODY_BYTES, readJsonBody } from './read-json-body.ts';
import { createSseSessions, SSE_MESSAGES_PATH } from './sse-sessions.ts';
import { createNativeMcp } from './native-mcp.ts';
import type { NativeHandler } from './node-front.ts';
import type { StreamLimits } from './stream-limits.ts';
import { DEFAULT_STREAM_LIMITS } from './stream-limits.ts';

/**
 * An extra route on the gateway port: the OAuth loopback callback, pass-through relays and their
 * well-known metadata, the web UI… The Host/Origin check applies to every route, whatever its `auth`.
 */
export interface GatewayRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ALL';
  /** A Hono path pattern: `/oauth/callback`, `/mcp/:prefix/mcp`, `/.well-known/*`. */
  path: string;
  /**
   * `bearer`: a client token in Authorization (like /mcp); `gateway-token-header`: a client token in
   * X-Switchboard-Token (pass-through routes, where Authorization is the upstream's); `none`: browser
   * redirects and public metadata.
   */
  auth: TokenCarrier | 'none';
  /** Answers the request; `undefined` means "not mine" and becomes the gateway's 404. */
  handler(
    request: Request,
    context: { caller: CallerIdentity | undefined; params: Record<string, string> },
  ): Response | undefined | Promise<Response | undefined>;
}

export interface GatewayAppOptions {
  core: GatewayCore;
  tokens: TokenVerifier;
  /** The port the gateway is bound to (Host headers must name it); read per request. */
  port: () => number;
  log: Logger;
  clock?: Clock;
  sessionIdleTimeoutMs?: number;
  maxSessions?: number;
  keepAliveMs?: number;
  maxBodyBytes?: number;
  /** Session and stream quotas (stream-limits.ts); `maxSessions` above wins over streamLimits.maxSessions. */
  streamLimits?: Partial<StreamLimits>;
  routes?: readonly GatewayRoute[];
  /** While true, every MCP request is refused with 503 and a message saying how to resume. */
  paused?: () => boolean;
}

/** Live counts of what callers hold open. */
export interface GatewayStats {
  legacySessions: number;
  sseSessions: number;
  listenStreams: number;
  /** Modern-era requests still being answered. */
  modernInFlight: number;
  /** Session-era POSTs served on the hot path (native-mcp.ts) since start; the rest went through the app. */
  nativePosts: number;
  /** Tool calls of those POSTs answered without the SDK Server's dispatch (native-exchange.ts). */
  nativeToolCalls: number;
}

/** What the gateway front is, without a socket: a fetch function plus lifecycle. Tests call `fetch` directly. */
export interface GatewayApp {
  /** `env` is what @hono/node-server passes (the Node request and response), when there is a socket. */
  fetch(request: Request, env?: unknown): Promise<Response>;
  /** Closes idle sessions (the server calls this on a timer). */
  sweep(): void;
  /** Ends every session and stream; the core is left to its owner. */
  close(): Promise<void>;
  /** Ends every open MCP session and stream, and keeps serving (the gateway was paused). */
  endSessions(): Promise<void>;
  /** Ends the sessions and streams opened with one client token (it was revoked); returns how many. */
  endSessionsOf(tokenId: string): number;
  /** Live session and stream counts, for health views and tests. */
  stats(): GatewayStats;
  /** The hot path on Node's objects (node-front.ts): session-era POSTs in established sessions. */
  native: NativeHandler;
}

/** What a client of a paused gateway is told. */
export const PAUSED_MESSAGE =
  'Switchboard is paused: tool access is off until you resume it (tray menu, Settings in the window, or `switchboard resume`)';

/** Builds the gateway's HTTP front over a GatewayCore: guards, MCP routes of both eras, SSE, health. */
export function createGatewayApp(options: GatewayAppOptions): GatewayApp {
  const { core, log } = options;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const limits: StreamLimits = { ...DEFAULT_STREAM_LIMITS, ...options.streamLimits };
  limits.maxSessions = options.maxSessions ?? limits.maxSessions;
  const legacy = createLegacySessions({
    core,
    log,
    clock: options.clock,
    idleTimeoutMs: options.sessionIdleTimeoutMs,
    maxSessions: limits.maxSessions,
    maxSessionsPerPrincipal: limits.maxSessionsPerPrincipal,
    keepAliveMs: options.keepAliveMs,
  });
  const modern = createModernEndpoint({
    core,
    log,
    maxBodyBytes,
    maxListenStreams: limits.maxListenStreams,
    maxListenStreamsPerPrincipal: limits.maxListenStreamsPerPrincipal,
    keepAliveMs: options.keepAliveMs,
  });
  const sse = createSseSessions({
    core,
    log,
    maxSessions: limits.maxSseSessions,
    maxSessionsPerPrincipal: limits.maxSseSessionsPerPrincipal,
    keepAliveMs: options.keepAliveMs,
  });
  const mcp = createMcpRoute({ core, legacy, modern, log, maxBodyBytes });

  // strict: false so "/mcp/" works like "/mcp" (some clients add the slash).
  const app = new Hono({ strict: false });

  app.onError((error, c) => {
    log.error('gateway request failed', { method: c.req.method, path: c.req.path, error });
    return jsonRpcErrorResponse(500, RPC.internalError, 'Internal error: see the Switchboard log');
  });
  app.notFound(() =>
    jsonRpcErrorResponse(
      404,
      RPC.serverError,
      'Not Found: the MCP endpoint is /mcp (or /mcp/<server-prefix>)',
    ),
  );

  // DNS-rebinding guard first, on every path, before anything else looks at the request.
  app.use('*', async (c, next) => {
    const verdict = checkHostAndOrigin(
      { host: c.req.header('host'), origin: c.req.header('origin') },
      options.port(),
    );
    if (!verdict.ok) {
      log.warn('refused a request with a foreign Host or Origin', { reason: verdict.reason });
      return jsonRpcErrorResponse(403, RPC.serverError, `Forbidden: ${verdict.reason}`);
    }
    await next();
  });

  // Authentication wraps each handler (not path middleware), so a route's token rule is visible where
  // the route is declared, and /mcp/:prefix/mcp (pass-through) is not caught by the /mcp/* rule.
  type Handler = (c: Context, caller: CallerIdentity) => Response | Promise<Response>;
  const withToken =
    (handler: Handler, carrier: TokenCarrier = 'bearer') =>
    (c: Context) => {
      const outcome = authenticate(c.req.raw, options.tokens, log, carrier);
      return outcome.ok ? handler(c, outcome.caller) : outcome.response;
    };
  // Paused: the port stays open (the window, OAuth callbacks and `resume` need it); MCP traffic is refused.
  const unlessPaused =
    (handler: Handler): Handler =>
    (c, caller) =>
      options.paused?.()
        ? jsonRpcErrorResponse(503, RPC.serverError, PAUSED_MESSAGE, { headers: { 'retry-after': '30' } })
        : handler(c, caller);

  // No token: a liveness probe for the bridge and the tray; it says nothing about servers or clients.
  app.get('/healthz', () =>
    Response.json({ status: 'ok', service: 'switchboard' }, { headers: { 'cache-control': 'no-store' } }),
  );

  app.all('/mcp', withToken(unlessPaused((c, caller) => mcp(c.req.raw, caller, undefined))));
  app.all(
    '/mcp/:prefix',
    withToken(unlessPaused((c, caller) => mcp(c.req.raw, caller, c.req.param('prefix')))),
  );

  const openSse = async (caller: CallerIdentity, prefix: string | undefined) => {
    if (prefix !== undefined && !isKnownPrefix(core, prefix)) return unknownServerResponse(prefix);
    return sse.open(scopeFor(caller, prefix), principalOf(caller));
  };
  app.get('/sse', withToken(unlessPaused((_c, caller) => openSse(caller, undefined))));
  app.get('/sse/:prefix', withToken(unlessPaused((c, caller) => openSse(caller, c.req.param('prefix')))));
  app.post(
    SSE_MESSAGES_PATH,
    withToken(
      unlessPaused(async (c, caller) => {
        const body = await readJsonBody(c.req.raw, maxBodyBytes);
        if (!body.ok) return body.response;
        return sse.post(c.req.query('sessionId') ?? null, principalOf(caller), body.value, c.req.raw);
      }),
    ),
  );

  const notFound = () =>
    jsonRpcErrorResponse(
      404,
      RPC.serverError,
      'Not Found: the MCP endpoint is /mcp (or /mcp/<server-prefix>)',
    );
  for (const route of options.routes ?? []) {
    const answer = async (c: Context, caller: CallerIdentity | undefined) =>
      (await route.handler(c.req.raw, { caller, params: c.req.param() as Record<string, string> })) ??
      notFound();
    const handler =
      route.auth === 'none' ? (c: Context) => answer(c, undefined) : withToken(answer, route.auth);
    if (route.method === 'ALL') app.all(route.path, handler);
    else app.on(route.method, route.path, handler);
  }

  const native = createNativeMcp({
    core,
    legacy,
    tokens: options.tokens,
    log,
    maxBodyBytes,
    paused: () => options.paused?.() ?? false,
  });

  return {
    native,
    fetch: async (request, env) => app.fetch(request, env),
    sweep: () => {
      const closed = legacy.sweep();
      if (closed > 0) log.info('closed idle MCP sessions', { count: closed });
    },
    async close() {
      await Promise.allSettled([legacy.close(), sse.close(), modern.close()]);
    },
    async endSessions() {
      modern.endAll();
      await Promise.allSettled([legacy.endAll(), sse.endAll()]);
    },
    endSessionsOf(tokenId) {
      const principal = principalOf({ tokenId, clientName: '' });
      return legacy.endOwnedBy(principal) + sse.endOwnedBy(principal) + modern.endOwnedBy(principal);
    },
    stats: () => ({
      legacySessions: legacy.size,
      sseSessions: sse.size,
      listenStreams: modern.streams,
      modernInFlight: modern.inFlight,
      nativePosts: legacy.nativePosts,
      nativeToolCalls: legacy.nativeToolCalls,
    }),
  };
}
