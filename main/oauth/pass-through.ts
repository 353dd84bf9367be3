/**
 * Delegate ("pass-through") auth: pure rules shared by the relay and the metadata handlers.
 * See docs/decisions/oauth-pass-through.md for why each rule is what it is.
 */

/** On a pass-through route `Authorization` belongs to the upstream; the gateway's own token travels here. */
export const GATEWAY_TOKEN_HEADER = 'x-switchboard-token';

/** The path of a server's pass-through MCP endpoint (its resource URL is the gateway origin + this). */
export function passThroughRoute(prefix: string): string {
  return `/mcp/${encodeURIComponent(prefix)}/mcp`;
}

/** RFC 9728 §3.1 path-inserted metadata URL path for a resource path. */
export function protectedResourceMetadataPath(resourcePath: string): string {
  return `/.well-known/oauth-protected-resource${resourcePath === '/' ? '' : resourcePath}`;
}

/** RFC 8414 §3.1 path-inserted authorization-server metadata path for a resource path. */
export function authorizationServerMetadataPath(resourcePath: string): string {
  return `/.well-known/oauth-authorization-server${resourcePath === '/' ? '' : resourcePath}`;
}

/** Which pass-through server a well-known request names: the path-inserted form carries the route. */
export function prefixFromMetadataPath(
  pathname: string,
): { kind: 'resource' | 'authorization-server'; prefix: string } | undefined {
  const match =
    /^\/\.well-known\/(oauth-protected-resource|oauth-authorization-server|openid-configuration)\/mcp\/([^/]+)\/mcp\/?$/.exec(
      pathname,
    );
  if (!match?.[2]) return undefined;
  let prefix: string;
  try {
    prefix = decodeURIComponent(match[2]);
  } catch {
    return undefined;
  }
  return { kind: match[1] === 'oauth-protected-resource' ? 'resource' : 'authorization-server', prefix };
}

// RFC 9110 §7.6.1 hop-by-hop headers plus what must never cross from a local client to a remote server:
// the gateway's own token, browser cookies, and the local Host/Origin.
const NOT_RELAYED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'cookie',
  'origin',
  'referer',
  GATEWAY_TOKEN_HEADER,
]);

/** The headers sent upstream: the client's own (Authorization unchanged), minus hop-by-hop and local ones. */
export function relayRequestHeaders(incoming: Headers): Headers {
  const out = new Headers();
  const listedInConnection = new Set(
    (incoming.get('connection') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  incoming.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (NOT_RELAYED.has(lower) || listedInConnection.has(lower)) return;
    out.set(name, value);
  });
  return out;
}

/** The headers sent back to the client: the upstream's, minus hop-by-hop ones and cookies for another site. */
export function relayResponseHeaders(upstream: Headers): Headers {
  const out = new Headers();
  upstream.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (lower === 'set-cookie' || lower === 'content-length' || lower === 'content-encoding') return;
    if (NOT_RELAYED.has(lower)) return;
    out.set(name, value);
  });
  return out;
}

/**
 * Points a challenge's `resource_metadata` at the gateway's own metadata URL, leaving every other parameter
 * (error, scope, realm, error_description) and the scheme byte-for-byte as the upstream sent them. Without
 * this the client would fetch the upstream's metadata, whose `resource` is not the URL it is talking to, and
 * a correct client (RFC 9728 §3.3) must then refuse.
 */
export function rewriteResourceMetadata(challenge: string, metadataUrl: string): string {
  const quoted = /resource_metadata="[^"]*"/i;
  const bare = /resource_metadata=[^\s,]+/i;
  if (quoted.test(challenge)) return challenge.replace(quoted, `resource_metadata="${metadataUrl}"`);
  if (bare.test(challenge)) return challenge.replace(bare, `resource_metadata="${metadataUrl}"`);
  // No hint from the upstream: add ours, so discovery starts at the right document.
  const scheme = /^\s*(Bearer|DPoP)\b/i.exec(challenge);
  if (!scheme) return challenge;
  const rest = challenge.slice(scheme[0].length).trim();
  return `${scheme[1]} resource_metadata="${metadataUrl}"${rest ? `, ${rest.replace(/^,\s*/, '')}` : ''}`;
}
