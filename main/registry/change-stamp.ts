import type { Database, Statement } from 'better-sqlite3';

/**
 * A cheap "has anything in the registry file changed?" test, for caches of parsed rows on the request path.
 *
 * The stamp combines two counters SQLite keeps for a connection:
 * - `PRAGMA data_version` moves when ANY OTHER connection (another process: the CLI; or another connection in
 *   this process) committed to the file (https://www.sqlite.org/pragma.html#pragma_data_version);
 * - `total_changes()` moves on every row this connection inserted, updated or deleted — whichever repository
 *   or raw statement did it (https://www.sqlite.org/lang_corefunc.html#total_changes).
 *
 * Between two equal stamps no row of the file can have changed, so a cache keyed by the stamp is never stale.
 * It may be invalidated more often than needed (the call log's own inserts move total_changes); that only
 * costs a re-read. Reading it is one prepared statement (a few microseconds), far cheaper than re-parsing rows.
 */
export interface ChangeStamp {
  /** The current stamp; compare with `===`. Undefined while inside a transaction (never cache then). */
  read(): string | undefined;
}

export function createChangeStamp(connection: Database): ChangeStamp {
  let statement: Statement<[], [number, number]> | undefined;
  return {
    read() {
      // Rows read inside an open transaction may be rolled back without moving either counter.
      if (!connection.open || connection.inTransaction) return undefined;
      statement ??= connection
        .prepare<[], [number, number]>(
          'SELECT (SELECT data_version FROM pragma_data_version), total_changes()',
        )
        .raw();
      const row = statement.get();
      return row === undefined ? undefined : `${row[0]}:${row[1]}`;
    },
  };
}
