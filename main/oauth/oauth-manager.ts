import type { AuthProvider } from '@modelcontextprotocol/client';
import { computeScopeUnion } from '@modelcontextprotocol/client';
import type { RemoteServerDefinition, ServerDefinition } from '../../preload/contract/server-definition.ts';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError, toErrorInfo } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { OpenBrowser } from './browser-opener.ts';
import { assertOpenableUrl } from './browser-opener.ts';
import type { CallbackResponse } from './callback-page.ts';
import { callbackPage } from './callback-page.ts';
import type { ClientCredentialsConfig } from './client-credentials.ts';
import { createClientCredentialsCache } from './client-credentials.ts';
import type { Draft } from './draft-servers.ts';
import { createDraftServers, isDraftPrefix } from './draft-servers.ts';
import { toFlowError } from './flow-errors.ts';
import type { CredentialStatus, GrantRecord } from './grant-record.ts';
import { grantStatus, splitScopes } from './grant-record.ts';
import type { GrantStore } from './grant-store.ts';
import { createGrantStore } from './grant-store.ts';
import type { InteractiveFlow } from './interactive-flow.ts';
import { createInteractiveFlow } from './interactive-flow.ts';
import type { FetchLike } from './oauth-http.ts';
import type { OAuthVault } from './oauth-vault.ts';
import { CLIENT_SECRET_NAME, clientSecretOwner } from './oauth-vault.ts';
import { probeChallenge } from './probe-challenge.ts';
import { createSingleFlight } from './single-flight.ts';
import { refreshGrant, revokeGrant } from './token-endpoint-client.ts';
import type { TtlOptions } from './token-ttl.ts';

/** Where the manager looks servers up (the registry's server repository fits). */
export interface OAuthServerLookup {
  find(prefix: string): ServerDefinition | undefined;
}

export interface OAuthManagerDeps {
  vault: OAuthVault;
  servers: OAuthServerLookup;
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

/** OAuth toward upstream servers: what the pool, the HTTP front, the IPC handlers and the CLI use. */
export interface OAuthManager {
  /**
   * The credential source an upstream HTTP transport gets, by resolution order: pass-through token >
   * client-credentials token > the user's authorization-code token > none (the definition's static
   * headers then apply, as the transport sends `requestInit` headers when `token()` gives nothing).
   */
  authProviderFor(
    server: ServerDefinition,
    options?: { passThroughToken?: string },
  ): AuthProvider | undefined;
  /** Signs in (browser) or fetches a client-credentials token; resolves once the callback completed. */
  connect(prefix: string, options?: { scopes?: string[] }): Promise<CredentialStatus>;
  /** GET /oauth/callback: finishes the matching pending Connect and returns the page for the browser. */
  handleCallback(url: URL): Promise<CallbackResponse>;
  /** Revokes at the authorization server when it offers revocation, then deletes the grant locally. */
  disconnect(prefix: string): Promise<{ revoked: string[]; failed: string[] }>;
  /** What is known about the server's credential; never a token. */
  status(prefix: string): CredentialStatus;
  /** Records a 403 insufficient_scope so status shows it and the next Connect asks for the wider scope. */
  noteInsufficientScope(prefix: string, requiredScope: string | undefined): CredentialStatus;
  /** Re-consent with the union of the granted, configured and newly required scopes. */
  stepUp(prefix: string, requiredScope?: string): Promise<CredentialStatus>;
  /** Stores (or, with undefined, deletes) the client secret of a pre-registered or client-credentials client. */
  setClientSecret(prefix: string, secret: string | undefined): void;
  /** Whether a client secret is stored for `prefix` (never the secret). */
  hasClientSecret(prefix: string): boolean;
  /** Forgets everything for a removed server (no revocation: use disconnect first for that). */
  forget(prefix: string): void;
  /** Moves credentials when a server's prefix is renamed by an edit. */
  rename(from: string, to: string): void;
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
    /** Moves the draft's credentials to the saved server `prefix` and ends the draft. */
    promote(draftPrefix: string, prefix: string): void;
    /** Ends the draft; nothing of it remains. */
    discard(draftPrefix: string): void;
  };
  /** Rejects pending Connects, ends drafts, stops timers. */
  close(): void;
}

interface PendingConnect {
  flow: InteractiveFlow;
  prefix: string;
  serverName: string;
  timer: ReturnType<typeof setTimeout>;
  resolve(record: GrantRecord): void;
  reject(error: unknown): void;
}

