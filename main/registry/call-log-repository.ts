import { z } from 'zod';
import type { RegistryDatabase } from './database.ts';
import { dbErrorGuard } from './database.ts';

/** How a tools/call ended. `tool_error` is an `isError: true` result from the upstream itself. */
export const CALL_OUTCOMES = [
  'ok',
  'tool_error',
  'error',
  'timeout',
  'cancelled',
  'unavailable',
  'needs_config',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** One call as logged: never arguments or results. */
export interface CallLogEntry {
  /** Epoch milliseconds when the call started. */
  at: number;
  clientName: string;
  tokenId?: string;
  /** Server prefix at the time of the call. */
  server: string;
  /** The upstream's own tool name. */
  tool: string;
  durationMs: number;
  outcome: CallOutcome;
  /** Stable error code (UPSTREAM_TIMEOUT, NEEDS_CONFIG…) when the call did not succeed. */
  errorCode?: string;
}

export interface StoredCallLogEntry extends CallLogEntry {
  id: number;
}

export interface CallLogQuery {
  server?: string;
  outcome?: CallOutcome | readonly CallOutcome[];
  /** Only calls at or after this epoch-ms time. */
  since?: number;
  /** Only rows with a smaller id (paging backwards through history). */
  beforeId?: number;
  /** At most this many rows (default 100, capped at 1000). */
  limit?: number;
}

export interface CallLogRepository {
  /** Appends rows in one transaction. */
  append(entries: readonly CallLogEntry[]): void;
  /** Matching rows, newest first. */
  query(query?: CallLogQuery): StoredCallLogEntry[];
  /** Deletes rows older than `before` (epoch ms); returns how many. */
  prune(before: number): number;
}

export const CALL_LOG_QUERY_MAX = 1000;

const RowSchema = z.object({
  id: z.number().int(),
  at: z.number().int(),
  client_name: z.string(),
  token_id: z.string().nullable(),
  server: z.string(),
  tool: z.string(),
  duration_ms: z.number().int(),
  outcome: z.enum(CALL_OUTCOMES),
  error_code: z.string().nullable(),
});

/** The call log table over an open RegistryDatabase. */
export function createCallLogRepository(database: RegistryDatabase): CallLogRepository {
  const db = database.connection;
  const insert = db.prepare(
    `INSERT INTO call_log (at, client_name, token_id, server, tool, duration_ms, outcome, error_code)
     VALUES (@at, @clientName, @tokenId, @server, @tool, @durationMs, @outcome, @errorCode)`,
  );
  const deleteOld = db.prepare('DELETE FROM call_log WHERE at < ?');
  const appendAll = db.transaction((entries: readonly CallLogEntry[]) => {
    for (const e of entries) {
      insert.run({
        at: Math.trunc(e.at),
        clientName: e.clientName,
        tokenId: e.tokenId ?? null,
        server: e.server,
        tool: e.tool,
        durationMs: Math.max(0, Math.round(e.durationMs)),
        outcome: e.outcome,
        errorCode: e.errorCode ?? null,
      });
    }
  });

  const guarded = dbErrorGuard(database.file);

  return {
    append(entries) {
      if (entries.length === 0) return;
      database.assertWritable();
      guarded(() => appendAll(entries));
    },
    query(query = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.server !== undefined) {
        where.push('server = ?');
        params.push(query.server);
      }
      if (query.outcome !== undefined) {
        const outcomes: readonly CallOutcome[] =
          typeof query.outcome === 'string' ? [query.outcome] : query.outcome;
        if (outcomes.length === 0) return [];
        where.push(`outcome IN (${outcomes.map(() => '?').join(', ')})`);
        params.push(...outcomes);
      }
      if (query.since !== undefined) {
        where.push('at >= ?');
        params.push(Math.trunc(query.since));
      }
      if (query.beforeId !== undefined) {
        where.push('id < ?');
        params.push(Math.trunc(query.beforeId));
      }
      const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? 100)), CALL_LOG_QUERY_MAX);
      const sql = `SELECT * FROM call_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`;
      return guarded(() => db.prepare(sql).all(...params)).map((raw) => {
        const r = RowSchema.parse(raw);
        return {
          id: r.id,
          at: r.at,
          clientName: r.client_name,
          ...(r.token_id === null ? {} : { tokenId: r.token_id }),
          server: r.server,
          tool: r.tool,
          durationMs: r.duration_ms,
          outcome: r.outcome,
          ...(r.error_code === null ? {} : { errorCode: r.error_code }),
        };
      });
    },
    prune(before) {
      database.assertWritable();
      return guarded(() => deleteOld.run(Math.trunc(before)).changes);
    },
  };
}
