import { useCommand } from '../hooks/use-command.ts';
import { answered, leadOf } from '../lib/explain-error.ts';
import { formatDateTime, formatDuration, formatRelative } from '../lib/format.ts';
import { ErrorBanner } from './error-banner.tsx';
import { HealthBadge } from './health-badge.tsx';
import { LatencyChart } from './latency-chart.tsx';
import { SkeletonRows } from './skeleton.tsx';

/** The last health checks of a server: a latency chart and the list, newest first. */
export function HealthHistory({ prefix }: { prefix: string }) {
  const history = useCommand('health.history', { prefix, limit: 100 });
  if (history.error) return <ErrorBanner error={history.error} title="Could not load the health history" />;
  if (history.isPending) return <SkeletonRows rows={3} height={40} label="Loading the health history…" />;
  const entries = [...history.data].sort((a, b) => b.checkedAt - a.checkedAt);
  if (entries.length === 0) return <p className="muted">No checks yet.</p>;
  return (
    <div className="health-history">
      <section className="card" aria-label="Latency of the health checks">
        <LatencyChart
          label="Health check latency"
          points={entries.map((e) => ({
            at: e.checkedAt,
            // A check that got no answer has no latency worth drawing (the time it took to fail is not one).
            ms: answered(e.status) ? e.latencyMs : null,
            failed: e.status === 'unhealthy',
          }))}
        />
      </section>
      <div className="table-wrap">
        <table className="table">
          <caption className="sr-only">Health checks of {prefix}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Latency
              </th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {entries.slice(0, 50).map((entry, i) => (
              <tr key={`${entry.checkedAt}-${i}`}>
                <td title={formatDateTime(entry.checkedAt)}>{formatRelative(entry.checkedAt)}</td>
                <td>
                  <HealthBadge status={entry.status} size="sm" />
                </td>
                <td className="num">{answered(entry.status) ? formatDuration(entry.latencyMs) : '—'}</td>
                <td className="truncate-cell" title={entry.error ?? undefined}>
                  {entry.error ? leadOf(entry.error) : <span className="muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
