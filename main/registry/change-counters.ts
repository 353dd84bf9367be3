import type { Database } from 'better-sqlite3';

/**
 * Migration 009's change counters: every insert, update and delete of the vault's `secrets` table (`secrets`)
 * and of the tool-pin tables (`tool_pins`) moves one, by trigger, whichever process and code path wrote. State
 * kept in memory from those tables (the leak guard's secrets, the withheld tools) compares two reads with `===`
 * to know whether to read them again.
 */
export type ChangeCounter = 'secrets' | 'tool_pins';

/** The counter's current value (one prepared statement per connection). */
export function changeCounter(db: Database, name: ChangeCounter): number {
  let statement = statements.get(db);
  if (!statement) {
    statement = db.prepare<[string], number>('SELECT version FROM change_counters WHERE name = ?').pluck();
    statements.set(db, statement);
  }
  return (statement.get(name) as number | undefined) ?? 0;
}

const statements = new WeakMap<Database, ReturnType<Database['prepare']>>();
