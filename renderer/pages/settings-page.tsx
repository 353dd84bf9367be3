import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { SettingsSchema, type Settings } from '../../preload/contract/index.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Callout, ErrorBanner } from '../components/error-banner.tsx';
import { InputField } from '../components/form-field.tsx';
import { Pill } from '../components/health-badge.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Skeleton, SkeletonRows } from '../components/skeleton.tsx';
import { useToast } from '../components/toaster.tsx';
import { Toggle } from '../components/toggle.tsx';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { Section } from '../components/settings-section.tsx';
import { TokensSection } from '../components/settings-tokens.tsx';
import { DataSection } from '../components/settings-data.tsx';
import type { ThemeChoice } from '../hooks/use-theme.ts';

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
