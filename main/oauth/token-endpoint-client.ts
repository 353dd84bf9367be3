import { SwitchboardError } from '../lib/errors.ts';
import type { GrantRecord } from './grant-record.ts';
import type { FetchLike } from './oauth-http.ts';
import { basicAuthorization, postForm, registeredErrorCode } from './oauth-http.ts';

/**
 * Refresh and revocation against a stored grant's endpoints, written here rather than taken from the SDK so
 * that error messages name the server and the HTTP status and never repeat a response body.
 */

/** Adds client authentication the way the authorization server said it accepts (RFC 6749 §2.3, RFC 8414). */
export function applyClientAuth(
  client: GrantRecord['client'],
  secret: string | undefined,
  supported: string[] | undefined,
  form: URLSearchParams,
): Record<string, string> {
  if (secret === undefined || secret === '') {
    form.set('client_id', client.client_id);
    return {};
  }
  const preferred = client.token_endpoint_auth_method;
  const usePost =
    preferred === 'client_secret_post' ||
    (preferred !== 'client_secret_basic' &&
      supported !== undefined &&
      !supported.includes('client_secret_basic') &&
      supported.includes('client_secret_post'));
  if (usePost) {
    form.set('client_id', client.client_id);
    form.set('client_secret', secret);
    return {};
  }
  return { authorization: basicAuthorization(client.client_id, secret) };
}

/** The outcome of a refresh: new tokens, or the grant is dead (invalid_grant) and must be cleared. */
export type RefreshOutcome =
  { kind: 'refreshed'; record: GrantRecord; newTokens: string[] } | { kind: 'invalid_grant' };

/** Uses the grant's refresh token (with its resource, RFC 8707) and returns the updated record; never stores it. */
export async function refreshGrant(args: {
  prefix: string;
  record: GrantRecord;
  secret: string | undefined;
  fetch: FetchLike;
  now: number;
}): Promise<RefreshOutcome> {
  const { prefix, record } = args;
  const refreshToken = record.tokens?.refresh_token;
  if (!record.tokens || !refreshToken) return { kind: 'invalid_grant' };
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
  if (record.resource && !record.resourceOmitted) form.set('resource', record.resource);
  const headers = applyClientAuth(
    record.client,
    args.secret ?? record.client.client_secret,
    record.endpoints.authMethods,
    form,
  );
  const what = `Could not refresh the sign-in of "${prefix}"`;
  const { status, body } = await postForm(args.fetch, record.endpoints.token, form, headers, what);
  const code = registeredErrorCode(body);
  if (status === 400 && code === 'invalid_grant') return { kind: 'invalid_grant' };
  if (status < 200 || status > 299) {
    throw new SwitchboardError(
      code === 'invalid_client' || code === 'unauthorized_client' ? 'NEEDS_AUTH' : 'OAUTH_ERROR',
      `${what}: the token endpoint answered HTTP ${status}${code ? ` (${code})` : ''}.`,
      { details: { prefix, status } },
    );
  }
  const fields = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  if (typeof fields.access_token !== 'string' || fields.access_token === '') {
    throw new SwitchboardError(
      'OAUTH_ERROR',
      `${what}: the token endpoint answered HTTP ${status} without an access_token.`,
      {
        details: { prefix, status },
      },
    );
  }
  const rotated =
    typeof fields.refresh_token === 'string' && fields.refresh_token !== ''
      ? fields.refresh_token
      : refreshToken;
  const scope = typeof fields.scope === 'string' ? fields.scope : record.tokens.scope;
  const expiresIn =
    typeof fields.expires_in === 'number' && Number.isFinite(fields.expires_in) && fields.expires_in > 0
      ? fields.expires_in
      : undefined;
  const { expiresAt: _old, ...rest } = record;
  return {
    kind: 'refreshed',
    newTokens: rotated === refreshToken ? [fields.access_token] : [fields.access_token, rotated],
    record: {
      ...rest,
      tokens: {
        access_token: fields.access_token,
        token_type: typeof fields.token_type === 'string' ? fields.token_type : record.tokens.token_type,
        refresh_token: rotated,
        scope,
      },
      expiresAt: expiresIn === undefined ? undefined : args.now + expiresIn * 1000,
      refreshedAt: args.now,
    },
  };
}

/**
 * Revokes the grant at the authorization server (RFC 7009) when it offers revocation: the refresh token
 * first (that ends the whole grant at most servers), then the access token. Returns what was revoked;
 * failures are reported, not thrown, because the local credential is deleted either way.
 */
export async function revokeGrant(args: {
  prefix: string;
  record: GrantRecord;
  secret: string | undefined;
  fetch: FetchLike;
}): Promise<{ revoked: string[]; failed: string[] }> {
  const { record } = args;
  const endpoint = record.endpoints.revocation;
  const revoked: string[] = [];
  const failed: string[] = [];
  if (!endpoint || !record.tokens) return { revoked, failed };
  const attempts: [string, string | undefined][] = [
    ['refresh_token', record.tokens.refresh_token],
    ['access_token', record.tokens.access_token],
  ];
  for (const [hint, token] of attempts) {
    if (!token) continue;
    const form = new URLSearchParams({ token, token_type_hint: hint });
    const headers = applyClientAuth(
      record.client,
      args.secret ?? record.client.client_secret,
      record.endpoints.authMethods,
      form,
    );
    try {
      const { status, body } = await postForm(
        args.fetch,
        endpoint,
        form,
        headers,
        `Could not revoke the sign-in of "${args.prefix}"`,
      );
      // RFC 7009 §2.2: 200 also for tokens already invalid. A structured (JWT) access token may be refused
      // as unsupported_token_type; the refresh token's revocation already ended the grant then.
      if (status === 200) revoked.push(hint);
      else if (registeredErrorCode(body) !== 'unsupported_token_type')
        failed.push(`${hint} (HTTP ${status})`);
    } catch {
      failed.push(`${hint} (unreachable)`);
    }
  }
  return { revoked, failed };
}
