import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isSwitchboardError, SwitchboardError } from '../../../main/lib/errors.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import type { RegistryDatabase } from '../../../main/registry/database.ts';
import type { Migration } from '../../../main/registry/migration.ts';
import { MIGRATIONS } from '../../../main/registry/migrations/index.ts';
import { listAppliedMigrations } from '../../../main/registry/migrator.ts';
import { createServerRepository } from '../../../main/registry/server-repository.ts';
import { createSettingsRepository } from '../../../main/registry/settings-repository.ts';
import {
  createFakeClock,
  makeTempDir,
  removeTempDirs,
  stdioDefinition,
  tempDatabaseFile,
  thrown,
} from '../../fixtures/registry/temp-registry.ts';

const APP_VERSION = MIGRATIONS.length;
const opened: RegistryDatabase[] = [];

function open(
  file: string,
  options: { readonly?: boolean; migrations?: readonly Migration[] } = {},
): RegistryDatabase {
  const database = openDatabase({ file, clock: createFakeClock(), ...options });
  opened.push(database);
  return database;
}

/** Makes `file` a database whose schema is newer than this app, the way a newer Switchboard would leave it. */
function makeNewerDatabase(file: string): void {
  const database = open(file);
  createServerRepository(database, { clock: createFakeClock() }).add(stdioDefinition('kept'));
  database.close();
  const raw = new BetterSqlite3(file);
  raw
    .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from-the-future', 'x')")
    .run();
  raw.close();
}

/**
 * The database's content as bytes: the main file, plus the WAL's size. A read-only connection cannot delete
 * the -wal/-shm companions it finds or creates (SQLite leaves them for the next writer), so "unchanged" means:
 * the same main file and no WAL frames (an absent or empty -wal both count as 0).
 */
function snapshot(file: string): { main: Buffer; walBytes: number } {
  const wal = `${file}-wal`;
  return { main: fs.readFileSync(file), walBytes: fs.existsSync(wal) ? fs.statSync(wal).size : 0 };
}

afterEach(() => {
  for (const database of opened.splice(0)) database.close();
  removeTempDirs();
});

