import type { FetchLike } from './oauth-http.ts';
import { relayRequestHeaders, relayResponseHeaders, rewriteResourceMetadata } from './pass-through.ts';
import { passThroughMetadataUrl } from './pass-through-metadata.ts';

/** Largest request body relayed (MCP messages are small; this bounds memory per request). */
export const MAX_RELAY_BODY_BYTES = 4 * 1024 * 1024;

export interface RelayTarget {
  prefix: string;
  url: string;
}

/**
 * Relays one request of a pass-through route to its upstream: the client's Authorization unchanged, the
 * gateway's own token (X-Switchboard-Token, checked by the front before this) never. Every upstream status
 * is kept — a 401/403 stays a 401/403 with its WWW-Authenticate (resource_metadata pointed at the gateway's
 * document); only an unreachable upstream becomes 502. Redirects are returned, never followed, so the
 * client's token cannot be carried to another origin.
 */
export function createPassThroughRelay(deps: { fetch?: FetchLike } = {}) {
  const fetchFn: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  return async function relay(request: Request, target: RelayTarget): Promise<Response> {
    const origin = new URL(request.url).origin;
    let body: ArrayBuffer | undefined;
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.body) {
      body = await request.arrayBuffer();
      if (body.byteLength > MAX_RELAY_BODY_BYTES)
        return jsonRpcError(413, 'Request body too large for the pass-through relay.');
    }
    let upstream: Response;
    try {
      upstream = await fetchFn(target.url, {
        method: request.method,
        headers: relayRequestHeaders(request.headers),
        body,
        redirect: 'manual',
        signal: request.signal,
      });
    } catch {
      return jsonRpcError(502, `Bad Gateway: "${target.prefix}" could not be reached.`);
    }
    const headers = relayResponseHeaders(upstream.headers);
    const challenge = upstream.headers.get('www-authenticate');
    if ((upstream.status === 401 || upstream.status === 403) && challenge) {
      headers.set(
        'www-authenticate',
        rewriteResourceMetadata(challenge, passThroughMetadataUrl(origin, target.prefix)),
      );
    }
    return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers });
  };
}

function jsonRpcError(status: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
