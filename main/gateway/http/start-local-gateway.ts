import type { Clock } from '../../lib/clock.ts';
import { systemClock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RegistryDatabase } from '../../registry/database.ts';
import { createChangeStamp } from '../../registry/change-stamp.ts';
import type { GatewayCore } from '../gateway-core.ts';
import { ensureBridgeToken } from '../../tokens/bridge-token.ts';
import type { ActiveToken, TokenSource } from '../../tokens/bearer.ts';
import type { RefreshableTokenSource } from './token-verifier.ts';
import { createTokenVerifier } from './token-verifier.ts';
import type { GatewayRoute } from './gateway-app.ts';
import { gatewayInfoPath } from './gateway-info-file.ts';
import type { RunningGateway } from './start-gateway-server.ts';
import { startGatewayServer } from './start-gateway-server.ts';

export interface LocalGatewayOptions {
  dataDir: string;
  /** The hub's open registry database (to notice token changes) and its client tokens. */
  database: RegistryDatabase;
  tokens: TokenSource;
  core: GatewayCore;
  port: number;
  log: Logger;
  clock?: Clock;
  /** Extra routes on the gateway port (the OAuth loopback callback, the web UI…). */
  routes?: readonly GatewayRoute[];
  paused?: () => boolean;
  /** How often the registry is checked for token changes made elsewhere (default 250 ms). */
  tokenPollMs?: number;
}

/**
 * The HTTP front as the hub runs it for a data directory: creates the bridge token on first start,
 * verifies client tokens against the registry, and writes `gateway.json` for the bridge. A token revoked by
 * ANY process (`switchboard token revoke` while serve runs, the window) loses its sessions and streams as soon
 * as the token cache notices.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<RunningGateway> {
  const clock = options.clock ?? systemClock;
  const bridgeToken = ensureBridgeToken(options.dataDir);
  let running: RunningGateway | undefined;
  const cache = cachedTokenSource(options.database, options.tokens, {
    pollMs: options.tokenPollMs,
    log: options.log,
    onRevoked: (ids) => {
      for (const id of ids) {
        const ended = running?.endSessionsOf(String(id)) ?? 0;
        if (ended > 0)
          options.log.info('ended the sessions and streams of a revoked client token', {
            tokenId: id,
            ended,
          });
      }
    },
  });
  const tokens = createTokenVerifier({ source: cache, bridgeToken, clock, log: options.log });
  try {
    running = await startGatewayServer({
      core: options.core,
      tokens,
      port: options.port,
      log: options.log,
      clock,
      infoFile: gatewayInfoPath(options.dataDir),
      routes: options.routes,
      paused: options.paused,
    });
  } catch (error) {
    cache.stop();
    throw error;
  }
  const front = running;
  return {
    ...front,
    endSessionsOf(tokenId) {
      const ended = front.endSessionsOf(tokenId);
      // Revoked in this process: the cache must forget the token now, not at its next poll (synchronous, so
      // no request can slip in between).
      cache.refresh();
      return ended;
    },
    async close() {
      cache.stop();
      await front.close();
    },
  };
}

export interface CachedTokenSource extends RefreshableTokenSource {
  refresh(): boolean;
  /** Stops watching the registry. */
  stop(): void;
}

/**
 * The live tokens, kept in memory: a request never reads the database. The list is re-read when the registry
 * changed — checked every `pollMs` (a token created or revoked by the CLI, the window or anything else) and
 * whenever a presented token is unknown (so a token created a moment ago works on its first request). Tokens
 * that disappeared are reported to `onRevoked`, so their sessions and streams can be ended.
 */
export function cachedTokenSource(
  database: RegistryDatabase,
  source: TokenSource,
  options: { pollMs?: number; onRevoked?: (ids: number[]) => void; log?: Logger } = {},
): CachedTokenSource {
  const stamp = createChangeStamp(database.connection);
  let current: { stamp: string | undefined; tokens: readonly ActiveToken[] } | undefined;
  const read = (): boolean => {
    // The stamp is read BEFORE the rows: a change landing in between is seen at the next check.
    const now = stamp.read();
    if (current !== undefined && now !== undefined && current.stamp === now) return false;
    const tokens = Object.freeze(source.activeTokens().map((t) => Object.freeze({ ...t })));
    const before = current?.tokens;
    current = { stamp: now, tokens };
    if (before === undefined) return true;
    const kept = new Set(tokens.map((t) => t.id));
    const revoked = before.filter((t) => !kept.has(t.id)).map((t) => t.id);
    if (revoked.length > 0) options.onRevoked?.(revoked);
    const known = new Set(before.map((t) => `${t.id}:${t.hash}`));
    return revoked.length > 0 || tokens.some((t) => !known.has(`${t.id}:${t.hash}`));
  };
  const refresh = (): boolean => {
    try {
      return read();
    } catch (error) {
      options.log?.warn('could not re-read client tokens', { error });
      return false;
    }
  };
  const timer = options.pollMs === 0 ? undefined : setInterval(refresh, Math.max(20, options.pollMs ?? 250));
  timer?.unref();
  return {
    activeTokens() {
      if (current === undefined) read();
      return current!.tokens;
    },
    refresh,
    markUsed: (id, at) => source.markUsed(id, at),
    stop: () => clearInterval(timer),
  };
}
