import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  HealthChange,
  HealthMonitorDeps,
  HealthTarget,
  Preflight,
} from '../../../main/health/health-monitor.ts';
import { createHealthMonitor } from '../../../main/health/health-monitor.ts';
import type { HealthHistory, HealthRecord } from '../../../main/health/health-record.ts';
import type { HealthSettings } from '../../../main/health/health-settings.ts';
import type { ProbeFn, ProbeSuccess } from '../../../main/health/run-probe.ts';
import { SwitchboardError } from '../../../main/lib/errors.ts';
import type { Logger } from '../../../main/lib/logger.ts';

const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 2, 3, 4, 5);

/** A probe outcome scripted per server: answer after `ms`, or fail after `ms`, or never answer. */
type Script = { ms: number; latencyMs?: number } | { ms: number; fail: Error } | { hang: true };

/** Stable fake server ids, one per prefix (the monitor keys its history by id). */
const ids = new Map<string, number>();
function idOf(prefix: string): number {
  if (!ids.has(prefix)) ids.set(prefix, ids.size + 1);
  return ids.get(prefix) as number;
}
function prefixOf(id: number): string | undefined {
  return [...ids].find(([, value]) => value === id)?.[0];
}

function fakeHistory(initial: Record<string, HealthRecord> = {}) {
  const records: { prefix: string | undefined; record: HealthRecord }[] = [];
  const history: HealthHistory & { records: typeof records; broken: boolean } = {
    records,
    broken: false,
    record(serverId, record) {
      if (history.broken) throw new SwitchboardError('DB_READ_ONLY', 'read-only');
      records.push({ prefix: prefixOf(serverId), record });
      return true;
    },
    latestPerServer: () => new Map(Object.entries(initial).map(([prefix, record]) => [idOf(prefix), record])),
  };
  return history;
}

function captureLog() {
  const lines: { level: string; message: string }[] = [];
  const log: Logger = {
    debug: (message) => lines.push({ level: 'debug', message }),
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
    child: () => log,
  };
  return { log, lines };
}

function world(
  options: {
    servers?: HealthTarget[];
    settings?: Partial<HealthSettings>;
    history?: Record<string, HealthRecord>;
  } = {},
) {
  const servers: HealthTarget[] = options.servers ?? [{ id: idOf('alpha'), prefix: 'alpha', enabled: true }];
  const scripts = new Map<string, Script[]>();
  const idle = new Set<string>();
  const preflights = new Map<string, Preflight>();
  const signals: AbortSignal[] = [];
  const settings: Partial<HealthSettings> = {
    intervalMs: 5 * MINUTE,
    jitterRatio: 0.1,
    maxBackoffMs: 60 * MINUTE,
    probeTimeoutMs: 10_000,
    startSpreadMs: 1000,
    ...options.settings,
  };
  const probe = vi.fn<ProbeFn>((prefix, signal) => {
    signals.push(signal);
    const queue = scripts.get(prefix) ?? [];
    const script = queue.length > 1 ? queue.shift()! : (queue[0] ?? { ms: 20, latencyMs: 15 });
    if ('hang' in script) return new Promise<ProbeSuccess>(() => {});
    return new Promise<ProbeSuccess>((resolve, reject) => {
      setTimeout(
        () => ('fail' in script ? reject(script.fail) : resolve({ latencyMs: script.latencyMs })),
        script.ms,
      );
    });
  });
  const history = fakeHistory(options.history);
  const { log, lines } = captureLog();
  const changes: HealthChange[] = [];
  const deps: HealthMonitorDeps = {
    listServers: () => servers,
    probe,
    isIdleStopped: (prefix) => idle.has(prefix),
    preflight: (prefix) => preflights.get(prefix) ?? { kind: 'ready' },
    redact: (text) => text.replaceAll('hunter2', '[REDACTED]'),
    clock: { now: () => Date.now() },
    random: () => 0.5, // no jitter: delays are exact
    history,
    log,
    settings: () => settings,
  };
  const monitor = createHealthMonitor(deps);
  monitor.onChange((change) => changes.push(change));
  const script = (prefix: string, ...steps: Script[]) => scripts.set(prefix, steps);
  const probesOf = (prefix: string) => probe.mock.calls.filter(([p]) => p === prefix).length;
  return {
    monitor,
    servers,
    probe,
    idle,
    preflights,
    signals,
    settings,
    history,
    lines,
    changes,
    script,
    probesOf,
    deps,
  };
}

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('acceptance: a new server does not wait for the interval', () => {
  it('reports healthy within 2 s of creation with a 5-minute interval', async () => {
    const w = world({ servers: [] });
    w.monitor.start();
    await advance(10 * 1000);

    // What the hub does on create: store the server, then ask for a check.
    w.servers.push({ id: idOf('fresh'), prefix: 'fresh', enabled: true });
    w.script('fresh', { ms: 400, latencyMs: 30 });
    const created = Date.now();
    void w.monitor.checkNow('fresh');
    await advance(2000);

    expect(w.monitor.status('fresh')).toMatchObject({ status: 'healthy', latencyMs: 30 });
    expect(w.monitor.status('fresh')!.checkedAt! - created).toBeLessThanOrEqual(2000);
    expect(w.changes.filter((c) => c.prefix === 'fresh').map((c) => c.current?.status)).toEqual(['healthy']);
  });

  it('checkNow resolves with the fresh state', async () => {
    const w = world({ servers: [] });
    w.monitor.start();
    w.servers.push({ id: idOf('fresh'), prefix: 'fresh', enabled: true });
    const pending = w.monitor.checkNow('fresh');
    await advance(100);
    await expect(pending).resolves.toMatchObject({ status: 'healthy' });
  });
});

