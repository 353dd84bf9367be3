import { useQueryClient } from '@tanstack/react-query';
import { ExternalLink, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { ConnectAttempt } from '../../preload/contract/index.ts';
import { useBridge } from '../hooks/bridge-context.tsx';
import { commandKey, useCommand, useMutationCommand } from '../hooks/use-command.ts';
import { Callout, ErrorBanner } from './error-banner.tsx';

/**
 * A Connect as the window follows it (issue 11.4): `auth.start` answers at once with the sign-in page, the
 * window SHOWS it (the web mode opens nothing by itself; the desktop also opened the system browser), the
 * person can cancel, sees when it times out, and the outcome — all by server, so leaving the page and
 * coming back still shows the waiting sign-in. `auth.changed` says when it moved on (no polling).
 */
export function useConnect(prefix: string) {
  const bridge = useBridge();
  const client = useQueryClient();
  const key = commandKey('auth.attempt', { prefix });
  const attempt = useCommand('auth.attempt', { prefix });
  useEffect(
    () =>
      bridge.on('auth.changed', (event) => {
        if (event.prefix === prefix)
          void client.invalidateQueries({ queryKey: commandKey('auth.attempt', { prefix }) });
      }),
    [bridge, client, prefix],
  );
  const start = useMutationCommand('auth.start', {
    onSuccess: (next) => {
      client.setQueryData(key, next);
      void client.invalidateQueries({ queryKey: ['servers.get', { prefix }] });
    },
  });
  const cancel = useMutationCommand('auth.cancel', {
    onSettled: () => void client.invalidateQueries({ queryKey: key }),
  });
  const current = attempt.data ?? null;
  const waiting = current?.state === 'waiting' || current?.state === 'starting' || start.isPending;
  return {
    attempt: current,
    waiting,
    start: (scopes?: string[]) => start.mutate(scopes === undefined ? { prefix } : { prefix, scopes }),
    cancel: () => cancel.mutate({ prefix }),
    cancelling: cancel.isPending,
    error: start.error ?? cancel.error,
  };
}

/** The seconds left until `at`, ticking once a second while mounted. */
function useSecondsLeft(at: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [at]);
  return at === undefined ? undefined : Math.max(0, Math.round((at - now) / 1000));
}

function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** What the person does while a Connect waits, and how the last one ended. */
export function ConnectProgress({
  attempt,
  starting,
  onCancel,
  cancelling,
}: {
  attempt: ConnectAttempt | null;
  /** `auth.start` is still on its way (nothing to show yet). */
  starting: boolean;
  onCancel(): void;
  cancelling: boolean;
}) {
  const waiting = attempt?.state === 'waiting' ? attempt : undefined;
  const left = useSecondsLeft(waiting?.expiresAt);
  if (starting && !waiting) {
    return (
      <p className="hint" role="status">
        Preparing the sign-in page…
      </p>
    );
  }
  if (waiting?.authorizationUrl) {
    const page = new URL(waiting.authorizationUrl);
    return (
      <div className="connect-progress" role="group" aria-label="Sign-in in progress">
        <p role="status">
          {waiting.opened
            ? `Your browser opened the sign-in page of ${page.host}. Finish there; this window updates by itself.`
            : `Sign in on ${page.host} to connect. The page opens in a new tab; this window updates by itself.`}
        </p>
        <div className="button-row">
          <a
            className={waiting.opened ? 'button' : 'button primary'}
            href={page.href}
            target="_blank"
            rel="noopener noreferrer"
          >
            <ExternalLink size={14} aria-hidden="true" />
            {waiting.opened ? 'Open the sign-in page again' : 'Open the sign-in page'}
          </a>
          <button type="button" className="button ghost" disabled={cancelling} onClick={onCancel}>
            <X size={14} aria-hidden="true" /> {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
        {left !== undefined ? (
          <p className="muted small">
            {left > 0
              ? `The sign-in times out in ${clock(left)} if it is not finished.`
              : 'The sign-in is timing out…'}
          </p>
        ) : null}
      </div>
    );
  }
  if (attempt?.state === 'timed_out') {
    return (
      <Callout tone="warn">
        <strong>The sign-in timed out.</strong> {attempt.error?.message} Connect again when you are ready.
      </Callout>
    );
  }
  if (attempt?.state === 'cancelled') {
    return <p className="hint">Sign-in cancelled. Nothing was changed.</p>;
  }
  if (attempt?.state === 'failed') {
    return (
      <ErrorBanner
        error={new Error(attempt.error?.message ?? 'The sign-in failed.')}
        title="Could not connect"
      />
    );
  }
  return null;
}
