import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CallerIdentity, GatewayCore } from '../gateway-core.ts';
import type { TokenVerifier } from '../tokens/token-verifier.ts';
import { authenticate } from './bearer-auth.ts';
import { checkHostAndOrigin } from './host-origin-check.ts';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';
import { createLegacySessions } from './legacy-sessions.ts';
import { createMcpRoute, isKnownPrefix, principalOf, scopeFor, unknownServerResponse } from './mcp-route.ts';
import { createModernEndpoint } from './modern-endpoint.ts';
import { MAX_BODY_BYTES, readJsonBody } from './read-json-body.ts';
import { createSseSessions, SSE_MESSAGES_PATH } from './sse-sessions.ts';

/** An extra route mounted on the gateway port (e.g. the OAuth loopback callback). Host/Origin still apply. */
export interface GatewayRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** 'token' requires a client token like the MCP routes; 'none' is for browser redirects and the like. */
  auth: 'token' | 'none';
  handler(request: Request, caller: CallerIdentity | undefined): Response | Promise<Response>;
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
  routes?: readonly GatewayRoute[];
}

/** What the gateway front is, without a socket: a fetch function plus lifecycle. Tests call `fetch` directly. */
export interface GatewayApp {
  fetch(request: Request): Promise<Response>;
  /** Closes idle sessions (the server calls this on a timer). */
  sweep(): void;
  /** Ends every session and stream; the core is left to its owner. */
  close(): Promise<void>;
  /** Live session counts, for health views and tests. */
  stats(): { legacySessions: number; sseSessions: number };
}

type Env = { Variables: { caller: CallerIdentity } };

/** Builds the gateway's HTTP front over a GatewayCore: guards, MCP routes of both eras, SSE, health. */
export function createGatewayApp(options: GatewayAppOptions): GatewayApp {
  const { core, log } = options;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const legacy = createLegacySessions({
    core,
    log,
    ...(options.clock && { clock: options.clock }),
    ...(options.sessionIdleTimeoutMs !== undefined && { idleTimeoutMs: options.sessionIdleTimeoutMs }),
    ...(options.maxSessions !== undefined && { maxSessions: options.maxSessions }),
    ...(options.keepAliveMs !== undefined && { keepAliveMs: options.keepAliveMs }),
  });
  const modern = createModernEndpoint({
    core,
    log,
    maxBodyBytes,
    ...(options.keepAliveMs !== undefined && { keepAliveMs: options.keepAliveMs }),
  });
  const sse = createSseSessions({ core, log, ...(options.keepAliveMs !== undefined && { keepAliveMs: options.keepAliveMs }) });
  const mcp = createMcpRoute({ core, legacy, modern, log, maxBodyBytes });

  // strict: false so "/mcp/" works like "/mcp" (some clients add the slash).
  const app = new Hono<Env>({ strict: false });

  app.onError((error, c) => {
    log.error('gateway request failed', { method: c.req.method, path: c.req.path, error });
    return jsonRpcErrorResponse(500, RPC.internalError, 'Internal error: see the Switchboard log');
  });
  app.notFound(() => jsonRpcErrorResponse(404, RPC.serverError, 'Not Found: the MCP endpoint is /mcp (or /mcp/<server-prefix>)'));

  // DNS-rebinding guard first, on every path, before anything else looks at the request.
  app.use('*', async (c, next) => {
    const verdict = checkHostAndOrigin({ host: c.req.header('host'), origin: c.req.header('origin') }, options.port());
    if (!verdict.ok) {
      log.warn('refused a request with a foreign Host or Origin', { reason: verdict.reason });
      return jsonRpcErrorResponse(403, RPC.serverError, `Forbidden: ${verdict.reason}`);
    }
    await next();
  });

  const requireToken: MiddlewareHandler<Env> = async (c, next) => {
    const outcome = authenticate(c.req.raw, options.tokens, log);
    if (!outcome.ok) return outcome.response;
    c.set('caller', outcome.caller);
    await next();
  };

  // No token: a liveness probe for the bridge and the tray; it says nothing about servers or clients.
  app.get('/healthz', () => Response.json({ status: 'ok', service: 'switchboard' }, { headers: { 'cache-control': 'no-store' } }));

  app.use('/mcp', requireToken);
  app.use('/mcp/*', requireToken);
  app.all('/mcp', (c) => mcp(c.req.raw, c.get('caller'), undefined));
  app.all('/mcp/:prefix', (c) => mcp(c.req.raw, c.get('caller'), c.req.param('prefix')));

  app.use('/sse', requireToken);
  app.use('/sse/*', requireToken);
  app.use(SSE_MESSAGES_PATH, requireToken);
  const openSse = async (caller: CallerIdentity, prefix: string | undefined) => {
    if (prefix !== undefined && !isKnownPrefix(core, prefix)) return unknownServerResponse(prefix);
    return sse.open(scopeFor(caller, prefix), principalOf(caller));
  };
  app.get('/sse', (c) => openSse(c.get('caller'), undefined));
  app.get('/sse/:prefix', (c) => openSse(c.get('caller'), c.req.param('prefix')));
  app.post(SSE_MESSAGES_PATH, async (c) => {
    const body = await readJsonBody(c.req.raw, maxBodyBytes);
    if (!body.ok) return body.response;
    return sse.post(c.req.query('sessionId') ?? null, principalOf(c.get('caller')), body.value, c.req.raw);
  });

  for (const route of options.routes ?? []) {
    if (route.auth === 'token') app.use(route.path, requireToken);
    app.on(route.method, route.path, (c) => route.handler(c.req.raw, route.auth === 'token' ? c.get('caller') : undefined));
  }

  return {
    fetch: async (request) => app.fetch(request),
    sweep: () => {
      const closed = legacy.sweep();
      if (closed > 0) log.info('closed idle MCP sessions', { count: closed });
    },
    async close() {
      await Promise.allSettled([legacy.close(), sse.close(), modern.close()]);
    },
    stats: () => ({ legacySessions: legacy.size, sseSessions: sse.size }),
  };
}
