import { useId, useState } from 'react';
import { submitOnCtrlEnter } from '../lib/submit-on-ctrl-enter.ts';
import { FieldError } from './field-notes.tsx';
import { RunButton } from './run-button.tsx';

type Args = Record<string, unknown>;

/** The arguments as raw JSON: for a schema the generated form cannot express, or when asked for. */
export function RawJsonForm({
  initial,
  busy,
  submitLabel,
  note,
  onSubmit,
  onSwitchToForm,
}: {
  initial: string;
  busy: boolean;
  submitLabel: string;
  note: string | undefined;
  onSubmit: (args: Args) => void;
  onSwitchToForm: ((args: Args | null) => void) | undefined;
}) {
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const parse = (): Args | null => {
    try {
      const value: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        setError('must be a JSON object, like {"name": "value"}');
        return null;
      }
      setError(null);
      return value as Args;
    } catch (cause) {
      setError(`is not valid JSON (${cause instanceof Error ? cause.message : 'parse error'})`);
      return null;
    }
  };
  return (
    <form
      className="schema-form"
      noValidate
      aria-label="Tool arguments"
      onKeyDown={submitOnCtrlEnter}
      onSubmit={(event) => {
        event.preventDefault();
        const args = parse();
        if (args) onSubmit(args);
      }}
    >
      {note ? <p className="muted small">{note}</p> : null}
      <div className="field">
        <label htmlFor={`${id}-json`}>Arguments (JSON)</label>
        <textarea
          id={`${id}-json`}
          className="mono"
          rows={8}
          spellCheck={false}
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <FieldError id={`${id}-error`} message={error ? `Arguments ${error}` : undefined} />
      </div>
      <div className="button-row">
        <RunButton busy={busy} label={submitLabel} />
        {onSwitchToForm ? (
          <button
            type="button"
            className="button ghost"
            onClick={() => {
              const args = parse();
              if (args) onSwitchToForm(args);
            }}
          >
            Back to the form
          </button>
        ) : null}
      </div>
    </form>
  );
}
