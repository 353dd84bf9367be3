import { describe, expect, it } from 'vitest';
import type {
  HealthEvent,
  HealthState,
  HealthStatus,
  HealthThresholds,
} from '../../../main/health/health-status.ts';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  HEALTH_STATUSES,
  initialHealthState,
  isHealthStatus,
  nextHealthStatus,
} from '../../../main/health/health-status.ts';

const T0 = 1_000_000;
const thresholds: HealthThresholds = { slowMs: 2000, flapThreshold: 3, flapWindowMs: 60_000 };

const ok = (latencyMs = 50): HealthEvent => ({ type: 'probe', result: { ok: true, latencyMs } });
const fail = (error = 'connect ECONNREFUSED', latencyMs: number | null = 5): HealthEvent => ({
  type: 'probe',
  result: { ok: false, latencyMs, error, errorCode: 'UPSTREAM_UNAVAILABLE' },
});

function stateWith(status: HealthStatus, extra: Partial<HealthState> = {}): HealthState {
  return { ...initialHealthState(T0), status, ...extra };
}

/** Applies events one per `step` ms starting at `start`; returns the final state. */
function run(
  events: HealthEvent[],
  start = initialHealthState(T0),
  step = 1000,
  from = T0 + step,
): HealthState {
  return events.reduce(
    (state, event, i) => nextHealthStatus(state, event, from + i * step, thresholds),
    start,
  );
}

describe('initialHealthState', () => {
  it('knows nothing yet', () => {
    expect(initialHealthState(T0)).toEqual({
      status: 'unknown',
      degradedBy: null,
      since: T0,
      checkedAt: null,
      latencyMs: null,
      lastError: null,
      lastOutcome: null,
      consecutiveFailures: 0,
      flips: [],
      missing: [],
    });
  });
});

describe('isHealthStatus', () => {
  it('accepts every status and nothing else', () => {
    for (const status of HEALTH_STATUSES) expect(isHealthStatus(status)).toBe(true);
    expect(isHealthStatus('sleeping')).toBe(false);
    expect(isHealthStatus(undefined)).toBe(false);
  });
});

describe('every transition (status × event)', () => {
  const events: Record<string, HealthEvent> = {
    'probe ok': ok(),
    'probe slow': ok(2500),
    'probe failed': fail(),
    'probe NEEDS_AUTH': {
      type: 'probe',
      result: { ok: false, latencyMs: 3, error: 'sign in', errorCode: 'NEEDS_AUTH' },
    },
    'probe NEEDS_CONFIG': {
      type: 'probe',
      result: {
        ok: false,
        latencyMs: 0,
        error: 'missing TOKEN',
        errorCode: 'NEEDS_CONFIG',
        missing: ['TOKEN'],
      },
    },
    enabled: { type: 'enabled' },
    disabled: { type: 'disabled' },
    needs_config: { type: 'needs_config', missing: ['TOKEN'] },
    needs_auth: { type: 'needs_auth' },
    'upstream starting': { type: 'upstream', state: 'starting' },
    'upstream running': { type: 'upstream', state: 'running' },
    'upstream stopped': { type: 'upstream', state: 'stopped' },
    'upstream crashed': { type: 'upstream', state: 'crashed' },
  };

  /** What every non-disabled status goes to; `same` keeps the previous status. */
  const expected: Record<string, HealthStatus | 'same'> = {
    'probe ok': 'healthy',
    'probe slow': 'degraded',
    'probe failed': 'unhealthy',
    'probe NEEDS_AUTH': 'needs_auth',
    'probe NEEDS_CONFIG': 'needs_config',
    enabled: 'same',
    disabled: 'disabled',
    needs_config: 'needs_config',
    needs_auth: 'needs_auth',
    'upstream starting': 'starting',
    'upstream running': 'same',
    'upstream stopped': 'stopped',
    'upstream crashed': 'unhealthy',
  };

  const cases = HEALTH_STATUSES.flatMap((from) =>
    Object.keys(events).map((name) => {
      let to: HealthStatus;
      if (from === 'disabled') to = name === 'enabled' ? 'unknown' : 'disabled';
      else if (name === 'upstream stopped' && (from === 'needs_auth' || from === 'needs_config')) to = from;
      else to = expected[name] === 'same' ? from : (expected[name] as HealthStatus);
      return [from, name, to] as const;
    }),
  );

  it('covers 9 statuses × 13 events', () => {
    expect(cases).toHaveLength(HEALTH_STATUSES.length * 13);
  });

  it.each(cases)('%s + %s → %s', (from, name, to) => {
    const prev = stateWith(from);
    const next = nextHealthStatus(prev, events[name]!, T0 + 10, thresholds);
    expect(next.status).toBe(to);
    expect(next.since).toBe(to === from ? T0 : T0 + 10);
    if (to !== 'degraded') expect(next.degradedBy).toBeNull();
  });
});

