import type { HealthState } from './health-status.ts';

/** How often servers are probed. */
export interface ProbeScheduleSettings {
  /** Normal time between two probes of one server (ms). */
  intervalMs: number;
  /** Each delay is moved by up to ± this fraction of itself, so servers added together do not probe together. */
  jitterRatio: number;
  /** Longest delay while a server keeps failing (ms); never shorter than the interval. */
  maxBackoffMs: number;
}

/** Defaults: every 2 minutes ±10 %, backing off to at most 30 minutes while a server keeps failing. */
export const DEFAULT_PROBE_SCHEDULE: ProbeScheduleSettings = {
  intervalMs: 2 * 60_000,
  jitterRatio: 0.1,
  maxBackoffMs: 30 * 60_000,
};

/**
 * Milliseconds until the next scheduled probe of a server in `state`, or null for "do not schedule"
 * (disabled servers). `random` returns [0, 1) like Math.random and is injected so tests are exact.
 *
 * While unhealthy the delay doubles per consecutive failure (interval, 2×, 4×…) up to maxBackoffMs: a dead
 * server is not hammered, and anything that could fix it (an edit, a secret, Connect, a restart by the
 * pool) triggers an immediate re-check anyway.
 */
export function nextProbeDelay(
  state: HealthState,
  settings: ProbeScheduleSettings,
  random: () => number,
): number | null {
  if (state.status === 'disabled') return null;
  const interval = Math.max(0, settings.intervalMs);
  let base = interval;
  if (state.status === 'unhealthy' && state.consecutiveFailures > 1) {
    const cap = Math.max(interval, settings.maxBackoffMs);
    // Capping the exponent first keeps 2 ** n finite for a server that failed for weeks.
    const factor = 2 ** Math.min(state.consecutiveFailures - 1, 30);
    base = Math.min(interval * factor, cap);
  }
  return withJitter(base, settings.jitterRatio, random);
}

/** `ms` moved uniformly within ± ratio × ms, rounded, never negative. */
export function withJitter(ms: number, ratio: number, random: () => number): number {
  const spread = Math.min(Math.max(ratio, 0), 1);
  return Math.max(0, Math.round(ms * (1 + spread * (2 * random() - 1))));
}
