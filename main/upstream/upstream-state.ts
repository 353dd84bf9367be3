import type { ErrorInfo } from '../lib/errors.ts';
import type { RestartPolicy } from './restart-policy.ts';
import { planRestart, recentFailures } from './restart-policy.ts';
import type { UpstreamState } from './upstream-types.ts';

/**
 * The lifecycle of one upstream, as a pure reducer: `nextUpstreamState(model, event, env)` returns the next
 * model and the actions the runner must perform (connect, close, arm a timer, fetch the catalog, tell
 * listeners). No I/O, no timers, no clock: tests feed events and numbers.
 *
 * Rules worth knowing:
 * - Every start and every stop bumps `attempt`; the result of a connect attempt that is no longer the current
 *   one is discarded (a stop or a newer start overtook it).
 * - A crash or a failed connect is a failure: it is recorded in the restart policy's window and the upstream
 *   waits in `backoff` (or gives up: `failed`). NEEDS_AUTH never backs off: retrying cannot help until the
 *   person signs in, so it is `failed` at once (the next call or health check tries again).
 * - A lost session (an HTTP upstream that forgot our session, a legacy SSE stream that dropped, a stdio pipe
 *   found broken) reconnects AT ONCE when nothing failed recently: the usual cause is a server restart, and the
 *   next call should not wait for it. It still counts as a failure, so a server that keeps losing our session
 *   backs off like one that keeps crashing.
 */

/** What the reducer knows about one upstream. */
export interface UpstreamModel {
  /** The registry id of the server this entry belongs to (never reused). */
  readonly serverId: number;
  readonly prefix: string;
  readonly state: UpstreamState;
  /** Epoch ms of the last state change. */
  readonly since: number;
  readonly lastError?: ErrorInfo;
  /** Names of missing variables while `needs_config`. */
  readonly missing?: readonly string[];
  /** Failure times inside the restart policy's window, oldest first. */
  readonly failures: readonly number[];
  /** When the next attempt is due while `backoff`. */
  readonly nextRetryAt?: number;
  /** Number of the current connect attempt (bumped by every start and stop). */
  readonly attempt: number;
}

/** Everything that can happen to an upstream. */
export type UpstreamEvent =
  /** Someone needs it running: a call, discovery, keepRunning, a health check, an explicit restart. */
  | { type: 'start' }
  /** The retry timer of `backoff` fired. */
  | { type: 'retry-due' }
  | { type: 'connected'; attempt: number }
  | { type: 'connect-failed'; attempt: number; error: ErrorInfo }
  /** The live connection closed on its own (the process exited). */
  | { type: 'crashed'; error: ErrorInfo }
  /** The live connection is unusable although the server may be fine: reconnect with a new session. */
  | { type: 'session-lost'; error: ErrorInfo }
  | { type: 'stop'; to: 'stopped' | 'disabled' | 'needs_config' }
  /** The idle timer fired and nothing is in flight. */
  | { type: 'idle' }
  | { type: 'needs-config'; missing: readonly string[]; error: ErrorInfo }
  /** Its variables resolve again (or it was enabled): leave `disabled` / `needs_config`. */
  | { type: 'configured' }
  /** Reading its variables failed (vault locked…). */
  | { type: 'values-failed'; error: ErrorInfo }
  /** Earlier failures no longer count (the person restarted it, or its definition changed). */
  | { type: 'forget-failures' };

/** What the runner does after a transition, in order. */
export type UpstreamAction =
  /** Open a connection as attempt `attempt` and report `connected` / `connect-failed` with that number. */
  | { kind: 'connect'; attempt: number }
  /** Make the connection of the event the live one. */
  | { kind: 'adopt' }
  /** Close the connection of the event: it arrived after its attempt was overtaken. */
  | { kind: 'discard' }
  /** Close the live connection (and connections being retired) and any connect in progress. */
  | { kind: 'close' }
  /**
   * Stop using the live connection for new requests; requests already on it finish or fail on their own (a
   * Streamable HTTP request that cannot have run gets its own 400/404 and is repeated on the new session), then
   * it is closed. Where no answer can arrive any more (stdio, a legacy SSE stream) the runner closes it at once.
   */
  | { kind: 'retire' }
  | { kind: 'schedule-retry'; delayMs: number }
  | { kind: 'cancel-retry' }
  | { kind: 'cancel-idle' }
  /** Stop it later if it stays idle (the runner knows the idle settings and the calls in flight). */
  | { kind: 'arm-idle' }
  | { kind: 'refresh-catalog' }
  /** Tell listeners the new status. */
  | { kind: 'emit' }
  | { kind: 'log'; level: 'info' | 'warn'; message: string; fields: Record<string, unknown> };

