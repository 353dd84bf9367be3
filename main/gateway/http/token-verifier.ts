import type { Clock } from '../../lib/clock.ts';
import { systemClock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { silentLogger } from '../../lib/logger.ts';
import type { CallerIdentity } from '../gateway-core.ts';
import { BRIDGE_CLIENT_NAME, type ActiveToken, type TokenSource } from '../../tokens/bearer.ts';
import type { PreparedCandidate } from '../../tokens/token-crypto.ts';
import { hashToken, looksLikeToken, matchPrepared, prepareCandidates } from '../../tokens/token-crypto.ts';

export interface TokenVerifier {
  /** The caller a presented bearer token belongs to, or undefined when it is not a valid token. */
  verify(presented: string): CallerIdentity | undefined;
}

/** A token source kept in memory that can be asked to look again (see start-local-gateway.ts). */
export interface RefreshableTokenSource extends TokenSource {
  /** Re-reads the tokens if the registry changed since the last read; true when the list changed. */
  refresh?(): boolean;
}

export interface TokenVerifierOptions {
  source?: RefreshableTokenSource;
  /** The bridge token (from the data-dir file); callers presenting it are the local bridge. */
  bridgeToken?: string;
  clock?: Clock;
  log?: Logger;
  /** How stale "last used" may get; keeps registry writes off the hot path. Default one minute. */
  lastUsedResolutionMs?: number;
}

/**
 * Verifies bearer tokens against the registry's hashes and the bridge token, in constant time per hash. A
 * source handing back the same frozen array while nothing changed has it decoded once per change; a token it does
 * not know makes it look again once (a token created a moment ago, in this process or another, works at once).
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger;
  const resolution = options.lastUsedResolutionMs ?? 60_000;
  const bridge: ActiveToken[] =
    options.bridgeToken === undefined
      ? []
      : [{ id: -1, name: BRIDGE_CLIENT_NAME, hash: hashToken(options.bridgeToken) }];
  const lastWritten = new Map<number, number>();
  let preparedFrom: readonly ActiveToken[] | undefined;
  let prepared: PreparedCandidate<ActiveToken>[] = prepareCandidates(bridge);
  // Tokens already verified against THIS list (a frozen one), so a client's every request does not hash again.
  // Only matches are kept: a lookup tells a caller nothing its own 200/401 would not. Emptied with each new list.
  const verified = new Map<string, ActiveToken>();

  const candidates = () => {
    const active = options.source?.activeTokens() ?? [];
    // A frozen list cannot change behind our back: decoded once. Any other list is decoded every time.
    if (active !== preparedFrom || !Object.isFrozen(active)) {
      preparedFrom = active;
      prepared = prepareCandidates([...bridge, ...active]);
      verified.clear();
    }
    return prepared;
  };
  const match = (presented: string): ActiveToken | undefined => {
    const list = candidates();
    const known = Object.isFrozen(preparedFrom) ? verified.get(presented) : undefined;
    if (known !== undefined) return known;
    const found = matchPrepared(presented, list);
    if (found !== undefined && Object.isFrozen(preparedFrom)) {
      if (verified.size >= 256) verified.clear();
      verified.set(presented, found);
    }
    return found;
  };

  const recordUse = (id: number) => {
    const now = clock.now();
    const previous = lastWritten.get(id);
    if (previous !== undefined && now - previous < resolution) return;
    lastWritten.set(id, now);
    try {
      options.source?.markUsed(id, new Date(now));
    } catch (error) {
      // A read-only or busy registry must not turn a valid call into a failure; "last used" is informational.
      log.warn('could not record client token use', { tokenId: id, error });
    }
  };

  return {
    verify(presented) {
      // Cheap shape filter first: garbage never reaches the hash loop or the database.
      if (!looksLikeToken(presented)) return undefined;
      let found = match(presented);
      if (found === undefined && options.source?.refresh?.()) found = match(presented);
      if (found === undefined) return undefined;
      if (found.id === -1) return { clientName: BRIDGE_CLIENT_NAME };
      recordUse(found.id);
      return { tokenId: String(found.id), clientName: found.name };
    },
  };
}
