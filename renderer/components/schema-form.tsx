import { Plus, Trash2 } from 'lucide-react';
import { useId, useMemo, useState } from 'react';
import {
  FormProvider,
  useFieldArray,
  useForm,
  useFormContext,
  type FieldErrors,
  type Resolver,
} from 'react-hook-form';
import {
  buildFields,
  initialValues,
  toArguments,
  valuesFromArguments,
  type FieldSpec,
  type FormValues,
  type JsonSchema,
} from '../lib/schema-fields.ts';
import { submitOnCtrlEnter } from '../lib/submit-on-ctrl-enter.ts';
import { describedBy, FieldError, FieldNotes, RequiredMark } from './field-notes.tsx';
import { RawJsonForm } from './raw-json-form.tsx';
import { RunButton } from './run-button.tsx';

type Args = Record<string, unknown>;

/**
 * A form generated from a JSON schema (a tool's `inputSchema`): one field per property, required markers,
 * types coerced on submit, and a raw-JSON editor for whatever the form cannot express.
 */
export function SchemaForm({
  schema,
  onSubmit,
  submitLabel = 'Run',
  busy = false,
}: {
  schema: JsonSchema;
  onSubmit: (args: Args) => void;
  submitLabel?: string;
  busy?: boolean;
}) {
  const fields = useMemo(() => buildFields(schema), [schema]);
  const [mode, setMode] = useState<'form' | 'json'>(fields === null ? 'json' : 'form');
  const [jsonSeed, setJsonSeed] = useState('{}');
  const [formSeed, setFormSeed] = useState<FormValues | null>(null);
  const formKey = useId();

  if (fields === null || mode === 'json') {
    return (
      <RawJsonForm
        initial={jsonSeed}
        busy={busy}
        submitLabel={submitLabel}
        note={
          fields === null ? 'This input schema has no simple form; write the arguments as JSON.' : undefined
        }
        onSubmit={onSubmit}
        onSwitchToForm={
          fields === null
            ? undefined
            : (args) => {
                setFormSeed(args ? valuesFromArguments(fields, args) : null);
                setMode('form');
              }
        }
      />
    );
  }
  return (
    <GeneratedForm
      key={`${formKey}-${formSeed ? 'seeded' : 'fresh'}`}
      fields={fields}
      seed={formSeed}
      busy={busy}
      submitLabel={submitLabel}
      onSubmit={onSubmit}
      onSwitchToJson={(args) => {
        setJsonSeed(JSON.stringify(args, null, 2));
        setMode('json');
      }}
    />
  );
}

function GeneratedForm({
  fields,
  seed,
  busy,
  submitLabel,
  onSubmit,
  onSwitchToJson,
}: {
  fields: FieldSpec[];
  seed: FormValues | null;
  busy: boolean;
  submitLabel: string;
  onSubmit: (args: Args) => void;
  onSwitchToJson: (args: Args) => void;
}) {
  const resolver = useMemo<Resolver<FormValues, unknown, Args>>(
    () => (values) => {
      const { args, errors } = toArguments(fields, values);
      if (Object.keys(errors).length === 0) return { values: args, errors: {} };
      const fieldErrors: FieldErrors<FormValues> = {};
      for (const [id, message] of Object.entries(errors)) fieldErrors[id] = { type: 'validate', message };
      return { values: {}, errors: fieldErrors };
    },
    [fields],
  );
  const form = useForm<FormValues, unknown, Args>({
    defaultValues: seed ?? initialValues(fields),
    resolver,
  });
  const formId = useId();
  const hasRequired = useMemo(() => containsRequired(fields), [fields]);

  return (
    <FormProvider {...form}>
      <form
        className="schema-form"
        noValidate
        onSubmit={form.handleSubmit(onSubmit)}
        onKeyDown={submitOnCtrlEnter}
        aria-label="Tool arguments"
      >
        {fields.length === 0 ? <p className="muted">This tool takes no arguments.</p> : null}
        {hasRequired ? (
          <p className="muted small">
            Fields marked <span aria-hidden="true">*</span>
            <span className="sr-only">with an asterisk</span> are required.
          </p>
        ) : null}
        {fields.map((field) => (
          <FieldView key={field.id} field={field} formId={formId} />
        ))}
        <div className="button-row">
          <RunButton busy={busy} label={submitLabel} />
          <button
            type="button"
            className="button ghost"
            onClick={() => onSwitchToJson(toArguments(fields, form.getValues()).args)}
          >
            Edit as JSON
          </button>
        </div>
      </form>
    </FormProvider>
  );
}

function containsRequired(fields: readonly FieldSpec[]): boolean {
  return fields.some((f) => f.required || (f.kind === 'object' && containsRequired(f.children)));
}

