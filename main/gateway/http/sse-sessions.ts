import type { Logger } from '../../lib/logger.ts';
import type { GatewayCore, GatewayScope } from '../gateway-core.ts';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';
import { newSessionId } from './legacy-sessions.ts';
import { SseServerTransport } from './sse-server-transport.ts';
import { admit, createPrincipalTable, DEFAULT_STREAM_LIMITS } from './stream-limits.ts';

/** Path old (2024-11-05) clients POST their messages to, with `?sessionId=`. */
export const SSE_MESSAGES_PATH = '/messages';

export interface SseSessionsOptions {
  core: GatewayCore;
  log: Logger;
  keepAliveMs?: number;
  /** Open SSE sessions overall (default 256) and per principal (default 32); each is a live stream. */
  maxSessions?: number;
  maxSessionsPerPrincipal?: number;
}

export interface SseSessions {
  /** Serves `GET /sse`: opens a session in `scope` owned by `owner` (the caller's principal); returns its stream. */
  open(scope: GatewayScope, owner: string): Promise<Response>;
  /** Serves `POST /messages?sessionId=`: hands the parsed body to the session (202), or 404/400. */
  post(sessionId: string | null, owner: string, body: unknown, request: Request): Response;
  /** Ends every stream. */
  close(): Promise<void>;
  /** Ends every open session but keeps accepting new ones (the gateway was paused). */
  endAll(): Promise<void>;
  /** Ends the sessions of one principal (its token was revoked); returns how many. */
  endOwnedBy(principal: string): number;
  readonly size: number;
}

/** The session table of the deprecated HTTP+SSE endpoints. A session lives as long as its GET stream. */
export function createSseSessions(options: SseSessionsOptions): SseSessions {
  const sessions = new Map<string, { owner: string; transport: SseServerTransport }>();
  const maxSessions = options.maxSessions ?? DEFAULT_STREAM_LIMITS.maxSseSessions;
  const maxPerPrincipal = options.maxSessionsPerPrincipal ?? DEFAULT_STREAM_LIMITS.maxSseSessionsPerPrincipal;
  const held = createPrincipalTable<string>();
  let closing = false;
  const endAll = async () => {
    const all = [...sessions.values()];
    sessions.clear();
    for (const { transport } of all) held.remove(transport.sessionId);
    await Promise.allSettled(all.map(({ transport }) => transport.close()));
  };

  return {
    async open(scope, owner) {
      if (closing)
        return jsonRpcErrorResponse(
          503,
          RPC.serverError,
          'Service Unavailable: Switchboard is shutting down',
        );
      const admission = admit(held, owner, { overall: maxSessions, perPrincipal: maxPerPrincipal });
      if (!admission.ok) {
        return jsonRpcErrorResponse(
          503,
          RPC.serverError,
          admission.reason === 'principal'
            ? `Service Unavailable: this client token has too many SSE streams open (${maxPerPrincipal}); close unused clients`
            : `Service Unavailable: too many open SSE sessions (${maxSessions})`,
          { headers: { 'retry-after': '30' } },
        );
      }
      const server = options.core.createServer(scope, 'legacy');
      const transport = new SseServerTransport(SSE_MESSAGES_PATH, newSessionId(), {
        keepAliveMs: options.keepAliveMs ?? 15_000,
      });
      transport.onclose = () => {
        sessions.delete(transport.sessionId);
        held.remove(transport.sessionId);
        options.log.debug('SSE session closed', { owner });
      };
      const response = transport.response();
      sessions.set(transport.sessionId, { owner, transport });
      held.add(owner, transport.sessionId);
      await server.connect(transport);
      options.log.debug('SSE session opened', { owner, client: scope.caller.clientName });
      return response;
    },

    post(sessionId, owner, body, request) {
      const session = sessionId === null ? undefined : sessions.get(sessionId);
      if (session === undefined || session.owner !== owner) {
        return jsonRpcErrorResponse(
          404,
          RPC.sessionNotFound,
          'Session not found: open a new stream with GET /sse',
        );
      }
      try {
        session.transport.deliver(body, { request });
      } catch {
        return jsonRpcErrorResponse(
          400,
          RPC.invalidRequest,
          'Invalid Request: the body is not a JSON-RPC message',
        );
      }
      return new Response(null, { status: 202 });
    },

    async close() {
      closing = true;
      await endAll();
    },

    endAll,

    endOwnedBy(principal) {
      let ended = 0;
      for (const [id, session] of [...sessions]) {
        if (session.owner !== principal) continue;
        sessions.delete(id);
        held.remove(id);
        void session.transport.close().catch(() => {});
        ended += 1;
      }
      return ended;
    },

    get size() {
      return sessions.size;
    },
  };
}
