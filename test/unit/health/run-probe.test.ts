import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProbeFn } from '../../../main/health/run-probe.ts';
import { probeFailure, runProbe } from '../../../main/health/run-probe.ts';
import { SwitchboardError } from '../../../main/lib/errors.ts';

const clock = { now: () => Date.now() };
const timers = {
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as number),
};
const redact = (text: string) => text.replaceAll('s3cret', '[REDACTED]');

function options(probe: ProbeFn, controller = new AbortController()) {
  return { prefix: 'srv', probe, controller, timeoutMs: 5000, timers, clock, redact };
}

/** A probe that answers after `ms` of fake time. */
function after<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('runProbe', () => {
  it('uses the latency the probe reports (connect time excluded)', async () => {
    const result = runProbe(options(() => after(3000, { latencyMs: 40.4 })));
    await vi.advanceTimersByTimeAsync(3000);
    expect(await result).toEqual({ ok: true, latencyMs: 40 });
  });

  it('measures latency itself when the probe reports none (or nonsense)', async () => {
    const a = runProbe(options(() => after(250, {})));
    await vi.advanceTimersByTimeAsync(250);
    expect(await a).toEqual({ ok: true, latencyMs: 250 });
    const b = runProbe(options(() => after(10, { latencyMs: Number.NaN })));
    await vi.advanceTimersByTimeAsync(10);
    expect(await b).toEqual({ ok: true, latencyMs: 10 });
  });

  it('turns a rejection into a redacted failure with the time to failure', async () => {
    const probe: ProbeFn = () =>
      after(20, null).then(() => {
        throw new SwitchboardError('UPSTREAM_UNAVAILABLE', 'cannot reach https://x?key=s3cret');
      });
    const result = runProbe(options(probe));
    await vi.advanceTimersByTimeAsync(20);
    expect(await result).toEqual({
      ok: false,
      latencyMs: 20,
      error: 'cannot reach https://x?key=[REDACTED]',
      errorCode: 'UPSTREAM_UNAVAILABLE',
    });
  });

  it('times out a hung probe, aborts its signal and stops waiting', async () => {
    let signal: AbortSignal | undefined;
    const result = runProbe(
      options((_prefix, s) => {
        signal = s;
        return new Promise(() => {});
      }),
    );
    await vi.advanceTimersByTimeAsync(4999);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toEqual({
      ok: false,
      latencyMs: 5000,
      error: 'no answer to the health check within 5s',
      errorCode: 'UPSTREAM_TIMEOUT',
    });
    expect(signal?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops waiting as soon as the caller aborts, even if the probe ignores the signal', async () => {
    const controller = new AbortController();
    const result = runProbe(options(() => new Promise(() => {}), controller));
    controller.abort();
    expect(await result).toMatchObject({ ok: false, error: 'health check cancelled' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes the prefix to the probe', async () => {
    const probe = vi.fn<ProbeFn>(async () => ({ latencyMs: 1 }));
    await runProbe(options(probe));
    expect(probe).toHaveBeenCalledWith('srv', expect.any(AbortSignal));
  });
});

describe('probeFailure', () => {
  it('keeps the code of a SwitchboardError and the missing list of NEEDS_CONFIG', () => {
    const error = new SwitchboardError('NEEDS_CONFIG', 'fill API_KEY', { details: { missing: ['API_KEY'] } });
    expect(probeFailure(error, 0, redact)).toEqual({
      ok: false,
      latencyMs: 0,
      error: 'fill API_KEY',
      errorCode: 'NEEDS_CONFIG',
      missing: ['API_KEY'],
    });
  });

  it('ignores a malformed missing list', () => {
    const error = new SwitchboardError('NEEDS_CONFIG', 'x', { details: { missing: [1] } });
    expect(probeFailure(error, 0, redact)).not.toHaveProperty('missing');
  });

  it('calls anything else an upstream error and keeps the cause (fetch failed: ECONNREFUSED)', () => {
    const error = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    expect(probeFailure(error, 3, redact)).toEqual({
      ok: false,
      latencyMs: 3,
      error: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9',
      errorCode: 'UPSTREAM_ERROR',
    });
  });

  it('copes with non-errors and redacts them too', () => {
    expect(probeFailure('token s3cret rejected', null, redact)).toMatchObject({
      error: 'token [REDACTED] rejected',
    });
  });
});
