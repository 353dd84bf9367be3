import { describe, expect, it } from 'vitest';
import {
  hasCurrentProblem,
  healthRecordOf,
  restoredHealthState,
} from '../../../main/health/health-record.ts';
import type { HealthState } from '../../../main/health/health-status.ts';
import { initialHealthState, nextHealthStatus } from '../../../main/health/health-status.ts';

const T0 = 5_000_000;

describe('healthRecordOf', () => {
  it('records a healthy result without an error, even when an old one is remembered', () => {
    let state = nextHealthStatus(
      initialHealthState(T0),
      { type: 'probe', result: { ok: false, latencyMs: 1, error: 'old' } },
      T0,
    );
    state = nextHealthStatus(state, { type: 'probe', result: { ok: true, latencyMs: 12 } }, T0 + 1);
    expect(healthRecordOf(state, T0 + 1)).toEqual({
      status: 'healthy',
      latencyMs: 12,
      error: null,
      errorCode: null,
      checkedAt: T0 + 1,
    });
  });

  it('records a failure with its message and code', () => {
    const state = nextHealthStatus(
      initialHealthState(T0),
      {
        type: 'probe',
        result: { ok: false, latencyMs: 30_000, error: 'no answer', errorCode: 'UPSTREAM_TIMEOUT' },
      },
      T0,
    );
    expect(healthRecordOf(state, T0)).toEqual({
      status: 'unhealthy',
      latencyMs: 30_000,
      error: 'no answer',
      errorCode: 'UPSTREAM_TIMEOUT',
      checkedAt: T0,
    });
  });

  it('records needs_config with what is missing', () => {
    const state = nextHealthStatus(initialHealthState(T0), { type: 'needs_config', missing: ['KEY'] }, T0);
    expect(healthRecordOf(state, T0)).toMatchObject({
      status: 'needs_config',
      error: 'missing values for: KEY',
      errorCode: 'NEEDS_CONFIG',
    });
  });
});

describe('restoredHealthState', () => {
  it('without a record is the initial state', () => {
    expect(restoredHealthState(undefined, T0)).toEqual(initialHealthState(T0));
  });

  it('is unknown now but keeps the last known result and its time', () => {
    const restored = restoredHealthState(
      {
        status: 'unhealthy',
        latencyMs: 8,
        error: 'refused',
        errorCode: 'UPSTREAM_ERROR',
        checkedAt: T0 - 60_000,
      },
      T0,
    );
    expect(restored).toMatchObject({
      status: 'unknown',
      since: T0,
      checkedAt: T0 - 60_000,
      latencyMs: 8,
      lastOutcome: 'fail',
      lastError: { message: 'refused', code: 'UPSTREAM_ERROR', at: T0 - 60_000 },
      flips: [],
    });
  });

  it('maps healthy and degraded to an ok outcome, others to none, unknown codes to null', () => {
    const base = { latencyMs: 1, error: null, errorCode: null, checkedAt: T0 };
    expect(restoredHealthState({ ...base, status: 'healthy' }, T0).lastOutcome).toBe('ok');
    expect(restoredHealthState({ ...base, status: 'degraded' }, T0).lastOutcome).toBe('ok');
    expect(restoredHealthState({ ...base, status: 'needs_auth' }, T0).lastOutcome).toBeNull();
    const odd = restoredHealthState(
      { ...base, status: 'needs_auth', error: 'x', errorCode: 'FROM_THE_FUTURE' },
      T0,
    );
    expect(odd.lastError?.code).toBeNull();
  });
});

describe('hasCurrentProblem', () => {
  const with_ = (extra: Partial<HealthState>): HealthState => ({ ...initialHealthState(T0), ...extra });
  it('is true for needs_* and after a failed outcome, false when disabled or after success', () => {
    expect(hasCurrentProblem(with_({ status: 'needs_auth' }))).toBe(true);
    expect(hasCurrentProblem(with_({ status: 'needs_config' }))).toBe(true);
    expect(hasCurrentProblem(with_({ status: 'stopped', lastOutcome: 'fail' }))).toBe(true);
    expect(hasCurrentProblem(with_({ status: 'disabled', lastOutcome: 'fail' }))).toBe(false);
    expect(hasCurrentProblem(with_({ status: 'healthy', lastOutcome: 'ok' }))).toBe(false);
  });
});
