import { KeyRound, LogOut, RefreshCw } from 'lucide-react';
import type { AuthStatus } from '../../preload/contract/index.ts';
import { useMutationCommand } from '../hooks/use-command.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';
import { ConnectProgress, useConnect } from './connect-progress.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { Pill } from './health-badge.tsx';

/**
 * OAuth status of a remote server, with Connect / Reconnect / Disconnect. Connect shows the sign-in page in
 * the window (and the desktop opens it in the system browser), can be cancelled, and says when it times
 * out. Once connected, Reconnect is offered but not as the primary action.
 */
export function AuthPanel({ prefix, auth }: { prefix: string; auth: AuthStatus }) {
  const connect = useConnect(prefix);
  const disconnect = useMutationCommand('auth.disconnect');
  const connected = auth.hasCredential && !auth.isExpired;
  const flow = auth.flow;
  const interactive = flow === 'authorization_code';

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
          {flow === 'authorization_code'
            ? 'OAuth sign-in in your browser'
            : flow === 'client_credentials'
              ? 'OAuth client credentials (machine to machine)'
              : 'No sign-in: this server is used without OAuth'}
        </span>
      </div>
      {auth.discovered && !auth.hasCredential ? (
        <p>
          This server asks you to sign in: it answered “401 Unauthorized” and named its authorization server.
          Connect to sign in; Switchboard then remembers that it uses OAuth sign-in.
        </p>
      ) : null}
      {flow !== 'none' ? (
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
      ) : null}
      <ConnectProgress
        attempt={connect.attempt}
        starting={connect.waiting}
        onCancel={connect.cancel}
        cancelling={connect.cancelling}
      />
      {flow !== 'none' && !connect.waiting ? (
        <div className="button-row">
          {connected ? (
            <button type="button" className="button" onClick={() => connect.start()}>
              <RefreshCw size={14} aria-hidden="true" /> Reconnect
            </button>
          ) : (
            <button type="button" className="button primary" onClick={() => connect.start()}>
              <KeyRound size={14} aria-hidden="true" /> Connect
            </button>
          )}
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
      ) : null}
      {!connect.waiting ? (
        <p className="hint">
          {interactive
            ? 'Connect shows the sign-in page of the authorization server. Tokens are stored encrypted on this machine and never shown.'
            : flow === 'client_credentials'
              ? 'The client secret is stored encrypted; tokens are fetched automatically.'
              : 'Nothing to connect. If the server asks for a sign-in, Switchboard offers Connect here.'}
        </p>
      ) : null}
      <ErrorBanner error={connect.error} title="Could not connect" />
      <ErrorBanner error={disconnect.error} title="Could not disconnect" />
    </div>
  );
}
