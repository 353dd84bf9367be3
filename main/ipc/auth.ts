import type { ConnectAttempt as ContractAttempt } from '../../preload/contract/models.ts';
import type { ConnectAttempt } from '../oauth/connect-attempts.ts';
import { authStatusOf } from '../usecases/server-views.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/**
 * auth.*: OAuth Connect / Disconnect of a remote server. Tokens never leave main; the sign-in page's address
 * does (it is for the person to open: the desktop also opens it in the system browser, the web window shows
 * it as a link), and is never logged.
 */
export function register({ hub, mode }: IpcDeps): PartialHandlerTable {
  const { auth } = hub.useCases;
  return {
    // The same attempt as auth.start, answered once it ended: the page is shown, never printed (12.10).
    'auth.connect': async ({ prefix, scopes }) =>
      authStatusOf(await auth.connectAndWait(prefix, { scopes, openBrowser: mode === 'desktop' })),
    'auth.disconnect': async ({ prefix }) => ({
      revoked: (await auth.disconnect(prefix)).revoked.length > 0,
    }),
    'auth.start': async ({ prefix, scopes }) =>
      attemptView(await auth.start(prefix, { scopes, openBrowser: mode === 'desktop' })),
    'auth.attempt': async ({ prefix }) => {
      const attempt = await auth.attempt(prefix);
      return attempt === undefined ? null : attemptView(attempt);
    },
    'auth.cancel': async ({ prefix }) => ({ cancelled: await auth.cancel(prefix) }),
  };
}

/** The contract's view of an attempt (no id: the window addresses Connects by server). */
export function attemptView(attempt: ConnectAttempt): ContractAttempt {
  return {
    prefix: attempt.prefix,
    state: attempt.state,
    startedAt: attempt.startedAt,
    authorizationUrl: attempt.state === 'waiting' ? attempt.authorizationUrl : undefined,
    opened: attempt.opened,
    expiresAt: attempt.state === 'waiting' ? attempt.expiresAt : undefined,
    status: attempt.status && authStatusOf(attempt.status),
    error: attempt.error && { code: attempt.error.code, message: attempt.error.message },
  };
}
