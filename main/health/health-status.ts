import type { ErrorCode } from '../lib/errors.ts';

/**
 * The one health status of a server, and the pure reducer that moves it. Everything here is data in,
 * data out: no clock, no timers, no I/O, so every transition is unit-tested with plain numbers for time.
 *
 * Rules, in order of precedence:
 * - `disabled` is sticky: only `enabled` leaves it (a probe that was in flight when the server was switched
 *   off must not bring a status back).
 * - A probe that fails with NEEDS_AUTH / NEEDS_CONFIG, or a preflight saying so, gives `needs_auth` /
 *   `needs_config`: the person has to act; calling that "unhealthy" would send them looking in the wrong place.
 * - Otherwise each probe (and each crash reported by the pool) is an outcome, ok or fail. A change of outcome
 *   is a "flip". With `flapThreshold` or more flips inside `flapWindowMs` the server is `degraded`
 *   (flapping) whatever the last outcome, so the tray does not blink red/green; once the flips age out of the
 *   window the status follows the last outcome again. Flips only age out when the next event is reduced.
 * - An ok probe slower than `slowMs` is `degraded` (slow); a failed one is `unhealthy`.
 * - Pool events: `starting` while a process comes up, `stopped` when it was stopped for being idle (the last
 *   result stays in the state so it can be shown with its age), `running` changes nothing (the monitor
 *   probes instead: running says nothing about answering).
 */

/** Every status a server can have (declared once, in the UI contract), and one server's status. */
import { HEALTH_STATUSES, type HealthStatusName as HealthStatus } from '../../preload/contract/models.ts';

export { HEALTH_STATUSES, type HealthStatus };

/** Why a server is `degraded`. */
export type DegradedReason = 'slow' | 'flapping';

/** States the upstream pool reports for a server's connection or process. */
export type UpstreamState = 'starting' | 'running' | 'stopped' | 'crashed';

/** True when `value` is a known HealthStatus (rows written by a newer app may hold others). */
export function isHealthStatus(value: unknown): value is HealthStatus {
  return typeof value === 'string' && (HEALTH_STATUSES as readonly string[]).includes(value);
}

/** The result of one probe: ok with its latency, or a failure with a (redacted) message and code. */
export type ProbeResult =
  | { ok: true; latencyMs: number }
  | {
      ok: false;
      /** Time until the failure, when one was measured. */
      latencyMs: number | null;
      /** Already redacted by whoever built the result. */
      error: string;
      errorCode?: ErrorCode;
      /** For NEEDS_CONFIG: the variables that have no value. */
      missing?: readonly string[];
    };

/** Everything that can move a server's status. */
export type HealthEvent =
  | { type: 'probe'; result: ProbeResult }
  | { type: 'enabled' }
  | { type: 'disabled' }
  | { type: 'needs_config'; missing: readonly string[] }
  | { type: 'needs_auth'; message?: string }
  | { type: 'upstream'; state: UpstreamState; error?: string };

/** The last problem seen: message (redacted), stable code when known, and when it was seen. */
export interface HealthError {
  message: string;
  code: ErrorCode | null;
  at: number;
}

/** A server's health: its status plus what the reducer needs to remember to compute the next one. */
export interface HealthState {
  readonly status: HealthStatus;
  /** Why the status is `degraded`; null for every other status. */
  readonly degradedBy: DegradedReason | null;
  /** When the status last changed (ms since epoch). */
  readonly since: number;
  /** When the last probe, crash or preflight result arrived; null before the first. */
  readonly checkedAt: number | null;
  /** Latency of the last probe (time to failure for a failed one); null when none was measured. */
  readonly latencyMs: number | null;
  /** The last problem seen; kept after recovery so it can still be looked up (see lastOutcome). */
  readonly lastError: HealthError | null;
  /** Outcome of the last probe or crash; null before the first. */
  readonly lastOutcome: 'ok' | 'fail' | null;
  /** Failed outcomes in a row (drives the probe backoff); 0 after an ok one. */
  readonly consecutiveFailures: number;
  /** Times of outcome flips still inside the flap window, oldest first. */
  readonly flips: readonly number[];
  /** For `needs_config`: the variables without a value; empty otherwise. */
  readonly missing: readonly string[];
}

/** Knobs of the reducer. */
export interface HealthThresholds {
  /** An ok probe slower than this (ms) is `degraded`. */
  slowMs: number;
  /** This many outcome flips inside the window make a server `degraded` (flapping). */
  flapThreshold: number;
  /** How long (ms) a flip counts toward flapping. */
  flapWindowMs: number;
}

/** Defaults: 2 s is slow for a ping + tools/list on a live connection; 3 flips in 10 minutes is flapping. */
export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  slowMs: 2000,
  flapThreshold: 3,
  flapWindowMs: 10 * 60_000,
};

/** The state of a server nothing is known about yet. */
export function initialHealthState(now: number): HealthState {
  return {
    status: 'unknown',
    degradedBy: null,
    since: now,
    checkedAt: null,
    latencyMs: null,
    lastError: null,
    lastOutcome: null,
    consecutiveFailures: 0,
    flips: [],
    missing: [],
  };
}

