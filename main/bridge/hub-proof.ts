import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GatewayRoute } from '../gateway/http/gateway-app.ts';
import { readBridgeToken } from '../tokens/bridge-token.ts';

/**
 * The hub proves it is THIS data directory's Switchboard before anything of ours sends it the bridge token
 * (issue 12.1; docs/decisions/hub-proof.md). The client sends a fresh random nonce; the hub answers
 *
 *     HMAC-SHA256(key = bridge token, "switchboard-hub-proof-v1\n127.0.0.1:<port the hub is bound to>\n<nonce>")
 *
 * Only a holder of the token (the hub, and the user who owns the 0600 token file) can compute it, and the
 * port in it is the hub's OWN listening port — never one named by the request — so a squatter relaying the
 * challenge to the real hub on another port gets back a proof for that other port, which the client rejects.
 * The route itself needs no token and reveals nothing: a MAC over a nonce the caller chose.
 */

/** Path of the challenge route on the gateway port. */
export const HUB_PROOF_PATH = '/hub-proof';

const LABEL = 'switchboard-hub-proof-v1';
const NONCE = /^[A-Za-z0-9_-]{43}$/;

/** A fresh 256-bit challenge, base64url. */
export function newNonce(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `value` has the shape of a nonce (the route refuses anything else). */
export function isNonce(value: unknown): value is string {
  return typeof value === 'string' && NONCE.test(value);
}

/** The proof of a hub bound to `port` for `nonce`. */
export function hubProof(bridgeToken: string, port: number, nonce: string): string {
  return createHmac('sha256', bridgeToken)
    .update(`${LABEL}\n127.0.0.1:${port}\n${nonce}`)
    .digest('base64url');
}

/** Whether `proof` is what the hub holding `bridgeToken` and bound to `port` answers for `nonce`. */
export function isValidHubProof(bridgeToken: string, port: number, nonce: string, proof: unknown): boolean {
  if (typeof proof !== 'string' || proof.length > 128) return false;
  const expected = Buffer.from(hubProof(bridgeToken, port, nonce));
  const given = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface HubProofRouteDeps {
  /** The data directory whose bridge token the gateway accepts (read once, on the first challenge). */
  dataDir: string;
  /** The port the gateway is bound to NOW (0 while it is not listening yet). Never taken from the request. */
  port: () => number;
}

const NO_STORE = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/**
 * `GET /hub-proof?nonce=…` (no token): the hub's answer to a challenge. Mounted through the gateway's
 * `routes` option (main/hub-runtime.ts); the front's Host/Origin guard applies, so a web page cannot ask.
 */
export function createHubProofRoute(deps: HubProofRouteDeps): GatewayRoute {
  let token: string | undefined;
  return {
    method: 'GET',
    path: HUB_PROOF_PATH,
    auth: 'none',
    handler: (request) => {
      const nonce = new URL(request.url).searchParams.get('nonce');
      if (!isNonce(nonce)) {
        return new Response(JSON.stringify({ error: 'nonce must be 32 random bytes, base64url' }), {
          status: 400,
          headers: NO_STORE,
        });
      }
      token ??= readBridgeToken(deps.dataDir);
      const port = deps.port();
      if (token === undefined || port === 0) {
        return new Response(JSON.stringify({ error: 'starting' }), {
          status: 503,
          headers: { ...NO_STORE, 'retry-after': '1' },
        });
      }
      return new Response(JSON.stringify({ v: 1, proof: hubProof(token, port, nonce) }), {
        status: 200,
        headers: NO_STORE,
      });
    },
  };
}
