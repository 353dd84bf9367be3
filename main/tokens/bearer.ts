/**
 * What every holder of a client token shares: the registry stores them, the gateway checks them, the
 * client service writes them into AI clients' files.
 */

/** The client name the gateway reports for calls that arrive through `switchboard bridge`. */
export const BRIDGE_CLIENT_NAME = 'bridge';

/** A client token as the verifier needs it: never the token itself, only its hash. */
export interface ActiveToken {
  id: number;
  name: string;
  hash: string;
}

/** Where the live tokens come from (the registry), and where their use is recorded. */
export interface TokenSource {
  /** Every token that is currently valid. */
  activeTokens(): readonly ActiveToken[];
  /** Records that a token was used at `at` (throttled by the verifier). */
  markUsed(id: number, at: Date): void;
}

/** The token from an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function parseBearerToken(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  return match?.[1];
}
