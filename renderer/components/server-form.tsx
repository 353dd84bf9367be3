import { Plus, Trash2 } from 'lucide-react';
import { useEffect, useId, useMemo, useRef, type ReactNode } from 'react';
import {
  useFieldArray,
  useForm,
  useWatch,
  type FieldErrors,
  type FieldValues,
  type Resolver,
} from 'react-hook-form';
import type { ServerSummary } from '../../preload/contract/index.ts';
import { useMutationCommand, validationIssues } from '../hooks/use-command.ts';
import {
  emptyServerForm,
  mapIssue,
  toDefinition,
  validateServerForm,
  valuesToStore,
  type ServerFormValues,
} from '../lib/server-form-model.ts';
import { ErrorBanner } from './error-banner.tsx';
import { FormField, InputField } from './form-field.tsx';
import { FieldError } from './schema-form.tsx';

/** Secret values main holds for this form (read from a pasted snippet); the window only knows their names. */
export interface HeldSecrets {
  handle: string;
  names: string[];
  expiresAt: number;
}

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
                hint={
                  authKind === 'authorization_code' ? 'Leave empty to register automatically.' : undefined
                }
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
        </section>
      )}

      <section className="form-section" aria-labelledby={f('vars')}>
        <h2 id={f('vars')} className="section-title">
          Variables
        </h2>
        <p className="hint">
          {mode === 'add'
            ? 'Declare the values this server needs (API keys, paths) and fill them in now or later. Secret values are stored encrypted and never shown again.'
            : 'Declare the values this server needs (API keys, paths). Their values are set under Variables.'}
        </p>
        {envVars.fields.map((row, index) => {
          const hide = rowIsNew(row.id, formState.touchedFields.envVars?.[index]);
          const rowErrors = hide
            ? undefined
            : ((errors.envVars as RowErrors)?.[index] as Record<string, { message?: string }> | undefined);
          const secret = envVarRows?.[index]?.secret ?? true;
          const name = envVarRows?.[index]?.name?.trim() ?? '';
          const fromSnippet = held.has(name);
          return (
            <fieldset key={row.id} className="var-row">
              <legend className="sr-only">Variable {index + 1}</legend>
              <InputField
                id={f(`var-${index}-name`)}
                label="Name"
                required
                error={rowErrors?.name?.message}
                input={{ ...MONO_CODE_INPUT, ...register(`envVars.${index}.name`) }}
              />
              <InputField
                id={f(`var-${index}-desc`)}
                label="Description"
                optional
                error={rowErrors?.description?.message}
                input={{ autoComplete: 'off', ...register(`envVars.${index}.description`) }}
              />
              <div className="var-flags">
                <label className="check">
                  <input type="checkbox" {...register(`envVars.${index}.required`)} /> Required
                </label>
                <label className="check">
                  <input type="checkbox" {...register(`envVars.${index}.secret`)} /> Secret
                </label>
              </div>
              {!secret ? (
                <InputField
                  id={f(`var-${index}-default`)}
                  label="Default"
                  optional
                  error={rowErrors?.default?.message}
                  input={{ autoComplete: 'off', ...register(`envVars.${index}.default`) }}
                />
              ) : null}
              {mode === 'add' ? (
                <InputField
                  id={f(`var-${index}-value`)}
                  label={name ? `Value of ${name}` : 'Value'}
                  optional
                  hint={
                    fromSnippet
                      ? 'Read from the pasted snippet and kept until you add the server (up to 10 minutes). Type to replace it.'
                      : secret
                        ? 'Stored encrypted; never shown again.'
                        : undefined
                  }
                  input={{
                    type: secret ? 'password' : 'text',
                    autoComplete: secret ? 'new-password' : 'off',
                    spellCheck: false,
                    placeholder: fromSnippet ? 'Kept from the snippet' : undefined,
                    ...register(`envVars.${index}.value`),
                  }}
                />
              ) : null}
              <button
                type="button"
                className="icon-button var-remove"
                aria-label={`Remove variable ${index + 1}`}
                onClick={() => envVars.remove(index)}
              >
                <Trash2 size={14} aria-hidden="true" />
              </button>
            </fieldset>
          );
        })}
        <button
          type="button"
          className="button small ghost"
          onClick={() =>
            envVars.append({
              name: '',
              description: '',
              required: true,
              secret: true,
              default: '',
              value: '',
            })
          }
        >
          <Plus size={14} aria-hidden="true" /> Declare a variable
        </button>
      </section>

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

