import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { KeyRound, Upload } from 'lucide-react';
import { useEffect, useId, useState, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { SettingsSchema, type CommandOutput, type Settings } from '../../preload/contract/index.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { ConfirmDialog, Dialog } from '../components/dialog.tsx';
import { Callout, ErrorBanner } from '../components/error-banner.tsx';
import { InputField } from '../components/form-field.tsx';
import { Pill } from '../components/health-badge.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Skeleton, SkeletonRows } from '../components/skeleton.tsx';
import { useToast } from '../components/toaster.tsx';
import { Toggle } from '../components/toggle.tsx';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';
import type { ThemeChoice } from '../hooks/use-theme.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';

/** Gateway, preferences, client tokens, data (export/import) and appearance. */
export function SettingsPage({
  theme,
  onTheme,
}: {
  theme: ThemeChoice;
  onTheme: (choice: ThemeChoice) => void;
}) {
  const info = useCommand('app.info', {});
  return (
    <>
      <PageHeader title="Settings" subtitle="How Switchboard runs on this machine." />
      <div className="settings">
        <GatewaySection />
        <PreferencesSection mode={info.data?.mode} />
        <TokensSection />
        <DataSection dataDir={info.data?.dataDir} vault={info.data?.vault} />
        <AppearanceSection theme={theme} onTheme={onTheme} />
        {info.data ? (
          <p className="muted small about">
            Switchboard {info.data.version} · {info.data.platform} ·{' '}
            {info.data.mode === 'web' ? 'web mode' : 'desktop'}
          </p>
        ) : null}
      </div>
    </>
  );
}

function Section({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description?: string;
  children: ReactNode;
}) {
  return (
    <section className="card settings-section" aria-labelledby={id}>
      <h2 id={id} className="section-title">
        {title}
      </h2>
      {description ? <p className="hint section-description">{description}</p> : null}
      {children}
    </section>
  );
}

function GatewaySection() {
  // Read afresh whenever the section is shown: the session count changes without an event.
  const status = useCommand('gateway.status', {}, { refetchOnMount: 'always' });
  const client = useQueryClient();
  const notify = useToast();
  const pause = useMutationCommand('gateway.setPaused', {
    onSuccess: (next) => {
      client.setQueryData(['gateway.status', {}], next);
      notify(
        next.state === 'paused'
          ? 'Paused: AI clients are refused until you resume. This window keeps working.'
          : 'Resumed: AI clients can call tools again.',
      );
    },
  });
  return (
    <Section id="set-gateway" title="Gateway" description="The one address every AI client connects to.">
      {status.isPending ? (
        <div className="gateway-line">
          <Skeleton width={360} height={32} />
        </div>
      ) : status.data ? (
        <>
          <div className="gateway-line">
            <code className="url-box">{status.data.url}</code>
            <CopyButton text={status.data.url} label="Copy URL" />
          </div>
          <div className="gateway-line">
            {status.data.state === 'running' ? (
              <Pill tone="ok">Running</Pill>
            ) : status.data.state === 'paused' ? (
              <Pill tone="warn">Paused</Pill>
            ) : (
              <Pill tone="err">Stopped</Pill>
            )}
            <span className="muted small">
              {status.data.sessions === null
                ? ''
                : `${status.data.sessions} active session${status.data.sessions === 1 ? '' : 's'} · `}
              port {status.data.port}
            </span>
            <label className="toggle-label push-right">
              <Toggle
                checked={status.data.state === 'paused'}
                disabled={pause.isPending || status.data.state === 'stopped'}
                onCheckedChange={(paused) => pause.mutate({ paused })}
              />
              <span>Pause all tool calls</span>
            </label>
          </div>
        </>
      ) : null}
      <ErrorBanner error={status.error ?? pause.error} />
    </Section>
  );
}

function PreferencesSection({ mode }: { mode: 'desktop' | 'web' | undefined }) {
  const settings = useCommand('settings.get', {});
  if (settings.error) {
    return (
      <Section id="set-prefs" title="Preferences">
        <ErrorBanner error={settings.error} title="Could not load the settings" />
      </Section>
    );
  }
  return (
    <Section id="set-prefs" title="Preferences">
      {settings.isPending ? (
        <SkeletonRows rows={4} height={44} label="Loading the settings…" />
      ) : (
        <PreferencesForm settings={settings.data} mode={mode} />
      )}
    </Section>
  );
}

function PreferencesForm({ settings, mode }: { settings: Settings; mode: 'desktop' | 'web' | undefined }) {
  const client = useQueryClient();
  const id = useId();
  const form = useForm<z.input<typeof SettingsSchema>, unknown, Settings>({
    resolver: zodResolver(SettingsSchema),
    defaultValues: settings,
  });
  const { register, handleSubmit, formState, reset, setValue, watch } = form;
  const errors = formState.errors;
  const save = useMutationCommand('settings.set', {
    onSuccess: (next) => {
      client.setQueryData(['settings.get', {}], next);
      reset(next);
      // The port is what Connect writes: the gateway status and every client's entry state depend on it.
      void client.invalidateQueries({ queryKey: ['gateway.status'] });
      void client.invalidateQueries({ queryKey: ['clients.list'] });
    },
  });
  useEffect(() => reset(settings), [settings, reset]);
  const portChanged = watch('port') !== settings.port;
  const desktopOnly = mode === 'web' ? 'Applies to the desktop app only.' : undefined;

  const onSubmit = (values: Settings) => {
    const changed = Object.fromEntries(
      Object.entries(values).filter(([k, v]) => settings[k as keyof Settings] !== v),
    ) as Partial<Settings>;
    save.mutate(changed);
  };

  return (
    <form noValidate onSubmit={handleSubmit(onSubmit)} aria-label="Preferences" className="stack">
      <div className="grid-2">
        <InputField
          id={`${id}-port`}
          label="Gateway port"
          error={errors.port?.message}
          hint="1024–65535. Clients keep working after reconnecting them."
          input={{ ...NUMBER_INPUT, ...register('port', { valueAsNumber: true }) }}
        />
        <InputField
          id={`${id}-idle`}
          label="Stop idle local servers after"
          error={errors.idleTimeoutSeconds?.message}
          hint="Seconds without a call. 0 keeps them running."
          input={{ ...NUMBER_INPUT, ...register('idleTimeoutSeconds', { valueAsNumber: true }) }}
        />
        <InputField
          id={`${id}-health`}
          label="Check health every"
          error={errors.healthIntervalSeconds?.message}
          hint="Seconds, at least 10."
          input={{ ...NUMBER_INPUT, ...register('healthIntervalSeconds', { valueAsNumber: true }) }}
        />
        <InputField
          id={`${id}-retention`}
          label="Keep the call log for"
          error={errors.callLogRetentionDays?.message}
          hint="Days."
          input={{ ...NUMBER_INPUT, ...register('callLogRetentionDays', { valueAsNumber: true }) }}
        />
      </div>
      {portChanged ? (
        <Callout tone="warn">
          Changing the port disconnects every client until you connect them again on the Clients page.
        </Callout>
      ) : null}
      <div className="switch-list">
        <SwitchRow
          label="Check idle servers too"
          hint="Starts stopped local servers for health checks."
          checked={watch('probeIdleServers')}
          onChange={(v) => setValue('probeIdleServers', v, { shouldDirty: true })}
        />
        <SwitchRow
          label="Notifications"
          hint={desktopOnly ?? 'Tell me when a server becomes unhealthy or needs sign-in.'}
          checked={watch('notifications')}
          onChange={(v) => setValue('notifications', v, { shouldDirty: true })}
        />
        <SwitchRow
          label="Launch at login"
          hint={desktopOnly ?? 'Start Switchboard in the tray when you log in.'}
          checked={watch('launchAtLogin')}
          onChange={(v) => setValue('launchAtLogin', v, { shouldDirty: true })}
        />
      </div>
      <ErrorBanner error={save.error} title="The settings were not saved" />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={!formState.isDirty || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save preferences'}
        </button>
        <span className="muted small" role="status">
          {save.isSuccess && !formState.isDirty ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}

type AppInfo = CommandOutput<'app.info'>;

const NUMBER_INPUT = { type: 'number', inputMode: 'numeric' } as const;

function SwitchRow({
  label,
  hint,
  checked,
  onChange,
}: {
  label: string;
  hint: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="switch-row">
      <div>
        <label htmlFor={id}>{label}</label>
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      </div>
      <Toggle id={id} checked={checked} onCheckedChange={onChange} />
    </div>
  );
}

const TokenNameSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the token a name, e.g. the client that will use it')
    .max(64, 'At most 64 characters'),
});

function TokensSection() {
  const tokens = useCommand('tokens.list', {});
  const client = useQueryClient();
  const id = useId();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const notify = useToast();
  // "Create token" is disabled while it works, so it cannot take focus back: the name field does.
  const nameField = () => document.getElementById(`${id}-name`);
  const form = useForm<z.input<typeof TokenNameSchema>, unknown, z.output<typeof TokenNameSchema>>({
    resolver: zodResolver(TokenNameSchema),
    defaultValues: { name: '' },
  });
  const create = useMutationCommand('tokens.create', {
    onSuccess: (result) => {
      setCreated(result);
      form.reset({ name: '' });
      void client.invalidateQueries({ queryKey: ['tokens.list'] });
    },
    onError: (error) => form.setError('name', { type: 'server', message: error.message }),
  });
  const revoke = useMutationCommand('tokens.revoke', {
    onSuccess: (_done, input) => {
      setRevoking(null);
      notify(`Revoked “${input.name}”: clients using it are refused from now on.`);
      void client.invalidateQueries({ queryKey: ['tokens.list'] });
    },
  });

  return (
    <Section
      id="set-tokens"
      title="Client tokens"
      description="Each AI client authenticates to the gateway with its own token. Connecting a client on the Clients page creates one for you."
    >
      {tokens.isPending ? (
        <SkeletonRows rows={2} height={40} label="Loading tokens…" />
      ) : tokens.data && tokens.data.length ? (
        <table className="table">
          <caption className="sr-only">Client tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.name}>
                <td className="mono">{t.name}</td>
                <td title={formatDateTime(t.createdAt)}>{formatRelative(t.createdAt)}</td>
                <td>
                  {t.lastUsedAt ? (
                    <span title={formatDateTime(t.lastUsedAt)}>{formatRelative(t.lastUsedAt)}</span>
                  ) : (
                    <span className="muted">never</span>
                  )}
                </td>
                <td className="num">
                  <button
                    type="button"
                    className="button small danger-ghost"
                    onClick={() => setRevoking(t.name)}
                    aria-label={`Revoke ${t.name}`}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No tokens yet.</p>
      )}
      <ErrorBanner error={tokens.error} />
      <form
        noValidate
        className="inline-form"
        onSubmit={form.handleSubmit((v) => create.mutate({ name: v.name }))}
        aria-label="Create a token"
      >
        <InputField
          id={`${id}-name`}
          label="New token name"
          error={form.formState.errors.name?.message}
          input={{ autoComplete: 'off', placeholder: 'e.g. my-script', ...form.register('name') }}
        />
        <button type="submit" className="button" disabled={create.isPending}>
          <KeyRound size={14} aria-hidden="true" /> Create token
        </button>
      </form>
      <Dialog
        open={created !== null}
        onOpenChange={(open) => (open ? undefined : setCreated(null))}
        title={`Token “${created?.name ?? ''}” created`}
        description="Copy it now: this is the only time it is shown. Only a hash is kept."
        returnFocus={nameField}
      >
        <div className="token-once">
          <code className="url-box" aria-label="The new token">
            {created?.token}
          </code>
          {created ? <CopyButton text={created.token} label="Copy token" /> : null}
        </div>
        <div className="button-row end">
          <button type="button" className="button primary" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => (open ? undefined : setRevoking(null))}
        title={`Revoke “${revoking ?? ''}”?`}
        body="Clients using this token are refused at once."
        confirmLabel={revoke.isPending ? 'Revoking…' : 'Revoke token'}
        busy={revoke.isPending}
        returnFocus={nameField}
        onConfirm={() => revoking && revoke.mutate({ name: revoking })}
      />
      <ErrorBanner error={revoke.error} title="The token was not revoked" />
    </Section>
  );
}

