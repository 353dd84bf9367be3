import { KeyRound } from 'lucide-react';
import type { AiClient, ConnectPreview } from '../../preload/contract/index.ts';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { CopyButton } from './copy-button.tsx';
import { Dialog } from './dialog.tsx';
import { Callout, ErrorBanner } from './error-banner.tsx';
import { SkeletonRows } from './skeleton.tsx';

type WriteResult = {
  path: string;
  changed: boolean;
  backupPath?: string;
  modeTightened?: { from: number; to: number };
  restartHint: string;
};

/**
 * Connecting one client, seen before it is done: the lines Connect would change in the client's file (only
 * changed lines, masked: the rest of the file is the person's), then Connect; or the entry to paste by hand.
 * A client that was not detected can be connected all the same: its file is created where it will look.
 */
export function ClientSetupDialog({
  client,
  onClose,
  onConnected,
}: {
  client: AiClient;
  onClose: () => void;
  onConnected: (result: WriteResult) => void;
}) {
  const preview = useCommand('clients.previewConnect', { id: client.id }, { staleTime: 0, gcTime: 0 });
  const connect = useMutationCommand('clients.connect', {
    onSuccess: (result) => {
      onConnected(result);
      onClose();
    },
  });
  const verb = client.entry === 'outdated' ? 'Update' : client.detected ? 'Connect' : 'Connect anyway';
  return (
    <Dialog
      open
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`Connect ${client.displayName}`}
      description="Nothing is written until you confirm; a backup of the file is kept."
      wide
    >
      <ErrorBanner error={preview.error} title={`Could not read ${client.displayName}'s file`} />
      {preview.isPending ? <SkeletonRows rows={3} height={28} label="Reading the client's file…" /> : null}
      {preview.data ? (
        <div className="stack">
          {!client.detected ? (
            <Callout tone="info">
              {client.displayName} was not found on this machine. Connecting creates its file where it looks
              when it starts.
            </Callout>
          ) : null}
          <FileChanges preview={preview.data} />
          <ErrorBanner error={connect.error} title="Connecting failed; nothing was changed" />
          <div className="button-row end">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className="button primary"
              disabled={connect.isPending}
              onClick={() => connect.mutate({ id: client.id })}
            >
              {connect.isPending ? 'Connecting…' : preview.data.changed ? verb : 'Connect (no change)'}
            </button>
          </div>
          <ManualSetup client={client} preview={preview.data} />
        </div>
      ) : null}
    </Dialog>
  );
}

/** The changed lines, as a diff a person can read: where, what goes, what comes. */
function FileChanges({ preview }: { preview: ConnectPreview }) {
  if (!preview.changed) {
    return (
      <p>
        <span className="mono">{preview.path}</span> already has this entry: connecting changes nothing.
      </p>
    );
  }
  return (
    <section aria-label="Changes to the file" className="stack">
      <p>
        Switchboard {preview.exists ? 'changes' : 'creates'} <span className="mono">{preview.path}</span>
        {preview.exists ? ' (only these lines; the rest is left as it is):' : ':'}
      </p>
      <pre className="code-block diff">
        {preview.hunks.map((hunk) => (
          <span key={`${hunk.oldStart}-${hunk.newStart}`}>
            <span className="diff-where">{`@@ line ${hunk.newStart} @@\n`}</span>
            {hunk.lines.map((line, index) => (
              <span key={index} className={line.op === '+' ? 'diff-add' : 'diff-remove'}>
                {`${line.op} ${line.text}\n`}
              </span>
            ))}
          </span>
        ))}
      </pre>
      {preview.newToken ? (
        <p className="small muted">
          A token of this client&apos;s own is made when you connect. It goes into the file, never onto this
          page.
        </p>
      ) : null}
    </section>
  );
}

/** The entry to paste by hand; for HTTP clients, with a token made on request and shown this once. */
function ManualSetup({ client, preview }: { client: AiClient; preview: ConnectPreview }) {
  const manual = useMutationCommand('clients.manualEntry');
  const snippet = manual.data?.snippet ?? preview.snippet;
  return (
    <details className="manual-setup">
      <summary>Set it up by hand instead</summary>
      <div className="stack">
        <p>
          Paste this into <span className="mono">{preview.path}</span>
          {preview.exists ? ', merged with what is there' : ''}. {client.restartHint}
        </p>
        <pre className="code-block wrap" aria-label={`Entry for ${client.displayName}`}>
          {snippet}
        </pre>
        <div className="button-row">
          <CopyButton text={snippet} label="Copy entry" />
          {preview.kind === 'http' && !manual.data ? (
            <button
              type="button"
              className="button small"
              disabled={manual.isPending}
              onClick={() => manual.mutate({ id: client.id })}
            >
              <KeyRound size={14} aria-hidden="true" /> Make a token for it
            </button>
          ) : null}
        </div>
        {manual.data ? (
          <Callout tone="warn">
            The entry now carries a new token, shown this once: copy it now. An earlier token for{' '}
            {client.displayName}, if there was one, no longer works.
          </Callout>
        ) : preview.kind === 'http' ? (
          <p className="small muted">
            The placeholder stands for a token: make one here (it replaces the one the file has, if any), or
            use Connect, which writes it for you.
          </p>
        ) : null}
        <ErrorBanner error={manual.error} title="Could not make a token" />
      </div>
    </details>
  );
}
