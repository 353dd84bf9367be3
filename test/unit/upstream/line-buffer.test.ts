import { describe, expect, it, vi } from 'vitest';
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

  // Issue 12.10: joining the pending bytes at every chunk made a long line quadratic (16 MiB: seconds of CPU).
  it('copies a long line a bounded number of times, however many chunks it comes in', () => {
    const chunk = Buffer.alloc(4096, 'x');
    const chunks = 1024; // a 4 MiB line in 4 KiB chunks
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const s = createLineSplitter();
      for (let i = 0; i < chunks; i++) expect(s.push(chunk)).toEqual([]);
      const [line] = s.push('\n');
      expect(line).toHaveLength(chunk.length * chunks);
      const copied = concat.mock.calls.reduce(
        (sum, [list]) => sum + (list as Buffer[]).reduce((n, b) => n + b.length, 0),
        0,
      );
      // Once, when the newline came: not once per chunk (which would be ~512 times the line).
      expect(copied).toBeLessThanOrEqual(2 * chunk.length * chunks);
    } finally {
      concat.mockRestore();
    }
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
