import { useQueryClient } from '@tanstack/react-query';
import { Download, ExternalLink, Link2, PlugZap, RefreshCw, Unlink } from 'lucide-react';
import { useState } from 'react';
import type { AiClient, EntryCheck, GatewayStatus } from '../../preload/contract/index.ts';
import { ImportDialog } from '../components/client-import-dialog.tsx';
import { ClientSetupDialog } from '../components/client-setup-dialog.tsx';
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

/**
 * The AI clients found on this machine: connect each to Switchboard (seeing the change first), test the entry
 * written, or import the servers it already has. Clients not found can be set up all the same.
 */
export function ClientsPage() {
  const queryClient = useQueryClient();
  const clients = useCommand('clients.list', {});
  // Afresh on every visit: a hub restarted with another --port, or a port saved in Settings, changes it.
  const gateway = useCommand('gateway.status', {}, { refetchOnMount: 'always' });
  const writtenUrl = gateway.data ? `http://127.0.0.1:${gateway.data.configuredPort}/mcp` : undefined;
  const [importing, setImporting] = useState<AiClient | null>(null);
  const [settingUp, setSettingUp] = useState<AiClient | null>(null);
  // What the last Connect or Disconnect said, on that client's row until the next one.
  const [notice, setNotice] = useState<Notice | null>(null);
  const detected = clients.data?.filter((c) => c.detected) ?? [];
  const missing = clients.data?.filter((c) => !c.detected) ?? [];
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['clients.list'] }),
      queryClient.invalidateQueries({ queryKey: ['gateway.status'] }),
    ]);

  return (
    <>
      <PageHeader
        title="AI clients"
        subtitle="Point each client at Switchboard once; it then sees every server you add here."
        actions={
          <button
            type="button"
            className="button"
            onClick={() => void refresh()}
            disabled={clients.isFetching}
            aria-label="Look for clients again"
          >
            <RefreshCw size={14} aria-hidden="true" /> {clients.isFetching ? 'Looking…' : 'Refresh'}
          </button>
        }
      />
      {gateway.data ? <WhereItListens status={gateway.data} /> : null}
      <ErrorBanner error={clients.error} title="Could not look for clients" />
      {clients.isPending ? (
        <SkeletonRows rows={3} height={92} label="Looking for AI clients…" />
      ) : (
        <>
          {detected.length === 0 ? (
            <p className="muted">
              No AI client was found on this machine. Set one up below: Switchboard writes its file where the
              client looks, or shows the entry to paste by hand.
            </p>
          ) : (
            <ul className="rows" aria-label="Detected clients">
              {detected.map((client) => (
                <ClientRow
                  key={client.id}
                  client={client}
                  notice={notice?.id === client.id ? notice : null}
                  onNotice={(said) => setNotice(said && { id: client.id, ...said })}
                  onConnect={() => setSettingUp(client)}
                  onImport={() => setImporting(client)}
                />
              ))}
            </ul>
          )}
          {missing.length ? (
            <details className="not-found" open={detected.length === 0}>
              <summary>Not found on this machine ({missing.length})</summary>
              <ul className="rows compact-rows" aria-label="Clients not found">
                {missing.map((client) => (
                  <li key={client.id} className="row">
                    <div className="row-main">
                      <div className="row-title">
                        <strong>{client.displayName}</strong>
                        {client.entry === 'current' ? <Pill tone="ok">Connected</Pill> : null}
                      </div>
                      {notice?.id === client.id ? <Done done={notice} /> : null}
                    </div>
                    <div className="row-actions">
                      <button
                        type="button"
                        className="button"
                        onClick={() => setSettingUp(client)}
                        aria-label={`Set up ${client.displayName}`}
                      >
                        <PlugZap size={14} aria-hidden="true" /> Set up
                      </button>
                    </div>
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      )}
      {importing ? <ImportDialog client={importing} onClose={() => setImporting(null)} /> : null}
      {settingUp ? (
        <ClientSetupDialog
          client={settingUp}
          onClose={() => setSettingUp(null)}
          onConnected={(result) => {
            setNotice({
              id: settingUp.id,
              text: connectedText(settingUp, result, writtenUrl),
              ...(result.backupPath ? { backup: result.backupPath } : {}),
            });
            void refresh();
          }}
        />
      ) : null}
    </>
  );
}

/** What the row says after Connect: where the client reaches the hub, what to do next, what changed. */
function connectedText(
  client: AiClient,
  result: { changed: boolean; restartHint: string; modeTightened?: { from: number; to: number } },
  writtenUrl: string | undefined,
): string {
  const where =
    client.supportsHttp && writtenUrl ? `: ${client.displayName} reaches Switchboard at ${writtenUrl}` : '';
  const tightened = result.modeTightened
    ? ` The file holds a token, so it is now readable by you only (mode ${octal(result.modeTightened.from)} → ${octal(result.modeTightened.to)}).`
    : '';
  return `${result.changed ? 'Connected' : 'Already up to date'}${where}.${result.changed ? ` ${result.restartHint}` : ''}${tightened}`;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
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
    <section aria-label="Where Switchboard listens" className="stack where-it-listens">
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

type Said = { text: string; backup?: string };
type Notice = Said & { id: string };

function ClientRow({
  client,
  notice,
  onNotice,
  onConnect,
  onImport,
}: {
  client: AiClient;
  notice: Said | null;
  onNotice: (said: Said | null) => void;
  onConnect: () => void;
  onImport: () => void;
}) {
  const queryClient = useQueryClient();
  const check = useMutationCommand('clients.check');
  const disconnect = useMutationCommand('clients.disconnect', {
    onSuccess: (r) => {
      onNotice({
        text: r.changed ? `Disconnected. ${r.restartHint}` : 'Nothing to remove.',
        ...(r.backupPath ? { backup: r.backupPath } : {}),
      });
      check.reset();
      void queryClient.invalidateQueries({ queryKey: ['clients.list'] });
    },
  });
  const look = ENTRY_LOOK[client.entry];
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
        {notice ? <Done done={notice} /> : null}
        {check.data ? <CheckResult check={check.data} /> : null}
        {!client.supportsHttp ? (
          <p className="row-sub small muted">
            Talks to Switchboard through the stdio bridge (it cannot use an HTTP URL).
          </p>
        ) : null}
        <ErrorBanner error={disconnect.error ?? check.error} />
      </div>
      <div className="row-actions">
        {client.entry === 'current' ? (
          <>
            <button
              type="button"
              className="button"
              disabled={check.isPending}
              onClick={() => check.mutate({ id: client.id })}
              aria-label={`Test ${client.displayName}'s entry`}
            >
              <PlugZap size={14} aria-hidden="true" /> {check.isPending ? 'Testing…' : 'Test'}
            </button>
            <button
              type="button"
              className="button"
              disabled={disconnect.isPending}
              onClick={() => disconnect.mutate({ id: client.id })}
              aria-label={`Disconnect ${client.displayName}`}
            >
              <Unlink size={14} aria-hidden="true" /> Disconnect
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button primary"
            disabled={client.entry === 'unreadable' || client.entry === 'conflict'}
            onClick={() => {
              onNotice(null);
              onConnect();
            }}
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

function Done({ done }: { done: Said }) {
  return (
    <p className="row-sub small" role="status">
      {done.text}
      {done.backup ? (
        <>
          {' '}
          Backup: <span className="mono">{done.backup}</span>
        </>
      ) : null}
    </p>
  );
}

/** What Test found, through exactly the entry in the client's file. */
function CheckResult({ check }: { check: EntryCheck }) {
  if (!check.ok) {
    return (
      <p className="row-sub small error-text" role="status">
        Test failed: {check.problem}
      </p>
    );
  }
  const sample = check.sampleTools?.length ? ` (${check.sampleTools.join(', ')}…)` : '';
  return (
    <p className="row-sub small ok-text" role="status">
      Works: <span className="mono">{check.target}</span> lists {check.toolCount} tool
      {check.toolCount === 1 ? '' : 's'}
      {sample}.
    </p>
  );
}
