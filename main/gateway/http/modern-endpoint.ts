import type { AuthInfo } from '@modelcontextprotocol/server';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { Logger } from '../../lib/logger.ts';
import type { GatewayCore, GatewayScope } from '../gateway-core.ts';
import { MAX_BODY_BYTES } from './read-json-body.ts';

/**
 * The 2026-07-28 (stateless) era: the SDK's createMcpHandler answers server/discover, validates the
 * Mcp-Method/Mcp-Name headers against the body (400 -32020), serves subscriptions/listen, and builds one
 * core Server per request. Session-era traffic never reaches it (`legacy: 'reject'`): the front routes
 * that to the session table first.
 */

export interface ModernEndpointOptions {
  core: GatewayCore;
  log: Logger;
  keepAliveMs?: number;
  maxBodyBytes?: number;
}

export interface ModernEndpoint {
  /** Serves one modern-era POST whose body the front already parsed. */
  handle(request: Request, scope: GatewayScope, parsedBody: unknown): Promise<Response>;
  /** Ends open listen streams and in-flight exchanges; stops following the core's list changes. */
  close(): Promise<void>;
}

// The per-request factory receives only what the handler passes through; the scope travels in authInfo.
const SCOPE_KEY = 'switchboard/scope';

/** The modern-era handler, fed list changes from the core so listen streams get list_changed. */
export function createModernEndpoint(options: ModernEndpointOptions): ModernEndpoint {
  const handler = createMcpHandler(
    ({ authInfo }) => {
      const scope = authInfo?.extra?.[SCOPE_KEY] as GatewayScope | undefined;
      if (scope === undefined) throw new Error('modern request reached the factory without a scope');
      return options.core.createServer(scope, 'modern');
    },
    {
      legacy: 'reject',
      keepAliveMs: options.keepAliveMs ?? 15_000,
      maxRequestBodySize: options.maxBodyBytes ?? MAX_BODY_BYTES,
      // Also receives ordinary client mistakes the SDK rejected (header mismatch …): debug, not error.
      onerror: (error) => options.log.debug('modern MCP request rejected or failed', { error }),
    },
  );
  const stopFollowing = options.core.onListChanged((change) => {
    if (change.tools) handler.notify.toolsChanged();
    if (change.prompts) handler.notify.promptsChanged();
    if (change.resources) handler.notify.resourcesChanged();
  });

  return {
    handle(request, scope, parsedBody) {
      // token is left empty on purpose: the client's credential must never travel further than the front.
      const authInfo: AuthInfo = {
        token: '',
        clientId: scope.caller.clientName,
        scopes: [],
        extra: { [SCOPE_KEY]: scope },
      };
      return handler.fetch(request, { authInfo, parsedBody });
    },
    async close() {
      stopFollowing();
      await handler.close();
    },
  };
}
