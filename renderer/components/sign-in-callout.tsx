import { KeyRound } from 'lucide-react';
import { ConnectProgress, useConnect } from './connect-progress.tsx';
import { Callout, ErrorBanner } from './error-banner.tsx';

/**
 * "Needs sign-in", where the problem is shown (the server's Overview, issue 11.4): Connect right here, the
 * sign-in page shown as it waits, Cancel — and a link to the Sign-in tab for the details.
 */
export function SignInCallout({ prefix, onOpenDetails }: { prefix: string; onOpenDetails?: () => void }) {
  const connect = useConnect(prefix);
  return (
    <Callout tone="info">
      <strong>Needs sign-in.</strong> Connect your account so Switchboard can call this server.
      {connect.waiting || connect.attempt?.state !== 'connected' ? (
        <ConnectProgress
          attempt={connect.attempt}
          starting={connect.waiting}
          onCancel={connect.cancel}
          cancelling={connect.cancelling}
        />
      ) : null}
      {!connect.waiting ? (
        <div className="button-row">
          <button type="button" className="button primary small" onClick={() => connect.start()}>
            <KeyRound size={14} aria-hidden="true" /> Connect
          </button>
          {onOpenDetails ? (
            <button type="button" className="link-button" onClick={onOpenDetails}>
              Open Sign-in
            </button>
          ) : null}
        </div>
      ) : null}
      <ErrorBanner error={connect.error} title="Could not connect" />
    </Callout>
  );
}
