import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HealthRecord } from '../../../main/health/health-record.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import type { RegistryDatabase } from '../../../main/registry/database.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import type { HealthHistoryRepository } from '../../../main/registry/health-history-repository.ts';
import {
  createHealthHistoryRepository,
  DEFAULT_HEALTH_HISTORY_KEEP,
} from '../../../main/registry/health-history-repository.ts';
import { migration as initial } from '../../../main/registry/migrations/001-initial.ts';
import { migration as healthHistory } from '../../../main/registry/migrations/006-health-history.ts';
import { MIGRATIONS } from '../../../main/registry/migrations/index.ts';
import type { ServerRepository } from '../../../main/registry/server-repository.ts';
import { createServerRepository, toDefinition } from '../../../main/registry/server-repository.ts';
import type { FakeClock } from '../../fixtures/registry/temp-registry.ts';
import {
  createFakeClock,
  makeTempDir,
  removeTempDirs,
  stdioDefinition,
} from '../../fixtures/registry/temp-registry.ts';

let file: string;
let database: RegistryDatabase;
let servers: ServerRepository;
let history: HealthHistoryRepository;
let clock: FakeClock;

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

function result(n: number, extra: Partial<HealthRecord> = {}): HealthRecord {
  return {
    status: 'healthy',
    latencyMs: n,
    error: null,
    errorCode: null,
    checkedAt: T0 + n * 1000,
    ...extra,
  };
}

beforeEach(() => {
  clock = createFakeClock(T0);
  file = path.join(makeTempDir('health'), 'switchboard.db');
  database = openDatabase({ file, clock });
  servers = createServerRepository(database, { clock });
  history = createHealthHistoryRepository(database, { keep: 3 });
  servers.add(stdioDefinition('alpha'));
  servers.add(stdioDefinition('beta'));
});

afterEach(() => {
  database.close();
  removeTempDirs();
});

