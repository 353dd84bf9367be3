import { Activity, ChevronDown, ChevronRight, X } from 'lucide-react';
import { Fragment, useId } from 'react';
import { CALL_OUTCOMES, type ActivityRow } from '../../preload/contract/index.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Pill, type Tone } from '../components/health-badge.tsx';
import { LatencyChart } from '../components/latency-chart.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { SkeletonRows } from '../components/skeleton.tsx';
import { useCommand } from '../hooks/use-command.ts';
import { navigate, routeHref } from '../hooks/use-route.ts';
import { formatDateTime, formatDuration, formatTime } from '../lib/format.ts';
import { useState } from 'react';

type Outcome = (typeof CALL_OUTCOMES)[number];

const OUTCOME_LOOK: Record<Outcome, { label: string; tone: Tone }> = {
  ok: { label: 'OK', tone: 'ok' },
  tool_error: { label: 'Tool error', tone: 'warn' },
  error: { label: 'Failed', tone: 'err' },
  timeout: { label: 'Timed out', tone: 'err' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  unavailable: { label: 'Server unavailable', tone: 'err' },
  needs_config: { label: 'Needed setup', tone: 'warn' },
};

/** What an outcome means, for the opened row. */
const OUTCOME_MEANING: Record<Outcome, string> = {
  ok: 'The tool answered.',
  tool_error: 'The tool ran and reported an error itself (the AI client was shown its message).',
  error: 'The call failed before the tool could answer.',
  timeout: 'The server did not answer in time; the call was cancelled.',
  cancelled: 'The caller cancelled the call.',
  unavailable: 'The server could not be reached or needed sign-in, so the call did not run.',
  needs_config: 'The server is missing values it needs, so the call did not run.',
};

/** The call log, filtered by server and outcome, with a latency chart; updated by `activity.appended`. */
export function ActivityPage({ server }: { server: string | undefined }) {
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [open, setOpen] = useState<number | null>(null);
  const filtered = Boolean(server || outcome);
  const clearFilters = () => {
    setOutcome('');
    navigate({ page: 'activity', server: undefined }, { replace: true });
  };
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
        {filtered ? (
          <button type="button" className="button small ghost" onClick={clearFilters}>
            <X size={14} aria-hidden="true" /> Clear filters
          </button>
        ) : null}
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
          title={filtered ? 'No calls match these filters' : 'No calls yet'}
          actions={
            filtered ? (
              <button type="button" className="button" onClick={clearFilters}>
                Clear filters
              </button>
            ) : undefined
          }
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
                    label: 'Other',
                    tone: 'neutral' as const,
                  };
                  const expanded = open === row.id;
                  return (
                    <Fragment key={row.id}>
                      <tr data-open={expanded || undefined}>
                        <td title={formatDateTime(row.at)}>
                          <button
                            type="button"
                            className="row-disclosure"
                            aria-expanded={expanded}
                            aria-controls={`${id}-call-${row.id}`}
                            aria-label={`Details of the ${row.tool} call at ${formatTime(row.at)}`}
                            onClick={() => setOpen(expanded ? null : row.id)}
                          >
                            {expanded ? (
                              <ChevronDown size={14} aria-hidden="true" />
                            ) : (
                              <ChevronRight size={14} aria-hidden="true" />
                            )}
                            {formatTime(row.at)}
                          </button>
                        </td>
                        <td>{row.clientName}</td>
                        <td className="mono">{row.server}</td>
                        <td className="mono">{row.tool}</td>
                        <td className="num">{formatDuration(row.durationMs)}</td>
                        <td>
                          <Pill tone={look.tone} title={row.errorCode ?? undefined}>
                            {look.label}
                          </Pill>
                          {row.findings?.length ? (
                            <>
                              {' '}
                              <Pill tone="warn" title={findingsText(row.findings)}>
                                {findingCount(row.findings)} secret
                                {findingCount(row.findings) === 1 ? '' : 's'} caught
                              </Pill>
                            </>
                          ) : null}
                        </td>
                      </tr>
                      {expanded ? (
                        <tr className="call-detail-row">
                          <td colSpan={6} id={`${id}-call-${row.id}`}>
                            <CallDetail row={row} />
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
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

/** One call, opened: everything the call log keeps about it. */
function CallDetail({ row }: { row: ActivityRow }) {
  const meaning =
    OUTCOME_MEANING[row.outcome as Outcome] ?? 'The call ended in a way this window does not know.';
  return (
    <dl className="facts call-detail">
      <dt>When</dt>
      <dd>{formatDateTime(row.at)}</dd>
      <dt>Client</dt>
      <dd>{row.clientName}</dd>
      <dt>Tool</dt>
      <dd>
        <span className="mono">
          {row.server}__{row.tool}
        </span>{' '}
        · <a href={routeHref({ page: 'server', prefix: row.server, tab: 'tools' })}>Open the server</a>
      </dd>
      <dt>Took</dt>
      <dd>{formatDuration(row.durationMs)}</dd>
      <dt>Outcome</dt>
      <dd>
        {meaning}
        {row.errorCode ? <span className="muted small mono"> ({row.errorCode})</span> : null}
      </dd>
      {row.findings?.length ? (
        <>
          <dt>Leak guard</dt>
          <dd>
            Found {findingsText(row.findings)}
            {row.errorCode === 'SECRET_IN_RESULT' || row.errorCode === 'EXFILTRATION_BLOCKED'
              ? ', so the call was blocked.'
              : ', replaced with markers.'}{' '}
            <span className="muted">The values themselves are never kept.</span>
          </dd>
        </>
      ) : null}
      <dt>Arguments and result</dt>
      <dd className="muted">Not kept: the call log records that a call happened, never what it carried.</dd>
    </dl>
  );
}

/** How many secrets the leak guard caught in a call. */
function findingCount(findings: NonNullable<ActivityRow['findings']>): number {
  return findings.reduce((n, f) => n + f.count, 0);
}

/** "2 × vault secret, 1 × aws-access-key": kinds and counts (the call log keeps nothing else). */
function findingsText(findings: NonNullable<ActivityRow['findings']>): string {
  return findings
    .map((f) => `${f.count} × ${f.kind === 'vault-secret' ? 'vault secret' : f.kind}`)
    .join(', ');
}
