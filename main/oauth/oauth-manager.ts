// Over 400 lines on purpose: the one place every OAuth flow of a server is chosen and its grant resolved; the
// pieces with state of their own live beside it (code-tokens, connect-flows, pending-connects, grant-fit).
import type { AuthProvider } from '@modelcontextprotocol/client';
import { extractWWWAuthenticateParams } from '@modelcontextprotocol/client';
import type { RemoteServerDefinition, ServerDefinition } from '../../preload/contract/server-definition.ts';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { createListeners } from '../lib/listeners.ts';
import type { Logger } from '../lib/logger.ts';
import type { OpenBrowser } from './browser-opener.ts';
import type { CallbackResponse } from './callback-page.ts';
import type { ClientCredentialsConfig } from './client-credentials.ts';
import { createClientCredentialsCache } from './client-credentials.ts';
import { createCodeTokens, needsAuth } from './code-tokens.ts';
import type { ConnectAttempts } from './connect-attempts.ts';
import { createConnectAttempts } from './connect-attempts.ts';
import type { SignInOptions } from './connect-flows.ts';
import { createConnectFlows } from './connect-flows.ts';
import {
  clientCredentialsOf,
  connectScope,
  credentialStatus,
  mayDiscoverSignIn,
  requiredAfter,
  stepUpScope,
  wantsAuthorizationCode,
} from './credential-status.ts';
import { createDraftServers } from './draft-servers.ts';
import type { CredentialStatus } from './grant-record.ts';
import { splitScopes } from './grant-record.ts';
import type { LegacyOwners } from './legacy-owners.ts';
import type { FetchLike } from './oauth-http.ts';
import type { OAuthServerLookup, OAuthSubject } from './oauth-subjects.ts';
import { createOAuthSubjects } from './oauth-subjects.ts';
import type { OAuthVault } from './oauth-vault.ts';
import { revokeGrant } from './token-endpoint-client.ts';
import type { TtlOptions } from './token-ttl.ts';

export type { IdentifiedServer, OAuthServerLookup } from './oauth-subjects.ts';

export interface OAuthManagerDeps {
  vault: OAuthVault;
  /** Servers by prefix WITH their id (`registry.servers` fits): all OAuth state belongs to the id. */
  servers: OAuthServerLookup;
  /**
   * Moves grants and client secrets stored by prefix before migration 008 to the server's id on first use
   * (`createLegacyOwners` over the registry and the vault). Absent: legacy entries are never read.
   */
  legacy?: LegacyOwners;
  clock: Clock;
  log: Logger;
  openBrowser: OpenBrowser;
  /** `http://127.0.0.1:<stable gateway port>/oauth/callback`; a function when the port is known late. */
  redirectUri: string | (() => string);
  fetch?: FetchLike;
  /** Tokens and secrets are added as they pass, so no log line can carry them. */
  redactor?: { add(value: string): void };
  /** How long a Connect waits for the browser to come back (default 5 minutes). */
  callbackTimeoutMs?: number;
  /** Refresh an authorization-code token this long before it expires (default 60 s). */
  refreshSkewMs?: number;
  /** A 401 within this window after a refresh retries with the new token instead of refreshing again. */
  reuseWindowMs?: number;
  /** HTTPS URL of Switchboard's Client ID Metadata Document, if one is published. */
  clientMetadataUrl?: string;
  clientName?: string;
  ttl?: TtlOptions;
  /** Lifetime of an unsaved "try before saving" server (default 15 minutes). */
  draftTtlMs?: number;
}

/**
 * OAuth toward upstream servers: what the pool, the HTTP front, the use-cases and the CLI use. Servers are
 * addressed by prefix (the person's handle); each call resolves it to the server's identity, so nothing of a
 * removed server — grant, secret, cached token, pending sign-in — can reach one added later under its prefix.
 */
