import { useQueryClient } from '@tanstack/react-query';
import { Upload } from 'lucide-react';
import { useId, useState } from 'react';
import { type CommandOutput } from '../../preload/contract/index.ts';
import { CopyButton } from './copy-button.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { Pill } from './health-badge.tsx';
import { Skeleton } from './skeleton.tsx';
import { useMutationCommand } from '../hooks/use-command.ts';

import { Section } from './settings-section.tsx';

type AppInfo = CommandOutput<'app.info'>;

/** Which key store encrypts the secrets, in a person's words (a passphrase vault is not the OS key store). */
const KEY_STORE_LABEL: Record<NonNullable<AppInfo['vault']['keyStore']> | 'none', string> = {
  keyring: 'Encrypted with the OS keyring',
  'safe-storage': 'Encrypted with the OS key store',
  passphrase: 'Encrypted with your vault passphrase',
  memory: 'Encrypted with a key held in memory only (lost when Switchboard stops)',
  none: 'Ready: no secret stored yet',
};

/** Where the data lives, which key store encrypts the secrets, and export / import of definitions. */
export function DataSection({
  dataDir,
  vault,
}: {
  dataDir: string | undefined;
  vault: AppInfo['vault'] | undefined;
}) {
  const exporter = useMutationCommand('transfer.export');
  const importer = useMutationCommand('transfer.import');
  const client = useQueryClient();
  const [importText, setImportText] = useState('');
  const id = useId();
  return (
    <Section
      id="set-data"
      title="Data"
      description="Where Switchboard keeps its registry and encrypted secrets."
    >
      <dl className="facts">
        <dt>Data folder</dt>
        <dd className="with-action">
          {dataDir ? (
            <>
              <code className="break">{dataDir}</code> <CopyButton text={dataDir} label="Copy path" />
            </>
          ) : (
            <Skeleton width={260} height={16} />
          )}
        </dd>
        <dt>Secret storage</dt>
        <dd>
          {vault ? (
            vault.ok ? (
              <Pill tone="ok">{KEY_STORE_LABEL[vault.keyStore ?? 'none']}</Pill>
            ) : (
              <>
                <Pill tone="err">Unavailable</Pill> <span className="small">{vault.message}</span>
              </>
            )
          ) : (
            <Skeleton width={200} height={16} />
          )}
        </dd>
      </dl>
      <div className="transfer">
        <div className="stack">
          <h3 className="subsection-title">Export</h3>
          <p className="hint">
            Server definitions and profiles as JSON. Secret values and tokens are never exported.
          </p>
          <div className="button-row">
            <button
              type="button"
              className="button"
              disabled={exporter.isPending}
              onClick={() => exporter.mutate({})}
            >
              {exporter.isPending ? 'Exporting…' : 'Export'}
            </button>
            {exporter.data ? (
              <>
                <a
                  className="button"
                  download="switchboard-export.json"
                  href={`data:application/json;charset=utf-8,${encodeURIComponent(exporter.data.text)}`}
                >
                  Download file
                </a>
                <CopyButton text={exporter.data.text} />
              </>
            ) : null}
          </div>
          <ErrorBanner error={exporter.error} />
        </div>
        <form
          className="stack"
          aria-label="Import"
          onSubmit={(e) => {
            e.preventDefault();
            importer.mutate(
              { text: importText },
              {
                onSuccess: () => {
                  setImportText('');
                  for (const key of ['servers.list', 'profiles.list', 'profiles.clients'])
                    void client.invalidateQueries({ queryKey: [key] });
                },
              },
            );
          }}
        >
          <h3 className="subsection-title">Import</h3>
          <div className="field">
            <label htmlFor={`${id}-file`}>Choose an export file</label>
            <input
              id={`${id}-file`}
              type="file"
              accept="application/json,.json"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (file) setImportText(await file.text());
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-text`}>…or paste its contents</label>
            <textarea
              id={`${id}-text`}
              className="mono"
              rows={3}
              spellCheck={false}
              value={importText}
              onChange={(e) => setImportText(e.target.value)}
            />
          </div>
          <div className="button-row">
            <button type="submit" className="button" disabled={!importText.trim() || importer.isPending}>
              <Upload size={14} aria-hidden="true" /> {importer.isPending ? 'Importing…' : 'Import'}
            </button>
            <span role="status" className="small">
              {importer.data
                ? importer.data.imported.length
                  ? `Imported ${importer.data.imported.length} server${importer.data.imported.length === 1 ? '' : 's'}: ${importer.data.imported.join(', ')}.`
                  : 'Nothing new to import: every server in the file is already here.'
                : ''}
            </span>
          </div>
          <ErrorBanner error={importer.error} title="The import failed" />
        </form>
      </div>
    </Section>
  );
}
