import { randomBytes } from 'node:crypto';
import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { auth, validateAuthorizationResponseIssuer } from '@modelcontextprotocol/client';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { GrantRecord } from './grant-record.ts';
import type { GrantStore } from './grant-store.ts';
import { canonicalResource } from './grant-fit.ts';
import type { FetchLike } from './oauth-http.ts';

/** Everything one authorization-code flow needs to know about its server and its surroundings. */
export interface FlowOptions {
  /** The person's name for the server (messages only: the store decides where the grant goes). */
  prefix: string;
  serverUrl: string;
  redirectUri: string;
  /** A client id (and secret) the person registered with the authorization server themselves. */
  preRegistered?: { clientId: string; clientSecret?: string };
  /** Forces the RFC 8707 resource indicator (otherwise the protected-resource metadata's `resource`). */
  resourceOverride?: string;
  /** HTTPS URL of Switchboard's Client ID Metadata Document, used where the server supports it. */
  clientMetadataUrl?: string;
  clientName: string;
  /** The grant store of the server being connected (bound to its id's vault owner, or a draft's). */
  store: GrantStore;
  clock: Clock;
  fetch: FetchLike;
  /** Receives the authorization URL once it is known to be safe to open (S256 checked). */
  onAuthorizationUrl(url: URL): Promise<void>;
  /** Called with every token the flow obtains, so logs can scrub it. */
  onSecret?(value: string): void;
}

/** One pending "Connect": started by `begin`, finished by `complete` with the callback's parameters. */
export interface InteractiveFlow {
  readonly state: string;
  readonly prefix: string;
  /** Discovery, registration and the authorization URL; resolves once the browser was asked to open it. */
  begin(options: { scope?: string; resourceMetadataUrl?: URL }): Promise<void>;
  /** Validates `iss`, exchanges the code, and stores the grant. Throws a SwitchboardError on any failure. */
  complete(params: URLSearchParams): Promise<GrantRecord>;
}