describe('probe results', () => {
  it('first ok probe: healthy with latency and check time, no flip', () => {
    const next = nextHealthStatus(initialHealthState(T0), ok(42), T0 + 5, thresholds);
    expect(next).toMatchObject({
      status: 'healthy',
      latencyMs: 42,
      checkedAt: T0 + 5,
      since: T0 + 5,
      lastOutcome: 'ok',
      consecutiveFailures: 0,
      flips: [],
    });
  });

  it('first failed probe: unhealthy with the error kept, no flip', () => {
    const next = nextHealthStatus(initialHealthState(T0), fail('boom', 7), T0 + 5, thresholds);
    expect(next).toMatchObject({
      status: 'unhealthy',
      latencyMs: 7,
      lastOutcome: 'fail',
      consecutiveFailures: 1,
      flips: [],
      lastError: { message: 'boom', code: 'UPSTREAM_UNAVAILABLE', at: T0 + 5 },
    });
  });

  it('a failure without a code keeps code null', () => {
    const next = nextHealthStatus(
      initialHealthState(T0),
      { type: 'probe', result: { ok: false, latencyMs: null, error: 'x' } },
      T0,
      thresholds,
    );
    expect(next.lastError).toEqual({ message: 'x', code: null, at: T0 });
    expect(next.latencyMs).toBeNull();
  });

  it('counts consecutive failures and resets them on recovery', () => {
    const failing = run([fail(), fail(), fail()]);
    expect(failing.consecutiveFailures).toBe(3);
    const recovered = nextHealthStatus(failing, ok(), T0 + 10_000, thresholds);
    expect(recovered.status).toBe('healthy');
    expect(recovered.consecutiveFailures).toBe(0);
  });

  it('recovery keeps the last error for lookup but marks the outcome ok', () => {
    const recovered = run([fail('went away'), ok()]);
    expect(recovered.status).toBe('healthy');
    expect(recovered.lastOutcome).toBe('ok');
    expect(recovered.lastError?.message).toBe('went away');
  });

  it('keeps `since` while the status does not change, and moves it when it does', () => {
    const a = nextHealthStatus(initialHealthState(T0), ok(), T0 + 1, thresholds);
    const b = nextHealthStatus(a, ok(), T0 + 2, thresholds);
    expect(b.since).toBe(T0 + 1);
    expect(b.checkedAt).toBe(T0 + 2);
    const c = nextHealthStatus(b, fail(), T0 + 3, thresholds);
    expect(c.since).toBe(T0 + 3);
  });

  it('always returns a new state for a probe (latency and check time are news)', () => {
    const a = nextHealthStatus(initialHealthState(T0), ok(10), T0 + 1, thresholds);
    expect(nextHealthStatus(a, ok(10), T0 + 2, thresholds)).not.toBe(a);
  });
});

