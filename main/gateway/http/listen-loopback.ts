import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SwitchboardError, errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ConnectionLimits } from './connection-guard.ts';
import { DEFAULT_CONNECTION_LIMITS, guardConnections, serverOptions } from './connection-guard.ts';

export interface LoopbackListener {
  /** The bound port (the real one when 0 was asked for). */
  port: number;
  /** Addresses actually bound: 127.0.0.1, and ::1 when this machine has IPv6 loopback. */
  addresses: string[];
  /** Stops listening and ends every connection (open SSE streams never end by themselves). */
  close(): Promise<void>;
  /** Sockets open now, over every bound address. */
  connections(): number;
  /** Sockets closed (or refused) so far to keep under the cap, over every bound address. */
  evictedConnections(): number;
}

export interface ListenOptions {
  port: number;
  /** Also bind ::1 (default true): "localhost" resolves to ::1 first on many systems. */
  ipv6?: boolean;
  log: Logger;
  /** Socket caps and timeouts (see connection-guard.ts); defaults otherwise. */
  limits?: Partial<ConnectionLimits>;
}

/** Binds `listener` on 127.0.0.1 (and ::1 when available) at one port; busy port → PORT_IN_USE. */
export async function listenOnLoopback(
  listener: http.RequestListener,
  options: ListenOptions,
): Promise<LoopbackListener> {
  const servers: http.Server[] = [];
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits };
  const guards: { open: number; evicted: number }[] = [];
  const createHttpServer = (handler: http.RequestListener) => {
    const server = createGuardedServer(handler, limits);
    guards.push(guardConnections(server, limits));
    return server;
  };
  const v4 = createHttpServer(listener);
  await bind(v4, '127.0.0.1', options.port);
  servers.push(v4);
  const port = (v4.address() as AddressInfo).port;
  const addresses = ['127.0.0.1'];

  if (options.ipv6 !== false) {
    const v6 = createHttpServer(listener);
    try {
      await bind(v6, '::1', port);
      servers.push(v6);
      addresses.push('::1');
    } catch (error) {
      const code = error instanceof SwitchboardError ? error.code : (error as NodeJS.ErrnoException).code;
      if (code === 'PORT_IN_USE' && options.port !== 0) {
        // Someone else holds [::1]:port: clients resolving "localhost" to ::1 would reach THEM, not us.
        await Promise.all(servers.map(closeServer));
        throw error;
      }
      options.log.debug('not listening on ::1', {
        reason: errorMessage(error),
      });
    }
  }

  return {
    port,
    addresses,
    connections: () => guards.reduce((sum, guard) => sum + guard.open, 0),
    evictedConnections: () => guards.reduce((sum, guard) => sum + guard.evicted, 0),
    async close() {
      await Promise.all(
        servers.map((server) => {
          const closed = closeServer(server);
          server.closeAllConnections();
          return closed;
        }),
      );
    },
  };
}

function createGuardedServer(listener: http.RequestListener, limits: ConnectionLimits): http.Server {
  const server = http.createServer(serverOptions(limits), listener);
  // Requests Node's parser rejects before any handler runs still get a JSON-RPC-shaped answer.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, text] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    const body = JSON.stringify({
      jsonrpc: '2.0',
      error: { code: -32000, message: `${text}: the HTTP request is malformed` },
      id: null,
    });
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

function bind(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? portError(host, port, error) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

function portError(host: string, port: number, error: NodeJS.ErrnoException): SwitchboardError {
  const what =
    error.code === 'EACCES'
      ? 'is not allowed for this user'
      : 'is already in use (another Switchboard, or another program)';
  return new SwitchboardError(
    'PORT_IN_USE',
    `port ${port} on ${host} ${what}; stop that program, or pick another port: ` +
      '`switchboard serve --port <n>`, or change the gateway.port setting (connected clients must then be reconnected)',
    { cause: error, details: { host, port } },
  );
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
