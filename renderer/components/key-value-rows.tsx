import { Plus, Trash2 } from 'lucide-react';
import type { UseFormRegister } from 'react-hook-form';
import type { ServerFormValues } from '../lib/server-form-model.ts';
import { FieldError } from './field-notes.tsx';
import { MONO_CODE_INPUT } from './form-field.tsx';

/** The errors react-hook-form holds for a list of key/value rows, by row index. */
export type RowErrors =
  Record<number, { key?: { message?: string }; value?: { message?: string } } | undefined> | undefined;

/** Editable name/value rows of the server form (environment, headers), with add and remove buttons. */
export function KeyValueRows({
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
  register: UseFormRegister<ServerFormValues>;
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
