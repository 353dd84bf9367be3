import { useQueryClient } from '@tanstack/react-query';
import { Download, ExternalLink, Link2, Unlink } from 'lucide-react';
import { useState } from 'react';
import type { AiClient, GatewayStatus } from '../../preload/contract/index.ts';
import { Dialog } from '../components/dialog.tsx';
import { Callout, ErrorBanner } from '../components/error-banner.tsx';
import { Pill, type Tone } from '../components/health-badge.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { SkeletonRows } from '../components/skeleton.tsx';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { routeHref } from '../hooks/use-route.ts';

const ENTRY_LOOK: Record<AiClient['entry'], { label: string; tone: Tone }> = {
  current: { label: 'Connected', tone: 'ok' },
  outdated: { label: 'Needs update', tone: 'warn' },
  absent: { label: 'Not connected', tone: 'neutral' },
  unreadable: { label: 'Config unreadable', tone: 'err' },
  conflict: { label: 'Name already used', tone: 'warn' },
};

/** The AI clients found on this machine: connect each to Switchboard, or import the servers it already has. */
export function ClientsPage() {
  const clients = useCommand('clients.list', {});
  // Afresh on every visit: a hub restarted with another --port, or a port saved in Settings, changes it.
  const gateway = useCommand('gateway.status', {}, { refetchOnMount: 'always' });
  const writtenUrl = gateway.data ? `http://127.0.0.1:${gateway.data.configuredPort}/mcp` : undefined;
  const [importing, setImporting] = useState<AiClient | null>(null);
  const detected = clients.data?.filter((c) => c.detected) ?? [];
  const missing = clients.data?.filter((c) => !c.detected) ?? [];

  return (
    <>
      <PageHeader
        title="AI clients"
        subtitle="Point each client at Switchboard once; it then sees every server you add here."
      />
      {gateway.data ? <WhereItListens status={gateway.data} /> : null}
      <ErrorBanner error={clients.error} title="Could not look for clients" />
      {clients.isPending ? (
        <SkeletonRows rows={3} height={92} label="Looking for AI clients…" />
      ) : (
        <>
          {detected.length === 0 ? (
            <p className="muted">No AI client was found on this machine.</p>
          ) : (
            <ul className="rows" aria-label="Detected clients">
              {detected.map((client) => (
                <ClientRow
                  key={client.id}
                  client={client}
                  writtenUrl={writtenUrl}
                  onImport={() => setImporting(client)}
                />
              ))}
            </ul>
          )}
          {missing.length ? (
            <details className="not-found">
              <summary>Not found on this machine ({missing.length})</summary>
              <ul className="plain-list">
                {missing.map((c) => (
                  <li key={c.id}>{c.displayName}</li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      )}
      {importing ? <ImportDialog client={importing} onClose={() => setImporting(null)} /> : null}
    </>
  );
}

/**
 * Where the hub listens, and what Connect writes. They differ when this run was started with `serve --port`
 * (or port 0): entries name the Gateway port SETTING, so that they keep working after a restart; a client
 * connected now would then miss this run. Say so before the person connects, with the way out.
 */
function WhereItListens({ status }: { status: GatewayStatus }) {
  const written = `http://127.0.0.1:${status.configuredPort}/mcp`;
  const elsewhere = status.state !== 'stopped' && status.port !== status.configuredPort;
  return (
    <section aria-label="Where Switchboard listens" className="stack">
      {elsewhere ? (
        <Callout tone="warn">
          <p>
            Switchboard listens on <code>{status.url}</code> for this run, but Connect writes the Gateway port
            setting ({status.configuredPort}) into each client&apos;s file, so a client connected now would
            not reach it. <a href={routeHref({ page: 'settings' })}>Set the Gateway port to {status.port}</a>{' '}
            in Settings first, or start Switchboard again without <code>--port</code>.
          </p>
        </Callout>
      ) : (
        <p className="muted">
          {status.state === 'stopped'
            ? 'Switchboard is not running; it will listen on '
            : 'Switchboard listens on '}
          <code>{written}</code>. Connect writes this address, with a token of the client&apos;s own, into the
          client&apos;s file.
        </p>
      )}
    </section>
  );
}

function ClientRow({
  client,
  writtenUrl,
  onImport,
}: {
  client: AiClient;
  /** The address an HTTP client's entry names (undefined until the gateway status is known). */
  writtenUrl: string | undefined;
  onImport: () => void;
}) {
  const queryClient = useQueryClient();
  const [done, setDone] = useState<{ text: string; backup?: string } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['clients.list'] });
  const connect = useMutationCommand('clients.connect', {
    onSuccess: (r) => {
      setDone({
        text: `${r.changed ? 'Connected' : 'Already up to date'}${
          client.supportsHttp && writtenUrl
            ? `: ${client.displayName} reaches Switchboard at ${writtenUrl}`
            : ''
        }.${r.changed ? ` ${r.restartHint}` : ''}`,
        ...(r.backupPath ? { backup: r.backupPath } : {}),
      });
      refresh();
    },
  });
  const disconnect = useMutationCommand('clients.disconnect', {
    onSuccess: (r) => {
      setDone({
        text: r.changed ? `Disconnected. ${r.restartHint}` : 'Nothing to remove.',
        ...(r.backupPath ? { backup: r.backupPath } : {}),
      });
      refresh();
    },
  });
  const look = ENTRY_LOOK[client.entry];
  const busy = connect.isPending || disconnect.isPending;
  return (
    <li className="row client-row">
      <div className="row-main">
        <div className="row-title">
          <strong>{client.displayName}</strong>
          <Pill tone={look.tone}>{look.label}</Pill>
        </div>
        {client.configPath ? (
          <p className="row-sub mono small truncate" title={client.configPath}>
            {client.configPath}
          </p>
        ) : null}
        {client.problem ? <p className="row-sub small error-text">{client.problem}</p> : null}
        {client.entry === 'outdated' ? (
          <p className="row-sub small">
            Its Switchboard entry points at an old address or token. Connect again to update it.
          </p>
        ) : null}
        {done ? (
          <p className="row-sub small" role="status">
            {done.text}
            {done.backup ? (
              <>
                {' '}
                Backup: <span className="mono">{done.backup}</span>
              </>
            ) : null}
          </p>
        ) : null}
        {!client.supportsHttp ? (
          <p className="row-sub small muted">
            Talks to Switchboard through the stdio bridge (it cannot use an HTTP URL).
          </p>
        ) : null}
        <ErrorBanner error={connect.error ?? disconnect.error} />
      </div>
      <div className="row-actions">
        {client.entry === 'current' ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => disconnect.mutate({ id: client.id })}
            aria-label={`Disconnect ${client.displayName}`}
          >
            <Unlink size={14} aria-hidden="true" /> Disconnect
          </button>
        ) : (
          <button
            type="button"
            className="button primary"
            disabled={busy || client.entry === 'unreadable' || client.entry === 'conflict'}
            onClick={() => connect.mutate({ id: client.id })}
            aria-label={`${client.entry === 'outdated' ? 'Update' : 'Connect'} ${client.displayName}`}
          >
            <Link2 size={14} aria-hidden="true" /> {client.entry === 'outdated' ? 'Update' : 'Connect'}
          </button>
        )}
        <button
          type="button"
          className="button"
          onClick={onImport}
          disabled={client.entry === 'unreadable'}
          aria-label={`Import servers from ${client.displayName}`}
        >
          <Download size={14} aria-hidden="true" /> Import servers
        </button>
        {client.deepLink ? (
          <a className="button ghost" href={client.deepLink}>
            <ExternalLink size={14} aria-hidden="true" /> Install link
          </a>
        ) : null}
      </div>
    </li>
  );
}

/** Shows what an import would do (a dry run) before doing it. */
function ImportDialog({ client, onClose }: { client: AiClient; onClose: () => void }) {
  const queryClient = useQueryClient();
  const preview = useCommand('clients.importPreview', { id: client.id }, { staleTime: 0, gcTime: 0 });
  const run = useMutationCommand('clients.import', {
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['servers.list'] }),
  });
  const adds = preview.data?.add ?? [];
  return (
    <Dialog
      open
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`Import servers from ${client.displayName}`}
      description="Nothing changes until you confirm. The client's own config is left as it is."
      wide
    >
      <ErrorBanner error={preview.error} title="Could not read the client's servers" />
      {preview.isPending ? <SkeletonRows rows={3} height={40} label="Reading the client's servers…" /> : null}
      {run.data ? (
        <Callout tone="ok">
          Imported {run.data.imported.length} server{run.data.imported.length === 1 ? '' : 's'}:{' '}
          {run.data.imported.join(', ') || 'none'}. Set any secret values under each server's Variables.
        </Callout>
      ) : preview.data ? (
        <div className="stack">
          {adds.length === 0 ? <p>There is nothing new to import.</p> : <p>These would be added:</p>}
          {adds.length ? (
            <ul className="rows compact-rows">
              {adds.map((a) => (
                <li className="row" key={a.prefix}>
                  <div className="row-main">
                    <div className="row-title">
                      {a.name} <span className="mono muted small">{a.prefix}</span>{' '}
                      <span className="muted small">{a.transport}</span>
                    </div>
                    {a.secretNames.length ? (
                      <p className="row-sub small">
                        Secrets to enter again: <span className="mono">{a.secretNames.join(', ')}</span>
                      </p>
                    ) : null}
                    {a.missingNames.length ? (
                      <p className="row-sub small warn-text">
                        Missing values: <span className="mono">{a.missingNames.join(', ')}</span>
                      </p>
                    ) : null}
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
          {preview.data.skipped.length ? (
            <details>
              <summary>Skipped ({preview.data.skipped.length})</summary>
              <ul className="plain-list">
                {preview.data.skipped.map((s) => (
                  <li key={s.name}>
                    <span className="mono">{s.name}</span>: {s.reason}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          <details>
            <summary>Dry-run output</summary>
            <pre className="code-block">{preview.data.text}</pre>
          </details>
          <ErrorBanner error={run.error} title="The import failed" />
          <div className="button-row end">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className="button primary"
              disabled={adds.length === 0 || run.isPending}
              onClick={() => run.mutate({ id: client.id })}
            >
              {run.isPending ? 'Importing…' : `Import ${adds.length} server${adds.length === 1 ? '' : 's'}`}
            </button>
          </div>
        </div>
      ) : null}
      {run.data ? (
        <div className="button-row end">
          <button type="button" className="button primary" onClick={onClose}>
            Done
          </button>
        </div>
      ) : null}
    </Dialog>
  );
}