describe('start and schedule', () => {
  it('probes every enabled server soon after start, then every interval', async () => {
    const w = world({
      servers: [
        { id: idOf('a'), prefix: 'a', enabled: true },
        { id: idOf('b'), prefix: 'b', enabled: true },
      ],
    });
    w.monitor.start();
    expect(w.monitor.status('a')?.status).toBe('unknown');
    await advance(1000);
    expect(w.probesOf('a')).toBe(1);
    expect(w.probesOf('b')).toBe(1);
    expect(w.monitor.status('a')?.status).toBe('healthy');

    await advance(5 * MINUTE - 1000);
    expect(w.probesOf('a')).toBe(1);
    await advance(1000);
    expect(w.probesOf('a')).toBe(2);
  });

  it('never probes a disabled server', async () => {
    const w = world({ servers: [{ id: idOf('off'), prefix: 'off', enabled: false }] });
    w.monitor.start();
    await advance(30 * MINUTE);
    expect(w.probe).not.toHaveBeenCalled();
    expect(w.monitor.status('off')?.status).toBe('disabled');
  });

  it('start is idempotent', async () => {
    const w = world();
    w.monitor.start();
    w.monitor.start();
    await advance(1000);
    expect(w.probesOf('alpha')).toBe(1);
  });

  it('uses the injected timers when given', async () => {
    const w = world();
    const setTimeoutSpy = vi.fn((fn: () => void, ms: number) => setTimeout(fn, ms));
    const monitor = createHealthMonitor({
      ...w.deps,
      timers: { setTimeout: setTimeoutSpy, clearTimeout: (h) => clearTimeout(h as number) },
    });
    monitor.start();
    await advance(1000);
    expect(setTimeoutSpy).toHaveBeenCalled();
    expect(monitor.status('alpha')?.status).toBe('healthy');
  });

  it('spreads first probes with jitter and keeps them apart afterwards', async () => {
    const w = world({ servers: [{ id: idOf('a'), prefix: 'a', enabled: true }] });
    const randoms = [0.0, 0.99];
    const monitor = createHealthMonitor({ ...w.deps, random: () => randoms.shift() ?? 0.5 });
    monitor.start(); // first delay 0 ms, next one +10 % of 5 minutes
    await advance(100);
    expect(w.probesOf('a')).toBe(1);
    await advance(5 * MINUTE);
    expect(w.probesOf('a')).toBe(1);
    await advance(30 * 1000);
    expect(w.probesOf('a')).toBe(2);
  });
});