/** Creates the flow and the SDK OAuthClientProvider it drives (verifier and discovery state held in memory). */
export function createInteractiveFlow(options: FlowOptions): InteractiveFlow {
  const state = randomBytes(32).toString('base64url');
  let codeVerifier: string | undefined;
  let discovery: OAuthDiscoveryState | undefined;
  let resourceUrl: string | undefined;
  let requestedScope: string | undefined;
  let resourceMetadataUrl: URL | undefined;
  let issued: { tokens: StoredOAuthTokens; issuer: string } | undefined;
  let client: (StoredOAuthClientInformation & { source: GrantRecord['client']['source'] }) | undefined;

  const clientMetadata: OAuthClientMetadata = {
    client_name: options.clientName,
    redirect_uris: [options.redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: 'native',
  };

  const provider: OAuthClientProvider = {
    get redirectUrl() {
      return options.redirectUri;
    },
    clientMetadataUrl: options.clientMetadataUrl,
    get clientMetadata() {
      return clientMetadata;
    },
    state: () => state,
    clientInformation(ctx) {
      if (options.preRegistered) {
        const { clientId, clientSecret } = options.preRegistered;
        client = {
          client_id: clientId,
          client_secret: clientSecret,
          issuer: ctx?.issuer,
          source: 'pre-registered',
        };
        return client;
      }
      if (client) return client;
      if (!ctx) return undefined;
      const stored = options.store.readClient(ctx.issuer);
      if (!stored) return undefined;
      // Registered for fewer scopes than now requested (step-up): servers enforce the registered scope, so
      // register again rather than fail with invalid_scope after the person already signed in.
      if (stored.source === 'dynamic' && stored.scope !== undefined && !covers(stored.scope, requestedScope))
        return undefined;
      client = { ...stored, issuer: ctx.issuer };
      return client;
    },
    saveClientInformation(info, ctx) {
      const source = info.client_id === options.clientMetadataUrl ? 'metadata-document' : 'dynamic';
      client = { ...info, source };
      if (ctx) options.store.writeClient(ctx.issuer, toStoredClient(client));
    },
    // A Connect always asks again: the person clicked it because the current grant is not good enough.
    tokens: () => issued?.tokens,
    saveTokens(tokens, ctx) {
      issued = { tokens, issuer: ctx?.issuer ?? tokens.issuer ?? '' };
    },
    async redirectToAuthorization(url) {
      assertPkceS256(discovery);
      await options.onAuthorizationUrl(url);
    },
    saveCodeVerifier(verifier) {
      codeVerifier = verifier;
    },
    codeVerifier() {
      if (codeVerifier === undefined)
        throw new SwitchboardError('OAUTH_ERROR', 'No authorization is in progress.');
      return codeVerifier;
    },
    saveDiscoveryState(value) {
      discovery = value;
    },
    discoveryState: () => discovery,
    saveResourceUrl(url) {
      resourceUrl = url;
    },
    // The SDK only asks whether it is there (a truthiness check), so undefined means "not overridden".
    validateResourceURL:
      options.resourceOverride === undefined
        ? undefined
        : async () => new URL(options.resourceOverride as string),
    invalidateCredentials(scope) {
      if (scope === 'client' || scope === 'all') client = undefined;
      if (scope === 'tokens' || scope === 'all') issued = undefined;
    },
  };

  const run = (authorizationCode?: string, iss?: string) =>
    auth(provider, {
      serverUrl: options.serverUrl,
      ...(authorizationCode === undefined ? { forceReauthorization: true } : { authorizationCode }),
      iss,
      scope: requestedScope,
      resourceMetadataUrl,
      fetchFn: options.fetch,
    });

  return {
    state,
    prefix: options.prefix,
    async begin({ scope, resourceMetadataUrl: fromChallenge }) {
      requestedScope = scope;
      resourceMetadataUrl = fromChallenge;
      const result = await run();
      if (result !== 'REDIRECT')
        throw new SwitchboardError('OAUTH_ERROR', 'The authorization server did not start a sign-in.');
    },
    async complete(params) {
      const iss = params.get('iss') ?? undefined;
      const metadata = discovery?.authorizationServerMetadata;
      // RFC 9207 before anything else: an error or code from the wrong issuer is a mix-up attack.
      validateAuthorizationResponseIssuer({
        iss,
        expectedIssuer: metadata?.issuer,
        issParameterSupported: metadata?.authorization_response_iss_parameter_supported === true,
      });
      const error = params.get('error');
      if (error !== null) {
        const description = (params.get('error_description') ?? '').slice(0, 300);
        throw new SwitchboardError(
          error === 'access_denied' ? 'NEEDS_AUTH' : 'OAUTH_ERROR',
          `The authorization server refused: ${error}${description ? ` (${description})` : ''}.`,
        );
      }
      const code = params.get('code');
      if (!code)
        throw new SwitchboardError('OAUTH_ERROR', 'The callback carried neither a code nor an error.');
      if ((await run(code, iss)) !== 'AUTHORIZED' || !issued || !client) {
        throw new SwitchboardError('OAUTH_ERROR', 'The authorization server did not issue tokens.');
      }
      options.onSecret?.(issued.tokens.access_token);
      if (issued.tokens.refresh_token) options.onSecret?.(issued.tokens.refresh_token);
      const now = options.clock.now();
      const expiresIn = issued.tokens.expires_in;
      // Every grant records the resource it is bound to (grant-fit.ts checks it before each use); without
      // protected-resource metadata the SDK sent none, so bind to the server URL and omit it on refresh too.
      const record: GrantRecord = {
        version: 1,
        issuer: issued.issuer || metadata?.issuer || '',
        resource: resourceUrl ?? canonicalResource(options.serverUrl),
        ...(resourceUrl === undefined ? { resourceOmitted: true as const } : {}),
        client: toStoredClient(client),
        endpoints: {
          token:
            metadata?.token_endpoint ??
            new URL('/token', discovery?.authorizationServerUrl ?? options.serverUrl).href,
          ...(revocationEndpoint(metadata) ? { revocation: revocationEndpoint(metadata) } : {}),
          ...(metadata?.token_endpoint_auth_methods_supported
            ? { authMethods: metadata.token_endpoint_auth_methods_supported }
            : {}),
        },
        tokens: {
          access_token: issued.tokens.access_token,
          token_type: issued.tokens.token_type,
          ...(issued.tokens.refresh_token ? { refresh_token: issued.tokens.refresh_token } : {}),
          // RFC 6749 §5.1: an omitted scope means "as requested".
          ...((issued.tokens.scope ?? requestedScope)
            ? { scope: issued.tokens.scope ?? requestedScope }
            : {}),
        },
        ...(typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
          ? { expiresAt: now + expiresIn * 1000 }
          : {}),
        connectedAt: now,
      };
      // A person's secret stays in its own vault entry; the grant keeps only what the server issued.
      if (record.client.source === 'pre-registered') delete record.client.client_secret;
      options.store.write(record);
      return record;
    },
  };
}

/** RFC 7009 endpoint from either metadata flavour (the SDK types it on the RFC 8414 one only). */
function revocationEndpoint(metadata: unknown): string | undefined {
  const value = (metadata as { revocation_endpoint?: unknown } | undefined)?.revocation_endpoint;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The stored form of a client registration (no issuer stamp: the store keys it by issuer already). */
function toStoredClient(
  info: StoredOAuthClientInformation & { source: GrantRecord['client']['source'] },
): GrantRecord['client'] {
  const full = info as StoredOAuthClientInformation & {
    client_secret_expires_at?: number;
    token_endpoint_auth_method?: string;
    scope?: string;
  };
  return {
    client_id: full.client_id,
    client_secret: full.client_secret,
    client_secret_expires_at: full.client_secret_expires_at,
    token_endpoint_auth_method: full.token_endpoint_auth_method,
    scope: full.scope,
    source: info.source,
  };
}

/** Whether the space-separated `granted` scopes include every scope of `wanted`. */
function covers(granted: string, wanted: string | undefined): boolean {
  const have = new Set(granted.split(/\s+/));
  return (wanted ?? '').split(/\s+/).every((scope) => scope === '' || have.has(scope));
}

/**
 * The MCP authorization spec: a client MUST refuse when the authorization server does not advertise S256
 * (the SDK only refuses when the list is present and lacks it; an absent list means no PKCE at all).
 */
export function assertPkceS256(discovery: OAuthDiscoveryState | undefined): void {
  const methods = discovery?.authorizationServerMetadata?.code_challenge_methods_supported;
  if (!methods?.includes('S256')) {
    throw new SwitchboardError(
      'OAUTH_ERROR',
      'The authorization server does not advertise PKCE with S256 (code_challenge_methods_supported); Switchboard will not sign in without it.',
    );
  }
}
