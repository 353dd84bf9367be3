import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import type { Migration } from '../../../main/registry/migration.ts';
import {
  latestVersion,
  listAppliedMigrations,
  readSchemaVersion,
  runMigrations,
  validateMigrations,
} from '../../../main/registry/migrator.ts';

const clock = { now: () => Date.UTC(2026, 4, 6, 7, 8, 9) };

function table(version: number, name: string, sql: string): Migration {
  return { version, name, up: (db) => db.exec(sql) };
}

const one = table(1, 'one', 'CREATE TABLE a (id INTEGER PRIMARY KEY)');
const two = table(2, 'two', 'CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id))');
const three = table(3, 'three', 'CREATE TABLE c (id INTEGER PRIMARY KEY)');

function tableNames(db: Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]
  ).filter((n) => !n.startsWith('sqlite_'));
}

describe('validateMigrations', () => {
  it('accepts an empty list and a list numbered 1..n', () => {
    expect(() => validateMigrations([])).not.toThrow();
    expect(() => validateMigrations([one, two, three])).not.toThrow();
  });

  it.each([
    ['not starting at 1', [two, three]],
    ['a gap', [one, three]],
    ['a repeat', [one, one]],
    ['out of order', [two, one]],
  ])('rejects a list with %s', (_label, list) => {
    expect(() => validateMigrations(list)).toThrowError(/versions must start at 1 and increase by one/);
    try {
      validateMigrations(list);
    } catch (error) {
      expect(isSwitchboardError(error, 'INTERNAL')).toBe(true);
    }
  });

  it('rejects a migration without a kebab-case name', () => {
    expect(() => validateMigrations([{ ...one, name: 'Bad Name' }])).toThrowError(/kebab-case/);
  });

  it('reports the newest version', () => {
    expect(latestVersion([])).toBe(0);
    expect(latestVersion([one, two, three])).toBe(3);
  });
});

describe('runMigrations', () => {
  let db: Database;
  beforeEach(() => {
    db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
  });
  afterEach(() => db.close());

  it('reads version 0 from an empty database without creating anything', () => {
    expect(readSchemaVersion(db)).toBe(0);
    expect(listAppliedMigrations(db)).toEqual([]);
    expect(tableNames(db)).toEqual([]);
  });

  it('applies every migration in order and records version, name and time', () => {
    const report = runMigrations(db, [one, two, three], { clock });
    expect(report).toEqual({ from: 0, to: 3, applied: [1, 2, 3] });
    expect(tableNames(db)).toEqual(['a', 'b', 'c', 'schema_migrations']);
    expect(listAppliedMigrations(db)).toEqual([
      { version: 1, name: 'one', appliedAt: '2026-05-06T07:08:09.000Z' },
      { version: 2, name: 'two', appliedAt: '2026-05-06T07:08:09.000Z' },
      { version: 3, name: 'three', appliedAt: '2026-05-06T07:08:09.000Z' },
    ]);
  });

  it('is a no-op when run again', () => {
    runMigrations(db, [one, two], { clock });
    const again = runMigrations(db, [one, two], { clock: { now: () => 0 } });
    expect(again).toEqual({ from: 2, to: 2, applied: [] });
    expect(listAppliedMigrations(db).map((m) => m.appliedAt)).toEqual([
      '2026-05-06T07:08:09.000Z',
      '2026-05-06T07:08:09.000Z',
    ]);
  });

  it('applies only the pending migrations of an older database', () => {
    runMigrations(db, [one], { clock });
    expect(runMigrations(db, [one, two, three], { clock })).toEqual({ from: 1, to: 3, applied: [2, 3] });
  });

  it('never touches a database newer than the list (no downward migration)', () => {
    runMigrations(db, [one, two, three], { clock });
    expect(runMigrations(db, [one], { clock })).toEqual({ from: 3, to: 3, applied: [] });
    expect(tableNames(db)).toContain('c');
  });

  it('rolls back a failing migration completely and keeps the steps before it', () => {
    const failing: Migration = {
      version: 2,
      name: 'half-done',
      up(d) {
        d.exec('CREATE TABLE half (id INTEGER)');
        throw new Error('boom');
      },
    };
    let caught: unknown;
    try {
      runMigrations(db, [one, failing, three], { clock });
    } catch (error) {
      caught = error;
    }
    expect(isSwitchboardError(caught, 'DB_ERROR')).toBe(true);
    expect((caught as Error).message).toMatch(/migration 2 \("half-done"\): boom/);
    expect((caught as Error).message).toMatch(/left unchanged at schema 1/);
    expect(tableNames(db)).toEqual(['a', 'schema_migrations']);
    expect(readSchemaVersion(db)).toBe(1);
  });

  it('refuses to commit a migration that leaves dangling foreign keys', () => {
    runMigrations(db, [one, two], { clock });
    db.exec('INSERT INTO a (id) VALUES (1); INSERT INTO b (id, a_id) VALUES (1, 1)');
    const dropParent: Migration = {
      version: 3,
      name: 'drop-parent',
      up(d) {
        // Rebuilding a parent table without its rows is the classic way a migration orphans children.
        d.exec('PRAGMA defer_foreign_keys = ON; DELETE FROM a;');
      },
    };
    expect(() => runMigrations(db, [one, two, dropParent], { clock })).toThrowError(/foreign-key violation/);
    expect(readSchemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT count(*) FROM a').pluck().get()).toBe(1);
  });

  it('validates the list before touching the database', () => {
    expect(() => runMigrations(db, [one, three], { clock })).toThrowError(/increase by one/);
    expect(tableNames(db)).toEqual([]);
  });
});