describe('slow', () => {
  it('is degraded (slow) strictly above the threshold', () => {
    expect(nextHealthStatus(initialHealthState(T0), ok(2000), T0, thresholds).status).toBe('healthy');
    const slow = nextHealthStatus(initialHealthState(T0), ok(2001), T0, thresholds);
    expect(slow).toMatchObject({ status: 'degraded', degradedBy: 'slow', lastOutcome: 'ok' });
  });

  it('recovers to healthy when fast again', () => {
    expect(run([ok(5000), ok(10)])).toMatchObject({ status: 'healthy', degradedBy: null });
  });

  it('uses the default threshold of 2000 ms when none is given', () => {
    expect(DEFAULT_HEALTH_THRESHOLDS.slowMs).toBe(2000);
    expect(nextHealthStatus(initialHealthState(T0), ok(2500), T0).status).toBe('degraded');
  });

  it('a slow failure is unhealthy, not degraded', () => {
    expect(nextHealthStatus(initialHealthState(T0), fail('x', 9000), T0, thresholds).status).toBe(
      'unhealthy',
    );
  });
});

describe('flapping', () => {
  it('counts a flip only when the outcome changes', () => {
    expect(run([ok(), ok(), fail(), fail(), ok()]).flips).toEqual([T0 + 3000, T0 + 5000]);
  });

  it('is degraded (flapping) at the threshold of flips within the window, on either outcome', () => {
    const twoFlips = run([ok(), fail(), ok()]);
    expect(twoFlips).toMatchObject({ status: 'healthy', flips: [T0 + 2000, T0 + 3000] });
    const threeFlips = nextHealthStatus(twoFlips, fail('again'), T0 + 4000, thresholds);
    expect(threeFlips).toMatchObject({ status: 'degraded', degradedBy: 'flapping', lastOutcome: 'fail' });
    expect(threeFlips.lastError?.message).toBe('again');
    const fourFlips = nextHealthStatus(threeFlips, ok(), T0 + 5000, thresholds);
    expect(fourFlips).toMatchObject({ status: 'degraded', degradedBy: 'flapping', lastOutcome: 'ok' });
  });

  it('flapping wins over slow as the reason', () => {
    const flapping = run([ok(), fail(), ok(), fail()]);
    expect(nextHealthStatus(flapping, ok(9000), T0 + 5000, thresholds).degradedBy).toBe('flapping');
  });

  it('crashes reported by the pool count as failed outcomes', () => {
    const crash: HealthEvent = { type: 'upstream', state: 'crashed' };
    expect(run([ok(), crash, ok(), crash])).toMatchObject({ status: 'degraded', degradedBy: 'flapping' });
  });

  it('expires flips older than the window, then follows the last outcome', () => {
    const flapping = run([ok(), fail(), ok(), fail()]); // flips at +2s, +3s, +4s
    expect(flapping.status).toBe('degraded');
    // At +62s the flip from +2s is exactly 60s old: out of the window (a flip counts for less than windowMs).
    const stillFailing = nextHealthStatus(flapping, fail(), T0 + 62_000, thresholds);
    expect(stillFailing).toMatchObject({
      status: 'unhealthy',
      degradedBy: null,
      flips: [T0 + 3000, T0 + 4000],
    });
  });

  it('just inside the window still counts', () => {
    const flapping = run([ok(), fail(), ok(), fail()]);
    expect(nextHealthStatus(flapping, fail(), T0 + 61_999, thresholds).status).toBe('degraded');
  });

  it('a long healthy run after flapping is healthy again', () => {
    const flapping = run([ok(), fail(), ok()]);
    const later = nextHealthStatus(flapping, fail(), T0 + 4000, thresholds);
    expect(later.status).toBe('degraded');
    const calm = run([ok(), ok(), ok()], later, 60_000, T0 + 70_000);
    expect(calm).toMatchObject({ status: 'healthy', flips: [] });
  });

  it('disabling and enabling start flap detection over', () => {
    const flapping = run([ok(), fail(), ok(), fail()]);
    const back = run([{ type: 'disabled' }, { type: 'enabled' }], flapping, 1, T0 + 5000);
    expect(back).toMatchObject({ status: 'unknown', flips: [], consecutiveFailures: 0 });
    expect(nextHealthStatus(back, ok(), T0 + 6000, thresholds).status).toBe('healthy');
  });
});

