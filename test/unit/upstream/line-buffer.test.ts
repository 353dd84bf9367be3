import { describe, expect, it } from 'vitest';
import { createLineRing, createLineSplitter } from '../../../main/upstream/line-buffer.ts';

describe('createLineSplitter', () => {
  it('joins lines split across chunks and strips CR', () => {
    const s = createLineSplitter();
    expect(s.push('{"a":')).toEqual([]);
    expect(s.push('1}\r\n{"b"')).toEqual(['{"a":1}']);
    expect(s.push(':2}\n\n')).toEqual(['{"b":2}', '']);
    expect(s.end()).toEqual([]);
  });

  it('does not split multi-byte characters that straddle chunks', () => {
    const bytes = Buffer.from('héllo ✓\n');
    const s = createLineSplitter();
    const out = [
      ...s.push(bytes.subarray(0, 2)),
      ...s.push(bytes.subarray(2, 9)),
      ...s.push(bytes.subarray(9)),
    ];
    expect(out).toEqual(['héllo ✓']);
  });

  it('returns the unterminated tail at end', () => {
    const s = createLineSplitter();
    s.push('partial');
    expect(s.end()).toEqual(['partial']);
    expect(s.end()).toEqual([]);
  });

  it('cuts runaway lines into bounded pieces', () => {
    const s = createLineSplitter(4);
    expect(s.push('abcdefghij')).toEqual(['abcd', 'efgh']);
    expect(s.push('\n')).toEqual(['ij']);
  });
});

describe('createLineRing', () => {
  it('keeps the newest lines in order', () => {
    const ring = createLineRing(3);
    for (let i = 1; i <= 5; i++) ring.push({ at: i, text: `line ${i}` });
    expect(ring.lines().map((l) => l.text)).toEqual(['line 3', 'line 4', 'line 5']);
  });

  it('truncates long lines and can be cleared', () => {
    const ring = createLineRing(2, 5);
    ring.push({ at: 1, text: 'abcdefgh' });
    expect(ring.lines()[0]?.text).toBe('abcde…');
    ring.clear();
    expect(ring.lines()).toEqual([]);
  });
});
