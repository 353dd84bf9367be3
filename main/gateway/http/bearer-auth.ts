import type { Logger } from '../../lib/logger.ts';
import type { CallerIdentity } from '../gateway-core.ts';
import { parseBearerToken } from '../../tokens/bearer.ts';
import type { TokenVerifier } from './token-verifier.ts';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';

/** The realm named in our challenges, so a person reading a 401 knows which app refused them. */
export const AUTH_REALM = 'switchboard';

export type AuthOutcome = { ok: true; caller: CallerIdentity } | { ok: false; response: Response };

/**
 * Where a client token travels: `bearer` is `Authorization: Bearer <token>` (every MCP route);
 * `gateway-token-header` is `X-Switchboard-Token: <token>`, for pass-through routes, where `Authorization`
 * belongs to the upstream (docs/decisions/oauth-pass-through.md).
 */
export type TokenCarrier = 'bearer' | 'gateway-token-header';

/** Header carrying the gateway's token on pass-through routes (same name as main/oauth/pass-through.ts). */
export const GATEWAY_TOKEN_HEADER = 'x-switchboard-token';

/** Checks the request's client token; a refusal is a 401 with a challenge, never a 500. */
export function authenticate(
  request: Request,
  verifier: TokenVerifier,
  log: Logger,
  carrier: TokenCarrier = 'bearer',
): AuthOutcome {
  const header = request.headers.get(carrier === 'bearer' ? 'authorization' : GATEWAY_TOKEN_HEADER);
  const token = carrier === 'bearer' ? parseBearerToken(header) : header?.trim() || undefined;
  const how =
    carrier === 'bearer' ? 'as "Authorization: Bearer <token>"' : `in the "${GATEWAY_TOKEN_HEADER}" header`;
  if (token === undefined) {
    return {
      ok: false,
      response: unauthorized(
        carrier,
        header === null ? undefined : 'invalid_request',
        `Unauthorized: send a Switchboard client token ${how}; ` +
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
      response: jsonRpcErrorResponse(
        503,
        RPC.internalError,
        'Service Unavailable: the token registry cannot be read; see the Switchboard log',
        {
          headers: { 'retry-after': '5' },
        },
      ),
    };
  }
  if (caller === undefined) {
    return {
      ok: false,
      response: unauthorized(
        carrier,
        'invalid_token',
        'Unauthorized: this token is not valid (revoked or mistyped); create a new one with `switchboard token create <client-name>`',
      ),
    };
  }
  return { ok: true, caller };
}

function unauthorized(
  carrier: TokenCarrier,
  error: 'invalid_request' | 'invalid_token' | undefined,
  message: string,
): Response {
  // A Bearer challenge on a pass-through route would send the client into OAuth against the gateway, so
  // that carrier gets its own scheme name. RFC 6750 §3: no error code when no credentials were sent.
  const scheme = carrier === 'bearer' ? 'Bearer' : 'Switchboard-Token';
  const challenge =
    error === undefined
      ? `${scheme} realm="${AUTH_REALM}"`
      : `${scheme} realm="${AUTH_REALM}", error="${error}"`;
  return jsonRpcErrorResponse(401, RPC.serverError, message, { headers: { 'www-authenticate': challenge } });
}
