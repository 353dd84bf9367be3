import { useEffect, useId, useMemo, useRef, type ReactNode } from 'react';
import { useFieldArray, useForm, useWatch, type FieldErrors, type Resolver } from 'react-hook-form';
import type { ServerSummary } from '../../preload/contract/index.ts';
import { useMutationCommand, validationIssues } from '../hooks/use-command.ts';
import { anyTouched, errorPaths, setPath } from '../lib/form-paths.ts';
import {
  emptyServerForm,
  mapIssue,
  toDefinition,
  validateServerForm,
  valuesToStore,
  type ServerFormValues,
} from '../lib/server-form-model.ts';
import { ErrorBanner } from './error-banner.tsx';
import { FormField, InputField, MONO_CODE_INPUT } from './form-field.tsx';
import { KeyValueRows, type RowErrors } from './key-value-rows.tsx';
import { AuthFields } from './server-auth-fields.tsx';
import { VariableRows } from './variable-rows.tsx';

/** Secret values main holds for this form (read from a pasted snippet); the window only knows their names. */
export interface HeldSecrets {
  handle: string;
  names: string[];
  expiresAt: number;
}

/** Fills the add form: values, a notice above it, and the secrets main holds for it. */
export type FillForm = (values: ServerFormValues, notice: string, held?: HeldSecrets | null) => void;

/**
 * The add / edit form for one server, validated with ServerDefinitionSchema, server errors mapped onto fields.
 * Adding, it also takes the values of the variables it declares (and an OAuth client secret), stored with the
 * server in one transaction, so a server that needs a key does not start as "Needs setup".
 */
