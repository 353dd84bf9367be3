import type http from 'node:http';
import { isJsonContentType } from '@modelcontextprotocol/server';
import type { Logger } from '../../lib/logger.ts';
import { parseBearerToken } from '../../tokens/bearer.ts';
import type { GatewayCore } from '../gateway-core.ts';
import { plainMessages } from './json-rpc-check.ts';
import type { LegacySessions } from './legacy-sessions.ts';
import { isKnownPrefix, scopeFor, sessionOwner } from './mcp-route.ts';
import type { NativeHandler } from './node-front.ts';
import { refuseBody } from './node-front.ts';
import type { TokenVerifier } from './token-verifier.ts';

/**
 * The hot path: `POST /mcp` (or `/mcp/<prefix>`) in an established session, served on Node's own objects — the
 * same checks as the app's route, in the same order (Host/Origin already done by the front; token, pause,
 * prefix, the session's owner and protocol version, content type, body limit), then the body parsed once and
 * its envelope checked once (json-rpc-check.ts). Anything it is not sure of — no or an unknown session, a
 * refused token, a paused gateway, a malformed or unusual body — goes to the app, which answers exactly as it
 * always did: the hot path only ever serves what the app would have served with a 200/202.
 */

export interface NativeMcpDeps {
  core: GatewayCore;
  legacy: LegacySessions;
  tokens: TokenVerifier;
  log: Logger;
  maxBodyBytes: number;
  paused(): boolean;
}

/** `/mcp`, `/mcp/` → null (aggregate); `/mcp/<prefix>` → the prefix; anything else (queries too) → undefined. */
function routeOf(url: string | undefined): string | null | undefined {
  if (url === '/mcp' || url === '/mcp/') return null;
  if (url === undefined || !url.startsWith('/mcp/')) return undefined;
  const rest = url.endsWith('/') ? url.slice(5, -1) : url.slice(5);
  return rest !== '' && /^[A-Za-z0-9_-]+$/.test(rest) ? rest : undefined;
}

const header = (incoming: http.IncomingMessage, name: string): string | undefined => {
  const value = incoming.headers[name];
  return typeof value === 'string' ? value : undefined;
};

export function createNativeMcp(deps: NativeMcpDeps): NativeHandler {
  return async (incoming, outgoing, readBody) => {
    if (incoming.method !== 'POST') return false;
    const sessionId = header(incoming, 'mcp-session-id');
    if (sessionId === undefined) return false;
    const route = routeOf(incoming.url);
    if (route === undefined || deps.paused()) return false;
    const token = parseBearerToken(header(incoming, 'authorization'));
    if (token === undefined) return false;
    let caller;
    try {
      caller = deps.tokens.verify(token);
    } catch {
      return false; // the app answers 503 and logs it
    }
    if (caller === undefined) return false;
    const prefix = route ?? undefined;
    if (prefix !== undefined && !isKnownPrefix(deps.core, prefix)) return false;
    if (!isJsonContentType(header(incoming, 'content-type') ?? null)) return false;
    const owner = sessionOwner(caller, prefix);
    const protocolVersion = header(incoming, 'mcp-protocol-version');
    const accept = header(incoming, 'accept');
    if (!deps.legacy.acceptsNative(sessionId, owner, protocolVersion, accept)) return false;

    const body = await readBody();
    if (!body.ok) {
      refuseBody(outgoing, body.reason, deps.maxBodyBytes);
      return true;
    }
    const fallback = { rawBody: body.body, release: body.release };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.body.toString('utf8'));
    } catch {
      return fallback;
    }
    const messages = plainMessages(parsed);
    if (messages === undefined) return fallback;
    const served = deps.legacy.handleNative({
      sessionId,
      owner,
      scope: scopeFor(caller, prefix),
      protocolVersion,
      accept,
      messages,
      batch: Array.isArray(parsed),
      response: outgoing,
      onDone: body.release,
    });
    return served ? true : fallback;
  };
}