describe('disabled', () => {
  it('is sticky: late probe results and pool events are ignored (same object back)', () => {
    const disabled = nextHealthStatus(run([ok()]), { type: 'disabled' }, T0 + 5000, thresholds);
    for (const event of [
      ok(),
      fail(),
      { type: 'upstream', state: 'starting' },
      { type: 'needs_auth' },
    ] as HealthEvent[]) {
      expect(nextHealthStatus(disabled, event, T0 + 6000, thresholds)).toBe(disabled);
    }
  });

  it('keeps the last result to show, and enabling goes to unknown until the next probe', () => {
    const disabled = nextHealthStatus(run([ok(33)]), { type: 'disabled' }, T0 + 5000, thresholds);
    expect(disabled).toMatchObject({ status: 'disabled', latencyMs: 33, since: T0 + 5000 });
    const enabled = nextHealthStatus(disabled, { type: 'enabled' }, T0 + 6000, thresholds);
    expect(enabled).toMatchObject({ status: 'unknown', latencyMs: 33, since: T0 + 6000 });
  });

  it('enabling a server that is not disabled changes nothing', () => {
    const healthy = run([ok()]);
    expect(nextHealthStatus(healthy, { type: 'enabled' }, T0 + 9000, thresholds)).toBe(healthy);
  });
});

describe('needs_config and needs_auth', () => {
  it('needs_config lists the missing variables in the state and the error', () => {
    const next = nextHealthStatus(
      initialHealthState(T0),
      { type: 'needs_config', missing: ['A', 'B'] },
      T0 + 1,
      thresholds,
    );
    expect(next).toMatchObject({
      status: 'needs_config',
      missing: ['A', 'B'],
      checkedAt: T0 + 1,
      lastError: { message: 'missing values for: A, B', code: 'NEEDS_CONFIG', at: T0 + 1 },
    });
  });

  it('needs_config without names still says what is wrong', () => {
    const next = nextHealthStatus(
      initialHealthState(T0),
      { type: 'needs_config', missing: [] },
      T0,
      thresholds,
    );
    expect(next.lastError?.message).toBe('missing configuration');
  });

  it('the same needs_config again is no change (same object); a different list is', () => {
    const a = nextHealthStatus(
      initialHealthState(T0),
      { type: 'needs_config', missing: ['A'] },
      T0 + 1,
      thresholds,
    );
    expect(nextHealthStatus(a, { type: 'needs_config', missing: ['A'] }, T0 + 2, thresholds)).toBe(a);
    const b = nextHealthStatus(a, { type: 'needs_config', missing: ['A', 'B'] }, T0 + 3, thresholds);
    expect(b).toMatchObject({ missing: ['A', 'B'], since: T0 + 1, checkedAt: T0 + 3 });
  });

  it('a probe failing with NEEDS_CONFIG carries its missing list and message', () => {
    const next = nextHealthStatus(
      initialHealthState(T0),
      {
        type: 'probe',
        result: {
          ok: false,
          latencyMs: 1,
          error: 'fill TOKEN',
          errorCode: 'NEEDS_CONFIG',
          missing: ['TOKEN'],
        },
      },
      T0,
      thresholds,
    );
    expect(next).toMatchObject({
      status: 'needs_config',
      missing: ['TOKEN'],
      lastError: { message: 'fill TOKEN' },
    });
  });

  it('needs_auth has an actionable default message, or the one given; repeats are no change', () => {
    const a = nextHealthStatus(initialHealthState(T0), { type: 'needs_auth' }, T0, thresholds);
    expect(a.lastError).toEqual({ message: 'needs sign-in: use Connect', code: 'NEEDS_AUTH', at: T0 });
    expect(nextHealthStatus(a, { type: 'needs_auth' }, T0 + 1, thresholds)).toBe(a);
    const b = nextHealthStatus(
      a,
      { type: 'needs_auth', message: 'token revoked: Connect again' },
      T0 + 2,
      thresholds,
    );
    expect(b.lastError?.message).toBe('token revoked: Connect again');
  });

  it('neither counts as a probe outcome (no flip, no failure count)', () => {
    const healthy = run([ok()]);
    const auth = nextHealthStatus(healthy, { type: 'needs_auth' }, T0 + 5000, thresholds);
    expect(auth).toMatchObject({ lastOutcome: 'ok', consecutiveFailures: 0, flips: [] });
  });

  it('a working probe clears them', () => {
    const auth = nextHealthStatus(
      initialHealthState(T0),
      { type: 'needs_config', missing: ['A'] },
      T0,
      thresholds,
    );
    expect(nextHealthStatus(auth, ok(), T0 + 1, thresholds)).toMatchObject({
      status: 'healthy',
      missing: [],
    });
  });
});

