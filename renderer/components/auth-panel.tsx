import { KeyRound, LogOut } from 'lucide-react';
import type { AuthStatus } from '../../preload/contract/index.ts';
import { useMutationCommand } from '../hooks/use-command.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';
import { ErrorBanner } from './error-banner.tsx';
import { Pill } from './health-badge.tsx';

/** OAuth status of a remote server, with Connect (opens the system browser) and Disconnect. */
export function AuthPanel({ prefix, auth }: { prefix: string; auth: AuthStatus }) {
  const connect = useMutationCommand('auth.connect');
  const disconnect = useMutationCommand('auth.disconnect');
  const connected = auth.hasCredential && !auth.isExpired;
  const interactive = auth.flow === 'authorization_code';

  return (
    <div className="card auth-panel">
      <div className="auth-status">
        {connected ? (
          <Pill tone="ok">Connected</Pill>
        ) : auth.hasCredential ? (
          <Pill tone="warn">Expired</Pill>
        ) : (
          <Pill tone="auth">Not connected</Pill>
        )}
        <span className="muted small">
          {auth.flow === 'authorization_code'
            ? 'OAuth sign-in in your browser'
            : auth.flow === 'client_credentials'
              ? 'OAuth client credentials'
              : 'No OAuth'}
        </span>
      </div>
      <dl className="facts">
        {auth.issuer ? (
          <>
            <dt>Issuer</dt>
            <dd className="mono">{auth.issuer}</dd>
          </>
        ) : null}
        {auth.connectedAt ? (
          <>
            <dt>Connected</dt>
            <dd title={formatDateTime(auth.connectedAt)}>{formatRelative(auth.connectedAt)}</dd>
          </>
        ) : null}
        {auth.expiresAt ? (
          <>
            <dt>{auth.isExpired ? 'Expired' : 'Expires'}</dt>
            <dd title={formatDateTime(auth.expiresAt)}>
              {formatRelative(auth.expiresAt)}
              {auth.hasCredential && !auth.isExpired ? (
                <span className="muted small"> (renewed automatically when possible)</span>
              ) : null}
            </dd>
          </>
        ) : null}
        <dt>Scopes</dt>
        <dd>
          {auth.scopes.length ? (
            auth.scopes.map((s) => (
              <code key={s} className="chip">
                {s}
              </code>
            ))
          ) : (
            <span className="muted">none granted</span>
          )}
        </dd>
        {auth.requiredScopes?.length ? (
          <>
            <dt>Asks for</dt>
            <dd>
              {auth.requiredScopes.map((s) => (
                <code key={s} className="chip">
                  {s}
                </code>
              ))}
            </dd>
          </>
        ) : null}
      </dl>
      <div className="button-row">
        <button
          type="button"
          className="button primary"
          disabled={connect.isPending}
          onClick={() => connect.mutate({ prefix })}
        >
          <KeyRound size={14} aria-hidden="true" />
          {connect.isPending ? 'Waiting for the browser…' : connected ? 'Reconnect' : 'Connect'}
        </button>
        {auth.hasCredential ? (
          <button
            type="button"
            className="button"
            disabled={disconnect.isPending}
            onClick={() => disconnect.mutate({ prefix })}
          >
            <LogOut size={14} aria-hidden="true" /> Disconnect
          </button>
        ) : null}
      </div>
      <p className="hint" aria-live="polite">
        {connect.isPending && interactive
          ? 'Your browser opened the sign-in page. Finish there; this window updates by itself.'
          : interactive
            ? 'Connect opens your browser to sign in. Tokens are stored encrypted on this machine.'
            : 'The client secret is stored encrypted; tokens are fetched automatically.'}
      </p>
      <ErrorBanner error={connect.error} title="Could not connect" />
      <ErrorBanner error={disconnect.error} title="Could not disconnect" />
    </div>
  );
}
