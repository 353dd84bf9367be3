import type { Database } from 'better-sqlite3';

/** One append-only schema step. `up` runs inside a transaction opened by the migrator. */
export interface Migration {
  /** Strictly increasing, starting at 1; equals the NNN of the file name. */
  version: number;
  name: string;
  up(db: Database): void;
}
