import type http from 'node:http';
import { getRequestListener, RequestError } from '@hono/node-server';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { GatewayCore } from '../gateway-core.ts';
import type { TokenVerifier } from '../tokens/token-verifier.ts';
import type { GatewayRoute } from './gateway-app.ts';
import { createGatewayApp } from './gateway-app.ts';
import { removeGatewayInfo, writeGatewayInfo } from './gateway-info-file.ts';
import { checkHostAndOrigin } from './host-origin-check.ts';
import { listenOnLoopback } from './listen-loopback.ts';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';

export interface GatewayServerOptions {
  core: GatewayCore;
  tokens: TokenVerifier;
  /** Port on 127.0.0.1 (and ::1); 0 picks a free one (tests). */
  port: number;
  log: Logger;
  /** Also bind ::1 when the machine has it (default true). */
  ipv6?: boolean;
  clock?: Clock;
  /** Idle MCP sessions are closed after this long (default 30 minutes). */
  sessionIdleTimeoutMs?: number;
  /** How often idle sessions are looked for (default 1 minute). */
  sweepIntervalMs?: number;
  maxSessions?: number;
  keepAliveMs?: number;
  maxBodyBytes?: number;
  routes?: readonly GatewayRoute[];
  /** Where to write the gateway info file the bridge reads (usually `<dataDir>/gateway.json`). */
  infoFile?: string;
}

export interface RunningGateway {
  /** The aggregate MCP endpoint, e.g. http://127.0.0.1:17517/mcp. */
  url: string;
  port: number;
  /** Ends sessions and streams, then stops listening. Does NOT close the core (its owner does, after this). */
  close(): Promise<void>;
}

/** Starts the gateway's HTTP front on loopback; resolves once it accepts connections. */
export async function startGatewayServer(options: GatewayServerOptions): Promise<RunningGateway> {
  const { log } = options;
  let boundPort = options.port;
  const app = createGatewayApp({
    core: options.core,
    tokens: options.tokens,
    port: () => boundPort,
    log,
    ...(options.clock && { clock: options.clock }),
    ...(options.sessionIdleTimeoutMs !== undefined && { sessionIdleTimeoutMs: options.sessionIdleTimeoutMs }),
    ...(options.maxSessions !== undefined && { maxSessions: options.maxSessions }),
    ...(options.keepAliveMs !== undefined && { keepAliveMs: options.keepAliveMs }),
    ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
    ...(options.routes && { routes: options.routes }),
  });
  const honoListener = getRequestListener((request) => app.fetch(request), {
    // Never replace the process's global Request/Response: upstream clients in this process use them.
    overrideGlobalObjects: false,
    errorHandler: (error) => {
      // A request line or Host the adapter cannot even turn into a URL is the client's fault.
      if (error instanceof RequestError)
        return jsonRpcErrorResponse(400, RPC.serverError, 'Bad Request: malformed request URL');
      log.error('gateway could not answer a request', { error });
      return jsonRpcErrorResponse(500, RPC.internalError, 'Internal error: see the Switchboard log');
    },
  });
  // The same Host/Origin check as the app's, applied before the adapter parses anything (a hostile Host
  // may not even form a URL).
  const listener: http.RequestListener = (incoming, outgoing) => {
    const verdict = checkHostAndOrigin(
      { host: incoming.headers.host, origin: incoming.headers.origin },
      boundPort,
    );
    if (verdict.ok) {
      void honoListener(incoming, outgoing);
      return;
    }
    log.warn('refused a request with a foreign Host or Origin', { reason: verdict.reason });
    const body = JSON.stringify({
      jsonrpc: '2.0',
      error: { code: RPC.serverError, message: `Forbidden: ${verdict.reason}` },
      id: null,
    });
    outgoing.writeHead(403, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    outgoing.end(body);
    incoming.resume(); // discard any body without reading it into memory
  };
  let bound;
  try {
    bound = await listenOnLoopback(listener, {
      port: options.port,
      log,
      ...(options.ipv6 !== undefined && { ipv6: options.ipv6 }),
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  boundPort = bound.port;
  const sweepTimer = setInterval(() => app.sweep(), options.sweepIntervalMs ?? 60_000);
  sweepTimer.unref();
  if (options.infoFile)
    writeGatewayInfo(options.infoFile, {
      port: bound.port,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    });
  const url = `http://127.0.0.1:${bound.port}/mcp`;
  log.info('gateway listening', { url, addresses: bound.addresses });

  let closing: Promise<void> | undefined;
  return {
    url,
    port: bound.port,
    close() {
      closing ??= (async () => {
        clearInterval(sweepTimer);
        if (options.infoFile) removeGatewayInfo(options.infoFile, process.pid);
        // Sessions first (their streams end cleanly and their core Servers close), then the sockets.
        await app.close();
        await bound.close();
        log.info('gateway stopped');
      })();
      return closing;
    },
  };
}
