import { useQueryClient } from '@tanstack/react-query';
import type { AiClient } from '../../preload/contract/index.ts';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { Dialog } from './dialog.tsx';
import { Callout, ErrorBanner } from './error-banner.tsx';
import { SkeletonRows } from './skeleton.tsx';

/** Shows what an import would do (a dry run) before doing it. */
export function ImportDialog({ client, onClose }: { client: AiClient; onClose: () => void }) {
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
