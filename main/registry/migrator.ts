import type { Database } from 'better-sqlite3';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import type { Migration } from './migration.ts';

/**
 * The schema version lives in ONE place: the highest `version` in this table. (PRAGMA user_version is not
 * used at all, so there is never a question of which of two numbers wins.)
 */
export const MIGRATIONS_TABLE = 'schema_migrations';

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: string;
}

export interface MigrationReport {
  /** Schema version before this run (0 for an empty database). */
  from: number;
  /** Schema version after this run. */
  to: number;
  /** Versions this run applied, in order (empty when the database was already current). */
  applied: number[];
}

export interface RunMigrationsOptions {
  clock: Clock;
  log?: Logger;
}

/** Throws INTERNAL unless versions run 1, 2, 3… with no gap or repeat and every migration has a name. */
export function validateMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const expected = index + 1;
    if (migration.version !== expected) {
      throw new SwitchboardError(
        'INTERNAL',
        `migration list is broken: position ${expected} holds version ${migration.version} ("${migration.name}"); ` +
          'versions must start at 1 and increase by one',
      );
    }
    if (!/^[a-z0-9][a-z0-9-]*$/.test(migration.name)) {
      throw new SwitchboardError('INTERNAL', `migration ${migration.version} needs a kebab-case name`);
    }
  });
}

/** The newest version a list of migrations knows (0 for an empty list). */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

/** The database's schema version: the highest recorded migration, 0 when nothing was ever applied. Read-only. */
export function readSchemaVersion(db: Database): number {
  if (!hasMigrationsTable(db)) return 0;
  const row = db.prepare(`SELECT max(version) AS version FROM ${MIGRATIONS_TABLE}`).get() as {
    version: unknown;
  };
  return typeof row.version === 'number' ? row.version : 0;
}

/** Every recorded migration, oldest first. Read-only. */
export function listAppliedMigrations(db: Database): AppliedMigration[] {
  if (!hasMigrationsTable(db)) return [];
  const rows = db
    .prepare(`SELECT version, name, applied_at AS appliedAt FROM ${MIGRATIONS_TABLE} ORDER BY version`)
    .all() as AppliedMigration[];
  return rows;
}

/**
 * Applies every migration newer than the database, each in its own IMMEDIATE transaction, and records it.
 * Never migrates downward: a database newer than `migrations` is left untouched (the caller decides what
 * to do; openDatabase reopens it read-only).
 */
export function runMigrations(
  db: Database,
  migrations: readonly Migration[],
  options: RunMigrationsOptions,
): MigrationReport {
  validateMigrations(migrations);
  const log = options.log ?? silentLogger;
  const from = readSchemaVersion(db);
  const applied: number[] = [];

  for (const migration of migrations) {
    if (migration.version <= from) continue;
    // IMMEDIATE takes the write lock before reading the version, so two processes starting at once
    // (desktop app + CLI) cannot both apply the same step: the second waits, re-reads, and skips it.
    const step = db.transaction(() => {
      ensureMigrationsTable(db);
      if (readSchemaVersion(db) >= migration.version) return false;
      migration.up(db);
      // foreign_keys cannot be switched off inside a transaction, but a table rebuild can still leave
      // dangling references; refuse to commit a step that did.
      const violations = db.pragma('foreign_key_check') as unknown[];
      if (violations.length > 0) {
        throw new Error(`it left ${violations.length} foreign-key violation(s)`);
      }
      db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(
        migration.version,
        migration.name,
        new Date(options.clock.now()).toISOString(),
      );
      return true;
    });
    try {
      if (step.immediate()) applied.push(migration.version);
    } catch (error) {
      const at = readSchemaVersion(db);
      throw new SwitchboardError(
        'DB_ERROR',
        `database upgrade failed at migration ${migration.version} ("${migration.name}"): ${messageOf(error)}; ` +
          `the database was left unchanged at schema ${at}`,
        { cause: error },
      );
    }
    log.debug('applied database migration', { version: migration.version, name: migration.name });
  }

  return { from, to: readSchemaVersion(db), applied };
}

function hasMigrationsTable(db: Database): boolean {
  return (
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(MIGRATIONS_TABLE) !==
    undefined
  );
}

function ensureMigrationsTable(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT
  `);
}

function messageOf(error: unknown): string {
  return errorMessage(error);
}
