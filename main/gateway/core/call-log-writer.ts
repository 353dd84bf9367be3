import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CallLogEntry, CallLogRepository } from '../../registry/call-log-repository.ts';
import type { GuardFinding } from './tool-call-hooks.ts';

/**
 * The call log's write path. A tools/call must never wait on SQLite, so rows are queued and written in one
 * transaction every `intervalMs` or as soon as `maxBatch` rows are waiting. A failed write is logged and
 * retried with the next batch; the queue is capped so a database that stays broken cannot grow memory without
 * bound. Retention: rows older than `retentionDays` are deleted at start and then once a day.
 */

/**
 * A row as the core writes it. `findings` (what the tool-call hooks found: kinds and counts, never values) goes
 * to the call log's `findings` column (migration 009).
 */
export interface CallRecord extends CallLogEntry {
  findings?: readonly GuardFinding[];
}

export interface CallLogSink {
  /** Queues one row. */
  record(entry: CallRecord): void;
  /** Writes everything queued now. */
  flush(): void;
}

export interface CallLogWriter extends CallLogSink {
  /** Deletes rows older than the retention period; returns how many. */
  prune(): number;
  /** Stops the timers and writes what is queued. */
  close(): void;
}

export interface CallLogWriterOptions {
  repository: Pick<CallLogRepository, 'append' | 'prune'>;
  clock: Clock;
  log: Logger;
  /** Days of history kept (read at every prune, so a settings change applies at the next one). */
  retentionDays: () => number;
  intervalMs?: number;
  maxBatch?: number;
  /** Most rows kept queued while writes fail; the oldest are dropped beyond it. */
  maxQueued?: number;
  pruneEveryMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Starts the writer (and its first prune). */
export function createCallLogWriter(options: CallLogWriterOptions): CallLogWriter {
  const intervalMs = options.intervalMs ?? 250;
  const maxBatch = options.maxBatch ?? 100;
  const maxQueued = options.maxQueued ?? 10_000;
  let queue: CallLogEntry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    try {
      options.repository.append(batch);
    } catch (error) {
      options.log.warn('could not write the call log; will retry', { rows: batch.length, error });
      queue = [...batch, ...queue].slice(-maxQueued);
      if (!closed) schedule();
    }
  };

  const schedule = () => {
    if (timer === undefined) {
      timer = setTimeout(flush, intervalMs);
      timer.unref?.();
    }
  };

  const prune = () => {
    const days = options.retentionDays();
    try {
      const removed = options.repository.prune(options.clock.now() - days * DAY_MS);
      if (removed > 0) options.log.info('pruned the call log', { removed, retentionDays: days });
      return removed;
    } catch (error) {
      options.log.warn('could not prune the call log', { error });
      return 0;
    }
  };

  prune();
  const daily = setInterval(prune, options.pruneEveryMs ?? DAY_MS);
  daily.unref?.();

  return {
    record(entry) {
      if (closed) {
        // A call that finished after shutdown began: write it directly rather than lose it.
        try {
          options.repository.append([entry]);
        } catch (error) {
          options.log.warn('could not write the call log', { error });
        }
        return;
      }
      queue.push(entry);
      if (queue.length > maxQueued) queue = queue.slice(-maxQueued);
      if (queue.length >= maxBatch) flush();
      else schedule();
    },
    flush,
    prune,
    close() {
      closed = true;
      clearInterval(daily);
      flush();
    },
  };
}
