import type { Migration } from '../migration.ts';

/**
 * Health history: the last N check results of each server (the monitor prunes on insert), so the window and
 * `switchboard status` can show the last known result and its age, even from another process.
 * Append-only: once released, never edit this file; add a newer migration instead.
 */
export const migration: Migration = {
  version: 6,
  name: 'health-history',
  up(db) {
    db.exec(`
      -- Keyed by server id, not prefix: a rename keeps the history, and removing a server removes it
      -- (a removed server's old results would only mislead).
      -- AUTOINCREMENT: "newest N" is "highest N ids"; a reused id after pruning could reorder them.
      CREATE TABLE health_history (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        server_id   INTEGER NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
        status      TEXT    NOT NULL,
        latency_ms  INTEGER CHECK (latency_ms IS NULL OR latency_ms >= 0),
        error       TEXT,
        error_code  TEXT,
        checked_at  INTEGER NOT NULL             -- epoch milliseconds when the check finished
      ) STRICT;

      -- Serves "last N of a server", "newest per server" and the prune on insert.
      CREATE INDEX health_history_server ON health_history (server_id, id);
    `);
  },
};
