import type { Clock } from '../lib/clock.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { FetchLike } from './oauth-http.ts';
import { basicAuthorization, postForm, registeredErrorCode } from './oauth-http.ts';
import { createSingleFlight } from './single-flight.ts';
import type { TtlOptions } from './token-ttl.ts';
import { cacheTtlMs, DEFAULT_TTL_OPTIONS } from './token-ttl.ts';

/** The client_credentials settings of one server (the `auth` of its definition plus the stored secret). */
export interface ClientCredentialsConfig {
  /**
   * Whose token this is: the server's identity (`server:<id>`), never its prefix, so a new server under a
   * reused prefix starts with an empty cache even when its settings look the same.
   */
  key: string;
  /** The person's name for the server, for messages. */
  prefix: string;
  /** The server's URL: a token fetched for one URL is not reused after the server was re-pointed. */
  serverUrl: string;
  /** Reads the secret from the vault at request time, so an edited secret is used at once. */
  readSecret(): string | undefined;
  clientId: string;
  tokenUrl: string;
  scopes?: string[];
  resource?: string;
  audience?: string;
}

export interface ClientCredentialsDeps {
  fetch: FetchLike;
  clock: Clock;
  ttl?: TtlOptions;
  /** Called with each token obtained, so logs can scrub it. */
  onToken?(token: string): void;
  /**
   * After an invalidation, a token fetched in reaction to it is not dropped again by 401s arriving within
   * this window: those came from requests that still carried the old token. Bounds a 401 storm to one fetch.
   */
  reuseWindowMs?: number;
}

/** Cached machine-to-machine tokens for many servers, one fetch in flight per server. */
export interface ClientCredentialsCache {
  /** A valid access token for `config.key`, fetched (once, shared) when absent or stale. */
  token(config: ClientCredentialsConfig): Promise<string>;
  /** Drops the cached token of `key` after the upstream refused it (401); refetches on the next token(). */
  invalidate(key: string): void;
  /** Forgets everything cached for `key` (edit, removal). */
  forget(key: string): void;
  /** Whether a token is cached for `key` and when it stops being used. */
  peek(key: string): { expiresAt: number; obtainedAt: number; scope?: string } | undefined;
}

interface Entry {
  token: string;
  obtainedAt: number;
  expiresAt: number;
  scope?: string;
  /** Identifies the config it was fetched for: an edited server must not reuse the old token. */
  fingerprint: string;
}

/** Creates a ClientCredentialsCache. */
export function createClientCredentialsCache(deps: ClientCredentialsDeps): ClientCredentialsCache {
  const entries = new Map<string, Entry>();
  const invalidatedAt = new Map<string, number>();
  const flights = createSingleFlight<Entry>();
  const reuseWindowMs = deps.reuseWindowMs ?? 2_000;

  const fetchToken = async (config: ClientCredentialsConfig, fingerprint: string): Promise<Entry> => {
    const what = `Could not get a token for "${config.prefix}"`;
    const secret = config.readSecret();
    if (secret === undefined || secret === '') {
      throw new SwitchboardError(
        'NEEDS_CONFIG',
        `"${config.prefix}" uses client credentials but has no client secret: set it with \`switchboard auth set-secret ${config.prefix}\`.`,
      );
    }
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (config.scopes?.length) form.set('scope', config.scopes.join(' '));
    if (config.resource) form.set('resource', config.resource);
    if (config.audience) form.set('audience', config.audience);
    const { status, body } = await postForm(
      deps.fetch,
      config.tokenUrl,
      form,
      { authorization: basicAuthorization(config.clientId, secret) },
      what,
    );
    if (status < 200 || status > 299) {
      const code = registeredErrorCode(body);
      throw new SwitchboardError(
        status === 400 || status === 401 ? 'NEEDS_CONFIG' : 'OAUTH_ERROR',
        `${what}: the token endpoint answered HTTP ${status}${code ? ` (${code})` : ''}.`,
        { details: { prefix: config.prefix, status, ...(code ? { oauthError: code } : {}) } },
      );
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new SwitchboardError(
        'OAUTH_ERROR',
        `${what}: the token endpoint answered HTTP ${status} without a JSON object.`,
        {
          details: { prefix: config.prefix, status },
        },
      );
    }
    const fields = body as { access_token?: unknown; expires_in?: unknown; scope?: unknown };
    if (typeof fields.access_token !== 'string' || fields.access_token === '') {
      throw new SwitchboardError(
        'OAUTH_ERROR',
        `${what}: the token endpoint answered HTTP ${status} without an access_token.`,
        {
          details: { prefix: config.prefix, status },
        },
      );
    }
    deps.onToken?.(fields.access_token);
    const now = deps.clock.now();
    return {
      token: fields.access_token,
      obtainedAt: now,
      expiresAt: now + cacheTtlMs(fields.expires_in, deps.ttl ?? DEFAULT_TTL_OPTIONS),
      scope: typeof fields.scope === 'string' ? fields.scope : undefined,
      fingerprint,
    };
  };

  return {
    async token(config) {
      const fingerprint = JSON.stringify([
        config.serverUrl,
        config.clientId,
        config.tokenUrl,
        config.scopes,
        config.resource,
        config.audience,
      ]);
      const cached = entries.get(config.key);
      if (cached && cached.fingerprint === fingerprint && cached.expiresAt > deps.clock.now())
        return cached.token;
      const entry = await flights.run(config.key, async () => {
        const fresh = await fetchToken(config, fingerprint);
        entries.set(config.key, fresh);
        return fresh;
      });
      return entry.token;
    },
    invalidate(key) {
      const cached = entries.get(key);
      if (!cached || flights.inFlight(key)) return;
      const now = deps.clock.now();
      const last = invalidatedAt.get(key);
      if (last !== undefined && cached.obtainedAt >= last && now - last < reuseWindowMs) return;
      invalidatedAt.set(key, now);
      entries.delete(key);
    },
    forget(key) {
      entries.delete(key);
      invalidatedAt.delete(key);
    },
    peek(key) {
      const cached = entries.get(key);
      return (
        cached && {
          expiresAt: cached.expiresAt,
          obtainedAt: cached.obtainedAt,
          scope: cached.scope,
        }
      );
    },
  };
}
