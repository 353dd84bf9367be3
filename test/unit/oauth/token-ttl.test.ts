import { describe, expect, it } from 'vitest';
import { cacheTtlMs, DEFAULT_TTL_OPTIONS } from '../../../main/oauth/token-ttl.ts';

const opts = { bufferMs: 30_000, minTtlMs: 10_000, maxTtlMs: 86_400_000, defaultTtlMs: 300_000 };

describe('cacheTtlMs', () => {
  it.each([
    ['a normal lifetime', 3600, 3_570_000],
    ['a numeric string', '3600', 3_570_000],
    ['a lifetime shorter than the buffer', 20, 10_000],
    ['zero', 0, 10_000],
    ['negative', -5, 10_000],
    ['null (use the default)', null, 270_000],
    ['missing (use the default)', undefined, 270_000],
    ['a non-numeric string', 'soon', 10_000],
    ['an empty string', '', 10_000],
    ['NaN', Number.NaN, 10_000],
    ['Infinity', Number.POSITIVE_INFINITY, 10_000],
    ['absurdly large', 1e300, 86_400_000],
    ['an object', { seconds: 60 }, 10_000],
    ['a boolean', true, 10_000],
    ['fractional seconds', 60.5, 30_500],
  ])('%s → cached for a bounded, positive time', (_label, expiresIn, expected) => {
    const ttl = cacheTtlMs(expiresIn, opts);
    expect(ttl).toBe(expected);
    expect(Number.isFinite(ttl)).toBe(true);
    expect(ttl).toBeGreaterThanOrEqual(opts.minTtlMs);
  });

  it('has sane defaults', () => {
    expect(cacheTtlMs(undefined)).toBeGreaterThanOrEqual(DEFAULT_TTL_OPTIONS.minTtlMs);
    expect(cacheTtlMs(3600)).toBe(3600_000 - DEFAULT_TTL_OPTIONS.bufferMs);
  });
});
