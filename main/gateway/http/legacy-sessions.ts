import { randomBytes } from 'node:crypto';
import { isInitializeRequest, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import type { Clock } from '../../lib/clock.ts';
import { systemClock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { GatewayCore, GatewayScope } from '../gateway-core.ts';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';
import { checkLegacyProtocolVersion } from './protocol-version.ts';
import { shapePostResponse } from './shape-response.ts';
import { trackResponse } from './track-response.ts';

/**
 * Session-era (2024-11 … 2025-11) Streamable HTTP: one SDK transport + one core Server per session.
 * The SDK transport does the protocol work (SSE framing, GET stream, DELETE, keep-alives); this module
 * owns the session table: who may use a session, when it idles out, and closing everything on shutdown.
 */

export interface LegacySessionsOptions {
  core: GatewayCore;
  log: Logger;
  clock?: Clock;
  /** A session with no request and no open stream for this long is closed. Default 30 minutes. */
  idleTimeoutMs?: number;
  /** Upper bound on live sessions (each holds a core Server). Default 512. */
  maxSessions?: number;
  /** Interval of SSE keep-alive comments. Default 15 s (HTTP clients cut idle streams at about 5 minutes). */
  keepAliveMs?: number;
}

/** One HTTP exchange on a session-era route. */
export interface LegacyExchange {
  request: Request;
  scope: GatewayScope;
  /** Route + caller: a session answers only the caller that opened it, on the route it was opened on. */
  owner: string;
  /** The already-parsed POST body (the Node stream was read once by the front). */
  parsedBody?: unknown;
}

export interface LegacySessions {
  /** Serves one POST/GET/DELETE of the session era. */
  handle(exchange: LegacyExchange): Promise<Response>;
  /** Closes sessions idle for longer than the timeout; returns how many it closed. */
  sweep(): number;
  /** Closes every session (their streams end, their core Servers close). */
  close(): Promise<void>;
  /** Number of live sessions. */
  readonly size: number;
}

interface Session {
  id: string | undefined;
  owner: string;
  transport: WebStandardStreamableHTTPServerTransport;
  lastActivity: number;
  /** Exchanges still running (an open GET stream counts): such a session is never idle. */
  active: number;
}

/** The SDK's isInitializeRequest (a schema parse), skipped for the bodies that cannot be one: every other call. */
function isInitializeAttempt(body: unknown): boolean {
  const method =
    typeof body === 'object' && body !== null ? (body as { method?: unknown }).method : undefined;
  return method === 'initialize' && isInitializeRequest(body);
}

const TOOLS_LIST_HEAD = Buffer.from('{"result":', 'utf8');

/** `{"jsonrpc":"2.0","id":…,"method":"tools/list"}` with at most a string cursor and a `_meta` object as params. */
function isPlainToolsList(body: Record<string, unknown> | undefined): body is { id: string | number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  if (body.method !== 'tools/list' || body.jsonrpc !== '2.0') return false;
  if (!(typeof body.id === 'string' || Number.isSafeInteger(body.id))) return false;
  for (const key of Object.keys(body)) if (!['jsonrpc', 'id', 'method', 'params'].includes(key)) return false;
  const params = body.params;
  if (params === undefined) return true;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  for (const [key, value] of Object.entries(params)) {
    if (key === 'cursor' && typeof value === 'string') continue;
    if (key === '_meta' && typeof value === 'object' && value !== null && !Array.isArray(value)) continue;
    return false;
  }
  return true;
}

/** 256 random bits, URL-safe: unguessable, and only visible ASCII as the spec requires. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** The session table of the session-era endpoint. */
export function createLegacySessions(options: LegacySessionsOptions): LegacySessions {
  const clock = options.clock ?? systemClock;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
  const maxSessions = options.maxSessions ?? 512;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const sessions = new Map<string, Session>();
  let closing = false;

  const closeSession = (session: Session, why: string) => {
    if (session.id !== undefined) sessions.delete(session.id);
    options.log.debug('closing MCP session', { why, owner: session.owner });
    session.transport
      .close()
      .catch((error: unknown) => options.log.warn('error closing MCP session', { error }));
  };

  const run = async (session: Session, exchange: LegacyExchange): Promise<Response> => {
    session.active += 1;
    session.lastActivity = clock.now();
    const end = () => {
      session.active -= 1;
      session.lastActivity = clock.now();
    };
    let response: Response;
    try {
      response = await session.transport.handleRequest(
        exchange.request,
        exchange.parsedBody === undefined ? undefined : { parsedBody: exchange.parsedBody },
      );
    } catch (error) {
      end();
      throw error;
    }
    return exchange.request.method === 'POST'
      ? shapePostResponse(response, exchange.request, end)
      : trackResponse(response, exchange.request.signal, end);
  };

  const open = async (exchange: LegacyExchange): Promise<Response> => {
    if (sessions.size >= maxSessions) sweep();
    if (sessions.size >= maxSessions) {
      return jsonRpcErrorResponse(
        503,
        RPC.serverError,
        `Service Unavailable: too many open MCP sessions (${maxSessions}); close unused clients`,
        {
          headers: { 'retry-after': '30' },
        },
      );
    }
    const server = options.core.createServer(exchange.scope, 'legacy');
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: newSessionId,
      keepAliveMs,
      onsessioninitialized: (id) => register(id),
    });
    const session: Session = {
      id: undefined,
      owner: exchange.owner,
      transport,
      lastActivity: clock.now(),
      active: 0,
    };
    const register = (id: string) => {
      session.id = id;
      sessions.set(id, session);
      options.log.debug('MCP session opened', {
        owner: session.owner,
        client: exchange.scope.caller.clientName,
      });
    };
    // Set before connect: the SDK chains it with its own close handling (which closes the core Server's side).
    transport.onclose = () => {
      if (session.id !== undefined) sessions.delete(session.id);
    };
    await server.connect(transport);
    const response = await run(session, exchange);
    // Initialization refused before a session existed (bad Accept, invalid params…): nothing to keep.
    if (session.id === undefined || closing) closeSession(session, 'initialization refused');
    return response;
  };

  /**
   * A plain tools/list on an established session, answered with the core's pre-serialized result: the same
   * bytes the session's Server would send, without re-serializing the whole catalog per call. Anything
   * unusual (a batch, extra fields, odd params, a client not accepting JSON) goes to the Server as before.
   */
  const cachedToolsList = (session: Session, exchange: LegacyExchange): Response | undefined => {
    const { request } = exchange;
    const body = exchange.parsedBody as Record<string, unknown> | undefined;
    if (request.method !== 'POST' || !isPlainToolsList(body)) return undefined;
    const accept = request.headers.get('accept') ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
    if (session.id === undefined || options.core.legacyToolsListResult === undefined) return undefined;
    const result = options.core.legacyToolsListResult(exchange.scope);
    if (result === undefined) return undefined;
    session.lastActivity = clock.now();
    const json = Buffer.concat([
      TOOLS_LIST_HEAD,
      result,
      Buffer.from(`,"jsonrpc":"2.0","id":${JSON.stringify(body.id)}}`, 'utf8'),
    ]);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(json);
        controller.close();
      },
    });
    return new Response(stream, {
      status: 200,
      headers: {
        'content-type': 'application/json',
        'content-length': String(json.byteLength),
        'mcp-session-id': session.id,
      },
    });
  };

  const sweep = (): number => {
    const cutoff = clock.now() - idleTimeoutMs;
    let closed = 0;
    for (const session of [...sessions.values()]) {
      if (session.active === 0 && session.lastActivity < cutoff) {
        closeSession(session, 'idle');
        closed += 1;
      }
    }
    return closed;
  };

  return {
    async handle(exchange) {
      if (closing)
        return jsonRpcErrorResponse(
          503,
          RPC.serverError,
          'Service Unavailable: Switchboard is shutting down',
        );
      const { request } = exchange;
      const sessionId = request.headers.get('mcp-session-id');
      if (sessionId === null) {
        if (request.method === 'POST' && isInitializeAttempt(exchange.parsedBody)) return open(exchange);
        return jsonRpcErrorResponse(
          400,
          RPC.serverError,
          request.method === 'POST'
            ? 'Bad Request: Mcp-Session-Id header is required (send initialize first)'
            : 'Bad Request: Mcp-Session-Id header is required',
        );
      }
      const session = sessions.get(sessionId);
      // A session opened by another client or on another route is reported exactly like an unknown one.
      if (session === undefined || session.owner !== exchange.owner) {
        return jsonRpcErrorResponse(
          404,
          RPC.sessionNotFound,
          'Session not found: it expired or was closed; send initialize to start a new one',
        );
      }
      if (!(request.method === 'POST' && isInitializeAttempt(exchange.parsedBody))) {
        const version = checkLegacyProtocolVersion(request.headers.get('mcp-protocol-version'));
        if (!version.ok) return jsonRpcErrorResponse(400, RPC.serverError, version.message);
      }
      const listed = cachedToolsList(session, exchange);
      if (listed) return listed;
      return run(session, exchange);
    },

    sweep,

    async close() {
      closing = true;
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(all.map((session) => session.transport.close()));
    },

    get size() {
      return sessions.size;
    },
  };
}
