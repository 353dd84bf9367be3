import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../main/lib/errors.ts';
import { toDbError } from '../../../main/registry/database.ts';

/** better-sqlite3's SqliteError carries SQLite's extended result code as `code`. */
function sqliteError(code: string, message = 'sqlite says no'): Error {
  return Object.assign(new Error(message), { code });
}

describe('toDbError', () => {
  const file = '/data/switchboard.db';

  it('passes SwitchboardErrors through untouched', () => {
    const original = new SwitchboardError('CONFLICT', 'taken');
    expect(toDbError(original, file)).toBe(original);
  });

  it.each([
    ['SQLITE_READONLY', 'DB_READ_ONLY', /read-only/],
    ['SQLITE_READONLY_DBMOVED', 'DB_READ_ONLY', /read-only/],
    ['SQLITE_NOTADB', 'DB_ERROR', /not a readable Switchboard database/],
    ['SQLITE_CORRUPT', 'DB_ERROR', /not a readable Switchboard database/],
    ['SQLITE_BUSY', 'DB_ERROR', /locked by another process for 5s/],
    ['SQLITE_CANTOPEN', 'DB_ERROR', /cannot open or write/],
    ['SQLITE_IOERR_FSYNC', 'DB_ERROR', /cannot open or write/],
    ['SQLITE_ERROR', 'DB_ERROR', /database error/],
  ])('maps %s to %s with a message naming the file', (sqliteCode, code, pattern) => {
    const error = toDbError(sqliteError(sqliteCode), file);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(pattern);
    expect(error.message).toContain(file);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('handles things that are not errors', () => {
    const error = toDbError('weird', file);
    expect(error.code).toBe('DB_ERROR');
    expect(error.message).toContain('weird');
  });
});
