import { z } from 'zod';
import { CALL_OUTCOMES } from '../../preload/contract/models.ts';
import type { RegistryDatabase } from './database.ts';
import { dbErrorGuard } from './database.ts';

/** How a tools/call ended: the contract's list, so the window filters by the same names. `tool_error` is an
 * `isError: true` result from the upstream itself. */
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** One kind of secret the leak guard found in a call (`vault-secret`, `aws-access-key`…) and how often. */
export interface CallFinding {
  kind: string;
  count: number;
}

/** One call as logged: never arguments or results. */
export interface CallLogEntry {
  /** Epoch milliseconds when the call started. */
  at: number;
  clientName: string;
  tokenId?: string;
  /** Server prefix at the time of the call. */
  server: string;
  /** The server's id (absent for calls that never reached a known server). */
  serverId?: number;
  /** The upstream's own tool name. */
  tool: string;
  durationMs: number;
  outcome: CallOutcome;
  /** Stable error code (UPSTREAM_TIMEOUT, NEEDS_CONFIG…) when the call did not succeed. */
  errorCode?: string;
  /** What the leak guard found in the arguments and the result: kinds and counts, never a value. */
  findings?: readonly CallFinding[];
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
  server_id: z.number().int().nullable(),
  tool: z.string(),
  duration_ms: z.number().int(),
  outcome: z.enum(CALL_OUTCOMES),
  error_code: z.string().nullable(),
  findings: z.string().nullable(),
});

const FindingsSchema = z.array(z.object({ kind: z.string(), count: z.number().int().min(0) }));

/** The call log table over an open RegistryDatabase. */
export function createCallLogRepository(database: RegistryDatabase): CallLogRepository {
  const db = database.connection;
  const insert = db.prepare(
    `INSERT INTO call_log (at, client_name, token_id, server, server_id, tool, duration_ms, outcome, error_code,
       findings)
     VALUES (@at, @clientName, @tokenId, @server, @serverId, @tool, @durationMs, @outcome, @errorCode, @findings)`,
  );
  const deleteOld = db.prepare('DELETE FROM call_log WHERE at < ?');
  const appendAll = db.transaction((entries: readonly CallLogEntry[]) => {
    for (const e of entries) {
      insert.run({
        at: Math.trunc(e.at),
        clientName: e.clientName,
        tokenId: e.tokenId ?? null,
        server: e.server,
        serverId: e.serverId ?? null,
        tool: e.tool,
        durationMs: Math.max(0, Math.round(e.durationMs)),
        outcome: e.outcome,
        errorCode: e.errorCode ?? null,
        findings: findingsJson(e.findings),
      });
    }
  });

  const guarded = dbErrorGuard(database.file);

  return {
    append(entries) {
      if (entries.length === 0) return;
      database.assertWritable();
      guarded(() => withRelaxedSync(db, () => appendAll(entries)));
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
          tokenId: r.token_id ?? undefined,
          server: r.server,
          serverId: r.server_id ?? undefined,
          tool: r.tool,
          durationMs: r.duration_ms,
          outcome: r.outcome,
          errorCode: r.error_code ?? undefined,
          // Only rows with findings carry the key (every other row reads as it did before migration 009).
          findings: r.findings === null ? undefined : parseFindings(r.findings),
        };
      });
    },
    prune(before) {
      database.assertWritable();
      return guarded(() => deleteOld.run(Math.trunc(before)).changes);
    },
  };
}

/** The findings column: kinds and counts only (the type has no room for anything else), or NULL for none. */
function findingsJson(findings: readonly CallFinding[] | undefined): string | null {
  if (findings === undefined || findings.length === 0) return null;
  return JSON.stringify(findings.map((f) => ({ kind: String(f.kind), count: Math.trunc(f.count) })));
}

function parseFindings(text: string): CallFinding[] {
  try {
    return FindingsSchema.parse(JSON.parse(text));
  } catch {
    return [];
  }
}

/**
 * Runs `write` with `PRAGMA synchronous = NORMAL`, then restores the connection's level. The registry runs
 * FULL (an fsync per commit); for call-log batches that fsync stalled the event loop, and with it every call in
 * flight, for up to tens of milliseconds on a busy disk. In WAL mode NORMAL is still crash-safe (the database
 * cannot be corrupted, the batch survives the app dying); only a power loss may drop the newest batch — fine for
 * an activity log — and the next FULL commit of anything else syncs it anyway.
 */
function withRelaxedSync(
  connection: { pragma(source: string, options?: { simple: boolean }): unknown },
  write: () => void,
): void {
  let previous: unknown;
  try {
    previous = connection.pragma('synchronous', { simple: true });
    connection.pragma('synchronous = NORMAL');
  } catch {
    previous = undefined; // A closing connection: let the write itself report the problem.
  }
  try {
    write();
  } finally {
    if (typeof previous === 'number') {
      try {
        connection.pragma(`synchronous = ${previous}`);
      } catch {
        // Closed meanwhile: nothing to restore.
      }
    }
  }
}
