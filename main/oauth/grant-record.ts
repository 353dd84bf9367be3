import { z } from 'zod';

/**
 * What the vault holds for one server and one authorization server (issuer): the tokens, the client it
 * registered as, and the few metadata fields needed to refresh and revoke without discovering again.
 * Parsed with zod on the way out, so a damaged or older record reads as "not connected", never as a crash.
 */
export const GrantRecordSchema = z.object({
  version: z.literal(1),
  issuer: z.string().min(1),
  /**
   * RFC 8707 resource the tokens were issued for: the protected-resource metadata's `resource`, the
   * definition's override, or (no metadata) the canonical URL of the server. Before a token is used it is
   * checked against the server's current URL (grant-fit.ts), so a server re-pointed elsewhere never gets it.
   * Absent only in grants stored before migration 008, which are stamped when moved (legacy-owners.ts).
   */
  resource: z.string().optional(),
  /**
   * True when the authorization request carried no `resource` parameter (a server without
   * protected-resource metadata): refresh then omits it too, as it always did, rather than ask the
   * authorization server for an audience it never granted.
   */
  resourceOmitted: z.literal(true).optional(),
  client: z.object({
    client_id: z.string().min(1),
    /** Only for a secret the authorization server issued at dynamic registration; a person's secret stays in `oauth-client-secret:<id>`. */
    client_secret: z.string().optional(),
    client_secret_expires_at: z.number().optional(),
    token_endpoint_auth_method: z.string().optional(),
    /** Scope a dynamic registration was limited to; a wider request registers again (step-up). */
    scope: z.string().optional(),
    /** How the client id was obtained (shown in status; decides whether disconnect may forget it). */
    source: z.enum(['pre-registered', 'metadata-document', 'dynamic']),
  }),
  endpoints: z.object({
    token: z.string().min(1),
    revocation: z.string().optional(),
    authMethods: z.array(z.string()).optional(),
  }),
  tokens: z
    .object({
      access_token: z.string().min(1),
      token_type: z.string().default('Bearer'),
      refresh_token: z.string().optional(),
      scope: z.string().optional(),
    })
    .optional(),
  /** Epoch ms; absent when the server did not say how long the token lives. */
  expiresAt: z.number().optional(),
  connectedAt: z.number(),
  refreshedAt: z.number().optional(),
});

export type GrantRecord = z.output<typeof GrantRecordSchema>;
export type GrantTokens = NonNullable<GrantRecord['tokens']>;

/** What a person (UI, CLI, health) may know about a server's OAuth credential: never a token. */
export interface CredentialStatus {
  prefix: string;
  flow: 'authorization_code' | 'client_credentials' | 'none';
  hasCredential: boolean;
  issuer?: string;
  expiresAt?: number;
  isExpired: boolean;
  connectedAt?: number;
  scopes: string[];
  /** Set when the upstream asked for more scope (403 insufficient_scope): Connect again to grant it. */
  requiredScopes?: string[];
  canRefresh: boolean;
  clientSource?: GrantRecord['client']['source'];
  /**
   * The server is defined without authentication but answered 401 naming its authorization server: it needs
   * a browser sign-in (offered as Connect; stored in its definition when the person connects).
   */
  discovered?: boolean;
}

/** Splits an OAuth scope string into its distinct scopes, in order. */
export function splitScopes(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))];
}

/** The status of a stored grant at `now` (pure; the single source of "expired"). */
export function grantStatus(prefix: string, record: GrantRecord | undefined, now: number): CredentialStatus {
  if (!record?.tokens) {
    return {
      prefix,
      flow: 'authorization_code',
      hasCredential: false,
      isExpired: false,
      scopes: [],
      canRefresh: false,
    };
  }
  return {
    prefix,
    flow: 'authorization_code',
    hasCredential: true,
    issuer: record.issuer,
    expiresAt: record.expiresAt,
    isExpired: record.expiresAt !== undefined && record.expiresAt <= now,
    connectedAt: record.connectedAt,
    scopes: splitScopes(record.tokens.scope),
    canRefresh: record.tokens.refresh_token !== undefined,
    clientSource: record.client.source,
  };
}
