import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../main/lib/logger.ts';
import type { CallLogEntry } from '../../../../main/registry/call-log-repository.ts';
import { createCallLogWriter } from '../../../../main/gateway/core/call-log-writer.ts';

const entry = (i: number): CallLogEntry => ({
  at: i,
  clientName: 'c',
  server: 's',
  tool: 't',
  durationMs: 1,
  outcome: 'ok',
});
const DAY = 24 * 60 * 60 * 1000;

describe('createCallLogWriter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = (over: { failAppend?: () => boolean; days?: number } = {}) => {
    const batches: CallLogEntry[][] = [];
    const prunes: number[] = [];
    let now = 10 * DAY;
    const writer = createCallLogWriter({
      repository: {
        append: (rows) => {
          if (over.failAppend?.()) throw new Error('disk full');
          batches.push([...rows]);
        },
        prune: (before) => {
          prunes.push(before);
          return 0;
        },
      },
      clock: { now: () => now },
      log: silentLogger,
      retentionDays: () => over.days ?? 14,
      intervalMs: 250,
      maxBatch: 100,
    });
    return { writer, batches, prunes, advance: (ms: number) => (now += ms) };
  };

  it('writes rows in one batch after the interval', () => {
    const { writer, batches } = setup();
    writer.record(entry(1));
    writer.record(entry(2));
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(249);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([[entry(1), entry(2)]]);
    writer.close();
  });

  it('writes at once when a batch is full', () => {
    const { writer, batches } = setup();
    for (let i = 0; i < 250; i++) writer.record(entry(i));
    expect(batches.map((b) => b.length)).toEqual([100, 100]);
    vi.advanceTimersByTime(250);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    writer.close();
  });

  it('keeps rows when a write fails and writes them with the next batch', () => {
    let fail = true;
    const { writer, batches } = setup({ failAppend: () => fail });
    writer.record(entry(1));
    vi.advanceTimersByTime(250);
    expect(batches).toEqual([]);
    fail = false;
    writer.record(entry(2));
    vi.advanceTimersByTime(250);
    expect(batches).toEqual([[entry(1), entry(2)]]);
    writer.close();
  });

  it('prunes at start and daily with the current retention', () => {
    const { writer, prunes, advance } = setup({ days: 7 });
    expect(prunes).toEqual([10 * DAY - 7 * DAY]);
    advance(DAY);
    vi.advanceTimersByTime(DAY);
    expect(prunes).toEqual([3 * DAY, 4 * DAY]);
    writer.close();
  });

  it('flushes on close and writes late rows directly', () => {
    const { writer, batches } = setup();
    writer.record(entry(1));
    writer.close();
    expect(batches).toEqual([[entry(1)]]);
    writer.record(entry(2));
    expect(batches).toEqual([[entry(1)], [entry(2)]]);
  });
});