describe('failures, backoff and timeouts', () => {
  it('backs off while unhealthy and recovers to the interval', async () => {
    const w = world();
    const down = { ms: 5, fail: new Error('connect ECONNREFUSED') };
    w.script('alpha', down, down, down, { ms: 5, latencyMs: 5 });
    w.monitor.start();
    await advance(1000);
    expect(w.monitor.status('alpha')).toMatchObject({ status: 'unhealthy', consecutiveFailures: 1 });
    await advance(5 * MINUTE); // 1 failure → plain interval
    expect(w.probesOf('alpha')).toBe(2);
    await advance(10 * MINUTE); // 2 failures → 2 × interval
    expect(w.probesOf('alpha')).toBe(3);
    await advance(10 * MINUTE); // 3 failures → 4 × interval: not yet
    expect(w.probesOf('alpha')).toBe(3);
    await advance(10 * MINUTE);
    expect(w.probesOf('alpha')).toBe(4);
    expect(w.monitor.status('alpha')?.status).toBe('healthy');
    await advance(5 * MINUTE);
    expect(w.probesOf('alpha')).toBe(5);
  });

  it('a hung probe never delays another server; it times out on its own', async () => {
    const w = world({
      servers: [
        { id: idOf('hung'), prefix: 'hung', enabled: true },
        { id: idOf('fine'), prefix: 'fine', enabled: true },
      ],
    });
    w.script('hung', { hang: true });
    w.monitor.start();
    await advance(1000);
    expect(w.monitor.status('fine')?.status).toBe('healthy');
    expect(w.monitor.status('hung')?.status).toBe('unknown');
    await advance(10_000);
    expect(w.monitor.status('hung')).toMatchObject({
      status: 'unhealthy',
      latencyMs: 10_000,
      lastError: { code: 'UPSTREAM_TIMEOUT' },
    });
    expect(w.signals[0]?.aborted).toBe(true);
  });

  it('keeps errors redacted in the state, the history and the change events', async () => {
    const w = world();
    w.script('alpha', { ms: 5, fail: new SwitchboardError('UPSTREAM_ERROR', '401 for token hunter2') });
    w.monitor.start();
    await advance(1000);
    expect(w.monitor.status('alpha')?.lastError?.message).toBe('401 for token [REDACTED]');
    expect(w.history.records.at(-1)?.record.error).toBe('401 for token [REDACTED]');
    expect(JSON.stringify(w.changes)).not.toContain('hunter2');
  });

  it('a slow but working server is degraded', async () => {
    const w = world({ settings: { slowMs: 500 } });
    w.script('alpha', { ms: 5, latencyMs: 900 });
    w.monitor.start();
    await advance(1000);
    expect(w.monitor.status('alpha')).toMatchObject({ status: 'degraded', degradedBy: 'slow' });
  });

  it('a probe failing with NEEDS_AUTH shows needs_auth, not unhealthy', async () => {
    const w = world();
    w.script('alpha', {
      ms: 5,
      fail: new SwitchboardError('NEEDS_AUTH', 'the token was revoked; Connect again'),
    });
    w.monitor.start();
    await advance(1000);
    expect(w.monitor.status('alpha')).toMatchObject({
      status: 'needs_auth',
      lastError: { message: 'the token was revoked; Connect again' },
    });
  });
});