const CRASH_MESSAGE = 'the server stopped unexpectedly';
const NEEDS_AUTH_MESSAGE = 'needs sign-in: use Connect';

/**
 * The pure status reducer: the state after `event` happened at `now`. Returns `prev` itself (same object)
 * when nothing changed, so callers can skip change events by identity.
 */
export function nextHealthStatus(
  prev: HealthState,
  event: HealthEvent,
  now: number,
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): HealthState {
  if (prev.status === 'disabled' && event.type !== 'enabled') return prev;

  switch (event.type) {
    case 'enabled':
      if (prev.status !== 'disabled') return prev;
      // Old flips describe a server that was off since; judging flapping starts over.
      return { ...moveTo(prev, 'unknown', now), flips: [], consecutiveFailures: 0 };

    case 'disabled':
      return { ...moveTo(prev, 'disabled', now), flips: [], consecutiveFailures: 0 };

    case 'needs_config':
      return needsConfig(prev, event.missing, formatMissing(event.missing), now);

    case 'needs_auth':
      return needsAuth(prev, event.message ?? NEEDS_AUTH_MESSAGE, now);

    case 'upstream':
      return onUpstream(prev, event.state, event.error, now, thresholds);

    case 'probe': {
      const result = event.result;
      if (result.ok) return onOutcome(prev, 'ok', result.latencyMs, null, now, thresholds);
      if (result.errorCode === 'NEEDS_AUTH') return needsAuth(prev, result.error, now);
      if (result.errorCode === 'NEEDS_CONFIG')
        return needsConfig(prev, result.missing ?? [], result.error, now);
      const error: HealthError = { message: result.error, code: result.errorCode ?? null, at: now };
      return onOutcome(prev, 'fail', result.latencyMs, error, now, thresholds);
    }
  }
}

function onUpstream(
  prev: HealthState,
  state: UpstreamState,
  error: string | undefined,
  now: number,
  thresholds: HealthThresholds,
): HealthState {
  switch (state) {
    case 'starting':
      return moveTo(prev, 'starting', now);
    case 'running':
      return prev;
    case 'stopped':
      // What the person must do is still to be done; "stopped" would hide it.
      if (prev.status === 'needs_auth' || prev.status === 'needs_config') return prev;
      return moveTo(prev, 'stopped', now);
    case 'crashed': {
      const problem: HealthError = { message: error ?? CRASH_MESSAGE, code: 'UPSTREAM_UNAVAILABLE', at: now };
      return onOutcome(prev, 'fail', null, problem, now, thresholds);
    }
  }
}

function onOutcome(
  prev: HealthState,
  outcome: 'ok' | 'fail',
  latencyMs: number | null,
  error: HealthError | null,
  now: number,
  thresholds: HealthThresholds,
): HealthState {
  const flipped = prev.lastOutcome !== null && prev.lastOutcome !== outcome;
  const flips = prev.flips.filter((at) => now - at < thresholds.flapWindowMs);
  if (flipped) flips.push(now);
  const flapping = flips.length >= thresholds.flapThreshold;
  const slow = outcome === 'ok' && latencyMs !== null && latencyMs > thresholds.slowMs;
  const degradedBy: DegradedReason | null = flapping ? 'flapping' : slow ? 'slow' : null;
  const status: HealthStatus = degradedBy ? 'degraded' : outcome === 'ok' ? 'healthy' : 'unhealthy';
  return {
    ...moveTo(prev, status, now),
    degradedBy,
    checkedAt: now,
    latencyMs,
    lastError: error ?? prev.lastError,
    lastOutcome: outcome,
    consecutiveFailures: outcome === 'ok' ? 0 : prev.consecutiveFailures + 1,
    flips,
    missing: [],
  };
}

function needsConfig(
  prev: HealthState,
  missing: readonly string[],
  message: string,
  now: number,
): HealthState {
  if (prev.status === 'needs_config' && sameList(prev.missing, missing)) return prev;
  return {
    ...moveTo(prev, 'needs_config', now),
    checkedAt: now,
    lastError: { message, code: 'NEEDS_CONFIG', at: now },
    missing: [...missing],
  };
}

function needsAuth(prev: HealthState, message: string, now: number): HealthState {
  if (prev.status === 'needs_auth' && prev.lastError?.message === message) return prev;
  return {
    ...moveTo(prev, 'needs_auth', now),
    checkedAt: now,
    lastError: { message, code: 'NEEDS_AUTH', at: now },
  };
}

/** `prev` with a new status; `since` moves only when the status really changes. */
function moveTo(prev: HealthState, status: HealthStatus, now: number): HealthState {
  if (prev.status === status) return prev;
  return { ...prev, status, since: now, degradedBy: null, missing: [] };
}

function formatMissing(missing: readonly string[]): string {
  return missing.length === 0 ? 'missing configuration' : `missing values for: ${missing.join(', ')}`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
