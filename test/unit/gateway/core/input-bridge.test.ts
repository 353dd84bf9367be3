import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../main/lib/logger.ts';
import type { DownstreamCaller } from '../../../../main/gateway/core/downstream-caller.ts';
import { createInputBridge } from '../../../../main/gateway/core/input-bridge.ts';
import type { UpstreamCaller } from '../../../../main/upstream/upstream-types.ts';

const caps = { sampling: true, elicitation: true, roots: true };

describe('createInputBridge', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const bridge = () => createInputBridge({ log: silentLogger, ttlMs: 1000, gatherMs: 5 });

  it('returns the result when the upstream asks nothing', async () => {
    const b = bridge();
    const outcome = await b.start('me', caps, 's', async () => 'done', new AbortController().signal);
    expect(outcome).toEqual({ kind: 'done', value: 'done' });
  });

  it('parks a call that asks, and finishes it with the answer', async () => {
    const b = bridge();
    let captured: UpstreamCaller | undefined;
    const round1 = b.start(
      'me',
      caps,
      's',
      async (caller, signal) => {
        captured = caller;
        const answer = await caller.request('elicitation/create', { message: 'Name?' }, signal);
        return `hello ${String((answer.content as { name: string }).name)}`;
      },
      new AbortController().signal,
    );
    await vi.advanceTimersByTimeAsync(10);
    const first = await round1;
    expect(first).toMatchObject({
      kind: 'input',
      inputRequests: { i1: { method: 'elicitation/create', params: { message: 'Name?' } } },
    });
    expect(captured?.capabilities).toEqual(caps);
    const state = (first as { requestState: string }).requestState;
    expect(b.has(state)).toBe(true);
    expect(b.resume('someone-else', state, {}, new AbortController().signal)).toBeUndefined();
    const second = await b.resume(
      'me',
      state,
      { i1: { action: 'accept', content: { name: 'ada' } } },
      new AbortController().signal,
    );
    expect(second).toEqual({ kind: 'done', value: 'hello ada' });
    expect(b.has(state)).toBe(false);
  });

  it('gathers questions asked together into one round', async () => {
    const b = bridge();
    const round = b.start(
      'me',
      caps,
      's',
      async (caller, signal) => {
        const [a, r] = await Promise.all([
          caller.request('sampling/createMessage', { messages: [] }, signal),
          caller.request('roots/list', undefined, signal),
        ]);
        return [a, r];
      },
      new AbortController().signal,
    );
    await vi.advanceTimersByTimeAsync(10);
    const outcome = await round;
    expect(outcome.kind === 'input' && Object.keys(outcome.inputRequests)).toEqual(['i1', 'i2']);
  });

  it('re-asks what was not answered', async () => {
    const b = bridge();
    const round = b.start(
      'me',
      caps,
      's',
      async (caller, signal) => caller.request('roots/list', undefined, signal),
      new AbortController().signal,
    );
    await vi.advanceTimersByTimeAsync(10);
    const first = await round;
    const state = (first as { requestState: string }).requestState;
    const again = b.resume('me', state, {}, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(10);
    expect(await again).toMatchObject({
      kind: 'input',
      requestState: state,
      inputRequests: { i1: { method: 'roots/list' } },
    });
  });

  it('cancels a parked call upstream when the client never comes back', async () => {
    const b = bridge();
    let aborted = false;
    const round = b.start(
      'me',
      caps,
      's',
      async (caller, signal) => {
        signal.addEventListener('abort', () => (aborted = true));
        return caller.request('roots/list', undefined, signal);
      },
      new AbortController().signal,
    );
    await vi.advanceTimersByTimeAsync(10);
    const state = ((await round) as { requestState: string }).requestState;
    await vi.advanceTimersByTimeAsync(1000);
    expect(aborted).toBe(true);
    expect(b.has(state)).toBe(false);
  });

  it('cancels the upstream call when the client cancels a round', async () => {
    const b = bridge();
    let aborted = false;
    const roundAbort = new AbortController();
    const round = b.start(
      'me',
      caps,
      's',
      (_caller, signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          }),
        ),
      roundAbort.signal,
    );
    roundAbort.abort('user');
    expect(await round).toMatchObject({ kind: 'failed' });
    expect(aborted).toBe(true);
  });

  it('reports upstream failures and cancels everything on close', async () => {
    const b = bridge();
    expect(
      await b.start(
        'me',
        caps,
        's',
        async () => {
          throw new Error('boom');
        },
        new AbortController().signal,
      ),
    ).toMatchObject({ kind: 'failed', error: new Error('boom') });
    let aborted = false;
    const round = b.start(
      'me',
      caps,
      's',
      async (caller, signal) => {
        signal.addEventListener('abort', () => (aborted = true));
        return caller.request('roots/list', undefined, signal);
      },
      new AbortController().signal,
    );
    await vi.advanceTimersByTimeAsync(10);
    await round;
    b.close();
    expect(aborted).toBe(true);
  });
});

describe('the callers the bridge hands to the pool', () => {
  it('name their session and carry a call id of their own, never the resume secret', async () => {
    const b = createInputBridge({ log: silentLogger });
    const seen: UpstreamCaller[] = [];
    const run = async (caller: UpstreamCaller) => {
      seen.push(caller);
      return 'ok';
    };
    await b.start('me', caps, 'session-1', run, new AbortController().signal);
    await b.start('me', caps, 'session-1', run, new AbortController().signal);
    const [first, second] = seen as DownstreamCaller[];
    expect(first?.sessionKey).toBe('session-1');
    expect(first?.callId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first?.callId).not.toBe(second?.callId);
    b.close();
  });
});
