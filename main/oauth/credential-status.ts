import { computeScopeUnion } from '@modelcontextprotocol/client';
import type { RemoteServerDefinition } from '../../preload/contract/server-definition.ts';
import { CREDENTIAL_HEADERS } from '../../preload/contract/server-definition.ts';
import type { ClientCredentialsConfig } from './client-credentials.ts';
import type { CredentialStatus, GrantRecord } from './grant-record.ts';
import { grantStatus, splitScopes } from './grant-record.ts';

/**
 * What a person may know about a server's credential, and which scope to ask for: pure functions over what
 * the manager looked up (the usable grant, the cached machine token, the recorded required scope).
 */

/** The client_credentials settings of a definition, or undefined when it uses another flow. */
export function clientCredentialsOf(
  definition: RemoteServerDefinition,
  identity: Pick<ClientCredentialsConfig, 'key' | 'readSecret'>,
): ClientCredentialsConfig | undefined {
  const auth = definition.auth;
  if (auth?.kind !== 'oauth' || auth.flow !== 'client_credentials') return undefined;
  return {
    ...identity,
    prefix: definition.prefix,
    serverUrl: definition.url,
    clientId: auth.clientId,
    tokenUrl: auth.tokenUrl,
    scopes: auth.scopes,
    resource: auth.resource,
    audience: auth.audience,
  };
}

/**
 * Whether a 401 from this server may reveal that it needs a browser sign-in: a remote server defined without
 * any authentication (no OAuth settings, no credential header, not pass-through).
 */
export function mayDiscoverSignIn(definition: RemoteServerDefinition): boolean {
  if (definition.auth?.kind === 'oauth' || definition.passThrough === true) return false;
  const headers = Object.keys(definition.headers ?? {}).map((name) => name.toLowerCase());
  return !headers.some((name) => CREDENTIAL_HEADERS.includes(name));
}

/** Whether the definition asks for the person's sign-in (authorization code). */
export function wantsAuthorizationCode(definition: RemoteServerDefinition): boolean {
  return definition.auth?.kind === 'oauth' && definition.auth.flow === 'authorization_code';
}

export interface StatusInput {
  definition: RemoteServerDefinition;
  now: number;
  /** Client credentials: the config, the cached token (if any) and whether a secret is stored. */
  clientCredentials?: {
    config: ClientCredentialsConfig;
    cached: { expiresAt: number; obtainedAt: number; scope?: string } | undefined;
    hasSecret: boolean;
  };
  /** The grant that passed the fit check (a grant for another resource counts as none). */
  grant: GrantRecord | undefined;
  /** Scope an upstream asked for with 403 insufficient_scope since the last Connect. */
  required: string | undefined;
  /** A server defined without authentication that asked for an OAuth sign-in (401 + resource metadata). */
  discovered?: boolean;
}

/** The status shown for a server. */
export function credentialStatus(input: StatusInput): CredentialStatus {
  const { definition, now } = input;
  const prefix = definition.prefix;
  const cc = input.clientCredentials;
  if (cc) {
    const { cached } = cc;
    return {
      prefix,
      flow: 'client_credentials',
      hasCredential: cc.hasSecret,
      ...(cached ? { expiresAt: cached.expiresAt, connectedAt: cached.obtainedAt } : {}),
      isExpired: cached !== undefined && cached.expiresAt <= now,
      scopes: cached?.scope ? splitScopes(cached.scope) : (cc.config.scopes ?? []),
      canRefresh: true,
    };
  }
  const status = grantStatus(prefix, input.grant, now);
  const flow =
    definition.auth?.kind === 'oauth' || status.hasCredential || input.discovered
      ? 'authorization_code'
      : 'none';
  return {
    ...status,
    flow,
    ...(input.required ? { requiredScopes: splitScopes(input.required) } : {}),
    ...(input.discovered && definition.auth?.kind !== 'oauth' ? { discovered: true } : {}),
  };
}

/** The scope of a Connect: configured ∪ the server's challenge ∪ what an upstream asked for since. */
export function connectScope(
  definition: RemoteServerDefinition,
  challengeScope: string | undefined,
  required: string | undefined,
): string | undefined {
  return computeScopeUnion(configuredScope(definition), challengeScope, required);
}

/** The scope of a step-up: configured ∪ granted ∪ recorded required ∪ newly required. */
export function stepUpScope(
  definition: RemoteServerDefinition,
  grant: GrantRecord | undefined,
  required: string | undefined,
  newlyRequired: string | undefined,
): string | undefined {
  return computeScopeUnion(configuredScope(definition), grant?.tokens?.scope, required, newlyRequired);
}

/** The required scope recorded after a 403 insufficient_scope: what was recorded ∪ granted ∪ asked for. */
export function requiredAfter(
  recorded: string | undefined,
  grant: GrantRecord | undefined,
  requiredScope: string | undefined,
): string | undefined {
  return computeScopeUnion(recorded, grant?.tokens?.scope, requiredScope);
}

function configuredScope(definition: RemoteServerDefinition): string | undefined {
  return definition.auth?.kind === 'oauth' ? definition.auth.scopes?.join(' ') : undefined;
}
