import type { ErrorCode } from '../lib/errors.ts';
import { ERROR_CODES } from '../lib/errors.ts';
import type { HealthState, HealthStatus } from './health-status.ts';
import { initialHealthState } from './health-status.ts';

/**
 * One check result as kept in the history: small, flat, and readable by another process (the CLI reads
 * what a running hub wrote).
 */
export interface HealthRecord {
  status: HealthStatus;
  latencyMs: number | null;
  /** The (redacted) problem when the check did not succeed; null when it did. */
  error: string | null;
  errorCode: string | null;
  /** When the check finished (ms since epoch). */
  checkedAt: number;
}

/** Where the monitor keeps results between runs: the registry's health history, or a fake in tests. */
export interface HealthHistory {
  /** Appends a result of the server with this id (keeping only the newest N); false when no such server. */
  record(serverId: number, record: HealthRecord): boolean;
  /** The newest result of every server that has one, by server id. */
  latestPerServer(): Map<number, HealthRecord>;
}

/** The record of a state that was just reduced from a check result. */
export function healthRecordOf(state: HealthState, checkedAt: number): HealthRecord {
  return {
    status: state.status,
    latencyMs: state.latencyMs,
    error: currentProblem(state)?.message ?? null,
    errorCode: currentProblem(state)?.code ?? null,
    checkedAt,
  };
}

/**
 * The state a server starts with when the app starts: status unknown (nothing is known about NOW), but its
 * last known result kept, so an idle-stopped server can show it with its age.
 */
export function restoredHealthState(record: HealthRecord | undefined, now: number): HealthState {
  const fresh = initialHealthState(now);
  if (!record) return fresh;
  const ok = record.status === 'healthy' || record.status === 'degraded';
  const failed = record.status === 'unhealthy';
  return {
    ...fresh,
    checkedAt: record.checkedAt,
    latencyMs: record.latencyMs,
    lastOutcome: ok ? 'ok' : failed ? 'fail' : null,
    lastError:
      record.error === null
        ? null
        : { message: record.error, code: knownErrorCode(record.errorCode), at: record.checkedAt },
  };
}

/**
 * What is wrong with the server now, for people: its current error, or — for `degraded`, whose last check
 * succeeded — why it is degraded (slow, or failing and recovering over and over); null when nothing is.
 */
export function currentProblem(state: HealthState): { message: string; code: ErrorCode | null } | null {
  if (hasCurrentProblem(state) && state.lastError) {
    return { message: state.lastError.message, code: state.lastError.code };
  }
  if (state.status !== 'degraded') return null;
  if (state.degradedBy === 'slow') {
    return { message: `slow: the last check took ${Math.round(state.latencyMs ?? 0)} ms`, code: null };
  }
  const last = state.lastError ? `; last failure: ${state.lastError.message}` : '';
  return {
    message: `unstable: it failed and recovered ${state.flips.length} times recently${last}`,
    code: state.lastError?.code ?? null,
  };
}

/** True when the state's lastError describes the server now rather than some earlier failure. */
export function hasCurrentProblem(state: HealthState): boolean {
  // A switched-off server has no problem to act on; its old error would only distract.
  if (state.status === 'disabled') return false;
  return state.status === 'needs_auth' || state.status === 'needs_config' || state.lastOutcome === 'fail';
}

function knownErrorCode(code: string | null): ErrorCode | null {
  return code !== null && (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : null;
}
