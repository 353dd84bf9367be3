// Just over 400 lines: one session-era session table and its two doors (the SDK transport and the native hot
// path, issue 15), which must share every rule about a session; split further, they would drift apart.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { isInitializeRequest, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import type { Clock } from '../../lib/clock.ts';
import { systemClock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { GatewayCore, GatewayScope } from '../gateway-core.ts';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';
import { isPlainToolsList, toolsListAnswer, toolsListAnswerParts } from './cached-tools-list.ts';
import { NativeSessionTransport } from './native-exchange.ts';
import { checkLegacyProtocolVersion } from './protocol-version.ts';
import { admit, createPrincipalTable, DEFAULT_STREAM_LIMITS } from './stream-limits.ts';
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
  /** Upper bound on the live sessions of one principal (client token or bridge). Default 64. */
  maxSessionsPerPrincipal?: number;
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

/** A POST of an established session, on Node's objects, its messages already checked (json-rpc-check.ts). */
export interface NativePost {
  sessionId: string;
  owner: string;
  scope: GatewayScope;
  /** The request's MCP-Protocol-Version and Accept headers. */
  protocolVersion: string | undefined;
  accept: string | undefined;
  messages: JSONRPCMessage[];
  /** The body was a JSON array (even of one): its answers are streamed, never one plain JSON object. */
  batch: boolean;
  response: http.ServerResponse;
  /** Runs once when the exchange is over. */
  onDone(): void;
}

export interface LegacySessions {
  /** Serves one POST/GET/DELETE of the session era. */
  handle(exchange: LegacyExchange): Promise<Response>;
  /**
   * True when a POST with these headers would be served natively (an established session of this owner, a
   * supported protocol version, an Accept of both JSON and SSE): checked BEFORE its body is read.
   */
  acceptsNative(
    sessionId: string,
    owner: string,
    protocolVersion: string | undefined,
    accept: string | undefined,
  ): boolean;
  /** Serves a POST natively; false (nothing written) when the session is gone meanwhile. */
  handleNative(post: NativePost): boolean;
  /** Closes sessions idle for longer than the timeout; returns how many it closed. */
  sweep(): number;
  /** Closes every session (their streams end, their core Servers close); new ones are refused from then on. */
  close(): Promise<void>;
  /** Ends every open session but keeps accepting new ones (the gateway was paused). */
  endAll(): Promise<void>;
  /** Ends the sessions of one principal (its token was revoked); returns how many. */
  endOwnedBy(principal: string): number;
  /** Number of live sessions. */
  readonly size: number;
  /** POSTs served on the hot path so far (handleNative answered them). */
  readonly nativePosts: number;
  /** Tool calls of those POSTs answered without the SDK Server's dispatch (native-exchange.ts). */
  readonly nativeToolCalls: number;
}

interface Session {
  id: string | undefined;
  owner: string;
  /** The SDK transport (initialize, GET, DELETE, everything unusual) behind the native hot path. */
  transport: NativeSessionTransport;
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

/** 256 random bits, URL-safe: unguessable, and only visible ASCII as the spec requires. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** The session table of the session-era endpoint. */
export function createLegacySessions(options: LegacySessionsOptions): LegacySessions {
  const clock = options.clock ?? systemClock;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
  const maxSessions = options.maxSessions ?? DEFAULT_STREAM_LIMITS.maxSessions;
  const maxPerPrincipal = options.maxSessionsPerPrincipal ?? DEFAULT_STREAM_LIMITS.maxSessionsPerPrincipal;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const sessions = new Map<string, Session>();
  // Every session from the moment its initialize is admitted (so a burst of them cannot overshoot a quota).
  const held = createPrincipalTable<Session>();
  let closing = false;
  let nativePosts = 0;
  let nativeToolCalls = 0;

  const endAll = async () => {
    const all = [...sessions.values()];
    sessions.clear();
    for (const session of all) held.remove(session);
    await Promise.allSettled(all.map((session) => session.transport.close()));
  };

  const closeSession = (session: Session, why: string) => {
    if (session.id !== undefined) sessions.delete(session.id);
    held.remove(session);
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
      response = await session.transport.inner.handleRequest(
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
    const principal = principalOfOwner(exchange.owner);
    const limits = { overall: maxSessions, perPrincipal: maxPerPrincipal };
    if (held.size >= maxSessions || held.countOf(principal) >= maxPerPrincipal) sweep();
    const admission = admit(
      held,
      principal,
      limits,
      (s) => s.active === 0 && s.id !== undefined,
      (s) => s.lastActivity,
    );
    if (!admission.ok) {
      return jsonRpcErrorResponse(
        503,
        RPC.serverError,
        admission.reason === 'principal'
          ? `Service Unavailable: this client token has too many MCP sessions in use (${maxPerPrincipal}); close unused clients or sessions`
          : `Service Unavailable: too many open MCP sessions (${maxSessions}); close unused clients`,
        { headers: { 'retry-after': '30' } },
      );
    }
    if (admission.evict) closeSession(admission.evict, 'quota: oldest idle session of the caller');
    const server = options.core.createServer(exchange.scope, 'legacy');
    const toolCall = options.core.legacyToolCall?.(server);
    const transport = new NativeSessionTransport(
      new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: newSessionId,
        keepAliveMs,
        onsessioninitialized: (id) => register(id),
      }),
      {
        keepAliveMs,
        toolCall:
          toolCall &&
          ((params, request) => {
            nativeToolCalls += 1;
            return toolCall(params, request);
          }),
      },
    );
    const session: Session = {
      id: undefined,
      owner: exchange.owner,
      transport,
      lastActivity: clock.now(),
      active: 0,
    };
    held.add(principal, session);
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
      held.remove(session);
    };
    let response: Response;
    try {
      await server.connect(transport);
      response = await run(session, exchange);
    } catch (error) {
      closeSession(session, 'initialization failed');
      throw error;
    }
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
    const json = toolsListAnswer(result, body.id);
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

  /** The cached tools/list answer (in pieces) for a plain tools/list body, or undefined (see cachedToolsList). */
  const cachedListParts = (
    session: Session,
    scope: GatewayScope,
    body: unknown,
  ): Uint8Array[] | undefined => {
    if (!isPlainToolsList(body as Record<string, unknown> | undefined)) return undefined;
    if (session.id === undefined || options.core.legacyToolsListResult === undefined) return undefined;
    const result = options.core.legacyToolsListResult(scope);
    if (result === undefined) return undefined;
    return toolsListAnswerParts(result, (body as { id: string | number }).id);
  };

  const nativeSession = (
    sessionId: string,
    owner: string,
    protocolVersion: string | undefined,
    accept: string | undefined,
  ): Session | undefined => {
    if (closing) return undefined;
    const session = sessions.get(sessionId);
    if (session === undefined || session.owner !== owner) return undefined;
    if (!checkLegacyProtocolVersion(protocolVersion).ok) return undefined;
    if (accept === undefined || !accept.includes('application/json') || !accept.includes('text/event-stream'))
      return undefined;
    return session;
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

    acceptsNative: (sessionId, owner, protocolVersion, accept) =>
      nativeSession(sessionId, owner, protocolVersion, accept) !== undefined,

    handleNative(post) {
      const session = nativeSession(post.sessionId, post.owner, post.protocolVersion, post.accept);
      if (session === undefined) return false;
      nativePosts += 1;
      session.lastActivity = clock.now();
      const listed = post.batch ? undefined : cachedListParts(session, post.scope, post.messages[0]);
      if (listed !== undefined) {
        let length = 0;
        for (const part of listed) length += part.byteLength;
        const { response } = post;
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': length,
          'mcp-session-id': session.id!,
        });
        // Corked: headers and the three pieces leave in one writev, and the catalog's bytes are not copied.
        response.cork();
        for (let i = 0; i < listed.length - 1; i++) response.write(listed[i]);
        response.end(listed[listed.length - 1]);
        response.uncork();
        post.onDone();
        return true;
      }
      session.active += 1;
      session.transport.handlePost(
        post.messages,
        post.response,
        () => {
          session.active -= 1;
          session.lastActivity = clock.now();
          post.onDone();
        },
        post.batch,
      );
      return true;
    },

    sweep,

    async close() {
      closing = true;
      await endAll();
    },

    endAll,

    endOwnedBy(principal) {
      let ended = 0;
      for (const session of [...sessions.values()]) {
        if (principalOfOwner(session.owner) !== principal) continue;
        closeSession(session, 'token revoked');
        ended += 1;
      }
      return ended;
    },

    get size() {
      return sessions.size;
    },

    get nativePosts() {
      return nativePosts;
    },

    get nativeToolCalls() {
      return nativeToolCalls;
    },
  };
}

/** The principal part of a session owner (`<route>\u0000<principal>`, see mcp-route.ts sessionOwner). */
function principalOfOwner(owner: string): string {
  return owner.slice(owner.indexOf('\u0000') + 1);
}