const DEFAULT_CALLBACK_TIMEOUT_MS = 5 * 60 * 1000;

/** Creates the OAuth manager over the vault and the server registry. */
export function createOAuthManager(deps: OAuthManagerDeps): OAuthManager {
  const fetchFn: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const log = deps.log.child({ component: 'oauth' });
  const skewMs = deps.refreshSkewMs ?? 60_000;
  const reuseWindowMs = deps.reuseWindowMs ?? 2_000;
  const timeoutMs = deps.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  const redirectUri = () => (typeof deps.redirectUri === 'function' ? deps.redirectUri() : deps.redirectUri);
  const remember = (value: string | undefined) => {
    if (value) deps.redactor?.add(value);
  };

  const listeners = new Set<(status: CredentialStatus) => void>();
  const pending = new Map<string, PendingConnect>();
  const requiredScopes = new Map<string, string>();
  const refreshes = createSingleFlight<GrantRecord>();
  const realStore = createGrantStore(deps.vault, log);
  const draftStores = new Map<string, GrantStore>();

  const drafts = createDraftServers((draft) => {
    draftStores.delete(draft.prefix);
    cancelPending(draft.prefix, 'The unsaved server expired before sign-in finished.');
  });

  const vaultFor = (prefix: string): OAuthVault => {
    if (!isDraftPrefix(prefix)) return deps.vault;
    const draft = drafts.get(prefix);
    if (!draft)
      throw new SwitchboardError('NOT_FOUND', 'This unsaved server has expired; start adding it again.');
    return draft.vault;
  };
  const storeFor = (prefix: string): GrantStore => {
    if (!isDraftPrefix(prefix)) return realStore;
    let store = draftStores.get(prefix);
    if (!store) {
      store = createGrantStore(vaultFor(prefix), log);
      draftStores.set(prefix, store);
    }
    return store;
  };
  const secretOf = (prefix: string): string | undefined => {
    const secret = vaultFor(prefix).get(clientSecretOwner(prefix), CLIENT_SECRET_NAME);
    remember(secret);
    return secret;
  };

  const clientCredentials = createClientCredentialsCache({
    fetch: fetchFn,
    clock: deps.clock,
    secret: secretOf,
    ...(deps.ttl ? { ttl: deps.ttl } : {}),
    onToken: remember,
    reuseWindowMs,
  });

  const lookup = (prefix: string): RemoteServerDefinition => {
    if (isDraftPrefix(prefix) && !drafts.get(prefix)) {
      throw new SwitchboardError('NOT_FOUND', 'This unsaved server has expired; start adding it again.');
    }
    const definition = isDraftPrefix(prefix) ? drafts.get(prefix)?.definition : deps.servers.find(prefix);
    if (!definition) throw new SwitchboardError('NOT_FOUND', `No server "${prefix}".`);
    if (definition.transport === 'stdio') {
      throw new SwitchboardError(
        'VALIDATION',
        `"${prefix}" is a stdio server; OAuth applies to remote (http/sse) servers only.`,
      );
    }
    return definition;
  };

  const emit = (prefix: string) => {
    let current: CredentialStatus;
    try {
      current = manager.status(prefix);
    } catch {
      return;
    }
    for (const listener of listeners) {
      try {
        listener(current);
      } catch (error) {
        log.warn('an OAuth status listener failed', { error: toErrorInfo(error).message });
      }
    }
  };

  const needsAuth = (prefix: string, why: string) =>
    new SwitchboardError(
      'NEEDS_AUTH',
      `${why} Connect "${prefix}" again in Switchboard (or run \`switchboard auth connect ${prefix}\`).`,
      {
        details: { prefix },
      },
    );

  const ccConfig = (definition: RemoteServerDefinition): ClientCredentialsConfig | undefined => {
    const auth = definition.auth;
    if (auth?.kind !== 'oauth' || auth.flow !== 'client_credentials') return undefined;
    return {
      prefix: definition.prefix,
      clientId: auth.clientId,
      tokenUrl: auth.tokenUrl,
      ...(auth.scopes ? { scopes: auth.scopes } : {}),
      ...(auth.resource ? { resource: auth.resource } : {}),
      ...(auth.audience ? { audience: auth.audience } : {}),
    };
  };

  /**
   * Exactly one refresh per server at a time. Runs only if the stored access token is still `stale`
   * (a caller that waited behind another refresh gets that result), and persists the rotated refresh token
   * BEFORE anyone uses the new access token: a crash right after still leaves a usable grant on disk.
   */
  const refreshOnce = (prefix: string, stale: string): Promise<GrantRecord> =>
    refreshes.run(prefix, async () => {
      const store = storeFor(prefix);
      const current = store.read(prefix);
      if (!current?.tokens) throw needsAuth(prefix, `"${prefix}" is not signed in.`);
      if (current.tokens.access_token !== stale) return current;
      const outcome = await refreshGrant({
        prefix,
        record: current,
        secret: current.client.source === 'pre-registered' ? secretOf(prefix) : undefined,
        fetch: fetchFn,
        now: deps.clock.now(),
      });
      if (outcome.kind === 'invalid_grant') {
        store.clearTokens(prefix);
        log.info('the authorization server no longer accepts the refresh token; sign-in needed', { prefix });
        emit(prefix);
        throw needsAuth(prefix, `The sign-in of "${prefix}" has expired or was revoked.`);
      }
      outcome.newTokens.forEach(remember);
      store.write(prefix, outcome.record);
      log.debug('refreshed an OAuth grant', { prefix });
      return outcome.record;
    });

  const authorizationCodeProvider = (prefix: string): AuthProvider => ({
    async token() {
      const record = storeFor(prefix).read(prefix);
      if (!record?.tokens) return undefined;
      remember(record.tokens.access_token);
      const now = deps.clock.now();
      if (record.expiresAt === undefined || record.expiresAt - now > skewMs)
        return record.tokens.access_token;
      if (record.tokens.refresh_token)
        return (await refreshOnce(prefix, record.tokens.access_token)).tokens?.access_token;
      if (record.expiresAt > now) return record.tokens.access_token;
      throw needsAuth(prefix, `The sign-in of "${prefix}" has expired.`);
    },
    async onUnauthorized() {
      const record = storeFor(prefix).read(prefix);
      if (!record?.tokens) throw needsAuth(prefix, `"${prefix}" needs you to sign in.`);
      // Requests that were in flight with the old token come back 401 right after a refresh: retry them.
      if (record.refreshedAt !== undefined && deps.clock.now() - record.refreshedAt < reuseWindowMs) return;
      if (!record.tokens.refresh_token) {
        storeFor(prefix).clearTokens(prefix);
        emit(prefix);
        throw needsAuth(prefix, `"${prefix}" refused the stored sign-in.`);
      }
      await refreshOnce(prefix, record.tokens.access_token);
    },
  });

  const cancelPending = (prefix: string, message: string) => {
    for (const [state, entry] of pending) {
      if (entry.prefix !== prefix) continue;
      pending.delete(state);
      clearTimeout(entry.timer);
      entry.reject(new SwitchboardError('OAUTH_ERROR', message));
    }
  };

  const scopeFor = (
    definition: RemoteServerDefinition,
    challengeScope: string | undefined,
  ): string | undefined => {
    const configured = definition.auth?.kind === 'oauth' ? definition.auth.scopes?.join(' ') : undefined;
    return computeScopeUnion(configured, challengeScope, requiredScopes.get(definition.prefix));
  };

  const connectInteractive = async (
    definition: RemoteServerDefinition,
    scopes: string[] | undefined,
  ): Promise<GrantRecord> => {
    const prefix = definition.prefix;
    cancelPending(prefix, 'A newer Connect replaced this one.');
    const auth =
      definition.auth?.kind === 'oauth' && definition.auth.flow === 'authorization_code'
        ? definition.auth
        : undefined;
    const challenge = await probeChallenge(definition.url, fetchFn);
    const scope = scopes?.length ? scopes.join(' ') : scopeFor(definition, challenge.scope);

    let settle!: { resolve(record: GrantRecord): void; reject(error: unknown): void };
    const completion = new Promise<GrantRecord>((resolve, reject) => {
      settle = { resolve, reject };
    });
    completion.catch(() => {}); // observed below; this only keeps an early failure from being "unhandled"

    const secret = auth?.clientId ? secretOf(prefix) : undefined;
    const flow = createInteractiveFlow({
      prefix,
      serverUrl: definition.url,
      redirectUri: redirectUri(),
      ...(auth?.clientId
        ? { preRegistered: { clientId: auth.clientId, ...(secret ? { clientSecret: secret } : {}) } }
        : {}),
      ...(auth?.resource ? { resourceOverride: auth.resource } : {}),
      ...(deps.clientMetadataUrl ? { clientMetadataUrl: deps.clientMetadataUrl } : {}),
      clientName: deps.clientName ?? 'Switchboard',
      store: storeFor(prefix),
      clock: deps.clock,
      fetch: fetchFn,
      onSecret: remember,
      onAuthorizationUrl: async (url) => {
        assertOpenableUrl(url);
        const timer = setTimeout(() => {
          if (!pending.delete(flow.state)) return;
          settle.reject(
            new SwitchboardError(
              'OAUTH_ERROR',
              `Sign-in to "${prefix}" timed out: the browser did not come back within ${Math.round(timeoutMs / 1000)} s.`,
            ),
          );
        }, timeoutMs);
        timer.unref?.();
        pending.set(flow.state, { flow, prefix, serverName: definition.name, timer, ...settle });
        await deps.openBrowser(url);
      },
    });
    try {
      await flow.begin({
        ...(scope ? { scope } : {}),
        ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}),
      });
    } catch (error) {
      const entry = pending.get(flow.state);
      if (entry) {
        pending.delete(flow.state);
        clearTimeout(entry.timer);
      }
      throw toFlowError(prefix, error);
    }
    return completion;
  };

  const manager: OAuthManager = {
    authProviderFor(server, options) {
      if (server.transport === 'stdio') return undefined;
      const passThrough = options?.passThroughToken;
      if (passThrough) return { token: async () => passThrough };
      const cc = ccConfig(server);
      if (cc) {
        return {
          token: () => clientCredentials.token(cc),
          // The transport retries once after this: a revoked or rotated token is replaced exactly once.
          onUnauthorized: async () => clientCredentials.invalidate(cc.prefix),
        };
      }
      const wantsCode = server.auth?.kind === 'oauth' && server.auth.flow === 'authorization_code';
      if (wantsCode || storeFor(server.prefix).read(server.prefix)?.tokens)
        return authorizationCodeProvider(server.prefix);
      return undefined;
    },

    async connect(prefix, options) {
      const definition = lookup(prefix);
      const cc = ccConfig(definition);
      if (cc) {
        clientCredentials.forget(prefix);
        await clientCredentials.token(cc);
      } else {
        await connectInteractive(definition, options?.scopes);
        requiredScopes.delete(prefix);
      }
      emit(prefix);
      return manager.status(prefix);
    },

    async handleCallback(url) {
      const state = url.searchParams.get('state');
      const entry = state === null ? undefined : pending.get(state);
      if (!entry || state === null) {
        return callbackPage({
          ok: false,
          message: 'This sign-in link is unknown, was already used, or has expired.',
        });
      }
      // One use only: a replayed callback URL finds nothing.
      pending.delete(state);
      clearTimeout(entry.timer);
      try {
        const record = await entry.flow.complete(url.searchParams);
        entry.resolve(record);
        return callbackPage({ ok: true, serverName: entry.serverName });
      } catch (error) {
        const failure = toFlowError(entry.prefix, error);
        entry.reject(failure);
        log.warn('OAuth sign-in failed', {
          prefix: entry.prefix,
          code: failure.code,
          error: failure.message,
        });
        return callbackPage({ ok: false, message: failure.message });
      }
    },

    async disconnect(prefix) {
      cancelPending(prefix, 'Disconnected before sign-in finished.');
      clientCredentials.forget(prefix);
      requiredScopes.delete(prefix);
      const store = storeFor(prefix);
      const record = store.read(prefix);
      const result = record
        ? await revokeGrant({
            prefix,
            record,
            secret: record.client.source === 'pre-registered' ? secretOf(prefix) : undefined,
            fetch: fetchFn,
          })
        : { revoked: [], failed: [] };
      store.forget(prefix);
      if (result.failed.length > 0)
        log.warn('revocation at the authorization server failed', { prefix, failed: result.failed });
      emit(prefix);
      return result;
    },

    status(prefix) {
      const definition = lookup(prefix);
      const now = deps.clock.now();
      const cc = ccConfig(definition);
      if (cc) {
        const cached = clientCredentials.peek(prefix);
        return {
          prefix,
          flow: 'client_credentials',
          hasCredential: manager.hasClientSecret(prefix),
          ...(cached ? { expiresAt: cached.expiresAt, connectedAt: cached.obtainedAt } : {}),
          isExpired: cached !== undefined && cached.expiresAt <= now,
          scopes: cached?.scope ? splitScopes(cached.scope) : (cc.scopes ?? []),
          canRefresh: true,
        };
      }
      const status = grantStatus(prefix, storeFor(prefix).read(prefix), now);
      const required = requiredScopes.get(prefix);
      const flow = definition.auth?.kind === 'oauth' || status.hasCredential ? 'authorization_code' : 'none';
      return { ...status, flow, ...(required ? { requiredScopes: splitScopes(required) } : {}) };
    },

    noteInsufficientScope(prefix, requiredScope) {
      const record = storeFor(prefix).read(prefix);
      const union = computeScopeUnion(requiredScopes.get(prefix), record?.tokens?.scope, requiredScope);
      if (union) requiredScopes.set(prefix, union);
      emit(prefix);
      return manager.status(prefix);
    },

    async stepUp(prefix, requiredScope) {
      manager.noteInsufficientScope(prefix, requiredScope);
      const definition = lookup(prefix);
      const record = storeFor(prefix).read(prefix);
      const configured = definition.auth?.kind === 'oauth' ? definition.auth.scopes?.join(' ') : undefined;
      const union = computeScopeUnion(
        configured,
        record?.tokens?.scope,
        requiredScopes.get(prefix),
        requiredScope,
      );
      return manager.connect(prefix, union ? { scopes: splitScopes(union) } : {});
    },

    setClientSecret(prefix, secret) {
      const vault = vaultFor(prefix);
      if (secret === undefined) vault.unset(clientSecretOwner(prefix), CLIENT_SECRET_NAME);
      else {
        remember(secret);
        vault.set(clientSecretOwner(prefix), CLIENT_SECRET_NAME, secret);
      }
      clientCredentials.forget(prefix);
    },

    hasClientSecret(prefix) {
      return vaultFor(prefix).get(clientSecretOwner(prefix), CLIENT_SECRET_NAME) !== undefined;
    },

    forget(prefix) {
      cancelPending(prefix, 'The server was removed.');
      clientCredentials.forget(prefix);
      requiredScopes.delete(prefix);
      storeFor(prefix).forget(prefix);
      const vault = vaultFor(prefix);
      vault.unset(clientSecretOwner(prefix), CLIENT_SECRET_NAME);
      vault.clear?.(clientSecretOwner(prefix));
    },

    rename(from, to) {
      if (from === to) return;
      const record = realStore.read(from);
      const secret = deps.vault.get(clientSecretOwner(from), CLIENT_SECRET_NAME);
      if (secret !== undefined) deps.vault.set(clientSecretOwner(to), CLIENT_SECRET_NAME, secret);
      if (record) {
        if (record.client.source !== 'pre-registered')
          realStore.writeClient(to, record.issuer, record.client);
        realStore.write(to, record);
      }
      manager.forget(from);
      emit(to);
    },

    onStatusChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    drafts: {
      create(definition, options) {
        const draft: Draft = drafts.create(definition, deps.draftTtlMs ?? 15 * 60 * 1000, deps.clock.now());
        if (options?.clientSecret !== undefined) manager.setClientSecret(draft.prefix, options.clientSecret);
        return { prefix: draft.prefix, expiresAt: draft.expiresAt };
      },
      definition: (draftPrefix) => drafts.get(draftPrefix)?.definition,
      promote(draftPrefix, prefix) {
        const draft = drafts.get(draftPrefix);
        if (!draft)
          throw new SwitchboardError(
            'NOT_FOUND',
            'This unsaved server has expired; connect it again after saving.',
          );
        const record = storeFor(draftPrefix).read(draftPrefix);
        const secret = draft.vault.get(clientSecretOwner(draftPrefix), CLIENT_SECRET_NAME);
        if (secret !== undefined) deps.vault.set(clientSecretOwner(prefix), CLIENT_SECRET_NAME, secret);
        if (record) {
          if (record.client.source !== 'pre-registered')
            realStore.writeClient(prefix, record.issuer, record.client);
          realStore.write(prefix, record);
        }
        manager.drafts.discard(draftPrefix);
        emit(prefix);
      },
      discard(draftPrefix) {
        cancelPending(draftPrefix, 'The unsaved server was discarded.');
        clientCredentials.forget(draftPrefix);
        requiredScopes.delete(draftPrefix);
        draftStores.delete(draftPrefix);
        drafts.drop(draftPrefix);
      },
    },

    close() {
      for (const prefix of new Set([...pending.values()].map((p) => p.prefix)))
        cancelPending(prefix, 'Switchboard is shutting down.');
      drafts.close();
      draftStores.clear();
    },
  };
  return manager;
}
