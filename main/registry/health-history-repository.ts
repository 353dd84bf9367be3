import { z } from 'zod';
import type { HealthHistory, HealthRecord } from '../health/health-record.ts';
import { isHealthStatus } from '../health/health-status.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import type { RegistryDatabase } from './database.ts';
import { dbErrorGuard } from './database.ts';

/** How many results per server are kept unless told otherwise. */
export const DEFAULT_HEALTH_HISTORY_KEEP = 50;

/** Appends with `record` (dropping a server's results beyond the newest `keep`) and reads results back. */
export interface HealthHistoryRepository extends HealthHistory {
  /** The newest `n` results of a server, newest first (empty for an unknown server). */
  lastN(serverId: number, n: number): HealthRecord[];
}

export interface HealthHistoryRepositoryDeps {
  /** Results kept per server (at least 1). */
  keep?: number;
  log?: Logger;
}

const RowSchema = z.object({
  server_id: z.number().int().optional(),
  status: z.string(),
  latency_ms: z.number().int().nullable(),
  error: z.string().nullable(),
  error_code: z.string().nullable(),
  checked_at: z.number().int(),
});

/** The health history over an open RegistryDatabase: the last N check results of each server. */
export function createHealthHistoryRepository(
  database: RegistryDatabase,
  deps: HealthHistoryRepositoryDeps = {},
): HealthHistoryRepository {
  const db = database.connection;
  const keep = Math.max(1, Math.floor(deps.keep ?? DEFAULT_HEALTH_HISTORY_KEEP));
  const log = deps.log ?? silentLogger;

  const exists = db.prepare('SELECT 1 FROM servers WHERE id = ?').pluck();
  const insert = db.prepare(
    `INSERT INTO health_history (server_id, status, latency_ms, error, error_code, checked_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  // OFFSET skips the newest `keep`; everything older goes. Uses the (server_id, id) index both ways.
  const prune = db.prepare(
    `DELETE FROM health_history WHERE server_id = ? AND id <= (
       SELECT id FROM health_history WHERE server_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?
     )`,
  );
  const selectLast = db.prepare(
    `SELECT status, latency_ms, error, error_code, checked_at
       FROM health_history WHERE server_id = ? ORDER BY id DESC LIMIT ?`,
  );
  const selectLatest = db.prepare(
    `SELECT server_id, status, latency_ms, error, error_code, checked_at
       FROM health_history WHERE id IN (SELECT max(id) FROM health_history GROUP BY server_id)`,
  );

  const guarded = dbErrorGuard(database.file);

  return {
    record(serverId, record) {
      database.assertWritable();
      return guarded(() =>
        db
          .transaction(() => {
            if (exists.get(serverId) === undefined) return false;
            insert.run(
              serverId,
              record.status,
              record.latencyMs === null ? null : Math.max(0, Math.round(record.latencyMs)),
              record.error,
              record.errorCode,
              Math.round(record.checkedAt),
            );
            prune.run(serverId, serverId, keep);
            return true;
          })
          .immediate(),
      );
    },

    lastN(serverId, n) {
      const limit = Math.max(0, Math.floor(n));
      if (limit === 0) return [];
      return guarded(() => selectLast.all(serverId, limit)).flatMap((raw) => toRecord(raw, log) ?? []);
    },

    latestPerServer() {
      const latest = new Map<number, HealthRecord>();
      for (const raw of guarded(() => selectLatest.all())) {
        const record = toRecord(raw, log);
        const serverId = (raw as { server_id?: unknown }).server_id;
        if (record && typeof serverId === 'number') latest.set(serverId, record);
      }
      return latest;
    },
  };
}

/** A parsed row; an unreadable row is skipped with a warning (old history must never break the app). */
function toRecord(raw: unknown, log: Logger): HealthRecord | undefined {
  const parsed = RowSchema.safeParse(raw);
  if (!parsed.success) {
    log.warn('skipping unreadable health history row', { problem: parsed.error.issues[0]?.message });
    return undefined;
  }
  const row = parsed.data;
  return {
    // A status written by a newer app is shown as unknown rather than dropped.
    status: isHealthStatus(row.status) ? row.status : 'unknown',
    latencyMs: row.latency_ms,
    error: row.error,
    errorCode: row.error_code,
    checkedAt: row.checked_at,
  };
}
