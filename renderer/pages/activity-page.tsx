import { Activity } from 'lucide-react';
import { useId } from 'react';
import { CALL_OUTCOMES } from '../../preload/contract/index.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Pill, type Tone } from '../components/health-badge.tsx';
import { LatencyChart } from '../components/latency-chart.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { SkeletonRows } from '../components/skeleton.tsx';
import { useCommand } from '../hooks/use-command.ts';
import { navigate } from '../hooks/use-route.ts';
import { formatDateTime, formatDuration, formatTime } from '../lib/format.ts';
import { useState } from 'react';

type Outcome = (typeof CALL_OUTCOMES)[number];

const OUTCOME_LOOK: Record<Outcome, { label: string; tone: Tone }> = {
  ok: { label: 'OK', tone: 'ok' },
  tool_error: { label: 'Tool error', tone: 'warn' },
  error: { label: 'Failed', tone: 'err' },
  timeout: { label: 'Timed out', tone: 'err' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
};

/** The call log, filtered by server and outcome, with a latency chart; updated by `activity.appended`. */
export function ActivityPage({ server }: { server: string | undefined }) {
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const servers = useCommand('servers.list', {});
  const activity = useCommand(
    'activity.list',
    { ...(server ? { server } : {}), ...(outcome ? { outcome } : {}), limit: 300 },
    { placeholderData: (previous) => previous },
  );
  const id = useId();
  const rows = activity.data ?? [];

  return (
    <>
      <PageHeader title="Activity" subtitle="Every tool call that went through the gateway, newest first." />
      <div className="toolbar filters" role="group" aria-label="Filters">
        <div className="inline-field">
          <label htmlFor={`${id}-server`}>Server</label>
          <select
            id={`${id}-server`}
            className="compact"
            value={server ?? ''}
            onChange={(e) =>
              navigate({ page: 'activity', server: e.target.value || undefined }, { replace: true })
            }
          >
            <option value="">All servers</option>
            {servers.data?.map((s) => (
              <option key={s.prefix} value={s.prefix}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="inline-field">
          <label htmlFor={`${id}-outcome`}>Outcome</label>
          <select
            id={`${id}-outcome`}
            className="compact"
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as Outcome | '')}
          >
            <option value="">All outcomes</option>
            {CALL_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LOOK[o].label}
              </option>
            ))}
          </select>
        </div>
        <p className="muted small push-right" aria-live="polite">
          {activity.data ? `${rows.length} call${rows.length === 1 ? '' : 's'}` : ''}
        </p>
      </div>
      <ErrorBanner error={activity.error} title="Could not load the activity" />
      {activity.isPending ? (
        <>
          <div className="chart-skeleton" aria-hidden="true" />
          <SkeletonRows rows={6} height={36} label="Loading the activity…" />
        </>
      ) : rows.length === 0 ? (
        <EmptyState
          icon={<Activity size={28} />}
          title={server || outcome ? 'No calls match these filters' : 'No calls yet'}
        >
          <p>
            When an AI client calls a tool through Switchboard, it shows up here with its duration and
            outcome.
          </p>
        </EmptyState>
      ) : (
        <>
          <section className="card" aria-label="Latency">
            <LatencyChart
              label="Call latency"
              points={rows.map((r) => ({
                at: r.at,
                ms: r.durationMs,
                failed: r.outcome !== 'ok' && r.outcome !== 'cancelled',
              }))}
            />
          </section>
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">Tool calls, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Client</th>
                  <th scope="col">Server</th>
                  <th scope="col">Tool</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const look = OUTCOME_LOOK[row.outcome as Outcome] ?? {
                    label: row.outcome,
                    tone: 'neutral' as const,
                  };
                  return (
                    <tr key={row.id}>
                      <td title={formatDateTime(row.at)}>{formatTime(row.at)}</td>
                      <td>{row.clientName}</td>
                      <td className="mono">{row.server}</td>
                      <td className="mono">{row.tool}</td>
                      <td className="num">{formatDuration(row.durationMs)}</td>
                      <td>
                        <Pill tone={look.tone} title={row.errorCode ?? undefined}>
                          {look.label}
                        </Pill>
                        {row.errorCode ? <span className="muted small mono"> {row.errorCode}</span> : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
