import * as Tabs from '@radix-ui/react-tabs';
import { useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, Pencil, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { ServerDetail } from '../../preload/contract/index.ts';
import { AuthPanel } from '../components/auth-panel.tsx';
import { ConfirmDialog } from '../components/dialog.tsx';
import { EnvVarsForm } from '../components/env-vars-form.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { HealthBadge } from '../components/health-badge.tsx';
import { HealthHistory } from '../components/health-history.tsx';
import { LogView } from '../components/log-view.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ServerForm } from '../components/server-form.tsx';
import { Overview } from '../components/server-overview.tsx';
import { Skeleton, SkeletonRows } from '../components/skeleton.tsx';
import { Toggle } from '../components/toggle.tsx';
import { useToast } from '../components/toaster.tsx';
import { ToolApproval } from '../components/tool-approval.tsx';
import { ToolList } from '../components/tool-list.tsx';
import { CommandError, useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { navigate, routeHref } from '../hooks/use-route.ts';
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