describe('migration 006', () => {
  it('is in the app list right after 005, and the list stays contiguous', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(MIGRATIONS.find((m) => m.version === 6)).toBe(healthHistory);
    expect(healthHistory.name).toBe('health-history');
  });

  it('creates the table and its index on a fresh database with only the servers table', () => {
    const db = new BetterSqlite3(':memory:');
    try {
      db.pragma('foreign_keys = ON');
      initial.up(db);
      healthHistory.up(db);
      const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('health_history');
      expect(columns).toEqual([
        'id',
        'server_id',
        'status',
        'latency_ms',
        'error',
        'error_code',
        'checked_at',
      ]);
      const indexes = db.prepare('SELECT name FROM pragma_index_list(?)').pluck().all('health_history');
      expect(indexes).toContain('health_history_server');
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('rejects rows for servers that do not exist and negative latencies', () => {
    const db = database.connection;
    const id = servers.idOf('alpha');
    expect(() =>
      db
        .prepare('INSERT INTO health_history (server_id, status, checked_at) VALUES (?, ?, ?)')
        .run(9999, 'healthy', T0),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      db
        .prepare('INSERT INTO health_history (server_id, status, latency_ms, checked_at) VALUES (?, ?, ?, ?)')
        .run(id, 'healthy', -1, T0),
    ).toThrow(/CHECK/);
  });
});

describe('health history repository', () => {
  const idOf = (prefix: string) => servers.idOf(prefix);
  it('records results and reads the newest first', () => {
    expect(history.record(idOf('alpha'), result(1))).toBe(true);
    history.record(
      idOf('alpha'),
      result(2, { status: 'unhealthy', error: 'refused', errorCode: 'UPSTREAM_ERROR' }),
    );
    expect(history.lastN(idOf('alpha'), 10)).toEqual([
      result(2, { status: 'unhealthy', error: 'refused', errorCode: 'UPSTREAM_ERROR' }),
      result(1),
    ]);
    expect(history.lastN(idOf('alpha'), 1)).toEqual([
      result(2, { status: 'unhealthy', error: 'refused', errorCode: 'UPSTREAM_ERROR' }),
    ]);
    expect(history.lastN(idOf('alpha'), 0)).toEqual([]);
  });

  it('keeps only the newest N per server, pruning on insert, without touching other servers', () => {
    for (let n = 1; n <= 6; n++) history.record(idOf('alpha'), result(n));
    history.record(idOf('beta'), result(100));
    expect(history.lastN(idOf('alpha'), 10).map((r) => r.latencyMs)).toEqual([6, 5, 4]);
    expect(history.lastN(idOf('beta'), 10).map((r) => r.latencyMs)).toEqual([100]);
    const count = database.connection.prepare('SELECT count(*) FROM health_history').pluck().get();
    expect(count).toBe(4);
  });

  it('keeps 50 per server by default', () => {
    expect(DEFAULT_HEALTH_HISTORY_KEEP).toBe(50);
    const defaults = createHealthHistoryRepository(database);
    for (let n = 1; n <= 55; n++) defaults.record(idOf('alpha'), result(n));
    expect(defaults.lastN(idOf('alpha'), 100)).toHaveLength(50);
  });

  it('gives the latest result of every server that has one', () => {
    history.record(idOf('alpha'), result(1));
    history.record(idOf('alpha'), result(2));
    history.record(
      idOf('beta'),
      result(3, { status: 'needs_auth', error: 'sign in', errorCode: 'NEEDS_AUTH', latencyMs: null }),
    );
    expect(history.latestPerServer()).toEqual(
      new Map([
        [idOf('alpha'), result(2)],
        [
          idOf('beta'),
          result(3, { status: 'needs_auth', error: 'sign in', errorCode: 'NEEDS_AUTH', latencyMs: null }),
        ],
      ]),
    );
  });

  it('returns false for an unknown server (removed while its probe ran) and stores nothing', () => {
    expect(history.record(9999, result(1))).toBe(false);
    expect(history.lastN(9999, 5)).toEqual([]);
  });

  it('rounds latencies and times to whole milliseconds', () => {
    history.record(idOf('alpha'), { ...result(1), latencyMs: 12.6, checkedAt: T0 + 0.4 });
    expect(history.lastN(idOf('alpha'), 1)[0]).toMatchObject({ latencyMs: 13, checkedAt: T0 });
  });

  it('follows a rename and goes away with the server', () => {
    const alphaId = idOf('alpha');
    history.record(alphaId, result(1));
    servers.update('alpha', toDefinition({ ...servers.get('alpha'), prefix: 'gamma' }));
    expect(history.lastN(alphaId, 5)).toEqual([result(1)]);
    servers.remove('gamma');
    expect(database.connection.prepare('SELECT count(*) FROM health_history').pluck().get()).toBe(0);
  });

  it('reads a status written by a newer app as unknown', () => {
    const id = servers.idOf('alpha');
    database.connection
      .prepare('INSERT INTO health_history (server_id, status, checked_at) VALUES (?, ?, ?)')
      .run(id, 'hibernating', T0);
    expect(history.lastN(idOf('alpha'), 1)[0]?.status).toBe('unknown');
  });

  it('survives closing and reopening the file', () => {
    const alphaId = idOf('alpha');
    history.record(alphaId, result(7));
    database.close();
    database = openDatabase({ file, clock });
    expect(createHealthHistoryRepository(database).latestPerServer()).toEqual(
      new Map([[alphaId, result(7)]]),
    );
  });

  it('refuses to write to a read-only database, with DB_READ_ONLY', () => {
    database.close();
    database = openDatabase({ file, clock, readonly: true });
    const readOnly = createHealthHistoryRepository(database);
    try {
      readOnly.record(1, result(1));
      expect.unreachable();
    } catch (error) {
      expect(isSwitchboardError(error, 'DB_READ_ONLY')).toBe(true);
    }
    expect(readOnly.latestPerServer()).toEqual(new Map());
  });
});
