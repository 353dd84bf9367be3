import { describe, expect, it } from 'vitest';
import type { RestartPolicy } from '../../../main/upstream/restart-policy.ts';
import {
  DEFAULT_RESTART_POLICY,
  planRestart,
  recentFailures,
} from '../../../main/upstream/restart-policy.ts';

const policy: RestartPolicy = { baseDelayMs: 1000, maxDelayMs: 30_000, windowMs: 60_000, maxFailures: 6 };

describe('planRestart', () => {
  it('restarts at once when nothing failed recently', () => {
    expect(planRestart([], 1_000_000, policy)).toEqual({ action: 'restart', delayMs: 0, attempt: 0 });
  });

  it('doubles the delay with each failure in the window', () => {
    const now = 1_000_000;
    const delays = [1, 2, 3, 4, 5].map((n) => {
      const history = Array.from({ length: n }, (_, i) => now - i * 10);
      const plan = planRestart(history, now, policy);
      return plan.action === 'restart' ? plan.delayMs : -1;
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000]);
  });

  it('caps the delay', () => {
    const now = 1_000_000;
    const plan = planRestart([now, now - 1, now - 2, now - 3, now - 4, now - 5], now, policy);
    expect(plan).toEqual({ action: 'restart', delayMs: 30_000, attempt: 6 });
  });

  it('gives up after maxFailures inside the window', () => {
    const now = 1_000_000;
    const history = Array.from({ length: 7 }, (_, i) => now - i);
    expect(planRestart(history, now, policy)).toEqual({ action: 'give-up', attempt: 7 });
  });

  it('forgets failures older than the window', () => {
    const now = 1_000_000;
    const history = [now - 60_000, now - 59_999, now - 120_000];
    expect(planRestart(history, now, policy)).toEqual({ action: 'restart', delayMs: 1000, attempt: 1 });
  });

  it('ignores failures dated in the future and is insensitive to order', () => {
    const now = 1_000_000;
    expect(planRestart([now + 5000, now - 10, now - 20], now, policy)).toEqual(
      planRestart([now - 20, now - 10], now, policy),
    );
  });

  it('stays finite for absurd failure counts', () => {
    const now = 10_000;
    const plan = planRestart(
      Array.from({ length: 5000 }, () => now),
      now,
      { ...policy, maxFailures: 100_000 },
    );
    expect(plan).toEqual({ action: 'restart', delayMs: 30_000, attempt: 5000 });
  });

  it('has sensible defaults', () => {
    expect(DEFAULT_RESTART_POLICY.baseDelayMs).toBeGreaterThan(0);
    expect(DEFAULT_RESTART_POLICY.maxDelayMs).toBeGreaterThanOrEqual(DEFAULT_RESTART_POLICY.baseDelayMs);
  });
});

describe('recentFailures', () => {
  it('keeps only failures in the window, oldest first', () => {
    expect(recentFailures([500, 100, 950, 300], 1000, { ...policy, windowMs: 600 })).toEqual([500, 950]);
  });
});
