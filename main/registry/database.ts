import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import type { Clock } from '../lib/clock.ts';
import { systemClock } from '../lib/clock.ts';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import type { Migration } from './migration.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { latestVersion, readSchemaVersion, runMigrations, validateMigrations } from './migrator.ts';

/** How long a statement waits for another process's write lock before failing with "busy". */
export const BUSY_TIMEOUT_MS = 5000;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenDatabaseOptions {
  file: string;
  /** Open without ever writing (no migration, no directory creation); e.g. for diagnostics. */
  readonly?: boolean;
  log?: Logger;
  clock?: Clock;
  /** The app's migrations unless a test supplies its own. */
  migrations?: readonly Migration[];
}

/** An open registry database: the connection plus why it is read-only, if it is. */
export interface RegistryDatabase {
  /** The better-sqlite3 connection; repositories own the SQL, other code should go through them. */
  readonly connection: Database;
  readonly file: string;
  /** Schema version of the file (may exceed `appSchemaVersion` when a newer app wrote it). */
  readonly schemaVersion: number;
  /** Newest schema version this app knows. */
  readonly appSchemaVersion: number;
  /** Set when the database is open read-only: DB_NEWER_THAN_APP, or DB_READ_ONLY when asked for. */
  readonly readOnlyReason: SwitchboardError | undefined;
  /** Throws DB_READ_ONLY (with readOnlyReason's message) when writes are not allowed. */
  assertWritable(): void;
  /** Closes the connection; safe to call twice. */
  close(): void;
}

/**
 * Opens (creating if needed) the registry database, applies pending migrations, and returns it.
 * A database written by a newer app is reopened read-only instead of being touched.
 */