describe('idle-stopped servers', () => {
  it('are not woken by the schedule; their last known result stays, with its age', async () => {
    const lastSeen = START - 3 * MINUTE;
    const w = world({
      servers: [{ id: idOf('stdio'), prefix: 'stdio', enabled: true }],
      history: {
        stdio: { status: 'healthy', latencyMs: 12, error: null, errorCode: null, checkedAt: lastSeen },
      },
    });
    w.idle.add('stdio');
    w.monitor.start();
    await advance(60 * MINUTE);
    expect(w.probe).not.toHaveBeenCalled();
    expect(w.monitor.status('stdio')).toMatchObject({
      status: 'stopped',
      latencyMs: 12,
      checkedAt: lastSeen,
      lastOutcome: 'ok',
    });
  });

  it('are probed when the setting says so (read live)', async () => {
    const w = world({ servers: [{ id: idOf('stdio'), prefix: 'stdio', enabled: true }] });
    w.idle.add('stdio');
    w.monitor.start();
    await advance(1000);
    expect(w.probe).not.toHaveBeenCalled();
    w.settings.probeIdleServers = true;
    await advance(5 * MINUTE);
    expect(w.probesOf('stdio')).toBe(1);
    expect(w.monitor.status('stdio')?.status).toBe('healthy');
  });

  it('are woken by checkNow (an explicit re-check after create, edit or Connect)', async () => {
    const w = world({ servers: [{ id: idOf('stdio'), prefix: 'stdio', enabled: true }] });
    w.idle.add('stdio');
    w.monitor.start();
    await advance(1000);
    void w.monitor.checkNow('stdio');
    await advance(100);
    expect(w.probesOf('stdio')).toBe(1);
    expect(w.monitor.status('stdio')?.status).toBe('healthy');
  });
});

describe('preflight: needs_auth and needs_config without probing', () => {
  it('a server without its OAuth token is needs_auth and is not probed', async () => {
    const w = world();
    w.preflights.set('alpha', { kind: 'needs_auth' });
    w.monitor.start();
    await advance(30 * MINUTE);
    expect(w.probe).not.toHaveBeenCalled();
    expect(w.monitor.status('alpha')).toMatchObject({
      status: 'needs_auth',
      lastError: { code: 'NEEDS_AUTH' },
    });
    // Recorded once, not at every interval.
    expect(w.history.records.filter((r) => r.record.status === 'needs_auth')).toHaveLength(1);

    // Connect completes: the hub re-checks.
    w.preflights.delete('alpha');
    void w.monitor.checkNow('alpha');
    await advance(100);
    expect(w.monitor.status('alpha')?.status).toBe('healthy');
  });

  it('a server missing variables is needs_config with their names until a secret is set', async () => {
    const w = world();
    w.preflights.set('alpha', { kind: 'needs_config', missing: ['API_KEY'] });
    w.monitor.start();
    await advance(1000);
    expect(w.probe).not.toHaveBeenCalled();
    expect(w.monitor.status('alpha')).toMatchObject({ status: 'needs_config', missing: ['API_KEY'] });
    w.preflights.delete('alpha');
    void w.monitor.checkNow('alpha');
    await advance(100);
    expect(w.monitor.status('alpha')?.status).toBe('healthy');
  });

  it('a preflight message is redacted', async () => {
    const w = world();
    w.preflights.set('alpha', { kind: 'needs_auth', message: 'refresh with hunter2 failed' });
    w.monitor.start();
    await advance(1000);
    expect(w.monitor.status('alpha')?.lastError?.message).toBe('refresh with [REDACTED] failed');
  });

  it('a preflight that throws does not stop the probe', async () => {
    const w = world();
    const monitor = createHealthMonitor({
      ...w.deps,
      preflight: () => {
        throw new Error('vault locked');
      },
    });
    monitor.start();
    await advance(1000);
    expect(monitor.status('alpha')?.status).toBe('healthy');
    expect(w.lines.some((l) => l.level === 'warn' && /preflight/.test(l.message))).toBe(true);
  });

  it('works without a preflight at all', async () => {
    const w = world();
    const { preflight: _unused, ...deps } = w.deps;
    const monitor = createHealthMonitor(deps);
    monitor.start();
    await advance(1000);
    expect(monitor.status('alpha')?.status).toBe('healthy');
  });
});

