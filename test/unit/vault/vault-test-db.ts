import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migration } from '../../../main/registry/migrations/002-vault.ts';

/** An in-memory SQLite database holding just the vault's tables (migration 002). */
export function createVaultTestDb(): Database {
  const db = new BetterSqlite3(':memory:');
  migration.up(db);
  return db;
}

/** Every row of every vault table, for "nothing was written" assertions. */
export function snapshotVaultTables(db: Database): unknown {
  return ['vault_meta', 'vault_keys', 'secrets'].map((table) =>
    db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all(),
  );
}
