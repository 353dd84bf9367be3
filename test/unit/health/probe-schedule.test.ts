import { describe, expect, it } from 'vitest';
import type { HealthState, HealthStatus } from '../../../main/health/health-status.ts';
import { HEALTH_STATUSES, initialHealthState } from '../../../main/health/health-status.ts';
import type { ProbeScheduleSettings } from '../../../main/health/probe-schedule.ts';
import { DEFAULT_PROBE_SCHEDULE, nextProbeDelay, withJitter } from '../../../main/health/probe-schedule.ts';

const settings: ProbeScheduleSettings = { intervalMs: 60_000, jitterRatio: 0.1, maxBackoffMs: 600_000 };
const middle = () => 0.5; // no jitter: 2 × 0.5 − 1 = 0

function state(status: HealthStatus, consecutiveFailures = 0): HealthState {
  return { ...initialHealthState(0), status, consecutiveFailures };
}

describe('nextProbeDelay', () => {
  it('does not schedule disabled servers', () => {
    expect(nextProbeDelay(state('disabled'), settings, middle)).toBeNull();
  });

  it.each(HEALTH_STATUSES.filter((s) => s !== 'disabled' && s !== 'unhealthy'))(
    'uses the interval for %s',
    (status) => {
      expect(nextProbeDelay(state(status, 5), settings, middle)).toBe(60_000);
    },
  );

  it('backs off exponentially while unhealthy, from the second failure, up to the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) => nextProbeDelay(state('unhealthy', n), settings, middle));
    expect(delays).toEqual([60_000, 120_000, 240_000, 480_000, 600_000, 600_000]);
  });

  it('stays finite after a very long failure streak', () => {
    expect(nextProbeDelay(state('unhealthy', 10_000), settings, middle)).toBe(600_000);
  });

  it('never backs off below the interval, even with a cap smaller than it', () => {
    const odd = { ...settings, maxBackoffMs: 1000 };
    expect(nextProbeDelay(state('unhealthy', 4), odd, middle)).toBe(60_000);
  });

  it('does not back off for a flapping (degraded) server that fails', () => {
    expect(nextProbeDelay(state('degraded', 4), settings, middle)).toBe(60_000);
  });

  it('applies ± jitter at both extremes', () => {
    expect(nextProbeDelay(state('healthy'), settings, () => 0)).toBe(54_000);
    expect(nextProbeDelay(state('healthy'), settings, () => 0.999_999_9)).toBe(66_000);
    expect(nextProbeDelay(state('unhealthy', 3), settings, () => 0)).toBe(216_000);
  });

  it('has sensible defaults: minutes, not seconds', () => {
    expect(DEFAULT_PROBE_SCHEDULE.intervalMs).toBeGreaterThanOrEqual(60_000);
    expect(DEFAULT_PROBE_SCHEDULE.maxBackoffMs).toBeGreaterThan(DEFAULT_PROBE_SCHEDULE.intervalMs);
  });
});

describe('withJitter', () => {
  it('clamps the ratio to [0, 1] and never goes negative', () => {
    expect(withJitter(1000, 5, () => 0)).toBe(0);
    expect(withJitter(1000, -1, () => 0)).toBe(1000);
    expect(withJitter(0, 0.5, () => 0)).toBe(0);
  });
});