describe('checkNow', () => {
  it('coalesces calls made in the same tick into one probe', async () => {
    const w = world();
    w.monitor.start();
    await advance(1000);
    w.probe.mockClear();
    const a = w.monitor.checkNow('alpha');
    const b = w.monitor.checkNow('alpha');
    expect(a).toBe(b);
    await advance(100);
    expect(w.probe).toHaveBeenCalledTimes(1);
    await expect(a).resolves.toMatchObject({ status: 'healthy' });
  });

  it('supersedes a probe in flight: aborts it, drops its answer, and both callers get the fresh one', async () => {
    const w = world();
    w.script('alpha', { ms: 5000, fail: new Error('old config') }, { ms: 50, latencyMs: 7 });
    w.monitor.start();
    await advance(1000); // first probe (5 s, will fail) is in flight
    const first = w.monitor.checkNow('alpha');
    await advance(1);
    expect(w.signals[0]?.aborted).toBe(true);
    await advance(10_000);
    await expect(first).resolves.toMatchObject({ status: 'healthy', latencyMs: 7 });
    expect(w.monitor.status('alpha')?.lastError).toBeNull();
    expect(w.changes.map((c) => c.current?.status)).toEqual(['healthy']);
  });

  it('resumes the schedule from the re-check', async () => {
    const w = world();
    w.monitor.start();
    await advance(2 * MINUTE);
    void w.monitor.checkNow('alpha');
    await advance(100);
    expect(w.probesOf('alpha')).toBe(2);
    await advance(5 * MINUTE - 200);
    expect(w.probesOf('alpha')).toBe(2); // the old timer (due at 5 min) was replaced
    await advance(200);
    expect(w.probesOf('alpha')).toBe(3);
  });

  it('resolves undefined for an unknown server and when the monitor is not running', async () => {
    const w = world();
    await expect(w.monitor.checkNow('alpha')).resolves.toBeUndefined();
    w.monitor.start();
    await expect(w.monitor.checkNow('nope')).resolves.toBeUndefined();
    expect(w.probe).not.toHaveBeenCalled();
  });
});

describe('registry changes', () => {
  it('disabling aborts a probe in flight, drops its answer and stops probing', async () => {
    const w = world();
    w.script('alpha', { ms: 5000, latencyMs: 1 });
    w.monitor.start();
    await advance(1000);
    w.servers[0]!.enabled = false;
    await expect(w.monitor.checkNow('alpha')).resolves.toMatchObject({ status: 'disabled' });
    expect(w.signals[0]?.aborted).toBe(true);
    await advance(60 * MINUTE);
    expect(w.probesOf('alpha')).toBe(1);
    expect(w.monitor.status('alpha')?.status).toBe('disabled');
  });

  it('enabling goes through unknown to a fresh result at once', async () => {
    const w = world({ servers: [{ id: idOf('alpha'), prefix: 'alpha', enabled: false }] });
    w.monitor.start();
    w.servers[0]!.enabled = true;
    void w.monitor.checkNow('alpha');
    await advance(100);
    expect(w.changes.filter((c) => c.prefix === 'alpha').map((c) => c.current?.status)).toEqual([
      'disabled',
      'unknown',
      'healthy',
    ]);
  });

  it('a removed server is forgotten, announced with current undefined, and never probed again', async () => {
    const w = world();
    w.monitor.start();
    await advance(1000);
    w.servers.length = 0;
    await expect(w.monitor.checkNow('alpha')).resolves.toBeUndefined();
    expect(w.changes.at(-1)).toMatchObject({
      prefix: 'alpha',
      current: undefined,
      previous: { status: 'healthy' },
    });
    expect(w.monitor.status('alpha')).toBeUndefined();
    await advance(60 * MINUTE);
    expect(w.probesOf('alpha')).toBe(1);
  });

  it('a renamed server is checked under its new prefix; the old one goes', async () => {
    const w = world();
    w.monitor.start();
    await advance(1000);
    w.servers[0] = { id: idOf('beta'), prefix: 'beta', enabled: true };
    void w.monitor.checkNow('beta');
    await advance(100);
    expect(w.monitor.all().map((s) => [s.prefix, s.state.status])).toEqual([['beta', 'healthy']]);
  });

  it('a server added without checkNow is still found at the next check of another server', async () => {
    const w = world();
    w.monitor.start();
    await advance(1000);
    w.servers.push({ id: idOf('late'), prefix: 'late', enabled: true });
    await advance(5 * MINUTE + 1000);
    expect(w.monitor.status('late')?.status).toBe('healthy');
  });

  it('keeps the last known list when listing servers fails', async () => {
    const w = world();
    let broken = false;
    const monitor = createHealthMonitor({
      ...w.deps,
      listServers: () => {
        if (broken) throw new Error('database is locked');
        return w.servers;
      },
    });
    monitor.start();
    await advance(1000);
    broken = true;
    await advance(5 * MINUTE);
    expect(w.probesOf('alpha')).toBe(2);
    expect(monitor.status('alpha')?.status).toBe('healthy');
  });
});

