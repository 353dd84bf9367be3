import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { CopyButton } from './copy-button.tsx';
import { ConfirmDialog, Dialog } from './dialog.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { InputField } from './form-field.tsx';
import { SkeletonRows } from './skeleton.tsx';
import { useToast } from './toaster.tsx';
import { useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';

import { Section } from './settings-section.tsx';

/** Client tokens for apps Connect does not know: made (shown once), listed, revoked. */
export const TokenNameSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the token a name, e.g. the client that will use it')
    .max(64, 'At most 64 characters'),
});

export function TokensSection() {
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
