import type { FieldErrors, UseFormRegister } from 'react-hook-form';
import type { ServerFormValues } from '../lib/server-form-model.ts';
import { FormField, InputField, MONO_INPUT } from './form-field.tsx';

/**
 * The server form's OAuth fields for a remote server: the kind of sign-in, then the client fields that kind
 * needs. Only the add form takes a client secret: it is stored with the new server, encrypted, in one step.
 */
export function AuthFields({
  authKind,
  mode,
  register,
  errors,
  fieldId: f,
}: {
  authKind: ServerFormValues['authKind'];
  mode: 'add' | 'edit';
  register: UseFormRegister<ServerFormValues>;
  errors: FieldErrors<ServerFormValues>;
  /** Makes the form's element ids, so labels, hints and errors stay tied to their controls. */
  fieldId: (name: string) => string;
}) {
  return (
    <>
      <FormField id={f('authKind')} label="Authentication" error={errors.authKind?.message}>
        {(p) => (
          <select {...p} {...register('authKind')}>
            <option value="none">None, or headers above</option>
            <option value="authorization_code">OAuth: sign in with a browser</option>
            <option value="client_credentials">OAuth: client credentials (machine to machine)</option>
          </select>
        )}
      </FormField>
      {authKind !== 'none' ? (
        <div className="grid-2">
          <InputField
            id={f('authClientId')}
            label="Client ID"
            required={authKind === 'client_credentials'}
            optional={authKind === 'authorization_code'}
            error={errors.authClientId?.message}
            hint={authKind === 'authorization_code' ? 'Leave empty to register automatically.' : undefined}
            input={{ ...MONO_INPUT, ...register('authClientId') }}
          />
          {authKind === 'client_credentials' ? (
            <InputField
              id={f('authTokenUrl')}
              label="Token URL"
              required
              error={errors.authTokenUrl?.message}
              input={{ type: 'url', ...MONO_INPUT, ...register('authTokenUrl') }}
            />
          ) : null}
          <InputField
            id={f('authScopes')}
            label="Scopes"
            optional
            hint="Separated by spaces."
            error={errors.authScopes?.message}
            input={{ ...MONO_INPUT, ...register('authScopes') }}
          />
          <InputField
            id={f('authResource')}
            label="Resource"
            optional
            error={errors.authResource?.message}
            input={{ ...MONO_INPUT, ...register('authResource') }}
          />
          {authKind === 'client_credentials' ? (
            <InputField
              id={f('authAudience')}
              label="Audience"
              optional
              error={errors.authAudience?.message}
              input={{ ...MONO_INPUT, ...register('authAudience') }}
            />
          ) : null}
        </div>
      ) : null}
      {mode === 'add' && authKind !== 'none' ? (
        <InputField
          id={f('authClientSecret')}
          label="Client secret"
          required={false}
          optional
          hint={
            authKind === 'client_credentials'
              ? 'Stored encrypted with the server and never shown again. You can also enter it later.'
              : 'Only for a pre-registered client that has one. Stored encrypted, never shown again.'
          }
          input={{ type: 'password', autoComplete: 'new-password', ...register('authClientSecret') }}
        />
      ) : null}
    </>
  );
}