/** Which key store encrypts the secrets, in a person's words (a passphrase vault is not the OS key store). */
const KEY_STORE_LABEL: Record<NonNullable<AppInfo['vault']['keyStore']> | 'none', string> = {
  keyring: 'Encrypted with the OS keyring',
  'safe-storage': 'Encrypted with the OS key store',
  passphrase: 'Encrypted with your vault passphrase',
  memory: 'Encrypted with a key held in memory only (lost when Switchboard stops)',
  none: 'Ready: no secret stored yet',
};

function DataSection({
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
          <p className="hint">Server definitions and settings as JSON. Secret values are never exported.</p>
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
                  void client.invalidateQueries({ queryKey: ['servers.list'] });
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

function AppearanceSection({
  theme,
  onTheme,
}: {
  theme: ThemeChoice;
  onTheme: (choice: ThemeChoice) => void;
}) {
  return (
    <Section id="set-look" title="Appearance">
      <fieldset className="segmented compact-segments">
        <legend className="sr-only">Theme</legend>
        {(['system', 'light', 'dark'] as const).map((choice) => (
          <label key={choice} className="segment">
            <input
              type="radio"
              name="theme"
              value={choice}
              checked={theme === choice}
              onChange={() => onTheme(choice)}
            />
            <span className="segment-title">
              {choice === 'system' ? 'Match the system' : choice === 'light' ? 'Light' : 'Dark'}
            </span>
          </label>
        ))}
      </fieldset>
    </Section>
  );
}
