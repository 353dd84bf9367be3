import type { Clock } from '../lib/clock.ts';
import { createListeners } from '../lib/listeners.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import type { HealthHistory, HealthRecord } from './health-record.ts';
import { healthRecordOf, restoredHealthState } from './health-record.ts';
import type { HealthSettings, HealthSettingsSource } from './health-settings.ts';
import { resolveHealthSettings } from './health-settings.ts';
import type { HealthEvent, HealthState, UpstreamState } from './health-status.ts';
import { nextHealthStatus } from './health-status.ts';
import { nextProbeDelay } from './probe-schedule.ts';
import type { ProbeFn, Timers } from './run-probe.ts';
import { runProbe } from './run-probe.ts';

/** A server as the monitor needs to know it. */
export interface HealthTarget {
  /** The server's stable id: a new server under a removed one's prefix starts with a fresh state. */
  id: number;
  prefix: string;
  enabled: boolean;
}

/** What must hold before probing makes sense; checked cheaply (registry + vault), without any network. */
export type Preflight =
  | { kind: 'ready' }
  | { kind: 'needs_config'; missing: readonly string[] }
  | { kind: 'needs_auth'; message?: string };

/** A state change of a server's connection or process, as the upstream pool reports it. */
export interface UpstreamHealthEvent {
  prefix: string;
  /** The server the event is about; an event of a removed server whose prefix now names another is ignored. */
  serverId?: number;
  state: UpstreamState;
  /** For `crashed`: what happened (redacted by the monitor before it is kept). */
  error?: string;
}

/** One server's health changed; `current` is undefined when the server was removed. */
export interface HealthChange {
  prefix: string;
  previous: HealthState | undefined;
  current: HealthState | undefined;
}

export interface HealthMonitorDeps {
  /** Every server in the registry (read on start, on checkNow and before each scheduled probe). */
  listServers(): readonly HealthTarget[];
  /** Checks one server: connect if needed, ping or discover, list tools. Rejects when it is not healthy. */
  probe: ProbeFn;
  /** True when a stdio server is not running because it was never needed or went idle. */
  isIdleStopped(prefix: string): boolean;
  /** Says when a probe is pointless (missing variables, no OAuth token yet); every server is ready without it. */
  preflight?(prefix: string): Preflight | Promise<Preflight>;
  /** Removes secrets from error text before it is kept, shown or logged. */
  redact(text: string): string;
  clock: Clock;
  timers?: Timers;
  /** [0, 1) like Math.random; drives jitter. */
  random?: () => number;
  history?: HealthHistory;
  log?: Logger;
  settings?: HealthSettingsSource;
}

export interface HealthMonitor {
  /** Loads the last known results, then probes every enabled server soon and on schedule from then on. */
  start(): void;
  /** Cancels every timer and probe in flight; results that arrive later are dropped. */
  stop(): void;
  /**
   * Re-checks a server now (after create, edit, enable, a secret change, Connect), waking it if idle.
   * Calls in the same tick share one probe; a probe already in flight is superseded, since whatever
   * prompted the call may have made its answer stale. Resolves with the state after the check, undefined
   * for an unknown server (or when the monitor is not running: then nothing is checked).
   */
  checkNow(prefix: string): Promise<HealthState | undefined>;
  /** The current health of a server, undefined when unknown to the monitor. */
  status(prefix: string): HealthState | undefined;
  /** Every server's current health, by prefix. */
  all(): { prefix: string; state: HealthState }[];
  /** Calls `listener` after every change; returns the function that unsubscribes it. */
  onChange(listener: (change: HealthChange) => void): () => void;
  /** Feeds a pool state change (starting, running, stopped when idle, crashed) into the status. */
  handleUpstreamEvent(event: UpstreamHealthEvent): void;
}

interface Run {
  controller: AbortController;
  promise: Promise<HealthState | undefined>;
  /**
   * The upstream came back (running) while this check was in flight: a failure it then meets may be the old
   * connection going away (a sign-in or an edit restarts the server), so it is checked once more at once.
   */
  restartedDuring?: boolean;
}

interface Entry {
  serverId: number;
  state: HealthState;
  timer: unknown;
  run: Run | null;
}

/** Timers of the running process, looked up at call time so test fake timers installed later apply. */
const processTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = globalThis.setTimeout(callback, ms);
    // A health check alone must never keep a process (a CLI command, a test worker) alive.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/** The health monitor: schedules probes per server, reduces results to one status, records and announces them. */