/** Inputs for identifiers, URLs and the like: monospace, no autofill. */
const MONO_INPUT = { className: 'mono', autoComplete: 'off' } as const;
/** The same for commands, paths and names, where spell-check only gets in the way. */
const MONO_CODE_INPUT = { ...MONO_INPUT, spellCheck: false } as const;

type RowErrors =
  Record<number, { key?: { message?: string }; value?: { message?: string } } | undefined> | undefined;

function KeyValueRows({
  legend,
  hint,
  keyLabel,
  rows,
  name,
  register,
  errors,
  hideErrors,
  onAdd,
  onRemove,
  idPrefix,
  addLabel,
}: {
  legend: string;
  hint: string;
  keyLabel: string;
  rows: { id: string }[];
  name: 'env' | 'headers';
  register: ReturnType<typeof useForm<ServerFormValues>>['register'];
  errors: RowErrors;
  /** True for a row whose errors should not show yet (just added after a failed attempt). */
  hideErrors: (rowId: string, index: number) => boolean;
  onAdd: () => void;
  onRemove: (index: number) => void;
  idPrefix: string;
  addLabel: string;
}) {
  return (
    <fieldset className="kv">
      <legend>
        {legend} <span className="optional">optional</span>
      </legend>
      <p className="hint">{hint}</p>
      {rows.map((row, index) => {
        const hidden = hideErrors(row.id, index);
        const cell = (part: 'key' | 'value', label: string) => {
          const error = hidden ? undefined : errors?.[index]?.[part]?.message;
          const errorId = `${idPrefix}-${index}-${part}-error`;
          return (
            <div className="kv-cell">
              <input
                aria-label={`${label} ${index + 1}`}
                placeholder={label}
                {...MONO_CODE_INPUT}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
                {...register(`${name}.${index}.${part}`)}
              />
              <FieldError id={errorId} message={error} />
            </div>
          );
        };
        return (
          <div className="kv-row" key={row.id}>
            {cell('key', keyLabel)}
            {cell('value', 'Value')}
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${keyLabel.toLowerCase()} ${index + 1}`}
              onClick={() => onRemove(index)}
            >
              <Trash2 size={14} aria-hidden="true" />
            </button>
          </div>
        );
      })}
      <button type="button" className="button small ghost" onClick={onAdd}>
        <Plus size={14} aria-hidden="true" /> {addLabel}
      </button>
    </fieldset>
  );
}

/** Every error the form shows, as field paths (`envVars.0.name`) with the kind of error. */
function errorPaths(errors: FieldErrors<FieldValues>, prefix = ''): { path: string; type: string }[] {
  const out: { path: string; type: string }[] = [];
  for (const [key, value] of Object.entries(errors)) {
    if (key === 'root' || value === undefined || value === null || typeof value !== 'object') continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const node = value as { message?: unknown; type?: unknown };
    if (typeof node.message === 'string') out.push({ path, type: String(node.type ?? '') });
    else out.push(...errorPaths(value as FieldErrors<FieldValues>, path));
  }
  return out;
}

/** True when any field of a row's touched-state is true. */
function anyTouched(touched: unknown): boolean {
  if (touched === true) return true;
  if (typeof touched !== 'object' || touched === null) return false;
  return Object.values(touched).some(anyTouched);
}

/** Sets `value` at a dotted path (`env.0.key`), creating arrays for numeric segments. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = target;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      node[part] ??= value;
      return;
    }
    const nextIsIndex = /^\d+$/.test(parts[i + 1] ?? '');
    node[part] ??= nextIsIndex ? [] : {};
    node = node[part] as Record<string, unknown>;
  });
}
