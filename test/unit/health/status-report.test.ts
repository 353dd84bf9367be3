import type { HealthRecord } from '../../../main/health/health-record.ts';
import { healthRecordOf } from '../../../main/health/health-record.ts';
import { describe, expect, it } from 'vitest';
import { initialHealthState, nextHealthStatus } from '../../../main/health/health-status.ts';
import {
  formatAge,
  formatLatency,
  renderStatusTable,
  statusRowsFromHistory,
  statusRowsFromStates,
} from '../../../main/health/status-report.ts';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('formatAge', () => {
  it.each([
    [null, 'never'],
    [-5000, 'just now'],
    [0, 'just now'],
    [999, 'just now'],
    [12_000, '12s ago'],
    [59_999, '59s ago'],
    [60_000, '1m ago'],
    [3_599_000, '59m ago'],
    [3_600_000, '1h ago'],
    [86_399_000, '23h ago'],
    [2 * 86_400_000, '2d ago'],
  ] as const)('%s ms → %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('formatLatency', () => {
  it.each([
    [null, '-'],
    [0, '0 ms'],
    [42.4, '42 ms'],
    [999, '999 ms'],
    [2345, '2.3 s'],
  ] as const)('%s → %s', (ms, text) => {
    expect(formatLatency(ms)).toBe(text);
  });
});

describe('statusRowsFromStates', () => {
  it('shows status, latency, the current problem and the age, sorted by prefix', () => {
    const healthy = nextHealthStatus(
      initialHealthState(NOW),
      { type: 'probe', result: { ok: true, latencyMs: 42 } },
      NOW - 12_000,
    );
    const failing = nextHealthStatus(
      initialHealthState(NOW),
      { type: 'probe', result: { ok: false, latencyMs: 5, error: 'refused', errorCode: 'UPSTREAM_ERROR' } },
      NOW - 180_000,
    );
    const rows = statusRowsFromStates(
      [
        { prefix: 'zeta', state: failing },
        { prefix: 'alpha', state: healthy },
        { prefix: 'mid', state: initialHealthState(NOW) },
      ],
      NOW,
    );
    expect(rows).toEqual([
      {
        prefix: 'alpha',
        status: 'healthy',
        latencyMs: 42,
        error: null,
        errorCode: null,
        checkedAt: new Date(NOW - 12_000).toISOString(),
        ageMs: 12_000,
        age: '12s ago',
      },
      {
        prefix: 'mid',
        status: 'unknown',
        latencyMs: null,
        error: null,
        errorCode: null,
        checkedAt: null,
        ageMs: null,
        age: 'never',
      },
      {
        prefix: 'zeta',
        status: 'unhealthy',
        latencyMs: 5,
        error: 'refused',
        errorCode: 'UPSTREAM_ERROR',
        checkedAt: new Date(NOW - 180_000).toISOString(),
        ageMs: 180_000,
        age: '3m ago',
      },
    ]);
  });

  // Issue 16 item 4: `status` showed `degraded` with an empty problem column.
  it('says why a server is degraded: slow, with the latency', () => {
    const state = nextHealthStatus(
      initialHealthState(NOW),
      { type: 'probe', result: { ok: true, latencyMs: 3456 } },
      NOW,
    );
    expect(state.status).toBe('degraded');
    const row = statusRowsFromStates([{ prefix: 'a', state }], NOW)[0];
    expect(row?.error).toBe('slow: the last check took 3456 ms');
    expect(healthRecordOf(state, NOW).error).toBe('slow: the last check took 3456 ms');
  });

  it('says why a server is degraded: flapping, with its last failure', () => {
    let state = initialHealthState(NOW);
    for (let i = 0; i < 4; i++) {
      state = nextHealthStatus(
        state,
        { type: 'probe', result: { ok: false, latencyMs: 1, error: 'connection refused' } },
        NOW + i * 2000,
      );
      state = nextHealthStatus(
        state,
        { type: 'probe', result: { ok: true, latencyMs: 1 } },
        NOW + i * 2000 + 1000,
      );
    }
    expect(state).toMatchObject({ status: 'degraded', degradedBy: 'flapping' });
    const row = statusRowsFromStates([{ prefix: 'a', state }], NOW + 10_000)[0];
    expect(row?.error).toMatch(
      /^unstable: it failed and recovered \d+ times recently; last failure: connection refused$/,
    );
  });

  it('does not show an old error once the server recovered', () => {
    let state = nextHealthStatus(
      initialHealthState(NOW),
      { type: 'probe', result: { ok: false, latencyMs: 1, error: 'old' } },
      NOW,
    );
    state = nextHealthStatus(state, { type: 'probe', result: { ok: true, latencyMs: 1 } }, NOW);
    expect(statusRowsFromStates([{ prefix: 'a', state }], NOW)[0]?.error).toBeNull();
  });
});

/** Fake server ids by prefix, and history keyed by them (the repository keys by id). */
const ids = new Map<string, number>();
function idOf(prefix: string): number {
  if (!ids.has(prefix)) ids.set(prefix, ids.size + 1);
  return ids.get(prefix) as number;
}
function byPrefix(records: Record<string, HealthRecord>): Map<number, HealthRecord> {
  return new Map(Object.entries(records).map(([prefix, record]) => [idOf(prefix), record]));
}

describe('statusRowsFromHistory', () => {
  it('lists every server: latest result, unknown without one, disabled when off', () => {
    const rows = statusRowsFromHistory(
      [
        { id: idOf('b'), prefix: 'b', enabled: true },
        { id: idOf('a'), prefix: 'a', enabled: true },
        { id: idOf('c'), prefix: 'c', enabled: false },
      ],
      byPrefix({
        b: {
          status: 'unhealthy',
          latencyMs: null,
          error: 'exit 1',
          errorCode: 'UPSTREAM_UNAVAILABLE',
          checkedAt: NOW - 5000,
        },
        c: {
          status: 'unhealthy',
          latencyMs: 3,
          error: 'old',
          errorCode: 'UPSTREAM_ERROR',
          checkedAt: NOW - 7_200_000,
        },
        removed: { status: 'healthy', latencyMs: 1, error: null, errorCode: null, checkedAt: NOW },
      }),
      NOW,
    );
    expect(rows.map((r) => [r.prefix, r.status, r.error, r.age])).toEqual([
      ['a', 'unknown', null, 'never'],
      ['b', 'unhealthy', 'exit 1', '5s ago'],
      ['c', 'disabled', null, '2h ago'],
    ]);
  });

  // Issue 11: `status` said "unknown / never" for a server the running hub was starting that moment.
  it('says the first check is running for a server never checked while a hub runs', () => {
    const servers = [
      { id: idOf('new'), prefix: 'new', enabled: true },
      { id: idOf('off'), prefix: 'off', enabled: false },
    ];
    const running = statusRowsFromHistory(servers, new Map(), NOW, { hubRunning: true });
    expect(running.map((r) => [r.prefix, r.status, r.age])).toEqual([
      ['new', 'unknown', 'first check running'],
      ['off', 'disabled', 'never'],
    ]);
    const stopped = statusRowsFromHistory(servers, new Map(), NOW, { hubRunning: false });
    expect(stopped[0]?.age).toBe('never');
  });

  it('is not fooled by prefixes that are Object.prototype keys', () => {
    expect(
      statusRowsFromHistory(
        [{ id: idOf('constructor'), prefix: 'constructor', enabled: true }],
        new Map(),
        NOW,
      )[0]?.status,
    ).toBe('unknown');
  });
});

describe('renderStatusTable', () => {
  it('aligns columns, uses "-" for missing values and keeps one line per server', () => {
    const text = renderStatusTable(
      statusRowsFromHistory(
        [
          { id: idOf('github'), prefix: 'github', enabled: true },
          { id: idOf('files'), prefix: 'files', enabled: true },
        ],
        byPrefix({
          github: { status: 'healthy', latencyMs: 42, error: null, errorCode: null, checkedAt: NOW - 12_000 },
          files: {
            status: 'unhealthy',
            latencyMs: null,
            error: 'spawn npx ENOENT\n  at x',
            errorCode: 'UPSTREAM_ERROR',
            checkedAt: NOW - 180_000,
          },
        }),
        NOW,
      ),
    );
    expect(text).toBe(
      [
        'SERVER  STATUS     LATENCY  CHECKED  PROBLEM',
        'files   unhealthy  -        3m ago   spawn npx ENOENT at x',
        'github  healthy    42 ms    12s ago  -',
        '',
      ].join('\n'),
    );
  });

  it('cuts long errors', () => {
    const long = 'x'.repeat(200);
    const text = renderStatusTable(
      statusRowsFromHistory(
        [{ id: idOf('a'), prefix: 'a', enabled: true }],
        byPrefix({ a: { status: 'unhealthy', latencyMs: 1, error: long, errorCode: null, checkedAt: NOW } }),
        NOW,
      ),
    );
    const line = text.split('\n')[1] ?? '';
    expect(line.endsWith('x...')).toBe(true);
    expect(line.split('  ').at(-1)).toHaveLength(80);
  });

  it('says how to add a server when there is none', () => {
    expect(renderStatusTable([])).toMatch(/switchboard server add/);
  });
});