describe('pool events', () => {
  it('starting, then a probe result', () => {
    const starting = nextHealthStatus(
      run([ok()]),
      { type: 'upstream', state: 'starting' },
      T0 + 5000,
      thresholds,
    );
    expect(starting).toMatchObject({ status: 'starting', since: T0 + 5000, lastOutcome: 'ok' });
    expect(nextHealthStatus(starting, { type: 'upstream', state: 'starting' }, T0 + 5001, thresholds)).toBe(
      starting,
    );
    expect(nextHealthStatus(starting, ok(), T0 + 6000, thresholds).status).toBe('healthy');
  });

  it('running changes nothing (only a probe says whether it answers)', () => {
    const starting = stateWith('starting');
    expect(nextHealthStatus(starting, { type: 'upstream', state: 'running' }, T0 + 1, thresholds)).toBe(
      starting,
    );
  });

  it('stopped (idle) keeps the last known result to show with its age', () => {
    const healthy = run([ok(77)]);
    const stopped = nextHealthStatus(
      healthy,
      { type: 'upstream', state: 'stopped' },
      T0 + 60_000,
      thresholds,
    );
    expect(stopped).toMatchObject({
      status: 'stopped',
      latencyMs: 77,
      checkedAt: healthy.checkedAt,
      lastOutcome: 'ok',
      since: T0 + 60_000,
    });
  });

  it('stopped does not hide needs_auth / needs_config', () => {
    const auth = stateWith('needs_auth');
    expect(nextHealthStatus(auth, { type: 'upstream', state: 'stopped' }, T0 + 1, thresholds)).toBe(auth);
  });

  it('crashed is an unhealthy result with the given or a default message', () => {
    const crashed = nextHealthStatus(
      run([ok()]),
      { type: 'upstream', state: 'crashed', error: 'exit 1' },
      T0 + 5000,
      thresholds,
    );
    expect(crashed).toMatchObject({
      status: 'unhealthy',
      latencyMs: null,
      lastOutcome: 'fail',
      consecutiveFailures: 1,
      lastError: { message: 'exit 1', code: 'UPSTREAM_UNAVAILABLE', at: T0 + 5000 },
    });
    const silent = nextHealthStatus(
      initialHealthState(T0),
      { type: 'upstream', state: 'crashed' },
      T0,
      thresholds,
    );
    expect(silent.lastError?.message).toBe('the server stopped unexpectedly');
  });
});

describe('purity', () => {
  it('never mutates its input', () => {
    const prev = run([ok(), fail(), ok()]);
    const frozen = structuredClone(prev);
    nextHealthStatus(prev, fail(), T0 + 10_000, thresholds);
    nextHealthStatus(prev, { type: 'disabled' }, T0 + 10_000, thresholds);
    expect(prev).toEqual(frozen);
  });
});