export function createHealthMonitor(deps: HealthMonitorDeps): HealthMonitor {
  const timers = deps.timers ?? processTimers;
  const random = deps.random ?? Math.random;
  const log = (deps.log ?? silentLogger).child({ component: 'health' });
  const settings = (): HealthSettings => resolveHealthSettings(deps.settings);
  const entries = new Map<string, Entry>();
  const listeners = createListeners<{ change: (change: HealthChange) => void }>(log);
  const coalesced = new Map<string, Promise<HealthState | undefined>>();
  let running = false;
  let restored: ReadonlyMap<number, HealthRecord> | undefined;
  let historyBroken = false;

  const emit = (change: HealthChange) => listeners.emit('change', change);

  const record = (entry: Entry, state: HealthState) => {
    if (!deps.history) return;
    try {
      deps.history.record(entry.serverId, healthRecordOf(state, state.checkedAt ?? deps.clock.now()));
    } catch (error) {
      // A read-only or locked registry must not stop health checks; say so once, not every probe.
      if (!historyBroken) log.warn('cannot record health history; statuses still update', { error });
      historyBroken = true;
    }
  };

  const apply = (prefix: string, entry: Entry, event: HealthEvent): HealthState => {
    const previous = entry.state;
    const current = nextHealthStatus(previous, event, deps.clock.now(), settings());
    if (current === previous) return previous;
    entry.state = current;
    if (isResult(event) && (event.type === 'probe' || current.status !== previous.status))
      record(entry, current);
    if (current.status !== previous.status) {
      log.info('server health changed', { prefix, from: previous.status, to: current.status });
    }
    emit({ prefix, previous, current });
    return current;
  };

  const clearTimer = (entry: Entry) => {
    if (entry.timer === undefined) return;
    timers.clearTimeout(entry.timer);
    entry.timer = undefined;
  };

  const schedule = (prefix: string, entry: Entry, delay?: number) => {
    clearTimer(entry);
    if (!running || entry.run) return;
    const ms = delay ?? nextProbeDelay(entry.state, settings(), random);
    if (ms === null) return;
    entry.timer = timers.setTimeout(() => {
      entry.timer = undefined;
      if (running && entries.get(prefix) === entry && !entry.run) void begin(prefix, false);
    }, ms);
  };

  const cancelRun = (entry: Entry) => {
    const run = entry.run;
    entry.run = null;
    run?.controller.abort();
  };

  const forget = (prefix: string, entry: Entry) => {
    clearTimer(entry);
    cancelRun(entry);
    entries.delete(prefix);
    emit({ prefix, previous: entry.state, current: undefined });
  };

  const soon = () => Math.floor(random() * Math.max(0, settings().startSpreadMs));

  /** Brings entries in line with the registry: new servers, removed ones, enabled flags. */
  const sync = () => {
    let targets: readonly HealthTarget[];
    try {
      targets = deps.listServers();
    } catch (error) {
      log.warn('cannot list servers for health checks; keeping the last known list', { error });
      return;
    }
    const seen = new Set<string>();
    for (const target of targets) {
      seen.add(target.prefix);
      let entry = entries.get(target.prefix);
      if (entry && entry.serverId !== target.id) {
        forget(target.prefix, entry);
        entry = undefined;
      }
      if (!entry) {
        entry = {
          serverId: target.id,
          state: restoredHealthState(restored?.get(target.id), deps.clock.now()),
          timer: undefined,
          run: null,
        };
        entries.set(target.prefix, entry);
        if (target.enabled) schedule(target.prefix, entry, soon());
      }
      if (!target.enabled && entry.state.status !== 'disabled') {
        clearTimer(entry);
        cancelRun(entry);
        apply(target.prefix, entry, { type: 'disabled' });
      } else if (target.enabled && entry.state.status === 'disabled') {
        apply(target.prefix, entry, { type: 'enabled' });
        schedule(target.prefix, entry, soon());
      }
    }
    for (const [prefix, entry] of [...entries]) if (!seen.has(prefix)) forget(prefix, entry);
  };

  /** Starts a check of `prefix` (forced: also wakes an idle server and supersedes a check in flight). */
  const begin = (prefix: string, force: boolean): Promise<HealthState | undefined> => {
    sync();
    const entry = entries.get(prefix);
    if (!entry || !running) return Promise.resolve(entry?.state);
    if (entry.state.status === 'disabled') return Promise.resolve(entry.state);
    if (entry.run) {
      if (!force) return entry.run.promise;
      cancelRun(entry);
    }
    clearTimer(entry);
    const run: Run = { controller: new AbortController(), promise: Promise.resolve(undefined) };
    entry.run = run;
    run.promise = (async () => {
      try {
        await execute(prefix, entry, run, force);
      } catch (error) {
        log.error('health check failed unexpectedly', { prefix, error });
      } finally {
        if (entry.run === run) {
          entry.run = null;
          if (run.restartedDuring && entry.state.status !== 'healthy' && entry.state.status !== 'disabled')
            void begin(prefix, false);
          else schedule(prefix, entry);
        }
      }
      // Superseded: answer with the newer check, which reflects whatever prompted it.
      if (entry.run && entry.run !== run) return entry.run.promise;
      return entries.get(prefix) === entry ? entry.state : undefined;
    })();
    return run.promise;
  };

  const execute = async (prefix: string, entry: Entry, run: Run, force: boolean) => {
    const stale = () => !running || entry.run !== run || entries.get(prefix) !== entry;

    const preflight = await checkPreflight(prefix);
    if (stale()) return;
    if (preflight.kind === 'needs_config') {
      apply(prefix, entry, { type: 'needs_config', missing: preflight.missing });
      return;
    }
    if (preflight.kind === 'needs_auth') {
      const message = preflight.message === undefined ? undefined : deps.redact(preflight.message);
      apply(prefix, entry, message === undefined ? { type: 'needs_auth' } : { type: 'needs_auth', message });
      return;
    }

    if (!force && !settings().probeIdleServers && isIdleStopped(prefix)) {
      apply(prefix, entry, { type: 'upstream', state: 'stopped' });
      return;
    }

    const result = await runProbe({
      prefix,
      probe: deps.probe,
      controller: run.controller,
      timeoutMs: settings().probeTimeoutMs,
      timers,
      clock: deps.clock,
      redact: deps.redact,
    });
    if (stale()) return;
    apply(prefix, entry, { type: 'probe', result });
  };

  const checkPreflight = async (prefix: string): Promise<Preflight> => {
    if (!deps.preflight) return { kind: 'ready' };
    try {
      return await deps.preflight(prefix);
    } catch (error) {
      // The probe will meet the same problem and report it with its own words.
      log.warn('health preflight failed; probing anyway', { prefix, error });
      return { kind: 'ready' };
    }
  };

  const isIdleStopped = (prefix: string): boolean => {
    try {
      return deps.isIdleStopped(prefix);
    } catch (error) {
      log.warn('cannot tell whether a server is idle; probing it', { prefix, error });
      return false;
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      if (restored === undefined) {
        try {
          restored = deps.history?.latestPerServer() ?? new Map();
        } catch (error) {
          log.warn('cannot read health history; starting without last known results', { error });
          restored = new Map();
        }
      }
      sync();
      for (const [prefix, entry] of entries) {
        if (entry.state.status !== 'disabled' && entry.timer === undefined && !entry.run)
          schedule(prefix, entry, soon());
      }
    },

    stop() {
      running = false;
      for (const entry of entries.values()) {
        clearTimer(entry);
        cancelRun(entry);
      }
    },

    checkNow(prefix) {
      if (!running) return Promise.resolve(entries.get(prefix)?.state);
      const pending = coalesced.get(prefix);
      if (pending) return pending;
      // Deferred by one microtask so an edit and a secret change handled in the same tick share one probe.
      const check = Promise.resolve().then(() => {
        coalesced.delete(prefix);
        return begin(prefix, true);
      });
      coalesced.set(prefix, check);
      return check;
    },

    status(prefix) {
      return entries.get(prefix)?.state;
    },

    all() {
      return [...entries]
        .map(([prefix, entry]) => ({ prefix, state: entry.state }))
        .sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
    },

    onChange: (listener) => listeners.on('change', listener),

    handleUpstreamEvent(event) {
      const entry = entries.get(event.prefix);
      if (!entry || !running) return;
      if (event.serverId !== undefined && event.serverId !== entry.serverId) return;
      // The pool also says "stopped" for remote servers it merely disconnected, and for every server at boot;
      // only a process that is really down (the hub's isIdleStopped) is shown as stopped.
      if (event.state === 'stopped' && !isIdleStopped(event.prefix)) return;
      const error = event.error === undefined ? undefined : deps.redact(event.error);
      apply(
        event.prefix,
        entry,
        error === undefined
          ? { type: 'upstream', state: event.state }
          : { type: 'upstream', state: event.state, error },
      );
      if (event.state === 'running' && entry.run) entry.run.restartedDuring = true;
      if (event.state === 'running' && !entry.run && entry.state.status !== 'disabled') {
        // Running says nothing about answering: find out now instead of showing "starting" until the next tick.
        void begin(event.prefix, false);
      } else if (event.state === 'crashed' && !entry.run) {
        schedule(event.prefix, entry); // Back off from now, by the new failure count.
      }
    },
  };
}

/** Events that are check results worth keeping in the history (not pool lifecycle noise). */
function isResult(event: HealthEvent): boolean {
  return (
    event.type === 'probe' ||
    event.type === 'needs_config' ||
    event.type === 'needs_auth' ||
    (event.type === 'upstream' && event.state === 'crashed')
  );
}
