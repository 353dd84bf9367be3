import type { Clock } from '../../lib/clock.ts';
import { systemClock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RegistryDatabase } from '../../registry/database.ts';
import { createChangeStamp } from '../../registry/change-stamp.ts';
import { createClientTokenRepository } from '../../registry/client-token-repository.ts';
import type { GatewayCore } from '../gateway-core.ts';
import { ensureBridgeToken } from '../tokens/bridge-token.ts';
import type { ActiveToken, TokenSource } from '../tokens/token-verifier.ts';
import { createTokenVerifier } from '../tokens/token-verifier.ts';
import type { GatewayRoute } from './gateway-app.ts';
import { gatewayInfoPath } from './gateway-info-file.ts';
import type { RunningGateway } from './start-gateway-server.ts';
import { startGatewayServer } from './start-gateway-server.ts';

export interface LocalGatewayOptions {
  dataDir: string;
  /** The hub's open registry (client tokens live in it). */
  database: RegistryDatabase;
  core: GatewayCore;
  port: number;
  log: Logger;
  clock?: Clock;
  /** Extra routes on the gateway port (the OAuth loopback callback, the web UI…). */
  routes?: readonly GatewayRoute[];
}

/**
 * The HTTP front as the hub runs it for a data directory: creates the bridge token on first start,
 * verifies client tokens against the registry, and writes `gateway.json` for the bridge.
 */
export function startLocalGateway(options: LocalGatewayOptions): Promise<RunningGateway> {
  const clock = options.clock ?? systemClock;
  const bridgeToken = ensureBridgeToken(options.dataDir);
  const tokens = createTokenVerifier({
    source: cachedTokenSource(options.database, createClientTokenRepository(options.database, { clock })),
    bridgeToken,
    clock,
    log: options.log,
  });
  return startGatewayServer({
    core: options.core,
    tokens,
    port: options.port,
    log: options.log,
    clock,
    infoFile: gatewayInfoPath(options.dataDir),
    ...(options.routes && { routes: options.routes }),
  });
}

/**
 * The live tokens, re-read only when the registry changed (a token created or revoked by the CLI, the window
 * or anything else): every request is verified, and reading and validating the token rows each time was a
 * measurable share of a tools/call. `token revoke` still applies to the very next request.
 */
export function cachedTokenSource(database: RegistryDatabase, source: TokenSource): TokenSource {
  const stamp = createChangeStamp(database.connection);
  let cached: { stamp: string; tokens: readonly ActiveToken[] } | undefined;
  return {
    activeTokens() {
      // The stamp is read BEFORE the rows: a change landing in between is seen at the next request.
      const current = stamp.read();
      if (current !== undefined && cached?.stamp === current) return cached.tokens;
      const tokens = Object.freeze(source.activeTokens().map((t) => Object.freeze({ ...t })));
      cached = current === undefined ? undefined : { stamp: current, tokens };
      return tokens;
    },
    markUsed: (id, at) => source.markUsed(id, at),
  };
}
