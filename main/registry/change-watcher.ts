import type { Logger } from '../lib/logger.ts';

/**
 * Notices commits made to the registry by ANOTHER process (a `switchboard server add`, `var set`,
 * `secret set`, `auth connect` while `serve` or the desktop app runs), so the running hub can reconcile
 * without being told over IPC.
 *
 * SQLite's `PRAGMA data_version` (https://www.sqlite.org/pragma.html#pragma_data_version) changes, for one
 * connection, exactly when some OTHER connection committed to the file; this process's own writes (health
 * history, call log) never move it. Polling one integer twice a second is cheap, needs no file watcher
 * (which is unreliable on network and WAL files alike) and no extra table. See docs/decisions/readiness-cli.md.
 */

/** The one thing the watcher needs from a better-sqlite3 connection. */
export interface DataVersionSource {
  pragma(source: string, options: { simple: true }): unknown;
}

export interface RegistryChangeWatcherOptions {
  connection: DataVersionSource;
  /** Called (never concurrently: a slow reaction delays the next poll) after another process committed. */
  onChange(): void | Promise<void>;
  /** Time between two polls (default 500 ms). */
  intervalMs?: number;
  log?: Logger;
}

export interface RegistryChangeWatcher {
  /** Polls once now; resolves after onChange ran when something changed. True when a change was seen. */
  poll(): Promise<boolean>;
  /** Stops polling; safe to call twice. */
  stop(): void;
}

/** Starts polling `data_version`; the timer never keeps the process alive. */
export function watchRegistryChanges(options: RegistryChangeWatcherOptions): RegistryChangeWatcher {
  const intervalMs = Math.max(50, options.intervalMs ?? 500);
  const read = (): number | undefined => {
    try {
      const value = options.connection.pragma('data_version', { simple: true });
      return typeof value === 'number' ? value : Number(value);
    } catch (error) {
      // A closed connection (shutdown race) or a busy file: try again at the next tick.
      options.log?.debug('cannot read the registry data_version', { error: String(error) });
      return undefined;
    }
  };
  let last = read();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;

  const pollOnce = async (): Promise<boolean> => {
    const current = read();
    if (current === undefined) return false;
    if (last === undefined) {
      last = current;
      return false;
    }
    if (current === last) return false;
    last = current;
    try {
      await options.onChange();
    } catch (error) {
      options.log?.warn('reacting to a registry change from another process failed', { error });
    }
    return true;
  };

  const poll = (): Promise<boolean> => {
    running ??= pollOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void poll().finally(schedule);
    }, intervalMs);
    timer.unref?.();
  };
  schedule();

  return {
    poll,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** The part of the hub's services an external change is applied to (structural, so tests can fake it). */
export interface ExternallyChangedServices {
  pool: {
    on(
      event: 'servers',
      listener: (event: { added: string[]; removed: string[]; changed: string[] }) => void,
    ): () => void;
  };
  serversChanged(prefix?: string): Promise<void>;
}

/**
 * Applies a change another process committed: reconciles the pool (which restarts only servers whose
 * definition or values changed), then announces and re-checks each server that was added, removed or changed,
 * exactly as if the change had been made in this process.
 */
export async function applyExternalChange(services: ExternallyChangedServices): Promise<void> {
  const touched = new Set<string>();
  const off = services.pool.on('servers', ({ added, removed, changed }) => {
    for (const prefix of [...added, ...removed, ...changed]) touched.add(prefix);
  });
  try {
    await services.serversChanged();
  } finally {
    off();
  }
  for (const prefix of touched) await services.serversChanged(prefix);
}
