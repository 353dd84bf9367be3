import type { ErrorInfo } from '../lib/errors.ts';
import { SwitchboardError, toErrorInfo } from '../lib/errors.ts';
import type { Listeners } from '../lib/listeners.ts';
import type { Logger } from '../lib/logger.ts';
import type { Redactor } from '../lib/redactor.ts';
import type { Trouble } from './connection-trouble.ts';
import { describe, transportSignal, troubleOfFailure } from './connection-trouble.ts';
import type { LiveConnection, PoolEntry } from './pool-entry.ts';
import { statusOf } from './pool-entry.ts';
import type { RestartPolicy } from './restart-policy.ts';
import { settlesWithin } from './timeouts.ts';
import { connectError, isSdkTimeout } from './upstream-errors.ts';
import type { UpstreamAction, UpstreamEvent } from './upstream-state.ts';
import { mayIdleOut, idleStep, nextUpstreamState } from './upstream-state.ts';
import type { UpstreamPoolEvents } from './upstream-types.ts';

/**
 * The thin runner around the pure state machine: feeds an entry's events to `nextUpstreamState` and performs
 * the actions it returns — connecting, closing, timers, catalog refreshes, events. It also turns what the
 * transports report (a process that exited, a session the server no longer knows, a stream that dropped)
 * into events.
 */

const CLOSE_TIMEOUT_MS = 10_000;
/** Bound on the ping that checks a session after a stream dropped. */
const VERIFY_TIMEOUT_MS = 10_000;

export interface RunnerDeps {
  log: Logger;
  redactor: Redactor;
  listeners: Listeners<UpstreamPoolEvents>;
  now(): number;
  policy: RestartPolicy;
  idleTimeoutMs(): number;
  /** Opens a connection for the entry (attempt `attempt`); rejects with the reason it could not. */
  open(entry: PoolEntry, attempt: number): Promise<LiveConnection>;
  /** Re-reads every list of the entry's live connection. */
  refreshCatalog(entry: PoolEntry): void;
  /** Opens a modern upstream's change stream (it keeps itself open). */
  openListen(entry: PoolEntry, conn: LiveConnection): void;
  /** Longest a retired connection is kept for the calls still on it (they have their own timeouts too). */
  retireTimeoutMs: number;
}

export interface Runner {
  /** Feeds one event; resolves when the closes it caused are done. */
  dispatch(entry: PoolEntry, event: UpstreamEvent, conn?: LiveConnection): Promise<void>;
  /** The live connection, starting the upstream when needed. */
  ensureStarted(entry: PoolEntry): Promise<LiveConnection>;
  /** Stops the entry and waits until its process (or connection) is gone. */
  stop(entry: PoolEntry, to: 'stopped' | 'disabled' | 'needs_config'): Promise<void>;
  /** Gives a live connection up (saying `reason`) and reconnects; a no-op when it is not the live one. */
  lose(entry: PoolEntry, conn: LiveConnection, reason: string): void;
  /** Something suggests the session may be gone: check with a ping, lose the connection if so. */
  verify(entry: PoolEntry, conn: LiveConnection): void;
  armIdle(entry: PoolEntry): void;
  /** A call finished: close its connection if that was retired and this was its last call. */
  callDone(entry: PoolEntry, conn: LiveConnection | undefined): void;
}

/** The message for a connection given up because of `trouble`. */
export function troubleReason(prefix: string, trouble: Trouble): string {
  switch (trouble.kind) {
    case 'session-rejected':
      return `${prefix} no longer knows our session (it probably restarted): ${trouble.detail}`;
    case 'unreachable':
      return `${prefix} could not be reached: ${trouble.detail}`;
    case 'not-delivered':
      return `the connection to ${prefix} was broken: ${trouble.detail}`;
    case 'dropped':
      return `the connection to ${prefix} dropped: ${trouble.detail}`;
  }
}

