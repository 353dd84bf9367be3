import { describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../../../main/lib/errors.ts';
import type { RestartPolicy } from '../../../main/upstream/restart-policy.ts';
import type { UpstreamAction, UpstreamEvent, UpstreamModel } from '../../../main/upstream/upstream-state.ts';
import {
  idleStep,
  mayIdleOut,
  initialUpstreamModel,
  nextUpstreamState,
} from '../../../main/upstream/upstream-state.ts';
import type { UpstreamState } from '../../../main/upstream/upstream-types.ts';

const policy: RestartPolicy = { baseDelayMs: 1000, maxDelayMs: 8000, windowMs: 60_000, maxFailures: 3 };
const NOW = 100_000;
const env = { now: NOW, policy };

const boom: ErrorInfo = { code: 'UPSTREAM_UNAVAILABLE', message: 'boom' };
const auth: ErrorInfo = { code: 'NEEDS_AUTH', message: 'sign in' };
const config: ErrorInfo = { code: 'NEEDS_CONFIG', message: 'needs TOKEN', details: { missing: ['TOKEN'] } };

const model = (state: UpstreamState, over: Partial<UpstreamModel> = {}): UpstreamModel => ({
  serverId: 7,
  prefix: 'gh',
  state,
  since: 1,
  failures: [],
  attempt: 4,
  ...over,
});

const kinds = (actions: UpstreamAction[]) => actions.map((a) => a.kind).filter((k) => k !== 'log');

const STATES: UpstreamState[] = [
  'stopped',
  'starting',
  'ready',
  'backoff',
  'needs_config',
  'failed',
  'disabled',
];
const EVENTS: UpstreamEvent[] = [
  { type: 'start' },
  { type: 'retry-due' },
  { type: 'connected', attempt: 4 },
  { type: 'connected', attempt: 3 },
  { type: 'connect-failed', attempt: 4, error: boom },
  { type: 'connect-failed', attempt: 3, error: boom },
  { type: 'crashed', error: boom },
  { type: 'session-lost', error: boom },
  { type: 'stop', to: 'stopped' },
  { type: 'stop', to: 'disabled' },
  { type: 'stop', to: 'needs_config' },
  { type: 'idle' },
  { type: 'needs-config', missing: ['TOKEN'], error: config },
  { type: 'configured' },
  { type: 'values-failed', error: boom },
  { type: 'forget-failures' },
];

/**
 * Every state × every event, with the resulting state and the actions (logs left out). `=` means the model is
 * returned unchanged with no actions.
 */
const TABLE: Record<UpstreamState, Record<string, string>> = {
  stopped: {
    start: 'starting: cancel-retry emit connect',
    'retry-due': '=',
    'connected#4': 'stopped: discard',
    'connected#3': 'stopped: discard',
    'connect-failed#4': '=',
    'connect-failed#3': '=',
    crashed: '=',
    'session-lost': '=',
    'stop:stopped': 'stopped: cancel-retry cancel-idle close',
    'stop:disabled': 'disabled: cancel-retry cancel-idle close emit',
    'stop:needs_config': 'needs_config: cancel-retry cancel-idle close emit',
    idle: '=',
    'needs-config': 'needs_config: cancel-retry cancel-idle close emit',
    configured: '=',
    'values-failed': 'failed: emit',
    'forget-failures': 'stopped:',
  },
  starting: {
    start: '=',
    'retry-due': '=',
    'connected#4': 'ready: adopt emit refresh-catalog arm-idle',
    'connected#3': 'starting: discard',
    'connect-failed#4': 'backoff: schedule-retry emit',
    'connect-failed#3': '=',
    crashed: '=',
    'session-lost': '=',
    'stop:stopped': 'stopped: cancel-retry cancel-idle close emit',
    'stop:disabled': 'disabled: cancel-retry cancel-idle close emit',
    'stop:needs_config': 'needs_config: cancel-retry cancel-idle close emit',
    idle: '=',
    'needs-config': 'needs_config: cancel-retry cancel-idle close emit',
    configured: '=',
    'values-failed': 'failed: emit',
    'forget-failures': 'starting:',
  },
  ready: {
    start: '=',
    'retry-due': '=',
    'connected#4': 'ready: discard',
    'connected#3': 'ready: discard',
    'connect-failed#4': '=',
    'connect-failed#3': '=',
    crashed: 'backoff: close cancel-idle schedule-retry emit',
    'session-lost': 'starting: cancel-idle retire emit connect',
    'stop:stopped': 'stopped: cancel-retry cancel-idle close emit',
    'stop:disabled': 'disabled: cancel-retry cancel-idle close emit',
    'stop:needs_config': 'needs_config: cancel-retry cancel-idle close emit',
    idle: 'stopped: cancel-retry cancel-idle close emit',
    'needs-config': 'needs_config: cancel-retry cancel-idle close emit',
    configured: '=',
    'values-failed': 'failed: emit',
    'forget-failures': 'ready:',
  },
  backoff: {
    start: 'starting: cancel-retry emit connect',
    'retry-due': 'starting: cancel-retry emit connect',
    'connected#4': 'backoff: discard',
    'connected#3': 'backoff: discard',
    'connect-failed#4': '=',
    'connect-failed#3': '=',
    crashed: '=',
    'session-lost': '=',
    'stop:stopped': 'stopped: cancel-retry cancel-idle close emit',
    'stop:disabled': 'disabled: cancel-retry cancel-idle close emit',
    'stop:needs_config': 'needs_config: cancel-retry cancel-idle close emit',
    idle: '=',
    'needs-config': 'needs_config: cancel-retry cancel-idle close emit',
    configured: '=',
    'values-failed': 'failed: emit',
    'forget-failures': 'backoff:',
  },
  needs_config: {
    start: '=',
    'retry-due': '=',
    'connected#4': 'needs_config: discard',
    'connected#3': 'needs_config: discard',
    'connect-failed#4': '=',
    'connect-failed#3': '=',
    crashed: '=',
    'session-lost': '=',
    'stop:stopped': 'stopped: cancel-retry cancel-idle close emit',
    'stop:disabled': 'disabled: cancel-retry cancel-idle close emit',
    'stop:needs_config': 'needs_config: cancel-retry cancel-idle close',
    idle: '=',
    'needs-config': 'needs_config: emit',
    configured: 'stopped: emit',
    'values-failed': 'failed: emit',
    'forget-failures': 'needs_config:',
  },
  failed: {
    start: 'starting: cancel-retry emit connect',
    'retry-due': '=',
    'connected#4': 'failed: discard',
    'connected#3': 'failed: discard',
    'connect-failed#4': '=',
    'connect-failed#3': '=',
    crashed: '=',
    'session-lost': '=',
    'stop:stopped': 'stopped: cancel-retry cancel-idle close emit',
    'stop:disabled': 'disabled: cancel-retry cancel-idle close emit',
    'stop:needs_config': 'needs_config: cancel-retry cancel-idle close emit',
    idle: '=',
    'needs-config': 'needs_config: cancel-retry cancel-idle close emit',
    configured: '=',
    'values-failed': 'failed:',
    'forget-failures': 'failed:',
  },
  disabled: {
    start: '=',
    'retry-due': '=',
    'connected#4': 'disabled: discard',
    'connected#3': 'disabled: discard',
    'connect-failed#4': '=',
    'connect-failed#3': '=',
    crashed: '=',
    'session-lost': '=',
    'stop:stopped': 'stopped: cancel-retry cancel-idle close emit',
    'stop:disabled': 'disabled: cancel-retry cancel-idle close',
    'stop:needs_config': 'needs_config: cancel-retry cancel-idle close emit',
    idle: '=',
    'needs-config': 'needs_config: cancel-retry cancel-idle close emit',
    configured: 'stopped: emit',
    'values-failed': 'failed: emit',
    'forget-failures': 'disabled:',
  },
};

const keyOf = (event: UpstreamEvent) => {
  if (event.type === 'connected' || event.type === 'connect-failed') return `${event.type}#${event.attempt}`;
  if (event.type === 'stop') return `stop:${event.to}`;
  return event.type;
};

describe('nextUpstreamState: every state × every event', () => {
  for (const state of STATES) {
    for (const event of EVENTS) {
      const key = keyOf(event);
      it(`${state} + ${key}`, () => {
        const before = model(state);
        const { model: after, actions } = nextUpstreamState(before, event, env);
        const expected = TABLE[state][key];
        if (expected === '=') {
          expect(after).toBe(before);
          expect(actions).toEqual([]);
          return;
        }
        expect(`${after.state}: ${kinds(actions).join(' ')}`.trim()).toBe(expected);
      });
    }
  }
});

describe('nextUpstreamState: details', () => {
  it('starts with a new attempt and connects as that attempt', () => {
    const { model: after, actions } = nextUpstreamState(
      model('backoff', { nextRetryAt: 5 }),
      { type: 'start' },
      env,
    );
    expect(after).toMatchObject({ state: 'starting', attempt: 5, since: NOW, nextRetryAt: undefined });
    expect(actions).toContainEqual({ kind: 'connect', attempt: 5 });
  });

  it('a stop overtakes a connect in progress: its late result is discarded', () => {
    const starting = nextUpstreamState(model('stopped'), { type: 'start' }, env).model;
    const stopped = nextUpstreamState(starting, { type: 'stop', to: 'stopped' }, env).model;
    const late = nextUpstreamState(stopped, { type: 'connected', attempt: starting.attempt }, env);
    expect(late.model.state).toBe('stopped');
    expect(late.actions).toEqual([{ kind: 'discard' }]);
    const failed = nextUpstreamState(
      stopped,
      { type: 'connect-failed', attempt: starting.attempt, error: boom },
      env,
    );
    expect(failed.model).toBe(stopped);
  });

  it('backs off exponentially over the failures in the window, then gives up', () => {
    let m = model('starting');
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const step = nextUpstreamState(
        m,
        { type: 'connect-failed', attempt: m.attempt, error: boom },
        { now: NOW + i, policy },
      );
      m = step.model;
      const retry = step.actions.find((a) => a.kind === 'schedule-retry');
      if (retry?.kind === 'schedule-retry') delays.push(retry.delayMs);
      if (m.state === 'backoff') {
        expect(m.nextRetryAt).toBe(NOW + i + (retry?.kind === 'schedule-retry' ? retry.delayMs : 0));
        m = nextUpstreamState(m, { type: 'retry-due' }, env).model;
      }
    }
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(m.state).toBe('failed');
    expect(m.failures).toHaveLength(4);
    expect(m.lastError).toEqual(boom);
  });

  it('does not back off from a refused sign-in: failed at once, the next call tries again', () => {
    const { model: after, actions } = nextUpstreamState(
      model('starting'),
      { type: 'connect-failed', attempt: 4, error: auth },
      env,
    );
    expect(after.state).toBe('failed');
    expect(kinds(actions)).toEqual(['emit']);
    expect(actions.some((a) => a.kind === 'log' && a.message === 'upstream needs sign-in')).toBe(true);
  });

  it('a connect that finds missing variables goes to needs_config with their names', () => {
    const { model: after } = nextUpstreamState(
      model('starting'),
      { type: 'connect-failed', attempt: 4, error: config },
      env,
    );
    expect(after).toMatchObject({ state: 'needs_config', missing: ['TOKEN'], lastError: config });
    expect(after.failures).toEqual([]);
  });

  it('a lost session reconnects at once when nothing failed recently, and counts as a failure', () => {
    const { model: after, actions } = nextUpstreamState(
      model('ready'),
      { type: 'session-lost', error: boom },
      env,
    );
    expect(after).toMatchObject({ state: 'starting', attempt: 5, failures: [NOW], lastError: boom });
    expect(actions).toContainEqual({ kind: 'connect', attempt: 5 });
    expect(actions.some((a) => a.kind === 'log' && /reconnecting with a new session/.test(a.message))).toBe(
      true,
    );
  });

  it('a session lost again soon after waits like a failure, and gives up when it keeps happening', () => {
    const again = nextUpstreamState(
      model('ready', { failures: [NOW - 10] }),
      { type: 'session-lost', error: boom },
      env,
    );
    expect(again.model.state).toBe('backoff');
    expect(again.actions).toContainEqual({ kind: 'schedule-retry', delayMs: 1000 });
    const many = nextUpstreamState(
      model('ready', { failures: [NOW - 40, NOW - 30, NOW - 20, NOW - 10] }),
      { type: 'session-lost', error: boom },
      env,
    );
    expect(many.model.state).toBe('failed');
    expect(kinds(many.actions)).toEqual(['cancel-idle', 'retire', 'emit']);
  });

  it('failures outside the window no longer count', () => {
    const old = NOW - policy.windowMs - 1;
    const { model: after } = nextUpstreamState(
      model('ready', { failures: [old, old] }),
      { type: 'session-lost', error: boom },
      env,
    );
    expect(after.state).toBe('starting');
    expect(after.failures).toEqual([NOW]);
  });

  it('a crash is a failure: close, back off from the base delay', () => {
    const { model: after, actions } = nextUpstreamState(
      model('ready'),
      { type: 'crashed', error: boom },
      env,
    );
    expect(after).toMatchObject({ state: 'backoff', nextRetryAt: NOW + 1000, failures: [NOW] });
    expect(actions).toContainEqual({ kind: 'schedule-retry', delayMs: 1000 });
  });

  it('needs-config always tells listeners (the missing names may have changed)', () => {
    const first = nextUpstreamState(
      model('stopped'),
      { type: 'needs-config', missing: ['A'], error: config },
      env,
    );
    expect(first.model).toMatchObject({ state: 'needs_config', missing: ['A'] });
    const second = nextUpstreamState(
      first.model,
      { type: 'needs-config', missing: ['A', 'B'], error: config },
      env,
    );
    expect(second.model.missing).toEqual(['A', 'B']);
    expect(kinds(second.actions)).toEqual(['emit']);
  });

  it('configured clears the failures and the error; missing only lives in needs_config', () => {
    const from = model('needs_config', { missing: ['A'], failures: [NOW], lastError: config });
    const { model: after } = nextUpstreamState(from, { type: 'configured' }, env);
    expect(after).toMatchObject({ state: 'stopped', failures: [], lastError: undefined, missing: undefined });
  });

  it('forget-failures resets the history without a state change', () => {
    const { model: after, actions } = nextUpstreamState(
      model('failed', { failures: [NOW], lastError: boom }),
      { type: 'forget-failures' },
      env,
    );
    expect(after).toMatchObject({ state: 'failed', failures: [], lastError: undefined });
    expect(actions).toEqual([]);
  });

  it('an idle stop is logged', () => {
    const { actions } = nextUpstreamState(model('ready'), { type: 'idle' }, env);
    expect(actions[0]).toMatchObject({ kind: 'log', message: 'stopping idle upstream' });
  });

  it('a new entry is stopped, or disabled when its server is off', () => {
    expect(initialUpstreamModel({ id: 3, prefix: 'a', enabled: true }, 9)).toEqual({
      serverId: 3,
      prefix: 'a',
      state: 'stopped',
      since: 9,
      failures: [],
      attempt: 0,
    });
    expect(initialUpstreamModel({ id: 3, prefix: 'a', enabled: false }, 9).state).toBe('disabled');
  });
});

describe('mayIdleOut', () => {
  const stdio = { transport: 'stdio', keepRunning: false };
  it.each([
    [stdio, 'ready', 0, true],
    [stdio, 'ready', 1, false],
    [stdio, 'starting', 0, false],
    [{ transport: 'stdio', keepRunning: true }, 'ready', 0, false],
    [{ transport: 'http', keepRunning: false }, 'ready', 0, false],
  ] as const)('%o %s inFlight=%i → %s', (server, state, inFlight, expected) => {
    expect(mayIdleOut(server, state, inFlight)).toBe(expected);
  });
});

describe('idleStep', () => {
  it.each([
    [1000, 0, 1000],
    [1000, 400, 600],
    [1000, 1000, 'stop'],
    [1000, 5000, 'stop'],
    [0, 5000, undefined],
  ] as const)('timeout %i, idle for %i → %s', (timeout, idleFor, expected) => {
    expect(idleStep(timeout, idleFor)).toBe(expected);
  });
});
