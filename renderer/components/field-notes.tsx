import type { ReactNode } from 'react';

// The small pieces every labelled control shares (the schema form, FormField, the key/value rows), kept
// apart from any one form so none of them imports another form to get them.

/** The visual asterisk; screen readers get `aria-required` on the control instead. */
export function RequiredMark() {
  return (
    <span className="required-mark" aria-hidden="true" title="required">
      {' '}
      *
    </span>
  );
}

/** The hint and the error under a control, carrying the ids its aria-describedby names. */
export function FieldNotes({
  hint,
  hintId,
  error,
  errorId,
}: {
  hint: ReactNode;
  hintId: string | undefined;
  error: string | undefined;
  errorId: string | undefined;
}) {
  return (
    <>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} message={error} />
    </>
  );
}

/** The aria-describedby value for a control: the ids of its hint and error that exist, if any. */
export function describedBy(...ids: (string | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(' ') || undefined;
}

/** A field's error text, linked to its control with aria-describedby. */
export function FieldError({ id, message }: { id: string | undefined; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}
