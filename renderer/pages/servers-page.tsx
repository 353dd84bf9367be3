import { Download, LibraryBig, Plus, ServerOff } from 'lucide-react';
import { useState } from 'react';
import type { ServerSummary } from '../../preload/contract/index.ts';
import { useQueryClient } from '@tanstack/react-query';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { HealthBadge } from '../components/health-badge.tsx';
import { SkeletonRows } from '../components/skeleton.tsx';
import { Toggle } from '../components/toggle.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { SearchBox } from '../components/search-box.tsx';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { routeHref } from '../hooks/use-route.ts';
import { explainProblem } from '../lib/explain-error.ts';

const TRANSPORT_LABEL = { stdio: 'Local', http: 'Remote', sse: 'Remote (SSE)' } as const;

/** Every server with its live health, an on/off switch and a search box; a helpful empty state. */
export function ServersPage() {
  const servers = useCommand('servers.list', {});
  const client = useQueryClient();
  const [query, setQuery] = useState('');
  const setEnabled = useMutationCommand('servers.setEnabled', {
    onMutate: async ({ prefix, enabled }) => {
      await client.cancelQueries({ queryKey: ['servers.list'] });
      const previous = client.getQueryData<ServerSummary[]>(['servers.list', {}]);
      client.setQueryData<ServerSummary[]>(['servers.list', {}], (list) =>
        list?.map((s) => (s.prefix === prefix ? { ...s, enabled } : s)),
      );
      return { previous };
    },
    onError: (_error, _input, context) => {
      const previous = (context as { previous?: ServerSummary[] } | undefined)?.previous;
      if (previous) client.setQueryData(['servers.list', {}], previous);
    },
    onSuccess: (summary) => {
      client.setQueryData<ServerSummary[]>(['servers.list', {}], (list) =>
        list?.map((s) => (s.prefix === summary.prefix ? summary : s)),
      );
    },
  });

  const list = servers.data ?? [];
  const needle = query.trim().toLowerCase();
  const shown = needle
    ? list.filter((s) => `${s.name} ${s.prefix} ${s.target}`.toLowerCase().includes(needle))
    : list;
  const hasServers = list.length > 0;

  return (
    <>
      <PageHeader
        title="Servers"
        subtitle="Every MCP server your AI clients reach through Switchboard."
        actions={
          hasServers ? (
            <a className="button primary" href={routeHref({ page: 'add', tab: undefined })}>
              <Plus size={14} aria-hidden="true" /> Add server
            </a>
          ) : null
        }
      />
      {servers.error ? <ErrorBanner error={servers.error} title="Could not load the servers" /> : null}
      {servers.isPending ? (
        <SkeletonRows rows={4} height={60} label="Loading servers…" />
      ) : !hasServers && !servers.error ? (
        <EmptyState
          icon={<ServerOff size={28} />}
          title="No servers yet"
          actions={
            <>
              <a className="button primary" href={routeHref({ page: 'add', tab: 'catalog' })}>
                <LibraryBig size={14} aria-hidden="true" /> Add from the catalog
              </a>
              <a className="button" href={routeHref({ page: 'clients' })}>
                <Download size={14} aria-hidden="true" /> Import from your AI clients
              </a>
            </>
          }
        >
          <p>
            Add the MCP servers you use once, here, and every AI client on this machine gets them through one
            connection. Start from the catalog of well-known servers, or bring over the ones your clients
            already have.
          </p>
          <p className="small">
            Or <a href={routeHref({ page: 'add', tab: undefined })}>add one by hand</a>.
          </p>
        </EmptyState>
      ) : hasServers ? (
        <>
          <div className="toolbar">
            <SearchBox
              label="Search servers"
              placeholder="Search by name, prefix or command"
              value={query}
              onChange={setQuery}
            />
            <p className="muted small" aria-live="polite">
              {needle
                ? `${shown.length} of ${list.length} servers`
                : `${list.length} server${list.length === 1 ? '' : 's'}`}
            </p>
          </div>
          <ErrorBanner error={setEnabled.error} title="The server was not switched" />
          {shown.length === 0 ? (
            <p className="muted empty-search">No server matches “{query}”.</p>
          ) : (
            <ul className="rows server-rows" aria-label="Servers">
              {shown.map((server) => (
                <ServerRow
                  key={server.prefix}
                  server={server}
                  onToggle={(enabled) => setEnabled.mutate({ prefix: server.prefix, enabled })}
                />
              ))}
            </ul>
          )}
        </>
      ) : null}
    </>
  );
}

function ServerRow({ server, onToggle }: { server: ServerSummary; onToggle: (enabled: boolean) => void }) {
  const { lastError, status } = server.health;
  // The cause in one short sentence (the full message is on the server's page, behind "Details").
  const problem =
    lastError && (status === 'unhealthy' || status === 'degraded') ? explainProblem(lastError, server) : null;
  return (
    <li className="row server-row" data-enabled={server.enabled}>
      <div className="row-badge">
        <HealthBadge status={server.health.status} degradedBy={server.health.degradedBy} />
      </div>
      <div className="row-main">
        <div className="row-title">
          <a href={routeHref({ page: 'server', prefix: server.prefix, tab: undefined })} className="row-link">
            {server.name}
          </a>
          <span className="mono muted small">{server.prefix}</span>
        </div>
        <p className="row-sub mono small truncate" title={server.target}>
          {server.target}
        </p>
        {problem ? (
          <p className="row-sub small error-text" title={`${problem.cause} ${problem.action}`}>
            {problem.cause}
          </p>
        ) : server.health.status === 'needs_config' && server.health.missing.length ? (
          <p className="row-sub small warn-text truncate">Missing: {server.health.missing.join(', ')}</p>
        ) : null}
      </div>
      <div className="row-meta small muted">
        <span>{TRANSPORT_LABEL[server.transport]}</span>
        <span>
          {server.toolCount} tool{server.toolCount === 1 ? '' : 's'}
        </span>
      </div>
      <div className="row-toggle">
        <Toggle
          checked={server.enabled}
          onCheckedChange={onToggle}
          label={`${server.enabled ? 'Switch off' : 'Switch on'} ${server.name}`}
        />
      </div>
    </li>
  );
}
