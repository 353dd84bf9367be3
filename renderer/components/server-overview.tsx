import { useQueryClient } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import type { ServerDetail } from '../../preload/contract/index.ts';
import { useMutationCommand } from '../hooks/use-command.ts';
import { applyHealth } from '../hooks/use-events.ts';
import { answered, connectionWords, explainProblem } from '../lib/explain-error.ts';
import { formatDateTime, formatDuration, formatRelative } from '../lib/format.ts';
import { Callout, ErrorBanner } from './error-banner.tsx';
import { HEALTH_LOOK } from './health-badge.tsx';

/** The Overview tab: what needs doing, the current problem with its fix, status, and what the server is. */
export function Overview({ detail, onGo }: { detail: ServerDetail; onGo: (tab: string) => void }) {
  const { summary } = detail;
  const health = summary.health;
  const client = useQueryClient();
  const check = useMutationCommand('health.check', {
    onSuccess: (snapshot) => applyHealth(client, summary.prefix, snapshot),
  });
  const problem = health.lastError ? explainProblem(health.lastError, summary) : null;
  // An error from before the server last became healthy is history, not the current state.
  const resolved =
    health.lastError !== null && answered(health.status) && (health.since ?? 0) >= health.lastError.at;
  return (
    <div className="overview">
      {health.status === 'needs_config' ? (
        <Callout tone="warn">
          <strong>Needs setup.</strong> Set{' '}
          {health.missing.length ? health.missing.join(', ') : 'the required variables'} before this server
          can start.{' '}
          <button type="button" className="link-button" onClick={() => onGo('variables')}>
            Open Variables
          </button>
        </Callout>
      ) : null}
      {health.status === 'needs_auth' ? (
        <Callout tone="info">
          <strong>Needs sign-in.</strong> Connect your account so Switchboard can call this server.{' '}
          <button type="button" className="link-button" onClick={() => onGo('auth')}>
            Open Sign-in
          </button>
        </Callout>
      ) : null}
      {problem && !resolved ? (
        <section className="card problem-card" aria-labelledby="error-title" data-tone="err">
          <h2 id="error-title" className="section-title">
            What went wrong
          </h2>
          <p className="problem-cause">{problem.cause}</p>
          <p>
            {problem.action}
            {problem.fixIn && problem.fixIn !== 'logs' ? (
              <>
                {' '}
                <button type="button" className="link-button" onClick={() => onGo(problem.fixIn ?? 'edit')}>
                  {FIX_LABEL[problem.fixIn]}
                </button>
              </>
            ) : null}
          </p>
          <ProblemFoot detail={detail} details={problem.details} onGo={onGo} />
        </section>
      ) : null}
      <section className="card" aria-labelledby="status-title">
        <div className="card-head">
          <h2 id="status-title" className="section-title">
            Status
          </h2>
          <button
            type="button"
            className="button small"
            disabled={check.isPending}
            aria-busy={check.isPending || undefined}
            onClick={() => check.mutate({ prefix: summary.prefix })}
          >
            <RefreshCw size={14} aria-hidden="true" className={check.isPending ? 'spin' : undefined} />{' '}
            {check.isPending ? 'Checking…' : 'Check now'}
          </button>
        </div>
        <p className="muted small" role="status">
          {check.isPending
            ? `Checking ${summary.name}…`
            : check.isSuccess
              ? `Checked just now: ${HEALTH_LOOK[check.data.status].label}.`
              : ''}
        </p>
        <dl className="facts">
          <dt>Health</dt>
          <dd>
            {HEALTH_LOOK[health.status].label}
            <span className="muted"> — {HEALTH_LOOK[health.status].hint}</span>
          </dd>
          <dt>Since</dt>
          <dd>
            {health.since ? (
              <time title={formatDateTime(health.since)}>{formatRelative(health.since)}</time>
            ) : (
              '—'
            )}
          </dd>
          <dt>Last checked</dt>
          <dd>
            {health.checkedAt ? (
              <time title={formatDateTime(health.checkedAt)}>{formatRelative(health.checkedAt)}</time>
            ) : (
              'not yet'
            )}
          </dd>
          <dt>Latency</dt>
          <dd>
            {answered(health.status) && health.latencyMs !== null ? (
              formatDuration(health.latencyMs)
            ) : (
              <span className="muted">— (no answer yet)</span>
            )}
          </dd>
          <dt>Connection</dt>
          <dd>
            {connectionWords(detail.upstreamState)}
            {detail.era ? (
              <span className="muted">
                {' '}
                · MCP {detail.era === 'modern' ? '2026 (stateless)' : '2025 (sessions)'}
              </span>
            ) : null}
          </dd>
        </dl>
        <ErrorBanner error={check.error} title="The check could not run" />
      </section>
      {problem && resolved && health.lastError ? (
        <section className="card muted-card" aria-labelledby="error-title">
          <details>
            <summary>
              <span id="error-title" className="section-title">
                Earlier problem (resolved)
              </span>{' '}
              <span className="muted small">
                <time title={formatDateTime(health.lastError.at)}>{formatRelative(health.lastError.at)}</time>
                , healthy since{' '}
                {health.since ? (
                  <time title={formatDateTime(health.since)}>{formatRelative(health.since)}</time>
                ) : (
                  '—'
                )}
              </span>
            </summary>
            <p className="muted">{problem.cause}</p>
            <ProblemFoot detail={detail} details={problem.details} onGo={onGo} />
          </details>
        </section>
      ) : null}
      <section className="card" aria-labelledby="about-title">
        <h2 id="about-title" className="section-title">
          About
        </h2>
        <dl className="facts">
          <dt>Kind</dt>
          <dd>
            {summary.transport === 'stdio'
              ? 'Local command (stdio)'
              : summary.transport === 'http'
                ? 'Remote (Streamable HTTP)'
                : 'Remote (legacy SSE)'}
          </dd>
          <dt>{summary.transport === 'stdio' ? 'Command' : 'URL'}</dt>
          <dd className="mono break">{summary.target}</dd>
          <dt>Tools</dt>
          <dd>
            {detail.tools.filter((t) => t.enabled).length} of {detail.tools.length} exposed
          </dd>
          {typeof detail.definition.description === 'string' ? (
            <>
              <dt>Description</dt>
              <dd>{detail.definition.description}</dd>
            </>
          ) : null}
        </dl>
      </section>
    </div>
  );
}

/** The words of the link to the tab where a problem is fixed. */
const FIX_LABEL: Record<'variables' | 'auth' | 'edit' | 'logs', string> = {
  variables: 'Open Variables',
  auth: 'Open Sign-in',
  edit: 'Edit the definition',
  logs: 'See the log',
};

/** When it happened, the original message behind a disclosure, and the log. */
function ProblemFoot({
  detail,
  details,
  onGo,
}: {
  detail: ServerDetail;
  details: string | undefined;
  onGo: (tab: string) => void;
}) {
  const lastError = detail.summary.health.lastError;
  return (
    <>
      {details ? (
        <details className="problem-details">
          <summary>Details</summary>
          <pre className="code-block wrap">{details}</pre>
          {lastError?.code ? <p className="muted small mono">{lastError.code}</p> : null}
        </details>
      ) : null}
      <p className="muted small">
        {lastError ? (
          <>
            <time title={formatDateTime(lastError.at)}>{formatRelative(lastError.at)}</time> ·{' '}
          </>
        ) : null}
        <button type="button" className="link-button" onClick={() => onGo('logs')}>
          See the log
        </button>
      </p>
    </>
  );
}