describe('pool events', () => {
  it('starting shows starting; running probes at once', async () => {
    const w = world();
    w.idle.add('alpha');
    w.monitor.start();
    await advance(1000);
    expect(w.monitor.status('alpha')?.status).toBe('stopped');

    // A tool call starts the server.
    w.idle.delete('alpha');
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'starting' });
    expect(w.monitor.status('alpha')?.status).toBe('starting');
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'running' });
    await advance(100);
    expect(w.probesOf('alpha')).toBe(1);
    expect(w.monitor.status('alpha')?.status).toBe('healthy');
  });

  it('running during a probe in flight does not start a second one', async () => {
    const w = world();
    w.script('alpha', { ms: 500, latencyMs: 1 });
    w.monitor.start();
    await advance(1000); // probe started at 500 ms, answers at 1000 ms… start one more
    void w.monitor.checkNow('alpha');
    await advance(10);
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'starting' });
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'running' });
    await advance(1000);
    expect(w.probesOf('alpha')).toBe(2);
    expect(w.monitor.status('alpha')?.status).toBe('healthy');
  });

  it('a probe that fails across a restart is not the last word: the server that came back is probed again', async () => {
    // Seen after an OAuth sign-in: the sign-in restarts the upstream while the check it asked for is in
    // flight; that check meets the old connection going away and fails, and the badge said so for a minute.
    const w = world();
    w.monitor.start();
    await advance(1000);
    expect(w.monitor.status('alpha')?.status).toBe('healthy');
    w.script('alpha', { ms: 500, fail: new Error('connection closed') }, { ms: 20, latencyMs: 3 });
    void w.monitor.checkNow('alpha');
    await advance(10);
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'starting' });
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'running' });
    await advance(1000);
    expect(w.probesOf('alpha')).toBe(3);
    expect(w.monitor.status('alpha')?.status).toBe('healthy');
  });

  it('stopped counts only when the server is really idle-stopped', async () => {
    const w = world();
    w.monitor.start();
    await advance(1000);
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'stopped' }); // e.g. a remote server disconnected
    expect(w.monitor.status('alpha')?.status).toBe('healthy');
    w.idle.add('alpha');
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'stopped' });
    expect(w.monitor.status('alpha')).toMatchObject({ status: 'stopped', lastOutcome: 'ok' });
  });

  it('crashed is unhealthy with the redacted reason, recorded, and backs off from now', async () => {
    const w = world();
    w.script('alpha', { ms: 5, latencyMs: 1 }, { ms: 5, fail: new Error('still down') });
    w.monitor.start();
    await advance(1000);
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'crashed', error: 'exit 1 (password hunter2)' });
    expect(w.monitor.status('alpha')).toMatchObject({
      status: 'unhealthy',
      lastError: { message: 'exit 1 (password [REDACTED])', code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(w.history.records.at(-1)?.record).toMatchObject({
      status: 'unhealthy',
      error: 'exit 1 (password [REDACTED])',
    });
    await advance(5 * MINUTE);
    expect(w.probesOf('alpha')).toBe(2);
  });

  it('ignores events for unknown servers and while stopped', async () => {
    const w = world();
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'starting' });
    expect(w.monitor.status('alpha')).toBeUndefined();
    w.monitor.start();
    w.monitor.handleUpstreamEvent({ prefix: 'ghost', state: 'crashed' });
    expect(w.monitor.status('ghost')).toBeUndefined();
  });

  it('a disabled server stays disabled whatever the pool says', async () => {
    const w = world({ servers: [{ id: idOf('alpha'), prefix: 'alpha', enabled: false }] });
    w.monitor.start();
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'running' });
    await advance(1000);
    expect(w.probe).not.toHaveBeenCalled();
    expect(w.monitor.status('alpha')?.status).toBe('disabled');
  });
});

