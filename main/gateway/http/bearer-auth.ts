import type { Logger } from '../../lib/logger.ts';
import type { CallerIdentity } from '../gateway-core.ts';
import type { TokenVerifier } from '../tokens/token-verifier.ts';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';

/** The realm named in our challenges, so a person reading a 401 knows which app refused them. */
export const AUTH_REALM = 'switchboard';

/** The token from an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function parseBearerToken(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  return match?.[1];
}

export type AuthOutcome = { ok: true; caller: CallerIdentity } | { ok: false; response: Response };

/** Checks the request's bearer token; a refusal is a 401 with a Bearer challenge, never a 500. */
export function authenticate(request: Request, verifier: TokenVerifier, log: Logger): AuthOutcome {
  const header = request.headers.get('authorization');
  const token = parseBearerToken(header);
  if (token === undefined) {
    return {
      ok: false,
      response: unauthorized(
        header === null ? undefined : 'invalid_request',
        'Unauthorized: send a Switchboard client token as "Authorization: Bearer <token>"; ' +
          'create one with `switchboard token create <client-name>`',
      ),
    };
  }
  let caller: CallerIdentity | undefined;
  try {
    caller = verifier.verify(token);
  } catch (error) {
    // The registry could not be read: the caller is not at fault, and retrying later may work.
    log.error('token verification failed', { error });
    return {
      ok: false,
      response: jsonRpcErrorResponse(503, RPC.internalError, 'Service Unavailable: the token registry cannot be read; see the Switchboard log', {
        headers: { 'retry-after': '5' },
      }),
    };
  }
  if (caller === undefined) {
    return {
      ok: false,
      response: unauthorized(
        'invalid_token',
        'Unauthorized: this token is not valid (revoked or mistyped); create a new one with `switchboard token create <client-name>`',
      ),
    };
  }
  return { ok: true, caller };
}

function unauthorized(error: 'invalid_request' | 'invalid_token' | undefined, message: string): Response {
  // RFC 6750 §3: no error code when the request carried no credentials at all.
  const challenge = error === undefined ? `Bearer realm="${AUTH_REALM}"` : `Bearer realm="${AUTH_REALM}", error="${error}"`;
  return jsonRpcErrorResponse(401, RPC.serverError, message, { headers: { 'www-authenticate': challenge } });
}