/** Creates the runner. */
export function createRunner(deps: RunnerDeps): Runner {
  const { log } = deps;

  const stoppedWhileStarting = (prefix: string) =>
    new SwitchboardError('UPSTREAM_UNAVAILABLE', `${prefix} was stopped while it was starting`);

  const failureInfo = (prefix: string, error: unknown): ErrorInfo => {
    const info = toErrorInfo(error instanceof SwitchboardError ? error : connectError(prefix, error));
    return { ...info, message: deps.redactor.redact(info.message) };
  };

  const closeConnection = async (conn: LiveConnection) => {
    await settlesWithin(
      conn.client.close().catch(() => {}),
      CLOSE_TIMEOUT_MS,
    );
    // Client.close() closes the transport too; a second close is a no-op, but covers a client that threw early.
    await settlesWithin(conn.transport.close(), CLOSE_TIMEOUT_MS);
  };

  const dispatch: Runner['dispatch'] = (entry, event, conn) => {
    const { model, actions } = nextUpstreamState(entry.model, event, {
      now: deps.now(),
      policy: deps.policy,
    });
    entry.model = model;
    const waits: Promise<void>[] = [];
    for (const action of actions) {
      const done = perform(entry, action, conn);
      if (done) waits.push(done);
    }
    return Promise.all(waits).then(() => undefined);
  };

  const perform = (entry: PoolEntry, action: UpstreamAction, conn: LiveConnection | undefined) => {
    switch (action.kind) {
      case 'connect':
        connect(entry, action.attempt);
        return;
      case 'adopt':
        if (conn) adopt(entry, conn);
        return;
      case 'discard':
        return conn ? closeConnection(conn) : undefined;
      case 'close': {
        const live = entry.conn;
        const pending = entry.pending;
        const subscription = entry.subscription;
        const retired = [...entry.retired];
        entry.conn = undefined;
        entry.pending = undefined;
        entry.subscription = undefined;
        entry.retired.clear();
        if (live) live.lost ??= 'closed by Switchboard';
        return Promise.all([
          subscription?.close().catch(() => {}),
          live ? closeConnection(live) : undefined,
          pending?.close().catch(() => {}),
          ...retired.map((conn) => {
            clearTimeout(conn.retireTimer);
            return closeConnection(conn);
          }),
        ]).then(() => undefined);
      }
      case 'retire': {
        const live = entry.conn;
        const subscription = entry.subscription;
        entry.conn = undefined;
        entry.subscription = undefined;
        void subscription?.close().catch(() => {});
        if (!live) return;
        // Over stdio and legacy SSE nothing can arrive on a broken connection: its calls fail now, not at their timeout.
        if (live.era.wire !== 'streamable-http') return closeConnection(live);
        live.retiring = true;
        live.tags?.retire();
        entry.retired.add(live);
        live.retireTimer = setTimeout(() => release(entry, live, true), deps.retireTimeoutMs);
        live.retireTimer.unref?.();
        release(entry, live, false);
        return;
      }
      case 'schedule-retry':
        clearTimeout(entry.retryTimer);
        entry.retryTimer = setTimeout(() => {
          entry.retryTimer = undefined;
          void dispatch(entry, { type: 'retry-due' });
        }, action.delayMs);
        entry.retryTimer.unref?.();
        return;
      case 'cancel-retry':
        clearTimeout(entry.retryTimer);
        entry.retryTimer = undefined;
        return;
      case 'cancel-idle':
        clearTimeout(entry.idleTimer);
        entry.idleTimer = undefined;
        return;
      case 'arm-idle':
        armIdle(entry);
        return;
      case 'refresh-catalog':
        deps.refreshCatalog(entry);
        return;
      case 'emit':
        deps.listeners.emit('state', statusOf(entry, deps.now(), deps.policy));
        return;
      case 'log':
        log[action.level](action.message, action.fields);
        return;
    }
  };

  const connect = (entry: PoolEntry, attempt: number) => {
    const prefix = entry.model.prefix;
    const settled = deps.open(entry, attempt).then(
      async (conn) => {
        await dispatch(entry, { type: 'connected', attempt }, conn);
        if (entry.conn !== conn) throw stoppedWhileStarting(prefix);
        return conn;
      },
      async (error: unknown) => {
        const current = attempt === entry.model.attempt;
        if (current) entry.pending = undefined;
        await dispatch(entry, { type: 'connect-failed', attempt, error: failureInfo(prefix, error) });
        throw current ? error : stoppedWhileStarting(prefix);
      },
    );
    // Nobody may be waiting (discovery, a retry timer): the outcome is in the state, not an unhandled rejection.
    settled.catch(() => {});
    entry.starting = { attempt, promise: settled };
    void settled
      .finally(() => {
        if (entry.starting?.attempt === attempt) entry.starting = undefined;
      })
      .catch(() => {});
  };

  const adopt = (entry: PoolEntry, conn: LiveConnection) => {
    entry.conn = conn;
    entry.pending = undefined;
    entry.lastExit = undefined;
    conn.client.onclose = () => closedByItself(entry, conn);
    conn.client.onerror = (error) => {
      log.debug('upstream transport error', {
        prefix: entry.model.prefix,
        error: deps.redactor.redact(String(error)),
      });
      if (entry.conn !== conn || conn.lost) return;
      const signal = transportSignal(error, conn.era);
      if (signal === 'lost') lose(entry, conn, describeLost(entry.model.prefix, conn, error));
      else if (signal === 'suspect') verify(entry, conn);
    };
    log.info('upstream ready', {
      prefix: entry.model.prefix,
      era: conn.era.era,
      wire: conn.era.wire,
      pid: conn.pid,
    });
    if (conn.era.era === 'modern') deps.openListen(entry, conn);
  };

  const describeLost = (prefix: string, conn: LiveConnection, error: unknown) => {
    const trouble = troubleOfFailure(error, conn.era);
    return trouble
      ? troubleReason(prefix, trouble)
      : `the event stream of ${prefix} broke: ${describe(error)}`;
  };

  /** The connection closed without us asking: a stdio process that exited, or a remote transport that gave up. */
  const closedByItself = (entry: PoolEntry, conn: LiveConnection) => {
    if (entry.conn !== conn) return; // Replaced or stopped on purpose.
    const prefix = entry.model.prefix;
    if (conn.era.wire !== 'stdio') {
      lose(entry, conn, `the connection to ${prefix} closed`);
      return;
    }
    const exit = entry.lastExit;
    const how = exit
      ? exit.signal
        ? `was killed by ${exit.signal}`
        : `exited with code ${exit.code}`
      : 'closed the connection';
    const tail = entry.stderr
      .lines()
      .slice(-3)
      .map((l) => l.text)
      .join(' | ');
    const error = new SwitchboardError(
      'UPSTREAM_UNAVAILABLE',
      `${prefix} ${how} unexpectedly${tail ? `; last stderr: ${tail}` : ''}`,
    );
    void dispatch(entry, { type: 'crashed', error: failureInfo(prefix, error) });
  };

  const lose: Runner['lose'] = (entry, conn, reason) => {
    if (entry.conn !== conn || conn.lost) return;
    conn.lost = reason;
    void dispatch(entry, {
      type: 'session-lost',
      error: { code: 'UPSTREAM_UNAVAILABLE', message: deps.redactor.redact(reason) },
    });
  };

  const verify: Runner['verify'] = (entry, conn) => {
    // Modern upstreams have no session to check; their requests report trouble themselves.
    if (conn.verifying || conn.lost || entry.conn !== conn || conn.era.era === 'modern') return;
    conn.verifying = true;
    const ping = conn.client.request({ method: 'ping' }, { timeout: VERIFY_TIMEOUT_MS }) as Promise<unknown>;
    ping
      .then(
        () => undefined,
        (error: unknown) => {
          const trouble = troubleOfFailure(error, conn.era);
          if (trouble) lose(entry, conn, troubleReason(entry.model.prefix, trouble));
          else if (isSdkTimeout(error))
            lose(entry, conn, `${entry.model.prefix} stopped answering (no reply to a ping within 10s)`);
        },
      )
      .finally(() => {
        conn.verifying = false;
      });
  };

  /** Closes a retired connection once no call uses it (or at once when `force`). */
  const release = (entry: PoolEntry, conn: LiveConnection, force: boolean) => {
    if (!entry.retired.has(conn)) return;
    const busy = [...entry.inFlight].some((call) => call.conn === conn);
    if (busy && !force) return;
    entry.retired.delete(conn);
    clearTimeout(conn.retireTimer);
    void closeConnection(conn);
  };

  // One idle check per idle period, not a timer and a settings read per call (~2% of a call's CPU): a call's end
  // only stamps idleSince; the check, when due, sees how long the entry has really been idle.
  const checkIdle = (entry: PoolEntry) => {
    entry.idleTimer = undefined;
    if (!mayIdleOut(entry.server, entry.model.state, entry.inFlight.size)) return; // the next call's end re-arms
    const step = idleStep(deps.idleTimeoutMs(), deps.now() - entry.idleSince);
    if (step === 'stop') void dispatch(entry, { type: 'idle' });
    else if (step !== undefined) {
      entry.idleTimer = setTimeout(() => checkIdle(entry), step);
      entry.idleTimer.unref?.();
    }
  };
  const armIdle: Runner['armIdle'] = (entry) => {
    entry.idleSince = deps.now();
    if (entry.idleTimer === undefined) checkIdle(entry);
  };

  return {
    dispatch,
    ensureStarted(entry) {
      if (entry.model.state === 'ready' && entry.conn) return Promise.resolve(entry.conn);
      if (entry.model.state !== 'starting') void dispatch(entry, { type: 'start' });
      if (entry.starting) return entry.starting.promise;
      return Promise.reject(
        new SwitchboardError(
          'UPSTREAM_UNAVAILABLE',
          `${entry.model.prefix} cannot be started while it is ${entry.model.state.replace('_', ' ')}`,
        ),
      );
    },
    async stop(entry, to) {
      const starting = entry.starting?.promise;
      await dispatch(entry, { type: 'stop', to });
      await starting?.catch(() => {});
    },
    lose,
    verify,
    armIdle,
    callDone(entry, conn) {
      if (conn?.retiring) release(entry, conn, false);
    },
  };
}
