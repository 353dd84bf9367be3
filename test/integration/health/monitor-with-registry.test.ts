import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HealthMonitor } from '../../../main/health/health-monitor.ts';
import { createHealthMonitor } from '../../../main/health/health-monitor.ts';
import { renderStatusTable, statusRowsFromHistory } from '../../../main/health/status-report.ts';
import type { ProbeFn } from '../../../main/health/run-probe.ts';
import { SwitchboardError } from '../../../main/lib/errors.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import type { RegistryDatabase } from '../../../main/registry/database.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import { createHealthHistoryRepository } from '../../../main/registry/health-history-repository.ts';
import type { ServerRepository } from '../../../main/registry/server-repository.ts';
import { createServerRepository } from '../../../main/registry/server-repository.ts';
import {
  makeTempDir,
  remoteDefinition,
  removeTempDirs,
  stdioDefinition,
} from '../../fixtures/registry/temp-registry.ts';

const MINUTE = 60_000;
const clock = { now: () => Date.now() };

let file: string;
let database: RegistryDatabase;
let servers: ServerRepository;

function monitorOver(
  db: RegistryDatabase,
  probe: ProbeFn,
  idle: Set<string>,
  redactor = new Redactor(),
): HealthMonitor {
  const repo = createServerRepository(db, { clock });
  return createHealthMonitor({
    listServers: () => repo.list().map((s) => ({ id: s.id, prefix: s.prefix, enabled: s.enabled })),
    probe,
    isIdleStopped: (prefix) => idle.has(prefix),
    redact: (text) => redactor.redact(text),
    clock,
    random: () => 0.5,
    history: createHealthHistoryRepository(db),
    settings: { intervalMs: 5 * MINUTE },
  });
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 2, 3, 4, 5) });
  file = path.join(makeTempDir('health-monitor'), 'switchboard.db');
  database = openDatabase({ file, clock });
  servers = createServerRepository(database, { clock });
});

afterEach(() => {
  database.close();
  vi.useRealTimers();
  removeTempDirs();
});

describe('health monitor over a real registry', () => {
  it('records results another process can report, and shows the last known result after a restart', async () => {
    servers.add(stdioDefinition('files'));
    servers.add(
      remoteDefinition('api', {
        envVars: [{ name: 'TOKEN' }],
        headers: { Authorization: 'Bearer ${TOKEN}' },
      }),
    );
    const redactor = new Redactor();
    redactor.add('tok-123456');
    const probe: ProbeFn = async (prefix) => {
      if (prefix === 'api') throw new SwitchboardError('UPSTREAM_ERROR', 'HTTP 500 with Bearer tok-123456');
      return { latencyMs: 21 };
    };
    const idle = new Set<string>();
    const monitor = monitorOver(database, probe, idle, redactor);
    monitor.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(monitor.status('files')?.status).toBe('healthy');
    expect(monitor.status('api')?.status).toBe('unhealthy');
    monitor.stop();

    // `switchboard status` in another process: reads the file, not the monitor.
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    const reader = openDatabase({ file, clock, readonly: true });
    try {
      const rows = statusRowsFromHistory(
        createServerRepository(reader, { clock })
          .list()
          .map((s) => ({ id: s.id, prefix: s.prefix, enabled: s.enabled })),
        createHealthHistoryRepository(reader).latestPerServer(),
        Date.now(),
      );
      expect(rows.map((r) => [r.prefix, r.status, r.latencyMs, r.age])).toEqual([
        ['api', 'unhealthy', 0, '2m ago'],
        ['files', 'healthy', 21, '2m ago'],
      ]);
      expect(rows[0]?.error).not.toContain('tok-123456');
      expect(renderStatusTable(rows)).toContain('HTTP 500 with Bearer [REDACTED]');
    } finally {
      reader.close();
    }

    // The app restarts; the stdio server is idle-stopped, so it is not woken and shows its last result.
    idle.add('files');
    const probeAfter = vi.fn<ProbeFn>(async () => ({ latencyMs: 1 }));
    const restarted = monitorOver(database, probeAfter, idle);
    restarted.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(probeAfter).not.toHaveBeenCalledWith('files', expect.anything());
    expect(restarted.status('files')).toMatchObject({ status: 'stopped', latencyMs: 21, lastOutcome: 'ok' });
    restarted.stop();
  });

  it('a server created in the registry is healthy within 2 s (interval: minutes)', async () => {
    const monitor = monitorOver(database, async () => ({ latencyMs: 9 }), new Set());
    monitor.start();
    await vi.advanceTimersByTimeAsync(30_000);
    servers.add(stdioDefinition('fresh'));
    void monitor.checkNow('fresh');
    await vi.advanceTimersByTimeAsync(2000);
    expect(monitor.status('fresh')?.status).toBe('healthy');
    expect(createHealthHistoryRepository(database).lastN(servers.idOf('fresh'), 5)).toHaveLength(1);
    monitor.stop();
  });

  it('a server removed in the registry is forgotten along with its history', async () => {
    servers.add(stdioDefinition('gone'));
    const monitor = monitorOver(database, async () => ({ latencyMs: 9 }), new Set());
    monitor.start();
    await vi.advanceTimersByTimeAsync(1000);
    servers.remove('gone');
    await expect(monitor.checkNow('gone')).resolves.toBeUndefined();
    expect(createHealthHistoryRepository(database).latestPerServer()).toEqual(new Map());
    monitor.stop();
  });
});
