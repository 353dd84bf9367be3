import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PendingChanges } from '../../../../main/gateway/core/list-change-debouncer.ts';
import {
  createListChangeDebouncer,
  mergeChange,
  noChanges,
} from '../../../../main/gateway/core/list-change-debouncer.ts';

describe('createListChangeDebouncer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('merges a burst into one delivery after the quiet period', () => {
    const delivered: PendingChanges[] = [];
    const d = createListChangeDebouncer(100, (c) => delivered.push(c));
    d.add('a', { tools: true, prompts: false, resources: false });
    vi.advanceTimersByTime(50);
    d.add('b', { tools: false, prompts: true, resources: false });
    vi.advanceTimersByTime(99);
    expect(delivered).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ tools: true, prompts: true, resources: false });
    expect([...(delivered[0]?.prefixes ?? [])]).toEqual(['a', 'b']);
  });

  it('delivers at the latest after maxDelay under continuous changes', () => {
    const delivered: PendingChanges[] = [];
    const d = createListChangeDebouncer(100, (c) => delivered.push(c), 300);
    for (let i = 0; i < 10; i++) {
      d.add('a', { tools: true, prompts: false, resources: false });
      vi.advanceTimersByTime(50);
    }
    expect(delivered.length).toBeGreaterThanOrEqual(1);
  });

  it('ignores empty changes and can be cancelled', () => {
    const delivered: PendingChanges[] = [];
    const d = createListChangeDebouncer(100, (c) => delivered.push(c));
    d.add('a', { tools: false, prompts: false, resources: false });
    vi.advanceTimersByTime(200);
    d.add('a', { tools: true, prompts: false, resources: false });
    d.cancel();
    vi.advanceTimersByTime(200);
    expect(delivered).toEqual([]);
  });
});

describe('mergeChange', () => {
  const tools = { tools: true, prompts: false, resources: false };
  const none = { tools: false, prompts: false, resources: false };
  const everyone = () => true;

  it('ors the flags and collects the servers and audiences', () => {
    const one = mergeChange(noChanges(), { prefix: 'a' }, tools);
    const two = mergeChange(one, { prefix: 'b' }, { tools: false, prompts: true, resources: false });
    const three = mergeChange(two, { affects: everyone }, { tools: false, prompts: false, resources: true });
    expect(three).toMatchObject({ tools: true, prompts: true, resources: true });
    expect([...three.prefixes]).toEqual(['a', 'b']);
    expect(three.audiences).toEqual([everyone]);
  });

  it('leaves the batch it was given untouched, and ignores empty changes', () => {
    const start = noChanges();
    const next = mergeChange(start, { prefix: 'a' }, tools);
    expect(start).toEqual(noChanges());
    expect(next).not.toBe(start);
    expect(mergeChange(next, { prefix: 'b' }, none)).toBe(next);
  });
});

describe('createListChangeDebouncer audiences', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('batches a view change with server changes', () => {
    const delivered: PendingChanges[] = [];
    const d = createListChangeDebouncer(100, (c) => delivered.push(c));
    const onlyT1 = () => true;
    d.addFor(onlyT1, { tools: true, prompts: false, resources: false });
    d.add('a', { tools: false, prompts: true, resources: false });
    vi.advanceTimersByTime(100);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.audiences).toEqual([onlyT1]);
    expect([...(delivered[0]?.prefixes ?? [])]).toEqual(['a']);
  });
});