describe('openDatabase on an empty directory', () => {
  it('creates the folder (0700) and file (0600) and migrates to the newest schema', () => {
    const file = path.join(makeTempDir('db'), 'nested', 'data', 'switchboard.db');
    const database = open(file);

    expect(database.schemaVersion).toBe(APP_VERSION);
    expect(database.appSchemaVersion).toBe(APP_VERSION);
    expect(database.readOnlyReason).toBeUndefined();
    expect(() => database.assertWritable()).not.toThrow();
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    }
    expect(listAppliedMigrations(database.connection)).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name, appliedAt: '2026-01-02T03:04:05.000Z' })),
    );
  });

  it('sets WAL, FULL sync, foreign keys and a 5 s busy timeout', () => {
    const { connection } = open(tempDatabaseFile('db'));
    expect(connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(connection.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(connection.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(connection.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('creates the initial tables', () => {
    const { connection } = open(tempDatabaseFile('db'));
    const tables = connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['servers', 'env_values', 'settings', 'schema_migrations']),
    );
  });
});

describe('re-opening', () => {
  it('is a no-op: nothing is re-applied and the records keep their first times', () => {
    const file = tempDatabaseFile('db');
    open(file).close();
    const before = new BetterSqlite3(file, { readonly: true });
    const recorded = listAppliedMigrations(before);
    before.close();

    const again = openDatabase({ file, clock: createFakeClock(Date.UTC(2030, 0, 1)) });
    opened.push(again);
    expect(again.schemaVersion).toBe(APP_VERSION);
    expect(listAppliedMigrations(again.connection)).toEqual(recorded);
    expect(recorded).toHaveLength(APP_VERSION);
  });

  it('applies only what an older database lacks', () => {
    const file = tempDatabaseFile('db');
    const old = open(file, { migrations: MIGRATIONS.slice(0, 1) });
    expect(old.schemaVersion).toBe(1);
    old.close();
    const current = open(file);
    expect(current.schemaVersion).toBe(APP_VERSION);
    expect(listAppliedMigrations(current.connection).map((m) => m.version)).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
  });
});

describe('a database written by a newer Switchboard', () => {
  it('opens read-only with a clear reason, reads work, writes throw DB_READ_ONLY, bytes stay the same', () => {
    const file = tempDatabaseFile('db');
    makeNewerDatabase(file);
    const before = snapshot(file);

    const database = open(file);
    expect(database.readOnlyReason?.code).toBe('DB_NEWER_THAN_APP');
    expect(database.readOnlyReason?.message).toContain(
      `this database was written by a newer Switchboard (schema 999, this app knows ${APP_VERSION}); update Switchboard`,
    );
    expect(database.schemaVersion).toBe(999);
    expect(database.connection.readonly).toBe(true);

    const clock = createFakeClock();
    const servers = createServerRepository(database, { clock });
    const settings = createSettingsRepository(database, { clock });
    expect(servers.list().map((s) => s.prefix)).toEqual(['kept']);
    expect(servers.get('kept')).toMatchObject({ command: 'npx' });
    expect(settings.get('gateway.port')).toBe(17517);

    const writes: [string, () => unknown][] = [
      ['add', () => servers.add(stdioDefinition('new'))],
      ['update', () => servers.update('kept', stdioDefinition('kept'))],
      ['remove', () => servers.remove('kept')],
      ['setEnabled', () => servers.setEnabled('kept', false)],
      ['setEnvValue', () => servers.setEnvValue('kept', 'X', 'y')],
      ['unsetEnvValue', () => servers.unsetEnvValue('kept', 'X')],
      ['settings.set', () => settings.set('gateway.port', 20000)],
      ['settings.reset', () => settings.reset('gateway.port')],
    ];
    for (const [label, write] of writes) {
      const error = thrown(write);
      expect({ label, code: error.code }).toEqual({ label, code: 'DB_READ_ONLY' });
      expect(error.message).toContain('written by a newer Switchboard (schema 999');
    }
    // Even raw SQL cannot write through this connection.
    expect(() => database.connection.exec("DELETE FROM servers WHERE prefix = 'kept'")).toThrow();

    database.close();
    expect(snapshot(file)).toEqual(before);
  });

  it('stays read-only when asked for read-only explicitly', () => {
    const file = tempDatabaseFile('db');
    makeNewerDatabase(file);
    const database = open(file, { readonly: true });
    expect(database.readOnlyReason?.code).toBe('DB_NEWER_THAN_APP');
  });
});

describe('read-only on request', () => {
  it('reads a current database without writing and explains why writes fail', () => {
    const file = tempDatabaseFile('db');
    open(file).close();
    const before = snapshot(file);
    const database = open(file, { readonly: true });
    expect(database.readOnlyReason?.code).toBe('DB_READ_ONLY');
    expect(thrown(() => database.assertWritable()).code).toBe('DB_READ_ONLY');
    database.close();
    expect(snapshot(file)).toEqual(before);
  });

  it('refuses a database that would need migrating', () => {
    const file = tempDatabaseFile('db');
    open(file, { migrations: MIGRATIONS.slice(0, 1) }).close();
    const error = thrown(() => open(file, { readonly: true }));
    expect(error.code).toBe('DB_READ_ONLY');
    expect(error.message).toContain('needs upgrading from schema 1');
  });

  it('reports a missing file as DB_ERROR naming it, without creating it', () => {
    const file = path.join(makeTempDir('db'), 'absent.db');
    const error = thrown(() => open(file, { readonly: true }));
    expect(error.code).toBe('DB_ERROR');
    expect(error.message).toContain(file);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('a file that is not a usable database', () => {
  it('rejects a text file with DB_ERROR naming the file, and leaves it alone', () => {
    const file = tempDatabaseFile('db');
    fs.writeFileSync(file, 'these are my notes, not a database\n'.repeat(100));
    const before = fs.readFileSync(file);
    const error = thrown(() => open(file));
    expect(error.code).toBe('DB_ERROR');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/not a readable Switchboard database/);
    expect(fs.readFileSync(file)).toEqual(before);
  });

  it('rejects a file with an SQLite header but garbage after it', () => {
    const file = tempDatabaseFile('db');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(8192, 0xa5)]),
    );
    const error = thrown(() => open(file));
    expect(error.code).toBe('DB_ERROR');
    expect(error.message).toContain(file);
  });

  it('rejects a database whose pages were overwritten', () => {
    const file = tempDatabaseFile('db');
    const database = open(file);
    createServerRepository(database, { clock: createFakeClock() }).add(stdioDefinition('one'));
    database.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0xff, 100); // keep the 100-byte header, destroy every page after it
    fs.writeFileSync(file, bytes);
    const error = thrown(() => open(file));
    expect(error.code).toBe('DB_ERROR');
    expect(error.message).toContain(file);
  });

  it('fails with DB_ERROR when a migration fails, leaving the earlier ones applied', () => {
    const file = tempDatabaseFile('db');
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: (db) => db.exec('CREATE TABLE servers (id INTEGER)'), // already exists
    };
    const error = thrown(() => open(file, { migrations: [MIGRATIONS[0]!, broken] }));
    expect(error.code).toBe('DB_ERROR');
    expect(error.message).toMatch(/migration 2 \("broken"\)/);
    expect(open(file, { migrations: MIGRATIONS.slice(0, 1) }).schemaVersion).toBe(1);
  });
});

describe('close', () => {
  it('can be called twice', () => {
    const database = open(tempDatabaseFile('db'));
    database.close();
    expect(() => database.close()).not.toThrow();
    expect(isSwitchboardError(new SwitchboardError('DB_ERROR', 'x'), 'DB_ERROR')).toBe(true);
  });
});
