import type { Migration } from '../migration.ts';

/**
 * Bearer tokens of the AI client apps allowed to call the gateway (one per app).
 * Append-only: once released, never edit this file; add 00N-*.ts instead.
 */
export const migration: Migration = {
  version: 5,
  name: 'client-tokens',
  up(db) {
    db.exec(`
      -- Only the SHA-256 of a token is stored: the token is shown once at creation and never again.
      -- AUTOINCREMENT so a revoked token's id is never reused: the call log keeps the id of the caller,
      -- and a reused id would pin a revoked client's history on a new one.
      -- NOCASE: "Cursor" and "cursor" are the same client to a person reading the token list.
      CREATE TABLE client_tokens (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        name         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
        token_hash   TEXT    NOT NULL UNIQUE CHECK (length(token_hash) = 64),
        created_at   TEXT    NOT NULL,
        last_used_at TEXT
      ) STRICT;
    `);
  },
};
