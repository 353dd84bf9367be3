import { describe, expect, it } from 'vitest';
import { createExactMatcher } from '../../../main/guard/exact-matcher.ts';

describe('the exact matcher', () => {
  it('finds every literal, leftmost and longest, without overlaps', () => {
    const m = createExactMatcher(['abcd', 'abcdef', 'cdxy', 'zz']);
    const text = '..abcdef..cdxy..abcd.zzz';
    expect(m.find(text).map((x) => [text.slice(x.start, x.end), x.pattern])).toEqual([
      ['abcdef', 1],
      ['cdxy', 2],
      ['abcd', 0],
      ['zz', 3],
    ]);
  });

  it('matches literals longer than its anchors, and only whole ones', () => {
    const long = 'x'.repeat(10) + 'A'.repeat(40) + 'tail';
    const m = createExactMatcher([long]);
    expect(m.find(`[${long}]`)).toEqual([{ start: 1, end: 1 + long.length, pattern: 0 }]);
    expect(m.find(`[${long.slice(0, -1)}]`)).toEqual([]);
  });

  it('falls back to another literal at the same place when one is refused', () => {
    const m = createExactMatcher(['secretvalue1', 'secretvalue']);
    expect(m.find('a secretvalue1 b', (p) => p !== 0)).toEqual([{ start: 2, end: 13, pattern: 1 }]);
    expect(m.find('a secretvalue1 b', () => false)).toEqual([]);
  });

  it('handles text outside the literals’ alphabet and an empty set', () => {
    expect(createExactMatcher([]).find('anything')).toEqual([]);
    expect(createExactMatcher(['ünï✓']).find('→ ünï✓ ←')).toEqual([{ start: 2, end: 6, pattern: 0 }]);
  });
});
