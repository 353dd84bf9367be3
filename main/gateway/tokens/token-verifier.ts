import type { Clock } from '../../lib/clock.ts';
import { systemClock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { silentLogger } from '../../lib/logger.ts';
import type { CallerIdentity } from '../gateway-core.ts';
import { findTokenMatch, hashToken, looksLikeToken } from './token-crypto.ts';

/** The client name the gateway reports for calls that arrive through `switchboard bridge`. */
export const BRIDGE_CLIENT_NAME = 'bridge';

/** A client token as the verifier needs it: never the token itself, only its hash. */
export interface ActiveToken {
  id: number;
  name: string;
  hash: string;
}

/** Where the verifier reads the live tokens from (the registry), and where it records use. */
export interface TokenSource {
  /** Every token that is currently valid. Read on each verification, so `token create/revoke` apply at once. */
  activeTokens(): readonly ActiveToken[];
  /** Records that a token was used at `at` (throttled by the verifier). */
  markUsed(id: number, at: Date): void;
}

export interface TokenVerifier {
  /** The caller a presented bearer token belongs to, or undefined when it is not a valid token. */
  verify(presented: string): CallerIdentity | undefined;
}

export interface TokenVerifierOptions {
  source?: TokenSource;
  /** The bridge token (from the data-dir file); callers presenting it are the local bridge. */
  bridgeToken?: string;
  clock?: Clock;
  log?: Logger;
  /** How stale "last used" may get; keeps registry writes off the hot path. Default one minute. */
  lastUsedResolutionMs?: number;
}

/** Verifies bearer tokens against the registry's hashes and the bridge token, in constant time per hash. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger;
  const resolution = options.lastUsedResolutionMs ?? 60_000;
  const bridge =
    options.bridgeToken === undefined
      ? []
      : [{ id: -1, name: BRIDGE_CLIENT_NAME, hash: hashToken(options.bridgeToken) }];
  const lastWritten = new Map<number, number>();

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
      const candidates = [...bridge, ...(options.source?.activeTokens() ?? [])];
      const match = findTokenMatch(presented, candidates);
      if (match === undefined) return undefined;
      if (match.id === -1) return { clientName: BRIDGE_CLIENT_NAME };
      recordUse(match.id);
      return { tokenId: String(match.id), clientName: match.name };
    },
  };
}
