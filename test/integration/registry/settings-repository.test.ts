import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../main/lib/logger.ts';
import type { RegistryDatabase } from '../../../main/registry/database.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import type { SettingKey, SettingsRepository } from '../../../main/registry/settings-repository.ts';
import { createSettingsRepository, SETTING_KEYS } from '../../../main/registry/settings-repository.ts';
import {
  createFakeClock,
  removeTempDirs,
  tempDatabaseFile,
  thrown,
} from '../../fixtures/registry/temp-registry.ts';

let database: RegistryDatabase;
let settings: SettingsRepository;
const warnings: string[] = [];

const recordingLog: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message) => warnings.push(message),
  error: () => {},
  child: () => recordingLog,
};

beforeEach(() => {
  warnings.length = 0;
  const clock = createFakeClock();
  database = openDatabase({ file: tempDatabaseFile('settings'), clock });
  settings = createSettingsRepository(database, { clock, log: recordingLog });
});

afterEach(() => {
  database.close();
  removeTempDirs();
});

/** Every setting's default, written out by hand. */
const DEFAULTS = {
  'gateway.port': 17517,
  'gateway.paused': false,
  'gateway.firstListWaitSeconds': 5,
  'upstream.idleTimeoutSeconds': 600,
  'upstream.callTimeoutSeconds': 60,
  'callLog.retentionDays': 14,
  'health.intervalSeconds': 120,
  'health.probeIdleServers': false,
  'app.notifications': true,
  'app.launchAtLogin': false,
};

describe('settings', () => {
  it('returns defaults when nothing is stored, without storing them', () => {
    expect(settings.getAll()).toEqual(DEFAULTS);
    expect(SETTING_KEYS.map((k) => settings.isSet(k))).toEqual(SETTING_KEYS.map(() => false));
    expect(database.connection.prepare('SELECT count(*) FROM settings').pluck().get()).toBe(0);
  });

  it('stores, reads back and resets values', () => {
    expect(settings.set('gateway.port', 18000)).toBe(18000);
    settings.set('upstream.idleTimeoutSeconds', 0);
    expect(settings.get('gateway.port')).toBe(18000);
    expect(settings.get('upstream.idleTimeoutSeconds')).toBe(0);
    expect(settings.isSet('gateway.port')).toBe(true);
    settings.reset('gateway.port');
    expect(settings.get('gateway.port')).toBe(17517);
    expect(settings.isSet('gateway.port')).toBe(false);
  });

  it('keeps values across a reopen', () => {
    settings.set('callLog.retentionDays', 30);
    const file = database.file;
    database.close();
    database = openDatabase({ file, clock: createFakeClock() });
    expect(
      createSettingsRepository(database, { clock: createFakeClock() }).get('callLog.retentionDays'),
    ).toBe(30);
  });

  it.each<[SettingKey, unknown]>([
    ['gateway.port', 80],
    ['gateway.port', 70000],
    ['gateway.port', 8080.5],
    ['gateway.port', '8080'],
    ['upstream.idleTimeoutSeconds', -1],
    ['callLog.retentionDays', 0],
    ['callLog.retentionDays', null],
  ])('rejects %s = %j with VALIDATION naming the key', (key, value) => {
    const error = thrown(() => settings.set(key, value));
    expect(error.code).toBe('VALIDATION');
    expect(error.message.startsWith(`${key}: `)).toBe(true);
    expect(settings.isSet(key)).toBe(false);
  });

  it('rejects unknown keys, listing the known ones', () => {
    const error = thrown(() => settings.set('gateway.colour' as SettingKey, 'blue'));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('"gateway.colour" is not a setting');
    expect(error.message).toContain('gateway.port');
    expect(thrown(() => settings.get('nope' as SettingKey)).code).toBe('VALIDATION');
  });

  it('falls back to the default (and warns) when a stored value no longer validates', () => {
    const put = database.connection.prepare(
      "INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, 'x')",
    );
    put.run('gateway.port', '"not a number"');
    put.run('callLog.retentionDays', '-5');
    put.run('from.a.newer.app', '{"x":1}');
    expect(settings.getAll()).toEqual(DEFAULTS);
    expect(warnings).toHaveLength(2);
  });
});

describe('reads are cached, never stale', () => {
  it('sees a value another connection (another process: the CLI) committed', () => {
    expect(settings.get('upstream.idleTimeoutSeconds')).toBe(600);
    const clock = createFakeClock();
    const other = openDatabase({ file: database.file, clock });
    try {
      createSettingsRepository(other, { clock }).set('upstream.idleTimeoutSeconds', 120);
      expect(settings.get('upstream.idleTimeoutSeconds')).toBe(120);
      createSettingsRepository(other, { clock }).reset('upstream.idleTimeoutSeconds');
      expect(settings.get('upstream.idleTimeoutSeconds')).toBe(600);
    } finally {
      other.close();
    }
  });

  it('forgets a value set in a transaction that was rolled back', () => {
    expect(settings.get('gateway.port')).toBe(17517);
    expect(() =>
      database.connection.transaction(() => {
        settings.set('gateway.port', 18000);
        expect(settings.get('gateway.port')).toBe(18000);
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(settings.get('gateway.port')).toBe(17517);
  });
});
