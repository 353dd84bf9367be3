import type { InputHTMLAttributes, ReactNode, Ref } from 'react';
import { describedBy, FieldNotes, RequiredMark } from './field-notes.tsx';

/**
 * A labelled form row: label, control, hint and error, wired with ids so a screen reader reads the hint
 * and the error with the control. `render` receives the props to spread on the control.
 */
export function FormField({
  id,
  label,
  hint,
  error,
  required,
  optional,
  children,
}: FieldProps & { children: (control: ControlProps) => ReactNode }) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? <RequiredMark /> : null}
        {optional ? <span className="optional"> optional</span> : null}
      </label>
      {children({
        id,
        'aria-describedby': describedBy(hintId, errorId),
        'aria-invalid': error ? true : undefined,
        'aria-required': required || undefined,
      })}
      <FieldNotes hint={hint} hintId={hintId} error={error} errorId={errorId} />
    </div>
  );
}

/**
 * A FormField holding one <input>. `input` carries the input's own attributes, usually with the form
 * library's registration spread in: `input={{ className: 'mono', ...register('command') }}`.
 */
export function InputField({
  input,
  ...field
}: FieldProps & { input: InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> } }) {
  return <FormField {...field}>{(control) => <input {...control} {...input} />}</FormField>;
}

export interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  required?: boolean;
  optional?: boolean;
}

export interface ControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
  'aria-required': true | undefined;
}

/** Inputs for identifiers, URLs and the like: monospace, no autofill. */
export const MONO_INPUT = { className: 'mono', autoComplete: 'off' } as const;
/** The same for commands, paths and names, where spell-check only gets in the way. */
export const MONO_CODE_INPUT = { ...MONO_INPUT, spellCheck: false } as const;
