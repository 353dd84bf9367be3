import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PendingChanges } from '../../../../main/gateway/core/list-change-debouncer.ts';
import { createListChangeDebouncer } from '../../../../main/gateway/core/list-change-debouncer.ts';

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
