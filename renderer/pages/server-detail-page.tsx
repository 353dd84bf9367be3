import * as Tabs from '@radix-ui/react-tabs';
import { useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, Pencil, RefreshCw, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { ServerDetail } from '../../preload/contract/index.ts';
import { AuthPanel } from '../components/auth-panel.tsx';
import { ConfirmDialog } from '../components/dialog.tsx';
import { EnvVarsForm } from '../components/env-vars-form.tsx';
import { Callout, ErrorBanner } from '../components/error-banner.tsx';
import { HealthBadge, HEALTH_LOOK } from '../components/health-badge.tsx';
import { HealthHistory } from '../components/health-history.tsx';
import { LogView } from '../components/log-view.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ServerForm } from '../components/server-form.tsx';
import { Skeleton, SkeletonRows } from '../components/skeleton.tsx';
import { Toggle } from '../components/toggle.tsx';
import { useToast } from '../components/toaster.tsx';
import { ToolApproval } from '../components/tool-approval.tsx';
import { ToolList } from '../components/tool-list.tsx';
import { CommandError, useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { applyHealth } from '../hooks/use-events.ts';
import { navigate, routeHref } from '../hooks/use-route.ts';
import { answered, connectionWords, explainProblem } from '../lib/explain-error.ts';
import { formatDateTime, formatDuration, formatRelative } from '../lib/format.ts';
import { fromDefinition } from '../lib/server-form-model.ts';

const TABS = ['overview', 'variables', 'auth', 'tools', 'logs', 'health', 'edit'] as const;
type Tab = (typeof TABS)[number];

/** One server: status and last error, variables, OAuth, tools, stderr and health history, as tabs. */
export function ServerDetailPage({ prefix, tab }: { prefix: string; tab: string | undefined }) {
  const detail = useCommand('servers.get', { prefix });
  const current: Tab = TABS.includes(tab as Tab) ? (tab as Tab) : 'overview';

  if (detail.error) {
    const notFound = detail.error instanceof CommandError && detail.error.code === 'NOT_FOUND';
    return (
      <>
        <BackLink />
        <PageHeader title={notFound ? 'Server not found' : prefix} />
        <ErrorBanner
          error={detail.error}
          title={notFound ? `There is no server with the prefix “${prefix}”.` : 'Could not load this server'}
        />
      </>
    );
  }
  if (detail.isPending) {
    return (
      <>
        <BackLink />
        <div className="page-header" aria-busy="true">
          <div className="page-heading">
            <Skeleton width={220} height={28} />
            <Skeleton width={320} height={16} />
          </div>
        </div>
        <SkeletonRows rows={3} height={72} label="Loading the server…" />
      </>
    );
  }
  return <DetailView detail={detail.data} tab={current} />;
}

function BackLink() {
  return (
    <a className="back-link" href={routeHref({ page: 'servers' })}>
      <ArrowLeft size={14} aria-hidden="true" /> Servers
    </a>
  );
}

function DetailView({ detail, tab }: { detail: ServerDetail; tab: Tab }) {
  const { summary } = detail;
  const client = useQueryClient();
  const notify = useToast();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const setEnabled = useMutationCommand('servers.setEnabled', {
    onSuccess: (next) => {
      notify(
        next.enabled
          ? `Switched ${next.name} on.`
          : `Switched ${next.name} off: clients no longer see its tools.`,
      );
      void client.invalidateQueries({ queryKey: ['servers.get', { prefix: summary.prefix }] });
    },
  });
  const remove = useMutationCommand('servers.remove', {
    onSuccess: () => {
      setConfirmRemove(false);
      notify(`Removed ${summary.name}, with its stored values and sign-in.`);
      void client.invalidateQueries({ queryKey: ['servers.list'] });
      navigate({ page: 'servers' });
    },
  });
  const go = (next: string) =>
    navigate(
      { page: 'server', prefix: summary.prefix, tab: next === 'overview' ? undefined : next },
      { replace: true },
    );
  const missingRequired = detail.variables.filter((v) => v.required && !v.isSet && !v.hasDefault).length;
  const initialForm = useMemo(
    () => fromDefinition({ ...detail.definition, prefix: summary.prefix }),
    [detail.definition, summary.prefix],
  );

  return (
    <>
      <BackLink />
      <PageHeader
        title={summary.name}
        eyebrow={<HealthBadge status={summary.health.status} degradedBy={summary.health.degradedBy} />}
        subtitle={
          <>
            <span className="mono">{summary.prefix}</span> · <span className="mono">{summary.target}</span>
          </>
        }
        actions={
          <>
            <label className="toggle-label">
              <Toggle
                checked={summary.enabled}
                disabled={setEnabled.isPending}
                onCheckedChange={(enabled) => setEnabled.mutate({ prefix: summary.prefix, enabled })}
              />
              <span>{summary.enabled ? 'On' : 'Off'}</span>
            </label>
            <button type="button" className="button" onClick={() => go('edit')}>
              <Pencil size={14} aria-hidden="true" /> Edit
            </button>
            <button type="button" className="button danger-ghost" onClick={() => setConfirmRemove(true)}>
              <Trash2 size={14} aria-hidden="true" /> Remove
            </button>
          </>
        }
      />
      <ErrorBanner error={setEnabled.error} title="The server was not switched" />
      <Tabs.Root value={tab} onValueChange={go} className="tabs">
        <Tabs.List className="tab-list" aria-label="Server sections">
          <Tabs.Trigger value="overview" className="tab">
            Overview
          </Tabs.Trigger>
          <Tabs.Trigger value="variables" className="tab">
            Variables
            {missingRequired ? (
              <span className="tab-count" aria-label={`${missingRequired} missing`}>
                {missingRequired}
              </span>
            ) : null}
          </Tabs.Trigger>
          {detail.auth && detail.auth.flow !== 'none' ? (
            <Tabs.Trigger value="auth" className="tab">
              Sign-in
            </Tabs.Trigger>
          ) : null}
          <Tabs.Trigger value="tools" className="tab">
            Tools <span className="tab-count">{detail.tools.length}</span>
          </Tabs.Trigger>
          <Tabs.Trigger value="logs" className="tab">
            Logs
          </Tabs.Trigger>
          <Tabs.Trigger value="health" className="tab">
            Health
          </Tabs.Trigger>
          <Tabs.Trigger value="edit" className="tab">
            Definition
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="overview" className="tab-panel">
          <Overview detail={detail} onGo={go} />
        </Tabs.Content>
        <Tabs.Content value="variables" className="tab-panel">
          <EnvVarsForm
            prefix={summary.prefix}
            variables={detail.variables}
            serverName={summary.name}
            enabled={summary.enabled}
          />
        </Tabs.Content>
        {detail.auth ? (
          <Tabs.Content value="auth" className="tab-panel">
            <AuthPanel prefix={summary.prefix} auth={detail.auth} />
          </Tabs.Content>
        ) : null}
        <Tabs.Content value="tools" className="tab-panel">
          <ToolApproval prefix={summary.prefix} />
          <ToolList prefix={summary.prefix} tools={detail.tools} />
        </Tabs.Content>
        <Tabs.Content value="logs" className="tab-panel">
          <LogView prefix={summary.prefix} lastProblem={summary.health.lastError?.message} />
        </Tabs.Content>
        <Tabs.Content value="health" className="tab-panel">
          <HealthHistory prefix={summary.prefix} />
        </Tabs.Content>
        <Tabs.Content value="edit" className="tab-panel">
          <ServerForm
            key={JSON.stringify(detail.definition)}
            mode="edit"
            initial={initialForm}
            onSaved={(saved) => {
              notify(`Saved ${saved.name}. Switchboard restarts it with the new definition.`);
              void client.invalidateQueries({ queryKey: ['servers.get', { prefix: summary.prefix }] });
              go('overview');
            }}
          />
        </Tabs.Content>
      </Tabs.Root>
      <ConfirmDialog
        open={confirmRemove}
        onOpenChange={setConfirmRemove}
        title={`Remove ${summary.name}?`}
        body="Its definition, stored variable values and sign-in are deleted. Clients lose its tools at once."
        confirmLabel={remove.isPending ? 'Removing…' : 'Remove server'}
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ prefix: summary.prefix })}
      />
      {remove.error ? <ErrorBanner error={remove.error} title="The server was not removed" /> : null}
    </>
  );
}

function Overview({ detail, onGo }: { detail: ServerDetail; onGo: (tab: string) => void }) {
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