function FieldView({ field, formId }: { field: FieldSpec; formId: string }) {
  const { register, formState } = useFormContext<FormValues>();
  const inputId = `${formId}-${field.id}`;
  const hintId = field.description ? `${inputId}-hint` : undefined;
  const error = formState.errors[field.id]?.message;
  const errorId = error ? `${inputId}-error` : undefined;
  // The type pill sits next to the label, not in it: inside, it ran into the name ("anumber").
  const typeText = typeHintText(field);
  const typeId = typeText ? `${inputId}-type` : undefined;
  const common = {
    id: inputId,
    'aria-describedby': describedBy(typeId, hintId, errorId),
    'aria-invalid': error ? true : undefined,
    'aria-required': field.required || undefined,
  } as const;

  if (field.kind === 'object') {
    return (
      <fieldset className="schema-fieldset">
        <legend>
          {field.label}
          {field.required ? <RequiredMark /> : <span className="muted small"> (optional)</span>}
        </legend>
        {field.description ? <p className="hint">{field.description}</p> : null}
        {field.children.map((child) => (
          <FieldView key={child.id} field={child} formId={formId} />
        ))}
      </fieldset>
    );
  }

  if (field.kind === 'array') {
    return <ArrayField field={field} inputId={inputId} hintId={hintId} error={error} errorId={errorId} />;
  }

  if (field.kind === 'boolean') {
    return (
      <div className="field field-check">
        <input type="checkbox" {...common} {...register(field.id)} />
        <label htmlFor={inputId}>
          {field.label}
          {field.required ? <RequiredMark /> : null}
        </label>
        <FieldNotes hint={field.description} hintId={hintId} error={error} errorId={errorId} />
      </div>
    );
  }

  return (
    <div className="field">
      <div className="label-row">
        <label htmlFor={inputId}>
          {field.label}
          {field.required ? <RequiredMark /> : null}
        </label>
        {typeText ? (
          <span className="type-hint" id={typeId}>
            {typeText}
          </span>
        ) : null}
      </div>
      {field.kind === 'string' && field.multiline ? (
        <textarea rows={3} {...common} {...register(field.id)} />
      ) : field.kind === 'string' ? (
        <input type={field.inputType} autoComplete="off" {...common} {...register(field.id)} />
      ) : field.kind === 'number' || field.kind === 'integer' ? (
        <input
          type="number"
          inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
          step={field.kind === 'integer' ? 1 : 'any'}
          {...common}
          {...register(field.id)}
        />
      ) : field.kind === 'enum' ? (
        <select {...common} {...register(field.id)}>
          {field.required && field.options.length === 1 ? null : (
            <option value="">{field.required ? 'Choose…' : '(not set)'}</option>
          )}
          {field.options.map((option, index) => (
            <option key={index} value={String(index)}>
              {String(option)}
            </option>
          ))}
        </select>
      ) : (
        <textarea
          rows={4}
          className="mono"
          spellCheck={false}
          placeholder="JSON value"
          {...common}
          {...register(field.id)}
        />
      )}
      <FieldNotes hint={field.description} hintId={hintId} error={error} errorId={errorId} />
    </div>
  );
}

function ArrayField({
  field,
  inputId,
  hintId,
  error,
  errorId,
}: {
  field: Extract<FieldSpec, { kind: 'array' }>;
  inputId: string;
  hintId: string | undefined;
  error: string | undefined;
  errorId: string | undefined;
}) {
  const { control, register } = useFormContext<FormValues>();
  const { fields: rows, append, remove } = useFieldArray({ control, name: field.id as never });
  const labelId = `${inputId}-label`;
  const typeId = `${inputId}-type`;
  return (
    <fieldset className="field schema-array" aria-describedby={describedBy(typeId, hintId, errorId)}>
      <legend id={labelId}>
        {field.label}
        {field.required ? <RequiredMark /> : null}
      </legend>
      <span className="type-hint" id={typeId}>
        list of {field.item === 'integer' ? 'whole numbers' : `${field.item}s`}
      </span>
      {field.description ? (
        <p className="hint" id={hintId}>
          {field.description}
        </p>
      ) : null}
      {rows.length === 0 ? <p className="muted small">No items.</p> : null}
      {rows.map((row, index) => {
        const itemLabel = `${field.label}, item ${index + 1}`;
        const name = `${field.id}.${index}.value`;
        return (
          <div className="array-row" key={row.id}>
            {field.itemOptions || field.item === 'boolean' ? (
              <select aria-label={itemLabel} {...register(name)}>
                {(field.itemOptions ?? [true, false]).map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                aria-label={itemLabel}
                type={field.item === 'string' ? 'text' : 'number'}
                step={field.item === 'integer' ? 1 : 'any'}
                autoComplete="off"
                {...register(name)}
              />
            )}
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${itemLabel}`}
              onClick={() => remove(index)}
            >
              <Trash2 size={14} aria-hidden="true" />
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="button small ghost"
        aria-label={`Add item to ${field.label}`}
        onClick={() =>
          append({
            value: field.itemOptions ? String(field.itemOptions[0]) : field.item === 'boolean' ? 'true' : '',
          } as never)
        }
      >
        <Plus size={14} aria-hidden="true" /> Add item
      </button>
      <FieldError id={errorId} message={error} />
    </fieldset>
  );
}

function typeHintText(field: FieldSpec): string | null {
  return field.kind === 'integer'
    ? 'whole number'
    : field.kind === 'number'
      ? 'number'
      : field.kind === 'json'
        ? 'JSON'
        : null;
}