export interface OAuthManager {
  /**
   * The credential source an upstream HTTP transport gets, by resolution order: pass-through token >
   * client-credentials token > the user's authorization-code token > none (the definition's static
   * headers then apply, as the transport sends `requestInit` headers when `token()` gives nothing).
   * Pass the StoredServer (with `id`): the source then serves only that server, and gives nothing once its
   * prefix names another one. Each token is checked against the server's current definition (and `url`).
   */
  authProviderFor(
    server: ServerDefinition & { id?: number },
    options?: { passThroughToken?: string },
  ): AuthProvider | undefined;
  /**
   * Signs in (browser) or fetches a client-credentials token; resolves once the callback completed.
   * `onAuthorizationUrl` hands the page to whoever shows it to the person; `open: false` leaves it to them.
   */
  connect(prefix: string, options?: { scopes?: string[] } & SignInOptions): Promise<CredentialStatus>;
  /** Connects started on someone's behalf, to look up (URL, outcome) and cancel while they wait. */
  attempts: ConnectAttempts;
  /** Ends the waiting browser sign-in of `prefix` (the person's Cancel); false when none waited. */
  cancelConnect(prefix: string, message?: string): boolean;
  /** GET /oauth/callback: finishes the matching pending Connect and returns the page for the browser. */
  handleCallback(url: URL): Promise<CallbackResponse>;
  /** Revokes at the authorization server when it offers revocation, then deletes the grant locally. */
  disconnect(prefix: string): Promise<{ revoked: string[]; failed: string[] }>;
  /** What is known about the server's credential; never a token. A grant for another resource is none. */
  status(prefix: string): CredentialStatus;
  /** Records a 403 insufficient_scope so status shows it and the next Connect asks for the wider scope. */
  noteInsufficientScope(prefix: string, requiredScope: string | undefined): CredentialStatus;
  /** Re-consent with the union of the granted, configured and newly required scopes. */
  stepUp(prefix: string, requiredScope?: string): Promise<CredentialStatus>;
  /** Stores (or, with undefined, deletes) the client secret of a pre-registered or client-credentials client. */
  setClientSecret(prefix: string, secret: string | undefined): void;
  /** Whether a client secret is stored for `prefix` (never the secret). */
  hasClientSecret(prefix: string): boolean;
  /**
   * Drops what this process holds in memory for a removed server (pending sign-in, cached token, required
   * scope). Its vault entries go with its registry row (migration 008's trigger), whoever removes it.
   */
  forget(serverId: number): void;
  /** Listens to credential status changes (connected, refreshed away, needs auth, disconnected). */
  onStatusChange(listener: (status: CredentialStatus) => void): () => void;
  drafts: {
    /** Registers an unsaved remote definition; connect/authProviderFor/status work on the returned prefix. */
    create(
      definition: RemoteServerDefinition,
      options?: { clientSecret?: string },
    ): { prefix: string; expiresAt: number };
    /** The draft's definition (its prefix is the temporary one), or undefined once expired. */
    definition(draftPrefix: string): RemoteServerDefinition | undefined;
    /** Moves the draft's credentials to the saved server `prefix` (by its id) and ends the draft. */
    promote(draftPrefix: string, prefix: string): void;
    /** Ends the draft; nothing of it remains. */
    discard(draftPrefix: string): void;
  };
  /** Rejects pending Connects, ends drafts, stops timers. */
  close(): void;
}

const DEFAULT_CALLBACK_TIMEOUT_MS = 5 * 60 * 1000;
const DISCOVERY_NOTICE_DELAY_MS = 1_000;

