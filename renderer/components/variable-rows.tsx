import { Plus, Trash2 } from 'lucide-react';
import type { FieldErrors, UseFormRegister } from 'react-hook-form';
import type { ServerFormValues } from '../lib/server-form-model.ts';
import { InputField, MONO_CODE_INPUT } from './form-field.tsx';
import type { RowErrors } from './key-value-rows.tsx';

/**
 * The server form's Variables section: one row per declared variable (name, description, flags, default) and,
 * adding, a field for its value. The form keeps the rows and their state; this only draws them.
 */
export function VariableRows({
  mode,
  rows,
  values,
  register,
  errors,
  hideErrors,
  heldNames,
  onAdd,
  onRemove,
  fieldId: f,
}: {
  mode: 'add' | 'edit';
  rows: { id: string }[];
  /** The rows' current values, watched by the form: labels and input types follow them as one types. */
  values: ServerFormValues['envVars'] | undefined;
  register: UseFormRegister<ServerFormValues>;
  errors: FieldErrors<ServerFormValues>['envVars'];
  /** True for a row whose errors should not show yet (just added after a failed attempt). */
  hideErrors: (rowId: string, index: number) => boolean;
  /** Variables whose values main holds from a pasted snippet. */
  heldNames: ReadonlySet<string>;
  onAdd: () => void;
  onRemove: (index: number) => void;
  /** Makes the form's element ids, so labels, hints and errors stay tied to their controls. */
  fieldId: (name: string) => string;
}) {
  return (
    <section className="form-section" aria-labelledby={f('vars')}>
      <h2 id={f('vars')} className="section-title">
        Variables
      </h2>
      <p className="hint">
        {mode === 'add'
          ? 'Declare the values this server needs (API keys, paths) and fill them in now or later. Secret values are stored encrypted and never shown again.'
          : 'Declare the values this server needs (API keys, paths). Their values are set under Variables.'}
      </p>
      {rows.map((row, index) => {
        const hide = hideErrors(row.id, index);
        const rowErrors = hide
          ? undefined
          : ((errors as RowErrors)?.[index] as Record<string, { message?: string }> | undefined);
        const secret = values?.[index]?.secret ?? true;
        const name = values?.[index]?.name?.trim() ?? '';
        const fromSnippet = heldNames.has(name);
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
              onClick={() => onRemove(index)}
            >
              <Trash2 size={14} aria-hidden="true" />
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="button small ghost" onClick={onAdd}>
        <Plus size={14} aria-hidden="true" /> Declare a variable
      </button>
    </section>
  );
}