export function ServerForm({
  initial,
  mode = 'add',
  onSaved,
  notice,
  heldSecrets,
}: {
  initial?: ServerFormValues;
  mode?: 'add' | 'edit';
  onSaved: (summary: ServerSummary) => void;
  notice?: ReactNode;
  heldSecrets?: HeldSecrets | null;
}) {
  const resolver = useMemo<Resolver<ServerFormValues>>(
    () => (values) => {
      const { issues } = validateServerForm(values);
      if (issues.length === 0) return { values, errors: {} };
      const errors: FieldErrors<ServerFormValues> = {};
      const general: string[] = [];
      for (const issue of issues) {
        if (issue.field) setPath(errors, issue.field, { type: 'schema', message: issue.message });
        else general.push(issue.message);
      }
      if (general.length)
        (errors as Record<string, unknown>).root = { type: 'schema', message: general.join('\n') };
      return { values: {}, errors };
    },
    [],
  );
  const form = useForm<ServerFormValues>({ defaultValues: initial ?? emptyServerForm(), resolver });
  const { register, control, handleSubmit, formState, setError, trigger, watch } = form;
  const errors = formState.errors;
  const { submitCount } = formState;
  const held = new Set(heldSecrets?.names ?? []);

  // A problem one field causes in another (a ${NAME} in the arguments, fixed by declaring NAME below) must
  // go away with the fix: after any change, the fields that show a problem are checked again. Problems main
  // reported ('server': the prefix is taken) stay until their own field changes.
  const latestErrors = useRef(errors);
  latestErrors.current = errors;
  const submitted = useRef(false);
  submitted.current = formState.isSubmitted;
  useEffect(() => {
    const subscription = watch((_values, { name }) => {
      if (!submitted.current) return;
      const shown = errorPaths(latestErrors.current).filter(
        (entry) => entry.type !== 'server' || entry.path === name,
      );
      if (shown.length > 0) void trigger(shown.map((entry) => entry.path) as never);
    });
    return () => subscription.unsubscribe();
  }, [watch, trigger]);

  // A row added after a failed attempt is not wrong yet: its errors show once it was left or submitted.
  const rowBirth = useRef(new Map<string, number>());
  const rowIsNew = (rowId: string, touched: unknown) => {
    if (!rowBirth.current.has(rowId)) rowBirth.current.set(rowId, submitCount);
    return (rowBirth.current.get(rowId) ?? 0) >= submitCount && !anyTouched(touched);
  };
  const add = useMutationCommand('servers.add');
  const update = useMutationCommand('servers.update');
  const mutation = mode === 'add' ? add : update;
  const transport = useWatch({ control, name: 'transport' });
  const authKind = useWatch({ control, name: 'authKind' });
  const envVarRows = useWatch({ control, name: 'envVars' });
  const id = useId();
  const f = (name: string) => `${id}-${name}`;

  const env = useFieldArray({ control, name: 'env' });
  const headers = useFieldArray({ control, name: 'headers' });
  const envVars = useFieldArray({ control, name: 'envVars' });

  const onSubmit = (values: ServerFormValues) => {
    const definition = toDefinition(values);
    const onError = (error: unknown) => {
      const issues = validationIssues(error);
      const general: string[] = [];
      for (const issue of issues) {
        const mapped = mapIssue(issue, values);
        if (mapped.field)
          setError(mapped.field as never, { type: 'server', message: mapped.message }, { shouldFocus: true });
        else general.push(mapped.message);
      }
      if (general.length) setError('root', { type: 'server', message: general.join('\n') });
    };
    if (mode === 'add') {
      add.mutate(
        {
          definition,
          ...valuesToStore(values),
          ...(heldSecrets ? { heldSecrets: heldSecrets.handle } : {}),
        },
        { onSuccess: onSaved, onError },
      );
    } else update.mutate({ prefix: values.prefix, definition }, { onSuccess: onSaved, onError });
  };

  const rootMessage = (errors as { root?: { message?: string } }).root?.message;
  const unmappedServerError =
    mutation.error && validationIssues(mutation.error).length === 0 ? mutation.error : null;

  return (
    <form
      className="server-form"
      noValidate
      onSubmit={handleSubmit(onSubmit)}
      aria-label={mode === 'add' ? 'Add a server' : 'Edit server'}
    >
      {notice}
      {rootMessage ? (
        <div className="callout" data-tone="err" role="alert">
          <div className="callout-body">
            <strong>Please fix these problems</strong>
            <ul>
              {rootMessage.split('\n').map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      {unmappedServerError ? (
        <ErrorBanner error={unmappedServerError} title="The server was not saved" />
      ) : null}

      <section className="form-section" aria-labelledby={f('basics')}>
        <h2 id={f('basics')} className="section-title">
          Basics
        </h2>
        <fieldset className="segmented" disabled={mode === 'edit'}>
          <legend>Kind of server</legend>
          {(
            [
              ['stdio', 'Local command', 'Runs a program on this machine (stdio)'],
              ['http', 'Remote', 'Streamable HTTP URL'],
              ['sse', 'Remote (legacy SSE)', 'Older servers with an /sse endpoint'],
            ] as const
          ).map(([value, title, hint]) => (
            <label key={value} className="segment">
              <input
                type="radio"
                value={value}
                aria-label={title}
                aria-describedby={f(`transport-${value}`)}
                {...register('transport')}
              />
              <span className="segment-title">{title}</span>
              <span className="segment-hint" id={f(`transport-${value}`)}>
                {hint}
              </span>
            </label>
          ))}
        </fieldset>
        <div className="grid-2">
          <InputField
            id={f('prefix')}
            label="Prefix"
            required
            error={errors.prefix?.message}
            hint={
              <>
                Tools appear to clients as <code>prefix__tool</code>. Lowercase letters, digits, “-” and “_”.
              </>
            }
            input={{
              autoComplete: 'off',
              spellCheck: false,
              readOnly: mode === 'edit',
              ...register('prefix'),
            }}
          />
          <InputField
            id={f('name')}
            label="Display name"
            optional
            hint="Defaults to the prefix."
            error={errors.name?.message}
            input={{ autoComplete: 'off', ...register('name') }}
          />
        </div>
        <InputField
          id={f('description')}
          label="Description"
          optional
          error={errors.description?.message}
          input={{ autoComplete: 'off', ...register('description') }}
        />
      </section>

      {transport === 'stdio' ? (
        <section className="form-section" aria-labelledby={f('cmd')}>
          <h2 id={f('cmd')} className="section-title">
            Command
          </h2>
          <InputField
            id={f('command')}
            label="Command"
            required
            error={errors.command?.message}
            hint="The program to run, e.g. npx, uvx, node, or an absolute path."
            input={{ ...MONO_CODE_INPUT, ...register('command') }}
          />
          <FormField
            id={f('args')}
            label="Arguments"
            optional
            error={errors.args?.message}
            hint="One argument per line. Use ${NAME} to insert a variable."
          >
            {(p) => <textarea {...p} className="mono" rows={3} spellCheck={false} {...register('args')} />}
          </FormField>
          <InputField
            id={f('cwd')}
            label="Working directory"
            optional
            error={errors.cwd?.message}
            hint="An absolute path."
            input={{ ...MONO_CODE_INPUT, ...register('cwd') }}
          />
          <KeyValueRows
            legend="Environment"
            hint="Plain values, or ${NAME} to take a declared variable. Secrets belong in variables, not here."
            keyLabel="Name"
            rows={env.fields}
            name="env"
            register={register}
            errors={errors.env as RowErrors}
            hideErrors={(rowId, index) => rowIsNew(rowId, formState.touchedFields.env?.[index])}
            onAdd={() => env.append({ key: '', value: '' })}
            onRemove={env.remove}
            idPrefix={f('env')}
            addLabel="Add environment variable"
          />
        </section>
      ) : (
        <section className="form-section" aria-labelledby={f('conn')}>
          <h2 id={f('conn')} className="section-title">
            Connection
          </h2>
          <InputField
            id={f('url')}
            label="URL"
            required
            error={errors.url?.message}
            hint="For example https://mcp.example.com/mcp"
            input={{ type: 'url', ...MONO_CODE_INPUT, ...register('url') }}
          />
          <KeyValueRows
            legend="Headers"
            hint="Credential headers (Authorization, X-API-Key…) must use a secret variable: Bearer ${TOKEN}."
            keyLabel="Header"
            rows={headers.fields}
            name="headers"
            register={register}
            errors={errors.headers as RowErrors}
            hideErrors={(rowId, index) => rowIsNew(rowId, formState.touchedFields.headers?.[index])}
            onAdd={() => headers.append({ key: '', value: '' })}
            onRemove={headers.remove}
            idPrefix={f('headers')}
            addLabel="Add header"
          />
          <AuthFields authKind={authKind} mode={mode} register={register} errors={errors} fieldId={f} />
        </section>
      )}

      <VariableRows
        mode={mode}
        rows={envVars.fields}
        values={envVarRows}
        register={register}
        errors={errors.envVars}
        hideErrors={(rowId, index) => rowIsNew(rowId, formState.touchedFields.envVars?.[index])}
        heldNames={held}
        onAdd={() =>
          envVars.append({
            name: '',
            description: '',
            required: true,
            secret: true,
            default: '',
            value: '',
          })
        }
        onRemove={envVars.remove}
        fieldId={f}
      />

      <section className="form-section" aria-labelledby={f('opts')}>
        <h2 id={f('opts')} className="section-title">
          Options
        </h2>
        <label className="check">
          <input type="checkbox" {...register('enabled')} /> Switched on (clients can use its tools)
        </label>
        {transport === 'stdio' ? (
          <label className="check">
            <input type="checkbox" {...register('keepRunning')} /> Keep running when idle
          </label>
        ) : null}
      </section>

      <div className="form-footer">
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : mode === 'add' ? 'Add server' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