export function openDatabase(options: OpenDatabaseOptions): RegistryDatabase {
  const file = path.resolve(options.file);
  const log = options.log ?? silentLogger;
  const migrations = options.migrations ?? MIGRATIONS;
  validateMigrations(migrations);
  const appVersion = latestVersion(migrations);

  if (options.readonly) return openReadOnlyOnRequest(file, appVersion);

  // 0700: the registry holds encrypted secrets and personal config; other local users have no business here.
  // An existing directory is left as it is (it may be a folder the person chose with --data-dir).
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new SwitchboardError(
      'DB_ERROR',
      `cannot create the folder for the database ${file}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  assertLooksLikeSqlite(file);
  createPrivateFile(file);

  const connection = openConnection(file, false);
  try {
    // Read the version BEFORE anything that could write (journal_mode=WAL rewrites the header of a
    // rollback-journal database), so a newer app's file stays byte-for-byte untouched.
    const version = readSchemaVersion(connection);
    if (version > appVersion) {
      connection.close();
      const reason = newerThanAppError(file, version, appVersion);
      log.warn('database is newer than this app; opened read-only', {
        file,
        schema: version,
        app: appVersion,
      });
      return wrap(openConnection(file, true), file, version, appVersion, reason);
    }

    const mode = connection.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') log.warn('SQLite refused WAL mode; continuing', { file, mode });
    // FULL, not NORMAL: in WAL mode NORMAL already survives a killed process (the OS keeps written pages),
    // but a power cut or OS crash may drop the last commits. FULL fsyncs the WAL at every commit, so a
    // server we told the person was saved stays saved. Registry writes are rare and the call log is
    // batched, so the fsync is paid seldom.
    connection.pragma('synchronous = FULL');
    const report = runMigrations(connection, migrations, { clock: options.clock ?? systemClock, log });
    return wrap(connection, file, report.to, appVersion, undefined);
  } catch (error) {
    if (connection.open) connection.close();
    throw toDbError(error, file);
  }
}

/**
 * A wrapper for a repository's database calls: `guarded(() => statement.run(…))` returns what the call returns
 * and rethrows whatever it throws as toDbError makes it.
 */
export function dbErrorGuard(file: string): <T>(fn: () => T) => T {
  return (fn) => {
    try {
      return fn();
    } catch (error) {
      throw toDbError(error, file);
    }
  };
}

/** Maps anything a database call threw to a SwitchboardError that names the file and what to do. */
export function toDbError(error: unknown, file: string): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const code = sqliteCode(error);
  const message = errorMessage(error);
  if (code.startsWith('SQLITE_READONLY')) {
    return new SwitchboardError('DB_READ_ONLY', `the database is read-only (${message}): ${file}`, {
      cause: error,
    });
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return damagedError(file, message, error);
  }
  if (code === 'SQLITE_BUSY_SNAPSHOT') {
    // Not a wait that timed out: a read transaction tried to write after another process committed.
    return new SwitchboardError(
      'DB_ERROR',
      `another process changed the database while this one was working on it: ${file}; try again`,
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new SwitchboardError(
      'DB_ERROR',
      `the database stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000}s: ${file}; try again`,
      { cause: error },
    );
  }
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_PERM') ||
    code.startsWith('SQLITE_IOERR')
  ) {
    return new SwitchboardError(
      'DB_ERROR',
      `cannot open or write the database ${file} (${message}); check that the folder exists and is writable`,
      { cause: error },
    );
  }
  return new SwitchboardError('DB_ERROR', `database error in ${file}: ${message}`, { cause: error });
}

function openReadOnlyOnRequest(file: string, appVersion: number): RegistryDatabase {
  assertLooksLikeSqlite(file);
  const connection = openConnection(file, true);
  try {
    const version = readSchemaVersion(connection);
    if (version < appVersion) {
      throw new SwitchboardError(
        'DB_READ_ONLY',
        `the database needs upgrading from schema ${version} to ${appVersion}, which a read-only open cannot do; ` +
          `start Switchboard normally once: ${file}`,
      );
    }
    const reason =
      version > appVersion
        ? newerThanAppError(file, version, appVersion)
        : new SwitchboardError('DB_READ_ONLY', `the database was opened read-only on request: ${file}`);
    return wrap(connection, file, version, appVersion, reason);
  } catch (error) {
    connection.close();
    throw toDbError(error, file);
  }
}

function openConnection(file: string, readonly: boolean): Database {
  let connection: Database;
  try {
    connection = new BetterSqlite3(file, { readonly, fileMustExist: readonly, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw toDbError(error, file);
  }
  try {
    connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    connection.pragma('foreign_keys = ON');
    // Belt and braces for read-only opens: even SQL that slips past the repositories' guard cannot write.
    if (readonly) connection.pragma('query_only = ON');
    return connection;
  } catch (error) {
    connection.close();
    throw toDbError(error, file);
  }
}

function wrap(
  connection: Database,
  file: string,
  schemaVersion: number,
  appSchemaVersion: number,
  readOnlyReason: SwitchboardError | undefined,
): RegistryDatabase {
  return {
    connection,
    file,
    schemaVersion,
    appSchemaVersion,
    readOnlyReason,
    assertWritable() {
      if (readOnlyReason)
        throw new SwitchboardError('DB_READ_ONLY', readOnlyReason.message, { cause: readOnlyReason });
    },
    close() {
      if (!connection.open) return;
      // Lets SQLite refresh query-planner statistics it found stale during this session (cheap, documented
      // as the thing to run before closing a long-lived connection).
      if (!readOnlyReason) connection.pragma('optimize');
      connection.close();
    },
  };
}

function newerThanAppError(file: string, version: number, appVersion: number): SwitchboardError {
  return new SwitchboardError(
    'DB_NEWER_THAN_APP',
    `this database was written by a newer Switchboard (schema ${version}, this app knows ${appVersion}); ` +
      `update Switchboard. Until then it is open read-only: ${file}`,
    { details: { file, schemaVersion: version, appSchemaVersion: appVersion } },
  );
}

function damagedError(file: string, why: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError(
    'DB_ERROR',
    `${file} is not a readable Switchboard database (${why}); move it aside to start with an empty registry, ` +
      'or restore it from a backup',
    { cause, details: { file } },
  );
}

/** Fails early with a clear message instead of SQLite's generic "file is not a database" at first query. */
function assertLooksLikeSqlite(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return; // Missing (will be created) or unreadable (SQLite's own open error names the file).
  }
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, header, 0, header.length, 0);
    // An empty file is a valid empty database to SQLite.
    if (read > 0 && !header.equals(SQLITE_HEADER))
      throw damagedError(file, 'it does not start with the SQLite header');
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates the file owner-only before SQLite does (SQLite would use 0644, and -wal/-shm copy the file's mode). */
function createPrivateFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw toDbError(error, file);
  }
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
