import type { Migration } from '../migration.ts';

/**
 * The first schema: servers, their non-secret per-user values, and app settings.
 * Append-only: once released, never edit this file; add 00N-*.ts instead.
 */
export const migration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      -- AUTOINCREMENT so a removed server's id is never reused: later tables (call log, health history)
      -- may keep rows for removed servers, and a reused id would pin that history on a stranger.
      -- prefix and enabled are columns (not only JSON) so the gateway can filter and join on them;
      -- the rest of the validated definition is one JSON document, parsed with zod on the way out.
      CREATE TABLE servers (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        prefix     TEXT    NOT NULL UNIQUE,
        enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        definition TEXT    NOT NULL CHECK (json_valid(definition) AND json_type(definition) = 'object'),
        created_at TEXT    NOT NULL,
        updated_at TEXT    NOT NULL
      ) STRICT;

      -- Values a person filled in for NON-secret variables a definition declares. Secrets never come here;
      -- they live encrypted in the vault's tables.
      CREATE TABLE env_values (
        server_id  INTEGER NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
        name       TEXT    NOT NULL,
        value      TEXT    NOT NULL,
        updated_at TEXT    NOT NULL,
        PRIMARY KEY (server_id, name)
      ) STRICT, WITHOUT ROWID;

      -- One JSON value per key; unknown keys (written by a newer app) are ignored, bad values fall back to defaults.
      CREATE TABLE settings (
        key        TEXT NOT NULL PRIMARY KEY,
        value      TEXT NOT NULL CHECK (json_valid(value)),
        updated_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