/** Creates the OAuth manager over the vault and the server registry. */
export function createOAuthManager(deps: OAuthManagerDeps): OAuthManager {
  const fetchFn: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const log = deps.log.child({ component: 'oauth' });
  const remember = (value: string | undefined) => {
    if (value) deps.redactor?.add(value);
  };

  const listeners = createListeners<{ status: (status: CredentialStatus) => void }>(log);
  /** Scope an upstream asked for (403 insufficient_scope), by subject key. */
  const requiredScopes = new Map<string, string>();
  /**
   * Servers defined without any authentication that answered 401 naming their protected-resource metadata
   * (RFC 9728): they need a browser sign-in, so status offers Connect (by subject key; memory only — the
   * auth use-case stores the flow in the definition when the person connects).
   */
  const discovered = new Set<string>();

  // The callback runs only when a draft expires, long after `flows` and `subjects` exist.
  const drafts = createDraftServers((draft) =>
    flows.cancel(subjects.keyOfDraft(draft.prefix), 'The unsaved server expired before sign-in finished.'),
  );
  const subjects = createOAuthSubjects({
    vault: deps.vault,
    servers: deps.servers,
    drafts,
    legacy: deps.legacy,
    log,
    remember,
  });
  const flows = createConnectFlows({
    fetch: fetchFn,
    clock: deps.clock,
    log,
    openBrowser: deps.openBrowser,
    redirectUri: () => (typeof deps.redirectUri === 'function' ? deps.redirectUri() : deps.redirectUri),
    timeoutMs: deps.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS,
    clientMetadataUrl: deps.clientMetadataUrl,
    clientName: deps.clientName ?? 'Switchboard',
    remember,
  });
  const reuseWindowMs = deps.reuseWindowMs ?? 2_000;
  const clientCredentials = createClientCredentialsCache({
    fetch: fetchFn,
    clock: deps.clock,
    ttl: deps.ttl,
    onToken: remember,
    reuseWindowMs,
  });
  const codeTokens = createCodeTokens({
    fetch: fetchFn,
    clock: deps.clock,
    log,
    skewMs: deps.refreshSkewMs ?? 60_000,
    reuseWindowMs,
    remember,
    changed: (prefix) => emit(prefix),
  });

  const ccOf = (subject: OAuthSubject): ClientCredentialsConfig | undefined =>
    clientCredentialsOf(subject.definition, { key: subject.key, readSecret: subject.readSecret });

  const emit = (prefix: string) => {
    let current: CredentialStatus;
    try {
      current = manager.status(prefix);
    } catch {
      return;
    }
    listeners.emit('status', current);
  };

  /** Everything in memory of one subject (never its vault rows). */
  const dropMemory = (key: string, message: string) => {
    flows.cancel(key, message);
    clientCredentials.forget(key);
    requiredScopes.delete(key);
    discovered.delete(key);
  };

  const statusOf = (subject: OAuthSubject): CredentialStatus => {
    const cc = ccOf(subject);
    return credentialStatus({
      definition: subject.definition,
      now: deps.clock.now(),
      clientCredentials: cc && {
        config: cc,
        cached: clientCredentials.peek(subject.key),
        hasSecret: subject.readSecret() !== undefined,
      },
      grant: cc ? undefined : codeTokens.usable(subject),
      required: requiredScopes.get(subject.key),
      discovered: discovered.has(subject.key),
    });
  };

  /**
   * A server defined without authentication: no token to send, but a 401 is looked at — one that names the
   * server's protected-resource metadata means "sign in with OAuth", which status then offers.
   */
  const discoveringProvider = (
    prefix: string,
    initial: OAuthSubject,
    current: () => OAuthSubject | undefined,
    targetUrl: string,
  ): AuthProvider => ({
    async token() {
      // Asked before every request. Most such servers never sign in: with no grant stored under the server's
      // id there is nothing to send, whichever server the prefix names now, so the registry is not read.
      if (initial.store.read() === undefined) return undefined;
      const subject = current();
      // Signed in since (a Connect offered by discovery): the grant is used like any other.
      return subject && codeTokens.usable(subject, targetUrl)
        ? codeTokens.token(subject, targetUrl)
        : undefined;
    },
    async onUnauthorized({ response }) {
      const subject = current();
      if (subject && codeTokens.usable(subject, targetUrl))
        return codeTokens.onUnauthorized(subject, targetUrl);
      const challenge = extractWWWAuthenticateParams(response);
      if (subject && challenge.resourceMetadataUrl) {
        if (!discovered.has(subject.key)) {
          discovered.add(subject.key);
          log.info('a server without authentication asks for an OAuth sign-in', { prefix });
          // Announced once the refused connection has settled: the runtime restarts a server whose status
          // changed, and that must not cut short the very attempt that is failing with NEEDS_AUTH now.
          setTimeout(() => emit(prefix), DISCOVERY_NOTICE_DELAY_MS).unref?.();
        }
        throw new SwitchboardError(
          'NEEDS_AUTH',
          `${prefix} asks you to sign in: it answered HTTP 401 and named its authorization server. ` +
            `Connect it in Switchboard (or run \`switchboard auth connect ${prefix}\`)`,
          { details: { prefix, discovered: true } },
        );
      }
      throw new SwitchboardError(
        'NEEDS_AUTH',
        `${prefix} answered HTTP 401: it needs credentials. Add them to its definition (a header or a variable), ` +
          'or choose OAuth sign-in as its authentication',
        { details: { prefix } },
      );
    },
  });

  const manager: OAuthManager = {
    authProviderFor(server, options) {
      if (server.transport === 'stdio') return undefined;
      const passThrough = options?.passThroughToken;
      if (passThrough) return { token: async () => passThrough };
      const { prefix, id } = server;
      const targetUrl = server.url;
      // Resolved again at every request: after a removal, or once the prefix names another server, the
      // source gives nothing (and a 401 then says "sign in"), whatever the caller still holds.
      const current = () => subjects.find(prefix, id);
      const initial = current();
      if (!initial) return undefined;
      if (!ccOf(initial) && mayDiscoverSignIn(initial.definition) && !codeTokens.usable(initial, targetUrl))
        return discoveringProvider(prefix, initial, current, targetUrl);
      if (
        !ccOf(initial) &&
        !wantsAuthorizationCode(initial.definition) &&
        !codeTokens.usable(initial, targetUrl)
      )
        return undefined;
      return {
        async token() {
          const subject = current();
          if (!subject) return undefined;
          const cc = ccOf(subject);
          return cc ? clientCredentials.token(cc) : codeTokens.token(subject, targetUrl);
        },
        async onUnauthorized() {
          const subject = current();
          if (!subject) throw needsAuth(prefix, `"${prefix}" needs you to sign in.`);
          const cc = ccOf(subject);
          // The transport retries once after this: a revoked or rotated token is replaced exactly once.
          if (cc) clientCredentials.invalidate(cc.key);
          else await codeTokens.onUnauthorized(subject, targetUrl);
        },
      };
    },

    async connect(prefix, options) {
      const subject = subjects.resolve(prefix);
      const cc = ccOf(subject);
      if (cc) {
        clientCredentials.forget(cc.key);
        await clientCredentials.token(cc);
      } else {
        const explicit = options?.scopes?.length ? options.scopes.join(' ') : undefined;
        await flows.connect(
          subject,
          (challenge) =>
            explicit ?? connectScope(subject.definition, challenge, requiredScopes.get(subject.key)),
          { onAuthorizationUrl: options?.onAuthorizationUrl, open: options?.open },
        );
        requiredScopes.delete(subject.key);
        discovered.delete(subject.key);
      }
      emit(prefix);
      return manager.status(prefix);
    },

    attempts: createConnectAttempts({
      connect: (prefix, options) => manager.connect(prefix, options),
      check: (prefix) => void manager.status(prefix),
      cancel: (prefix, message) => manager.cancelConnect(prefix, message),
      clock: deps.clock,
    }),

    cancelConnect(prefix, message = 'Sign-in cancelled.') {
      return flows.cancel(subjects.resolve(prefix).key, message);
    },

    handleCallback: (url) => flows.handleCallback(url),

    async disconnect(prefix) {
      const subject = subjects.resolve(prefix);
      dropMemory(subject.key, 'Disconnected before sign-in finished.');
      // Revoked whether or not it still fits the definition: revocation goes to the server that issued it.
      const record = subject.store.read();
      const result = record
        ? await revokeGrant({
            prefix,
            record,
            secret: record.client.source === 'pre-registered' ? subject.readSecret() : undefined,
            fetch: fetchFn,
          })
        : { revoked: [], failed: [] };
      subject.store.forget();
      if (result.failed.length > 0)
        log.warn('revocation at the authorization server failed', { prefix, failed: result.failed });
      emit(prefix);
      return result;
    },

    status: (prefix) => statusOf(subjects.resolve(prefix)),

    noteInsufficientScope(prefix, requiredScope) {
      const subject = subjects.resolve(prefix);
      const grant = ccOf(subject) ? undefined : codeTokens.usable(subject);
      const union = requiredAfter(requiredScopes.get(subject.key), grant, requiredScope);
      if (union) requiredScopes.set(subject.key, union);
      emit(prefix);
      return statusOf(subject);
    },

    async stepUp(prefix, requiredScope) {
      manager.noteInsufficientScope(prefix, requiredScope);
      const subject = subjects.resolve(prefix);
      const union = stepUpScope(
        subject.definition,
        codeTokens.usable(subject),
        requiredScopes.get(subject.key),
        requiredScope,
      );
      return manager.connect(prefix, union ? { scopes: splitScopes(union) } : {});
    },

    setClientSecret(prefix, secret) {
      const subject = subjects.resolve(prefix);
      subject.writeSecret(secret);
      clientCredentials.forget(subject.key);
    },

    hasClientSecret: (prefix) => subjects.resolve(prefix).readSecret() !== undefined,

    forget(serverId) {
      dropMemory(subjects.keyOfServer(serverId), 'The server was removed.');
    },

    onStatusChange(listener) {
      return listeners.on('status', listener);
    },

    drafts: {
      create(definition, options) {
        const draft = drafts.create(definition, deps.draftTtlMs ?? 15 * 60 * 1000, deps.clock.now());
        if (options?.clientSecret !== undefined) manager.setClientSecret(draft.prefix, options.clientSecret);
        return { prefix: draft.prefix, expiresAt: draft.expiresAt };
      },
      definition: (draftPrefix) => drafts.get(draftPrefix)?.definition,
      promote(draftPrefix, prefix) {
        if (!drafts.get(draftPrefix)) {
          throw new SwitchboardError(
            'NOT_FOUND',
            'This unsaved server has expired; connect it again after saving.',
          );
        }
        const from = subjects.resolve(draftPrefix);
        const to = subjects.resolve(prefix);
        const record = from.store.read();
        const secret = from.readSecret();
        if (secret !== undefined) to.writeSecret(secret);
        if (record) {
          if (record.client.source !== 'pre-registered') to.store.writeClient(record.issuer, record.client);
          to.store.write(record);
        }
        manager.drafts.discard(draftPrefix);
        emit(prefix);
      },
      discard(draftPrefix) {
        dropMemory(subjects.keyOfDraft(draftPrefix), 'The unsaved server was discarded.');
        drafts.drop(draftPrefix);
      },
    },

    close() {
      flows.cancelAll('Switchboard is shutting down.');
      manager.attempts.close();
      drafts.close();
    },
  };
  return manager;
}
