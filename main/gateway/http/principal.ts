import type { CallerIdentity } from '../gateway-core.ts';

/** The credential behind a caller: a client token's id, or the bridge token. Quotas and revocation key on it. */
export function principalOf(caller: CallerIdentity): string {
  return caller.tokenId === undefined ? 'bridge' : `token:${caller.tokenId}`;
}