export interface UpstreamEnv {
  now: number;
  policy: RestartPolicy;
}

export interface Transition {
  model: UpstreamModel;
  actions: UpstreamAction[];
}

/** The model of an upstream just added to the pool. */
export function initialUpstreamModel(
  server: { id: number; prefix: string; enabled: boolean },
  now: number,
): UpstreamModel {
  return {
    serverId: server.id,
    prefix: server.prefix,
    state: server.enabled ? 'stopped' : 'disabled',
    since: now,
    failures: [],
    attempt: 0,
  };
}

const unchanged = (model: UpstreamModel): Transition => ({ model, actions: [] });

/** The pure reducer: the next model and the actions to perform. */
export function nextUpstreamState(model: UpstreamModel, event: UpstreamEvent, env: UpstreamEnv): Transition {
  switch (event.type) {
    case 'start':
      return startFrom(model, env, ['stopped', 'failed', 'backoff']);

    case 'retry-due':
      return startFrom(model, env, ['backoff']);

    case 'connected':
      if (event.attempt !== model.attempt || model.state !== 'starting')
        return { model, actions: [{ kind: 'discard' }] };
      return {
        model: moveTo(model, 'ready', env.now),
        actions: [{ kind: 'adopt' }, { kind: 'emit' }, { kind: 'refresh-catalog' }, { kind: 'arm-idle' }],
      };

    case 'connect-failed': {
      if (event.attempt !== model.attempt || model.state !== 'starting') return unchanged(model);
      if (event.error.code === 'NEEDS_CONFIG') {
        const missing = missingOf(event.error);
        return {
          model: { ...moveTo(model, 'needs_config', env.now), missing, lastError: event.error },
          actions: [{ kind: 'emit' }],
        };
      }
      return failure(model, event.error, env, []);
    }

    case 'crashed':
      if (model.state !== 'ready') return unchanged(model);
      return failure(model, event.error, env, [{ kind: 'close' }, { kind: 'cancel-idle' }]);

    case 'session-lost':
      return sessionLost(model, event.error, env);

    case 'stop':
      return stopTo(model, event.to, env);

    case 'idle':
      if (model.state !== 'ready') return unchanged(model);
      {
        const stopped = stopTo(model, 'stopped', env);
        return {
          model: stopped.model,
          actions: [
            {
              kind: 'log',
              level: 'info',
              message: 'stopping idle upstream',
              fields: { prefix: model.prefix },
            },
            ...stopped.actions,
          ],
        };
      }

    case 'needs-config': {
      const stopped = model.state === 'needs_config' ? unchanged(model) : stopTo(model, 'needs_config', env);
      // Always tell listeners: the missing names may have changed even when the state did not.
      return {
        model: { ...stopped.model, missing: [...event.missing], lastError: event.error },
        actions: [...stopped.actions.filter((a) => a.kind !== 'emit'), { kind: 'emit' }],
      };
    }

    case 'configured':
      if (model.state !== 'disabled' && model.state !== 'needs_config') return unchanged(model);
      return {
        model: { ...moveTo(model, 'stopped', env.now), failures: [], lastError: undefined },
        actions: [{ kind: 'emit' }],
      };

    case 'values-failed':
      return {
        model: { ...moveTo(model, 'failed', env.now), lastError: event.error },
        actions: model.state === 'failed' ? [] : [{ kind: 'emit' }],
      };

    case 'forget-failures':
      return { model: { ...model, failures: [], lastError: undefined }, actions: [] };
  }
}

function startFrom(model: UpstreamModel, env: UpstreamEnv, from: readonly UpstreamState[]): Transition {
  if (!from.includes(model.state)) return unchanged(model);
  const attempt = model.attempt + 1;
  return {
    model: { ...moveTo(model, 'starting', env.now), attempt, nextRetryAt: undefined },
    actions: [{ kind: 'cancel-retry' }, { kind: 'emit' }, { kind: 'connect', attempt }],
  };
}

function stopTo(
  model: UpstreamModel,
  to: 'stopped' | 'disabled' | 'needs_config',
  env: UpstreamEnv,
): Transition {
  const next = { ...moveTo(model, to, env.now), attempt: model.attempt + 1, nextRetryAt: undefined };
  const actions: UpstreamAction[] = [{ kind: 'cancel-retry' }, { kind: 'cancel-idle' }, { kind: 'close' }];
  if (next.state !== model.state) actions.push({ kind: 'emit' });
  return { model: next, actions };
}

