import { mayDiscoverSignIn } from '../oauth/credential-status.ts';
import type { ConnectAttempt } from '../oauth/connect-attempts.ts';
import type { CredentialStatus } from '../oauth/grant-record.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { toDefinition } from '../registry/server-repository.ts';
import type { UseCaseContext } from './context.ts';

/** OAuth toward remote servers: Connect, Disconnect, status, client secrets. Tokens never leave main. */
export interface AuthUseCases {
  /** Signs in (browser) or fetches a client-credentials token; the running hub restarts the server with it. */
  connect(prefix: string, scopes?: string[]): Promise<CredentialStatus>;
  /**
   * Starts a Connect in this process's hub and answers once the person has something to do (the sign-in
   * page to open, shown by the caller) or it already ended. `openBrowser`: ask the system browser too
   * (desktop); the web window shows the link instead. The window hears `auth.changed` as it moves on.
   */
  start(prefix: string, options: { scopes?: string[]; openBrowser: boolean }): Promise<ConnectAttempt>;
  /**
   * A Connect of the window that answers once it ENDED (the contract's `auth.connect`): the same attempt as
   * `start`, so its page is shown by the window that follows `auth.attempt` and is never printed into the
   * hub's log (issue 12.10). Rejects with the attempt's error when it failed, was cancelled or timed out.
   */
  connectAndWait(
    prefix: string,
    options: { scopes?: string[]; openBrowser: boolean },
  ): Promise<CredentialStatus>;
  /** The latest Connect of `prefix` started in this process (undefined: none, or long ago). */
  attempt(prefix: string): Promise<ConnectAttempt | undefined>;
  /** Cancels the waiting Connect of `prefix`; false when none waited. */
  cancel(prefix: string): Promise<boolean>;
  /** Revokes at the authorization server when it offers revocation, then deletes the grant here. */
  disconnect(prefix: string): Promise<{ revoked: string[]; failed: string[] }>;
  status(prefix: string): Promise<CredentialStatus>;
  /** Every remote server that uses OAuth (or asked for a sign-in). */
  statuses(): Promise<CredentialStatus[]>;
  /** Stores (or with undefined deletes) the client secret of a pre-registered or client-credentials client. */
  setClientSecret(prefix: string, secret: string | undefined): Promise<{ had: boolean }>;
}

/**
 * The auth use-cases over a context. The OAuth manager announces every status change itself (the runtime
 * listens: it tells the window, restarts the upstream and re-checks health), so nothing is repeated here.
 *
 * A server added with no authentication that asks for a sign-in (401 naming its authorization server) is
 * offered Connect; when the person connects, the flow it needs is stored in its definition
 * (`auth: { kind: 'oauth', flow: 'authorization_code' }`), so every view and every process agrees from then on.
 */
export function authUseCases(ctx: UseCaseContext): AuthUseCases {
  const { servers } = ctx.registry;

  /** Stores the browser sign-in as the server's authentication, if it has none yet; true when it did. */
  const storeSignInFlow = async (prefix: string, id: number): Promise<boolean> => {
    const stored = ctx.registry.write(() => {
      const current = servers.find(prefix);
      if (!current || current.id !== id || current.transport === 'stdio' || !mayDiscoverSignIn(current))
        return false;
      servers.update(prefix, {
        ...toDefinition(current),
        auth: { kind: 'oauth', flow: 'authorization_code' },
      });
      return true;
    });
    if (stored) {
      ctx.log.info('stored OAuth sign-in as the authentication of a server that asked for it', { prefix });
      await ctx.runtime()?.serversChanged(prefix);
    }
    return stored;
  };

  /** After a browser sign-in of a server defined without authentication: it evidently uses OAuth. */
  const afterConnect = async (prefix: string, id: number, status: CredentialStatus) => {
    if (status.flow === 'authorization_code' && status.hasCredential) await storeSignInFlow(prefix, id);
  };

  /** Starts an attempt; `onChange` hears every state it moves to (after the window was told). */
  const begin = async (
    prefix: string,
    options: { scopes?: string[]; openBrowser: boolean },
    onChange?: (attempt: ConnectAttempt) => void,
  ): Promise<ConnectAttempt> => {
    const { id } = servers.get(prefix);
    const oauth = await ctx.oauth();
    if (oauth.status(prefix).discovered) await storeSignInFlow(prefix, id);
    const emit = () => ctx.runtime()?.emit('auth.changed', { prefix });
    return oauth.attempts.start(prefix, {
      scopes: options.scopes?.length ? options.scopes : undefined,
      open: options.openBrowser,
      onChange: (attempt) => {
        if (attempt.state === 'connected' && attempt.status)
          void afterConnect(prefix, id, attempt.status).catch((error: unknown) =>
            ctx.log.warn('could not store the sign-in flow of a server', { prefix, error }),
          );
        emit();
        onChange?.(attempt);
      },
    });
  };

  return {
    async connect(prefix, scopes) {
      const { id } = servers.get(prefix); // NOT_FOUND before any network
      const status = await (await ctx.oauth()).connect(prefix, { scopes });
      await afterConnect(prefix, id, status);
      return status;
    },

    start: (prefix, options) => begin(prefix, options),

    async connectAndWait(prefix, options) {
      let settle!: { resolve(status: CredentialStatus): void; reject(error: unknown): void };
      const ended = new Promise<CredentialStatus>((resolve, reject) => (settle = { resolve, reject }));
      ended.catch(() => {}); // returned below; this only keeps an early end from counting as "unhandled"
      const onEnd = (attempt: ConnectAttempt) => {
        if (attempt.state === 'connected' && attempt.status) settle.resolve(attempt.status);
        else if (attempt.state !== 'waiting' && attempt.state !== 'starting') {
          const error = attempt.error ?? { code: 'OAUTH_ERROR', message: 'The sign-in did not finish.' };
          settle.reject(new SwitchboardError(error.code, error.message));
        }
      };
      onEnd(await begin(prefix, options, onEnd));
      return ended;
    },

    async attempt(prefix) {
      servers.get(prefix);
      return (await ctx.oauth()).attempts.latest(prefix);
    },

    async cancel(prefix) {
      servers.get(prefix);
      const { attempts } = await ctx.oauth();
      const latest = attempts.latest(prefix);
      return latest !== undefined && attempts.cancel(latest.id);
    },

    disconnect: async (prefix) => (await ctx.oauth()).disconnect(prefix),
    status: async (prefix) => (await ctx.oauth()).status(prefix),
    async statuses() {
      const oauth = await ctx.oauth();
      return servers
        .list()
        .filter((s) => s.transport !== 'stdio')
        .map((s) => oauth.status(s.prefix))
        .filter((s) => s.flow !== 'none');
    },
    async setClientSecret(prefix, secret) {
      servers.get(prefix);
      const oauth = await ctx.oauth();
      const had = oauth.hasClientSecret(prefix);
      oauth.setClientSecret(prefix, secret);
      await ctx.runtime()?.serversChanged(prefix);
      return { had };
    },
  };
}
