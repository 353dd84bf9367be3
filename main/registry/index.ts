import type { Clock } from '../lib/clock.ts';
import { systemClock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { dataFiles } from '../lib/paths.ts';
import type { CallLogRepository } from './call-log-repository.ts';
import { createCallLogRepository } from './call-log-repository.ts';
import type { ClientTokenRepository } from './client-token-repository.ts';
import { createClientTokenRepository } from './client-token-repository.ts';
import type { RegistryDatabase } from './database.ts';
import type { ProfileRepository } from './profile-repository.ts';
import { createProfileRepository } from './profile-repository.ts';
import { openDatabase, toDbError } from './database.ts';
import type { HealthHistoryRepository } from './health-history-repository.ts';
import { createHealthHistoryRepository } from './health-history-repository.ts';
import type { ServerRepository } from './server-repository.ts';
import { createServerRepository } from './server-repository.ts';
import type { SettingsRepository } from './settings-repository.ts';
import { createSettingsRepository } from './settings-repository.ts';
import type { ToolPinRepository } from './tool-pin-repository.ts';
import { createToolPinRepository } from './tool-pin-repository.ts';
import type { ToolSettingsRepository } from './tool-settings-repository.ts';
import { createToolSettingsRepository } from './tool-settings-repository.ts';
import type { UpstreamCatalogRepository } from './upstream-catalog-repository.ts';
import { createUpstreamCatalogRepository } from './upstream-catalog-repository.ts';

/**
 * The registry of one data directory: its database and every repository over it, each built exactly once
 * here and handed to whoever needs it.
 */
export interface Registry {
  db: RegistryDatabase;
  servers: ServerRepository;
  settings: SettingsRepository;
  catalog: UpstreamCatalogRepository;
  toolSettings: ToolSettingsRepository;
  /** Approved tool definitions per server id (issue 14). */
  toolPins: ToolPinRepository;
  callLog: CallLogRepository;
  healthHistory: HealthHistoryRepository;
  tokens: ClientTokenRepository;
  /** Profiles, their server and tool rules, and which client uses which (issue 13). */
  profiles: ProfileRepository;
  /**
   * Runs `fn` in ONE immediate transaction: the write lock is taken before the first read, so a
   * read-modify-write can never be based on what another process changed meanwhile. Nested calls join the
   * outer transaction.
   */
  write<T>(fn: () => T): T;
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
      catalog: createUpstreamCatalogRepository(db, { clock, log }),
      toolSettings: createToolSettingsRepository(db),
      toolPins: createToolPinRepository(db),
      callLog: createCallLogRepository(db),
      healthHistory: createHealthHistoryRepository(db, { log }),
      tokens: createClientTokenRepository(db, { clock }),
      profiles: createProfileRepository(db, { clock }),
      write: (fn) => {
        db.assertWritable();
        try {
          return db.connection.transaction(fn).immediate();
        } catch (error) {
          throw toDbError(error, db.file);
        }
      },
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
