import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { VariableState } from '../../preload/contract/index.ts';
import { useBridge } from '../hooks/bridge-context.tsx';
import { CommandError, useMutationCommand } from '../hooks/use-command.ts';
import { useQueryClient } from '@tanstack/react-query';
import { ConfirmDialog } from './dialog.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { Pill } from './health-badge.tsx';
import { RequiredMark } from './field-notes.tsx';

type Values = Record<string, string>;

/**
 * The server's variables: what each is for, whether it is required, and whether a value is set. Secret
 * values are write-only: inputs always start empty, only filled inputs are sent, and they are cleared after
 * saving. A plain (non-secret) variable shows the value that is set, so people can see what they chose.
 * Saving restarts the server with the new values (when it is switched on), and says so in the form's own
 * status line (not also in a toast: a screen reader would hear it twice).
 */
export function EnvVarsForm({
  prefix,
  variables,
  serverName = prefix,
  enabled = true,
}: {
  prefix: string;
  variables: VariableState[];
  serverName?: string;
  enabled?: boolean;
}) {
  const bridge = useBridge();
  const client = useQueryClient();
  const blank = Object.fromEntries(variables.map((v) => [key(v.name), ''])) as Values;
  const { register, handleSubmit, reset, formState } = useForm<Values>({ defaultValues: blank });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [removing, setRemoving] = useState<VariableState | null>(null);
  const restartNote = enabled ? ` ${serverName} restarts to use it.` : '';
  const unset = useMutationCommand('variables.unset', {
    onSuccess: (_done, input) => {
      setRemoving(null);
      const text = `Removed the value of ${input.name}.${enabled ? ` ${serverName} restarts without it.` : ''}`;
      setStatus(text);
      void client.invalidateQueries({ queryKey: ['servers.get', { prefix }] });
    },
  });
  const id = useId();

  const onSubmit = async (values: Values) => {
    const changed = variables.filter((v) => (values[key(v.name)] ?? '') !== '');
    if (changed.length === 0) {
      setStatus('Nothing to save: type a new value first.');
      return;
    }
    setSaving(true);
    setError(null);
    const saved: string[] = [];
    try {
      for (const variable of changed) {
        const result = await bridge.invoke('variables.set', {
          prefix,
          name: variable.name,
          value: values[key(variable.name)] ?? '',
        });
        if (!result.ok) throw new CommandError(result.error);
        saved.push(variable.name);
      }
    } catch (cause) {
      setError(cause);
    } finally {
      setSaving(false);
      // Clear every input, saved or not: a value typed once is never kept around in the page.
      reset(blank);
      if (saved.length) {
        const text = `Saved ${saved.join(', ')}.${saved.length === 1 ? restartNote : restartNote.replace('it.', 'them.')}`;
        setStatus(text);
      }
      void client.invalidateQueries({ queryKey: ['servers.get', { prefix }] });
    }
  };

  if (variables.length === 0) {
    return <p className="muted">This server declares no variables.</p>;
  }

  return (
    <form className="env-form" noValidate onSubmit={handleSubmit(onSubmit)} aria-label="Variables">
      <ErrorBanner error={error} title="Not every value was saved" />
      <ul className="var-list">
        {variables.map((variable) => {
          const inputId = `${id}-${variable.name}`;
          const stateId = `${inputId}-state`;
          const hintId = variable.description ? `${inputId}-hint` : undefined;
          return (
            <li key={variable.name} className="var-item">
              <div className="var-head">
                <label htmlFor={inputId} className="mono var-name">
                  {variable.name}
                  {variable.required ? <RequiredMark /> : null}
                </label>
                <span id={stateId}>
                  <VariableStatePill variable={variable} />
                </span>
                {variable.secret ? <span className="muted small">secret</span> : null}
              </div>
              {!variable.secret && variable.value !== undefined ? (
                <p className="small var-value">
                  Set to <code>{variable.value}</code>
                </p>
              ) : null}
              {variable.description ? (
                <p className="hint" id={hintId}>
                  {variable.description}
                </p>
              ) : null}
              <div className="var-input">
                <input
                  id={inputId}
                  type={variable.secret ? 'password' : 'text'}
                  autoComplete={variable.secret ? 'new-password' : 'off'}
                  spellCheck={false}
                  placeholder={
                    variable.isSet
                      ? variable.secret
                        ? 'Type to replace the stored value'
                        : 'Type a new value'
                      : 'Enter a value'
                  }
                  aria-describedby={[stateId, hintId].filter(Boolean).join(' ')}
                  aria-required={variable.required && !variable.isSet ? true : undefined}
                  {...register(key(variable.name))}
                />
                {variable.isSet ? (
                  <button
                    type="button"
                    className="button small ghost"
                    disabled={unset.isPending}
                    onClick={() => setRemoving(variable)}
                    aria-label={`Remove the value of ${variable.name}`}
                  >
                    Remove value
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      <div className="button-row">
        <button type="submit" className="button primary" disabled={saving || formState.isSubmitting}>
          {saving ? 'Saving…' : 'Save values'}
        </button>
        <span className="muted small" role="status" aria-live="polite">
          {status}
        </span>
      </div>
      {unset.error ? <ErrorBanner error={unset.error} /> : null}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => (open ? undefined : setRemoving(null))}
        title={`Remove the value of ${removing?.name ?? ''}?`}
        body={
          removing?.secret
            ? 'The stored secret is deleted and cannot be shown or brought back: you would have to enter it again.'
            : `The value${removing?.value !== undefined ? ` “${removing.value}”` : ''} is deleted${removing?.hasDefault ? ' and the default applies again' : ''}.`
        }
        confirmLabel={unset.isPending ? 'Removing…' : 'Remove value'}
        busy={unset.isPending}
        onConfirm={() => removing && unset.mutate({ prefix, name: removing.name })}
      />
    </form>
  );
}

/** "Set" / "Not set" / "Uses default", in words. */
export function VariableStatePill({ variable }: { variable: VariableState }) {
  if (variable.isSet) return <Pill tone="ok">Set</Pill>;
  if (variable.hasDefault) return <Pill tone="neutral">Uses default</Pill>;
  return (
    <Pill tone={variable.required ? 'warn' : 'neutral'}>
      {variable.required ? 'Not set — required' : 'Not set'}
    </Pill>
  );
}

function key(name: string): string {
  return `v_${name}`;
}
