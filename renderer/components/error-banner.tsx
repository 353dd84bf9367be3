import { CircleAlert } from 'lucide-react';
import type { ReactNode } from 'react';
import { CommandError } from '../hooks/use-command.ts';

/** Explains a failed command in words a person can act on; the code is shown small for bug reports. */
export function ErrorBanner({
  error,
  title,
  action,
}: {
  error: unknown;
  title?: string;
  action?: ReactNode;
}) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof CommandError ? error.code : undefined;
  return (
    <div className="callout" data-tone="err" role="alert">
      <CircleAlert size={16} aria-hidden="true" className="callout-icon" />
      <div className="callout-body">
        {title ? <strong>{title}</strong> : null}
        <p>{message}</p>
        {code ? <p className="muted small mono">{code}</p> : null}
        {action}
      </div>
    </div>
  );
}

/** A calm informational box. */
export function Callout({
  tone = 'info',
  children,
  icon,
}: {
  tone?: 'info' | 'warn' | 'ok' | 'err';
  children: ReactNode;
  icon?: ReactNode;
}) {
  return (
    <div className="callout" data-tone={tone}>
      {icon}
      <div className="callout-body">{children}</div>
    </div>
  );
}