describe('history', () => {
  it('records probe results, not pool lifecycle noise', async () => {
    const w = world();
    w.monitor.start();
    await advance(1000);
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'starting' });
    w.idle.add('alpha');
    w.monitor.handleUpstreamEvent({ prefix: 'alpha', state: 'stopped' });
    expect(w.history.records).toEqual([
      {
        prefix: 'alpha',
        record: { status: 'healthy', latencyMs: 15, error: null, errorCode: null, checkedAt: START + 520 },
      },
    ]);
  });

  it('a failing history store does not stop health checks, and is reported once', async () => {
    const w = world();
    w.history.broken = true;
    w.monitor.start();
    await advance(1000);
    await advance(5 * MINUTE);
    expect(w.monitor.status('alpha')?.status).toBe('healthy');
    expect(w.probesOf('alpha')).toBe(2);
    expect(w.lines.filter((l) => l.level === 'warn' && /history/.test(l.message))).toHaveLength(1);
  });

  it('a prefix named like an Object.prototype key starts clean (regression)', async () => {
    const w = world({ servers: [{ id: idOf('constructor'), prefix: 'constructor', enabled: true }] });
    w.monitor.start();
    expect(w.monitor.status('constructor')).toMatchObject({
      status: 'unknown',
      checkedAt: null,
      lastError: null,
    });
    await advance(1000);
    expect(w.monitor.status('constructor')?.status).toBe('healthy');
  });

  it('an unreadable history at start is not fatal', async () => {
    const w = world();
    const monitor = createHealthMonitor({
      ...w.deps,
      history: {
        record: () => true,
        latestPerServer: () => {
          throw new Error('no such table');
        },
      },
    });
    monitor.start();
    await advance(1000);
    expect(monitor.status('alpha')?.status).toBe('healthy');
  });
});

describe('stop, listeners and reads', () => {
  it('stop cancels timers and drops answers still in flight', async () => {
    const w = world();
    w.script('alpha', { ms: 2000, latencyMs: 1 });
    w.monitor.start();
    await advance(1000);
    w.monitor.stop();
    expect(w.signals[0]?.aborted).toBe(true);
    await advance(60 * MINUTE);
    expect(w.probesOf('alpha')).toBe(1);
    expect(w.monitor.status('alpha')?.status).toBe('unknown');
    await expect(w.monitor.checkNow('alpha')).resolves.toMatchObject({ status: 'unknown' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('can start again after stop', async () => {
    const w = world();
    w.monitor.start();
    w.monitor.stop();
    w.monitor.start();
    await advance(1000);
    expect(w.monitor.status('alpha')?.status).toBe('healthy');
  });

  it('unsubscribes listeners, and one failing listener does not silence the others', async () => {
    const w = world();
    const seen: string[] = [];
    w.monitor.onChange(() => {
      throw new Error('bad listener');
    });
    const off = w.monitor.onChange((c) => seen.push(c.current?.status ?? 'gone'));
    w.monitor.start();
    await advance(1000);
    off();
    w.script('alpha', { ms: 5, fail: new Error('down') });
    await advance(5 * MINUTE);
    expect(seen).toEqual(['healthy']);
    expect(w.changes.map((c) => c.current?.status)).toEqual(['healthy', 'unhealthy']);
    expect(w.lines.some((l) => l.level === 'error' && /listener/.test(l.message))).toBe(true);
  });

  it('all() lists every server by prefix', async () => {
    const w = world({
      servers: [
        { id: idOf('zed'), prefix: 'zed', enabled: true },
        { id: idOf('abe'), prefix: 'abe', enabled: false },
      ],
    });
    w.monitor.start();
    await advance(1000);
    expect(w.monitor.all().map((s) => [s.prefix, s.state.status])).toEqual([
      ['abe', 'disabled'],
      ['zed', 'healthy'],
    ]);
  });

  it('emits a change for every new result, with the previous state', async () => {
    const w = world();
    w.monitor.start();
    await advance(1000);
    await advance(5 * MINUTE);
    expect(w.changes).toHaveLength(2);
    expect(w.changes[1]?.previous).toBe(w.changes[0]?.current);
  });
});
