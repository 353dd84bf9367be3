import type { Clock } from '../lib/clock.ts';
import { systemClock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { dataFiles } from '../lib/paths.ts';
import type { RegistryDatabase } from './database.ts';
import { openDatabase } from './database.ts';
import type { ServerRepository } from './server-repository.ts';
import { createServerRepository } from './server-repository.ts';
import type { SettingsRepository } from './settings-repository.ts';
import { createSettingsRepository } from './settings-repository.ts';

/** The registry of one data directory: its database and the repositories over it. */
export interface Registry {
  db: RegistryDatabase;
  servers: ServerRepository;
  settings: SettingsRepository;
  /** Closes the database; safe to call twice. */
  close(): void;
}

export interface OpenRegistryOptions {
  readonly?: boolean;
  log?: Logger;
  clock?: Clock;
}

/** Opens (creating and migrating as needed) the registry database of `dataDir`. */
export function openRegistry(dataDir: string, options: OpenRegistryOptions = {}): Registry {
  const clock = options.clock ?? systemClock;
  const { readonly, log } = options;
  const db = openDatabase({ file: dataFiles(dataDir).database, clock, readonly, log });
  try {
    return {
      db,
      servers: createServerRepository(db, { clock, log }),
      settings: createSettingsRepository(db, { clock, log }),
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
