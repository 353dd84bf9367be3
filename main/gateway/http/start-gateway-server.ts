import { getRequestListener, RequestError } from '@hono/node-server';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { GatewayCore } from '../gateway-core.ts';
import type { TokenVerifier } from './token-verifier.ts';
import type { GatewayRoute, GatewayStats } from './gateway-app.ts';
import { createGatewayApp } from './gateway-app.ts';
import { removeGatewayInfo, writeGatewayInfo } from './gateway-info-file.ts';
import type { ConnectionLimits } from './connection-guard.ts';
import { listenOnLoopback } from './listen-loopback.ts';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';
import { createBodyBudget } from './node-body.ts';
import { createNodeFront } from './node-front.ts';
import { MAX_BODY_BYTES } from './read-json-body.ts';
import type { StreamLimits } from './stream-limits.ts';

/** Request bodies all requests together may hold at once (each one is also bounded by maxBodyBytes). */
export const DEFAULT_BODY_BUDGET_BYTES = 64 * 1024 * 1024;

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
  /** Bytes of request bodies held at once over every request (default 64 MiB). */
  bodyBudgetBytes?: number;
  /** Socket caps and timeouts per listener (connection-guard.ts). */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Session and stream quotas (stream-limits.ts). */
  streamLimits?: Partial<StreamLimits>;
  routes?: readonly GatewayRoute[];
  /** Where to write the gateway info file the bridge reads (usually `<dataDir>/gateway.json`). */
  infoFile?: string;
  /** While true, MCP requests are refused (see GatewayAppOptions.paused). */
  paused?: () => boolean;
}

export interface RunningGateway {
  /** The aggregate MCP endpoint, e.g. http://127.0.0.1:17517/mcp. */
  url: string;
  port: number;
  /** Open MCP sessions (session era and legacy SSE). */
  sessions(): number;
  /** Ends every open session and stream and keeps listening (the gateway was paused). */
  endSessions(): Promise<void>;
  /** Ends the sessions and streams of one client token (it was revoked); returns how many. */
  endSessionsOf(tokenId: string): number;
  /** Ends sessions and streams, then stops listening. Does NOT close the core (its owner does, after this). */
  close(): Promise<void>;
  /** Live counts: sessions, streams and sockets, and sockets evicted for the cap (health views and tests). */
  stats(): GatewayStats & { connections: number; evictedConnections: number };
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
    clock: options.clock,
    sessionIdleTimeoutMs: options.sessionIdleTimeoutMs,
    maxSessions: options.maxSessions,
    keepAliveMs: options.keepAliveMs,
    maxBodyBytes: options.maxBodyBytes,
    routes: options.routes,
    streamLimits: options.streamLimits,
    paused: options.paused,
  });
  const honoListener = getRequestListener((request, env) => app.fetch(request, env), {
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
  const listener = createNodeFront({
    port: () => boundPort,
    log,
    maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
    budget: createBodyBudget(options.bodyBudgetBytes ?? DEFAULT_BODY_BUDGET_BYTES),
    native: app.native,
    app: honoListener,
  });
  let bound;
  try {
    bound = await listenOnLoopback(listener, {
      port: options.port,
      log,
      limits: options.connectionLimits,
      ipv6: options.ipv6,
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
    sessions: () => {
      const stats = app.stats();
      return stats.legacySessions + stats.sseSessions;
    },
    endSessions: () => app.endSessions(),
    endSessionsOf: (tokenId) => app.endSessionsOf(tokenId),
    stats: () => ({
      ...app.stats(),
      connections: bound.connections(),
      evictedConnections: bound.evictedConnections(),
    }),
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
