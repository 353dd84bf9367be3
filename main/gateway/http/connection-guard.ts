import type http from 'node:http';
import type net from 'node:net';

/**
 * Bounds the sockets one listener keeps. ~20,000 idle connections that never sent a request used to make the
 * hub unreachable (every file descriptor taken) until Node's 60 s header timeout freed them. Now:
 * - a connection must deliver its request headers within `headersTimeoutMs` (a socket that sends nothing at
 *   all too: Node's own check starts at a request's first byte) and the whole request within
 *   `requestTimeoutMs` (checked every `checkIntervalMs`); an idle keep-alive socket is closed after
 *   `keepAliveTimeoutMs`;
 * - at most `maxConnections` sockets are kept: a new one beyond that evicts the OLDEST socket that has no
 *   request in progress (a stranger's idle socket, not a client's open stream), and is itself refused only when
 *   every socket is busy. Clients with a request in flight are never cut off for a newcomer.
 */

export interface ConnectionLimits {
  /**
   * Sockets kept per listener (default 1024: above every stream the front allows at once — sessions' GET
   * streams, SSE sessions, listen streams — and far below the usual descriptor limit).
   */
  maxConnections: number;
  /** Time to receive the request headers (default 10 s; Node's own is 60 s). */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included (default 30 s; Node's own is 300 s). */
  requestTimeoutMs: number;
  /** Idle time before a keep-alive socket is closed (default 5 s, as Node's). */
  keepAliveTimeoutMs: number;
  /** How often header and request timeouts are checked (default 1 s; Node's own is 30 s). */
  checkIntervalMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

/** Server options that must be given at construction (the timeout checker's interval). */
export function serverOptions(limits: ConnectionLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
}

export interface ConnectionGuard {
  /** Sockets currently open on the listener. */
  readonly open: number;
  /** Sockets evicted or refused so far (for logs and tests). */
  readonly evicted: number;
}

/** Tracks the listener's sockets and applies the cap. Call before `listen`. */
export function guardConnections(server: http.Server, limits: ConnectionLimits): ConnectionGuard {
  // Insertion order = age: the first entry without a request in progress is the oldest idle socket.
  const sockets = new Map<net.Socket, { busy: number; silent?: NodeJS.Timeout }>();
  let evicted = 0;
  server.on('connection', (socket: net.Socket) => {
    if (sockets.size >= limits.maxConnections) {
      let victim: net.Socket | undefined;
      for (const [candidate, state] of sockets) {
        if (state.busy === 0) {
          victim = candidate;
          break;
        }
      }
      evicted += 1;
      if (victim === undefined) {
        socket.destroy();
        return;
      }
      sockets.delete(victim);
      victim.destroy();
    }
    // Node's header timeout only starts with a request's first byte: a socket that never sends one is closed
    // by this timer instead.
    const silent = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
    silent.unref();
    sockets.set(socket, { busy: 0, silent });
    socket.once('close', () => {
      clearTimeout(silent);
      sockets.delete(socket);
    });
  });
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    const state = sockets.get(request.socket);
    if (state === undefined) return;
    if (state.silent !== undefined) {
      clearTimeout(state.silent);
      state.silent = undefined;
    }
    state.busy += 1;
    response.once('close', () => {
      state.busy -= 1;
      // Re-queue as the newest: a socket that just served a request is not the one to evict next.
      if (sockets.has(request.socket) && state.busy === 0) {
        sockets.delete(request.socket);
        sockets.set(request.socket, state);
      }
    });
  });
  return {
    get open() {
      return sockets.size;
    },
    get evicted() {
      return evicted;
    },
  };
}
