import { isLegacyRequest } from '@modelcontextprotocol/server';
import { PrefixSchema } from '../../../preload/contract/server-definition.ts';
import { isSwitchboardError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CallerIdentity, GatewayCore, GatewayScope } from '../gateway-core.ts';
import { jsonRpcErrorResponse, RPC } from './json-rpc-response.ts';
import type { LegacySessions } from './legacy-sessions.ts';
import type { ModernEndpoint } from './modern-endpoint.ts';
import { principalOf } from './principal.ts';
import { MAX_BODY_BYTES, readJsonBody } from './read-json-body.ts';

export interface McpRouteDeps {
  core: GatewayCore;
  legacy: LegacySessions;
  modern: ModernEndpoint;
  log: Logger;
  maxBodyBytes?: number;
}

/** Serves `/mcp` (prefix undefined) or `/mcp/<prefix>` for an authenticated caller. */
export type McpRoute = (
  request: Request,
  caller: CallerIdentity,
  prefix: string | undefined,
) => Promise<Response>;

/** The scope a route gives: everything on `/mcp`, one server (original names) on `/mcp/<prefix>`. */
export function scopeFor(caller: CallerIdentity, prefix: string | undefined): GatewayScope {
  return prefix === undefined ? { kind: 'all', caller } : { kind: 'server', prefix, caller };
}

export { principalOf };

/** Who owns a session: the route it was opened on and the token that opened it. */
export function sessionOwner(caller: CallerIdentity, prefix: string | undefined): string {
  return `${prefix ?? '*'}\u0000${principalOf(caller)}`;
}

/** 404 for a per-server route whose prefix names no server, with the way to find the right one. */
export function unknownServerResponse(prefix: string): Response {
  const shown = prefix.length > 40 ? `${prefix.slice(0, 40)}…` : prefix;
  return jsonRpcErrorResponse(
    404,
    RPC.serverError,
    `Not Found: no server with prefix "${shown}" (see \`switchboard server list\`); /mcp serves all servers`,
  );
}

/** True when `prefix` is a well-formed prefix of an existing server. */
export function isKnownPrefix(core: GatewayCore, prefix: string): boolean {
  return PrefixSchema.safeParse(prefix).success && core.hasServer(prefix);
}

/**
 * The MCP endpoint: reads a POST body once, then routes it by era — session-era traffic (no `_meta`
 * envelope claim) to the session table, 2026-07-28 traffic to the SDK's modern handler. GET and DELETE
 * only exist in the session era.
 */
export function createMcpRoute(deps: McpRouteDeps): McpRoute {
  const maxBodyBytes = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  return async (request, caller, prefix) => {
    if (prefix !== undefined && !isKnownPrefix(deps.core, prefix)) return unknownServerResponse(prefix);
    const scope = scopeFor(caller, prefix);
    const owner = sessionOwner(caller, prefix);
    try {
      switch (request.method) {
        case 'POST': {
          const body = await readJsonBody(request, maxBodyBytes);
          if (!body.ok) return body.response;
          if (await isLegacyRequest(request, body.value, { maxRequestBodySize: maxBodyBytes })) {
            return await deps.legacy.handle({ request, scope, owner, parsedBody: body.value });
          }
          return await deps.modern.handle(request, scope, body.value);
        }
        case 'GET':
        case 'DELETE':
          return await deps.legacy.handle({ request, scope, owner });
        default:
          return jsonRpcErrorResponse(405, RPC.serverError, 'Method Not Allowed: use POST, GET or DELETE', {
            headers: { allow: 'GET, POST, DELETE' },
          });
      }
    } catch (error) {
      // The server vanished between the prefix check and createServer (removed meanwhile).
      if (prefix !== undefined && isSwitchboardError(error, 'NOT_FOUND'))
        return unknownServerResponse(prefix);
      throw error;
    }
  };
}