/** A failure: counted, then back off (or give up, or wait for a sign-in). */
function failure(
  model: UpstreamModel,
  error: ErrorInfo,
  env: UpstreamEnv,
  first: UpstreamAction[],
): Transition {
  const failures = recentFailures([...model.failures, env.now], env.now, env.policy);
  const base = { ...model, failures, lastError: error };
  if (error.code === 'NEEDS_AUTH') {
    return {
      model: moveTo(base, 'failed', env.now),
      actions: [
        ...first,
        {
          kind: 'log',
          level: 'info',
          message: 'upstream needs sign-in',
          fields: { prefix: model.prefix, error: error.message },
        },
        { kind: 'emit' },
      ],
    };
  }
  const plan = planRestart(failures, env.now, env.policy);
  const log: UpstreamAction = {
    kind: 'log',
    level: 'warn',
    message: 'upstream failed',
    fields: { prefix: model.prefix, error: error.message, attempt: plan.attempt },
  };
  if (plan.action === 'give-up') {
    return { model: moveTo(base, 'failed', env.now), actions: [...first, log, { kind: 'emit' }] };
  }
  return backoff(base, plan.delayMs, env, [...first, log]);
}

function backoff(
  model: UpstreamModel,
  delayMs: number,
  env: UpstreamEnv,
  first: UpstreamAction[],
): Transition {
  // A second backoff in a row is still news: the retry time moved.
  const next = { ...moveTo(model, 'backoff', env.now), since: env.now, nextRetryAt: env.now + delayMs };
  return { model: next, actions: [...first, { kind: 'schedule-retry', delayMs }, { kind: 'emit' }] };
}

function sessionLost(model: UpstreamModel, error: ErrorInfo, env: UpstreamEnv): Transition {
  if (model.state !== 'ready') return unchanged(model);
  const before = recentFailures(model.failures, env.now, env.policy);
  const failures = recentFailures([...model.failures, env.now], env.now, env.policy);
  // Planned over the failures BEFORE this one: the first loss in a quiet window reconnects at once.
  const plan = planRestart(before, env.now, env.policy);
  const base = { ...model, failures, lastError: error };
  const fields = { prefix: model.prefix, reason: error.message, attempt: plan.attempt + 1 };
  const closing: UpstreamAction[] = [{ kind: 'cancel-idle' }, { kind: 'retire' }];
  if (plan.action === 'give-up') {
    return {
      model: moveTo(base, 'failed', env.now),
      actions: [
        ...closing,
        { kind: 'log', level: 'warn', message: 'upstream keeps losing its session; giving up', fields },
        { kind: 'emit' },
      ],
    };
  }
  if (plan.delayMs > 0) {
    return backoff(base, plan.delayMs, env, [
      ...closing,
      {
        kind: 'log',
        level: 'warn',
        message: 'upstream lost its session again; reconnecting after a pause',
        fields: { ...fields, delayMs: plan.delayMs },
      },
    ]);
  }
  const attempt = model.attempt + 1;
  return {
    model: { ...moveTo(base, 'starting', env.now), attempt, nextRetryAt: undefined },
    actions: [
      ...closing,
      {
        kind: 'log',
        level: 'info',
        message: 'upstream connection lost; reconnecting with a new session',
        fields,
      },
      { kind: 'emit' },
      { kind: 'connect', attempt },
    ],
  };
}

/** `model` in `state`; `since` moves only when the state changes, `missing` only lives in needs_config. */
function moveTo(model: UpstreamModel, state: UpstreamState, now: number): UpstreamModel {
  if (model.state === state) return model;
  return { ...model, state, since: now, missing: state === 'needs_config' ? model.missing : undefined };
}

function missingOf(error: ErrorInfo): string[] {
  const missing = (error.details as { missing?: unknown } | undefined)?.missing;
  return Array.isArray(missing) ? missing.filter((m): m is string => typeof m === 'string') : [];
}

/** True when an upstream could be stopped for idling: ready, no call in flight, a stdio server not kept running. */
export function mayIdleOut(
  server: { transport: string; keepRunning: boolean },
  state: UpstreamState,
  inFlight: number,
): boolean {
  return state === 'ready' && inFlight === 0 && server.transport === 'stdio' && !server.keepRunning;
}

/**
 * What the idle check does, for an upstream that may idle out and has been idle `idleForMs`: stop it, look
 * again in so many ms (it was used since the check was set), or nothing (an idle timeout of 0: never).
 */
export function idleStep(idleTimeoutMs: number, idleForMs: number): 'stop' | number | undefined {
  if (idleTimeoutMs <= 0) return undefined;
  return idleForMs >= idleTimeoutMs ? 'stop' : idleTimeoutMs - idleForMs;
}
