import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../main/registry/migrations/index.ts';
import { runMigrations, validateMigrations } from '../../../../main/registry/migrator.ts';

describe('the app migration list', () => {
  it('is numbered 1..n with kebab-case names, starting with initial and vault', () => {
    expect(() => validateMigrations(MIGRATIONS)).not.toThrow();
    expect(MIGRATIONS.slice(0, 2).map((m) => `${m.version}-${m.name}`)).toEqual(['1-initial', '2-vault']);
  });

  it('applies cleanly to an empty database and passes the integrity and foreign-key checks', () => {
    const db = new BetterSqlite3(':memory:');
    try {
      db.pragma('foreign_keys = ON');
      runMigrations(db, MIGRATIONS, { clock: { now: () => 0 } });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
