import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh per-launch token for the web UI: 256 random bits, URL-safe. */
export function createUiToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares a presented token with the expected one in constant time (hashes first: equal lengths). */
export function uiTokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
