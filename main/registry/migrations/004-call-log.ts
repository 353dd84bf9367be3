import type { Migration } from '../migration.ts';

/**
 * One row per tools/call through the gateway: who, which tool, how long, how it ended. Never arguments or
 * results (they may hold personal data or secrets). Rows keep the server's prefix as text and no foreign key,
 * so history survives removing a server. Append-only: never edit once released; add 00N-*.ts instead.
 */
export const migration: Migration = {
  version: 4,
  name: 'call-log',
  up(db) {
    db.exec(`
      CREATE TABLE call_log (
        id          INTEGER PRIMARY KEY,
        at          INTEGER NOT NULL,            -- epoch milliseconds when the call started
        client_name TEXT    NOT NULL,
        token_id    TEXT,
        server      TEXT    NOT NULL,            -- prefix at the time of the call
        tool        TEXT    NOT NULL,            -- the upstream's own tool name
        duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
        outcome     TEXT    NOT NULL CHECK (outcome IN ('ok', 'tool_error', 'error', 'timeout', 'cancelled', 'unavailable', 'needs_config')),
        error_code  TEXT
      ) STRICT;
      CREATE INDEX call_log_at ON call_log (at);
      CREATE INDEX call_log_server_at ON call_log (server, at);
    `);
  },
};
