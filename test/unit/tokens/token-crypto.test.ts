import { describe, expect, it } from 'vitest';
import {
  findTokenMatch,
  generateToken,
  hashToken,
  isTokenHash,
  looksLikeToken,
} from '../../../main/tokens/token-crypto.ts';

describe('token crypto', () => {
  it('generates distinct, well-formed tokens', () => {
    const tokens = new Set(Array.from({ length: 200 }, generateToken));
    expect(tokens.size).toBe(200);
    for (const token of tokens) expect(looksLikeToken(token)).toBe(true);
  });
  it('hashes to 64 lowercase hex characters, deterministically', () => {
    const hash = hashToken('sbt_x');
    expect(isTokenHash(hash)).toBe(true);
    expect(hashToken('sbt_x')).toBe(hash);
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('finds the matching candidate and ignores malformed stored hashes', () => {
    const a = generateToken();
    const b = generateToken();
    const candidates = [
      { id: 1, hash: 'not-a-hash' },
      { id: 2, hash: hashToken(a) },
      { id: 3, hash: hashToken(b) },
    ];
    expect(findTokenMatch(a, candidates)?.id).toBe(2);
    expect(findTokenMatch(b, candidates)?.id).toBe(3);
    expect(findTokenMatch(generateToken(), candidates)).toBeUndefined();
    expect(findTokenMatch(a, [])).toBeUndefined();
  });
  it.each([
    '',
    'sbt_',
    'sbt_short',
    `sbt_${'a'.repeat(44)}`,
    `xyz_${'a'.repeat(43)}`,
    `sbt_${'a'.repeat(42)}!`,
  ])('does not take %s for a token', (value) => {
    expect(looksLikeToken(value)).toBe(false);
  });
});
