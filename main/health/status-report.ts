import type { HealthRecord } from './health-record.ts';
import { currentProblem } from './health-record.ts';
import type { HealthState, HealthStatus } from './health-status.ts';

/**
 * Rows for `switchboard status` and their text table. Pure: the caller passes the time, and either the live
 * monitor's states (same process as the hub) or the registry's latest history (another process).
 */

/** One server's line of `switchboard status`; also its `--json` shape. */
export interface StatusRow {
  prefix: string;
  status: HealthStatus;
  latencyMs: number | null;
  /** The current problem (redacted); null when there is none. */
  error: string | null;
  errorCode: string | null;
  /** When the shown result was obtained (ISO 8601), null when never checked. */
  checkedAt: string | null;
  /** Milliseconds since checkedAt at report time; null when never checked. */
  ageMs: number | null;
  /** checkedAt for people: "12s ago", "never". */
  age: string;
}

/** A server the report lists, as the registry knows it. */
export interface ReportedServer {
  id: number;
  prefix: string;
  enabled: boolean;
}

/** Rows from the monitor's live states (`monitor.all()`), sorted by prefix. */
export function statusRowsFromStates(
  states: readonly { prefix: string; state: HealthState }[],
  now: number,
): StatusRow[] {
  return sortRows(
    states.map(({ prefix, state }) => {
      const problem = currentProblem(state);
      return row(
        prefix,
        state.status,
        state.latencyMs,
        problem?.message ?? null,
        problem?.code ?? null,
        state.checkedAt,
        now,
      );
    }),
  );
}

/**
 * Rows from the registry: every server, with its latest recorded result (status `unknown` when it has none,
 * `disabled` when it is switched off, whatever the last result said), sorted by prefix.
 */
export function statusRowsFromHistory(
  servers: readonly ReportedServer[],
  latest: ReadonlyMap<number, HealthRecord>,
  now: number,
  options: { hubRunning?: boolean } = {},
): StatusRow[] {
  return sortRows(
    servers.map((server) => {
      const last = latest.get(server.id);
      if (!last) {
        const never = row(
          server.prefix,
          server.enabled ? 'unknown' : 'disabled',
          null,
          null,
          null,
          null,
          now,
        );
        // A running hub checks every enabled server it starts: "never" would read as "nothing is happening".
        return server.enabled && options.hubRunning ? { ...never, age: 'first check running' } : never;
      }
      const status = server.enabled ? last.status : 'disabled';
      const error = server.enabled ? last.error : null;
      const errorCode = server.enabled ? last.errorCode : null;
      return row(server.prefix, status, last.latencyMs, error, errorCode, last.checkedAt, now);
    }),
  );
}

const ERROR_COLUMN_WIDTH = 80;

/** The rows as an aligned text table for people, one line per server, errors cut to one short line. */
export function renderStatusTable(rows: readonly StatusRow[]): string {
  if (rows.length === 0) return 'No servers yet. Add one with `switchboard server add`.\n';
  const lines = [
    ['SERVER', 'STATUS', 'LATENCY', 'CHECKED', 'PROBLEM'],
    ...rows.map((r) => [
      r.prefix,
      r.status,
      formatLatency(r.latencyMs),
      r.age,
      oneLine(r.error ?? '-', ERROR_COLUMN_WIDTH),
    ]),
  ];
  const widths = lines[0]!.map((_, col) => Math.max(...lines.map((line) => line[col]!.length)));
  return (
    lines
      .map((line) =>
        line
          .map((cell, col) => cell.padEnd(widths[col]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** A duration since an event for people: "just now", "12s ago", "5m ago", "3h ago", "2d ago"; "never" for null. */
export function formatAge(ageMs: number | null): string {
  if (ageMs === null) return 'never';
  const seconds = Math.floor(ageMs / 1000);
  // Below a second, or a clock that moved backwards: both read best as "just now".
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** A latency for people: "42 ms", "2.3 s", "-" when none was measured. */
export function formatLatency(latencyMs: number | null): string {
  if (latencyMs === null) return '-';
  if (latencyMs < 1000) return `${Math.round(latencyMs)} ms`;
  return `${(latencyMs / 1000).toFixed(1)} s`;
}

function row(
  prefix: string,
  status: HealthStatus,
  latencyMs: number | null,
  error: string | null,
  errorCode: string | null,
  checkedAt: number | null,
  now: number,
): StatusRow {
  const ageMs = checkedAt === null ? null : Math.max(0, now - checkedAt);
  return {
    prefix,
    status,
    latencyMs,
    error,
    errorCode,
    checkedAt: checkedAt === null ? null : new Date(checkedAt).toISOString(),
    ageMs,
    age: formatAge(ageMs),
  };
}

function sortRows(rows: StatusRow[]): StatusRow[] {
  return rows.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
}

/** Collapses whitespace (an error may span lines) and cuts to `max` characters with an ellipsis. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 3)}...`;
}
