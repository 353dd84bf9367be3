import { z } from 'zod';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import type { RegistryDatabase } from './database.ts';
import { dbErrorGuard } from './database.ts';

/**
 * Every setting the app knows: its schema, its default and what it means. The default is not written
 * to the database, so a later release can change a default for everyone who never chose a value.
 */
export const SETTINGS = {
  /** Localhost port of the MCP gateway. 17517: unassigned by IANA and far from common dev ports. */
  'gateway.port': {
    schema: z
      .number()
      .int('must be a whole number')
      .min(1024, 'must be 1024 or more')
      .max(65535, 'must be 65535 or less'),
    default: 17517,
  },
  /**
   * Seconds a tool call may go without an answer or progress before it fails with UPSTREAM_TIMEOUT (progress
   * resets it); read when the hub starts.
   */
  'upstream.callTimeoutSeconds': {
    schema: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(3600, 'must be at most an hour'),
    default: 60,
  },
  /**
   * Seconds after the hub starts during which a client's listing waits for servers it has never listed (many
   * clients list tools once, right after connecting); 0 answers at once with what is known. Read at start.
   */
  'gateway.firstListWaitSeconds': {
    schema: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 (do not wait) or more')
      .max(60, 'must be at most 60'),
    default: 5,
  },
  /** Seconds a stdio server may sit without calls before it is stopped; 0 keeps them running. */
  'upstream.idleTimeoutSeconds': {
    schema: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 (never) or more')
      .max(604_800, 'must be at most a week'),
    default: 600,
  },
  /** Days of call-log history kept before pruning. */
  'callLog.retentionDays': {
    schema: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(3650, 'must be at most 3650'),
    default: 14,
  },
  /** Seconds between scheduled health checks of each enabled server. */
  'health.intervalSeconds': {
    schema: z
      .number()
      .int('must be a whole number')
      .min(10, 'must be at least 10')
      .max(86_400, 'must be at most a day'),
    default: 120,
  },
  /**
   * Paused: the gateway keeps listening (the window, OAuth callbacks and `resume` keep working) but refuses
   * every MCP request with a clear error until resumed. Kept across restarts: it is the person's choice.
   */
  'gateway.paused': { schema: z.boolean({ error: 'must be true or false' }), default: false },
  /** Wake idle-stopped stdio servers just to check their health. */
  'health.probeIdleServers': { schema: z.boolean({ error: 'must be true or false' }), default: false },
  /** Desktop notification when a server turns unhealthy or needs attention. */
  'app.notifications': { schema: z.boolean({ error: 'must be true or false' }), default: true },
  /** Start the desktop app when the person logs in. */
  'app.launchAtLogin': { schema: z.boolean({ error: 'must be true or false' }), default: false },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]['schema']>;
export type Settings = { [K in SettingKey]: SettingValue<K> };

/** The names of every known setting. */
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export interface SettingsRepository {
  /** The stored value, or the default when none is stored (or the stored one no longer validates). */
  get<K extends SettingKey>(key: K): SettingValue<K>;
  /** Validates and stores a value; VALIDATION naming the key when the key is unknown or the value invalid. */
  set<K extends SettingKey>(key: K, value: unknown): SettingValue<K>;
  /** Forgets a stored value, so the default applies again. */
  reset(key: SettingKey): void;
  /** Every setting with its effective value. */
  getAll(): Settings;
  /** True when a value (rather than the default) is stored for `key`. */
  isSet(key: SettingKey): boolean;
}

export interface SettingsRepositoryDeps {
  clock: Clock;
  log?: Logger;
}

/** Typed, validated app settings over an open RegistryDatabase. */
export function createSettingsRepository(
  database: RegistryDatabase,
  deps: SettingsRepositoryDeps,
): SettingsRepository {
  const db = database.connection;
  const log = deps.log ?? silentLogger;
  const selectValue = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
  const upsert = db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const deleteKey = db.prepare('DELETE FROM settings WHERE key = ?');

  const guarded = dbErrorGuard(database.file);

  // Parsed values, read once: the gateway asks for some on every call (the idle timeout), and a select, a JSON
  // parse and a schema check per call showed as 2.5% of serve's CPU. `data_version` moves when another connection
  // (the CLI in another process) commits, and every write of this connection goes through set/reset below, so
  // the cache is exact. Nothing is cached inside a transaction: what it reads may yet be rolled back.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const cache = new Map<SettingKey, unknown>();
  let cachedVersion: unknown;
  const cached = <K extends SettingKey>(key: K): SettingValue<K> => {
    if (db.inTransaction) return read(key);
    const version = guarded(() => dataVersion.get());
    if (version !== cachedVersion) {
      cache.clear();
      cachedVersion = version;
    }
    if (cache.has(key)) return cache.get(key) as SettingValue<K>;
    const value = read(key);
    cache.set(key, value);
    return value;
  };

  const read = <K extends SettingKey>(key: K): SettingValue<K> => {
    const definition = definitionOf(key);
    const stored = guarded(() => selectValue.get(key));
    if (typeof stored !== 'string') return definition.default as SettingValue<K>;
    // A bad stored value (hand edit, older bug) must not keep the app from starting: warn, use the default.
    let json: unknown;
    try {
      json = JSON.parse(stored);
    } catch {
      log.warn('ignoring unreadable setting; using its default', { key });
      return definition.default as SettingValue<K>;
    }
    const parsed = definition.schema.safeParse(json);
    if (!parsed.success) {
      log.warn('ignoring invalid setting; using its default', {
        key,
        problem: parsed.error.issues[0]?.message,
      });
      return definition.default as SettingValue<K>;
    }
    return parsed.data as SettingValue<K>;
  };

  return {
    get: (key) => {
      definitionOf(key);
      return cached(key);
    },

    set(key, value) {
      const definition = definitionOf(key);
      const parsed = definition.schema.safeParse(value);
      if (!parsed.success) {
        const message = parsed.error.issues[0]?.message ?? 'is invalid';
        throw new SwitchboardError('VALIDATION', `${key}: ${message}`, {
          details: { issues: parsed.error.issues.map((i) => ({ path: [key], message: i.message })) },
        });
      }
      database.assertWritable();
      cache.clear();
      guarded(() => upsert.run(key, JSON.stringify(parsed.data), new Date(deps.clock.now()).toISOString()));
      return parsed.data as SettingValue<typeof key>;
    },

    reset(key) {
      definitionOf(key);
      database.assertWritable();
      cache.clear();
      guarded(() => deleteKey.run(key));
    },

    getAll() {
      return Object.fromEntries(SETTING_KEYS.map((key) => [key, cached(key)])) as Settings;
    },

    isSet(key) {
      definitionOf(key);
      return guarded(() => selectValue.get(key)) !== undefined;
    },
  };
}

/** Keys arrive from the CLI and IPC as plain strings; reject unknown ones with the list of known ones. */
function definitionOf(key: string): { schema: z.ZodType; default: unknown } {
  if (!Object.hasOwn(SETTINGS, key)) {
    throw new SwitchboardError(
      'VALIDATION',
      `"${key}" is not a setting; known settings: ${SETTING_KEYS.join(', ')}`,
      {
        details: { issues: [{ path: ['key'], message: 'is not a known setting' }] },
      },
    );
  }
  return SETTINGS[key as SettingKey];
}
