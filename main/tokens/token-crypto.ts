import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client tokens are random bearer secrets shown once and stored only as SHA-256 hashes.
 * SHA-256 (not a slow password hash) is right here: the token carries 256 bits of entropy, so there is
 * nothing to brute-force, and the gateway verifies one on every request.
 */

/** Marks a Switchboard token so people (and secret scanners) recognise one in a config file. */
export const TOKEN_PREFIX = 'sbt_';

const TOKEN_PATTERN = /^sbt_[A-Za-z0-9_-]{43}$/;
const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** A new token: the prefix plus 32 random bytes in base64url (43 characters). */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** True when `value` has the shape of a token this app issues (a cheap filter, not a verification). */
export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** The lowercase hex SHA-256 of a token: what the registry stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `hash` is a well-formed stored hash (64 lowercase hex characters). */
export function isTokenHash(hash: string): boolean {
  return HASH_PATTERN.test(hash);
}

/**
 * Finds the candidate whose hash matches the presented token. Compares against EVERY candidate in
 * constant time per comparison (no early exit), so timing reveals neither which token matched nor how
 * much of a hash did.
 */
export function findTokenMatch<T extends { hash: string }>(
  presented: string,
  candidates: readonly T[],
): T | undefined {
  const presentedHash = Buffer.from(hashToken(presented), 'hex');
  let match: T | undefined;
  for (const candidate of candidates) {
    if (!isTokenHash(candidate.hash)) continue;
    const equal = timingSafeEqual(presentedHash, Buffer.from(candidate.hash, 'hex'));
    if (equal && match === undefined) match = candidate;
  }
  return match;
}

/** A candidate with its hash decoded once (verifying a token then allocates nothing per candidate). */
export interface PreparedCandidate<T> {
  candidate: T;
  hash: Buffer;
}

/** Decodes each well-formed stored hash once; malformed ones are left out (they can never match). */
export function prepareCandidates<T extends { hash: string }>(
  candidates: readonly T[],
): PreparedCandidate<T>[] {
  return candidates
    .filter((candidate) => isTokenHash(candidate.hash))
    .map((candidate) => ({ candidate, hash: Buffer.from(candidate.hash, 'hex') }));
}

/** findTokenMatch over prepared candidates: the same constant-time comparison against every one of them. */
export function matchPrepared<T>(
  presented: string,
  prepared: readonly PreparedCandidate<T>[],
): T | undefined {
  const presentedHash = createHash('sha256').update(presented, 'utf8').digest();
  let match: T | undefined;
  for (const entry of prepared) {
    const equal = timingSafeEqual(presentedHash, entry.hash);
    if (equal && match === undefined) match = entry.candidate;
  }
  return match;
}
