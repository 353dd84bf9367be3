import { randomUUID } from 'node:crypto';
import type { Implementation } from '@modelcontextprotocol/server';
import { Server } from '@modelcontextprotocol/server';
import type { Logger } from '../../lib/logger.ts';
import type { UpstreamPool } from '../../upstream/upstream-pool.ts';
import type { GatewayScope, LegacyToolCall, ProtocolEra } from '../gateway-core.ts';
import type { CallContext } from './downstream-caller.ts';
import { createDownstreamCaller } from './downstream-caller.ts';
import { registerFeatureHandlers } from './feature-handlers.ts';
import type { InputBridge } from './input-bridge.ts';
import { registerListHandlers } from './list-handlers.ts';
import type { Session, SessionRegistry } from './session-registry.ts';
import type { Subscriptions } from './subscriptions.ts';
import { legacyToolCallOf, registerToolCallHandler } from './tool-call-handler.ts';
import type { ToolCallPath } from './tool-call-path.ts';
import { serverBlocked } from './tool-view.ts';
import type { ViewCache } from './view-cache.ts';

/**
 * One downstream connection: a fresh low-level SDK Server for a session-era session (registered while it is
 * open, so it hears list_changed and resource updates) or for one modern-era request, with every handler
 * bound to the connection's scope.
 */

/** What every connection shares: built once by the composition (create-gateway-core.ts). */
export interface ConnectionServices {
  pool: Pick<UpstreamPool, 'request' | 'status'>;
  views: ViewCache;
  sessions: SessionRegistry;
  subscriptions: Subscriptions<Session>;
  bridge: InputBridge;
  path: ToolCallPath;
  log: Logger;
  serverInfo: Implementation;
  /** Pending while the hub's first listing waits for servers it never listed (first-listing.ts). */
  firstListing?: () => Promise<void> | undefined;
}

const CAPABILITIES = {
  tools: { listChanged: true },
  prompts: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  completions: {},
  logging: {},
};

const AGGREGATE_INSTRUCTIONS =
  'Tools, prompts and resources of several MCP servers, gathered by Switchboard. Names are "<server>__<name>".';

/** One connection: its Server, and for a session-era one the tools/call handler the hot path calls directly. */
export interface Connection {
  server: Server;
  legacyToolCall?: LegacyToolCall;
}

/** Builds the Server of one connection in `scope`. */
export function createConnection(
  services: ConnectionServices,
  scope: GatewayScope,
  era: ProtocolEra,
): Connection {
  const { views } = services;
  // A per-server route relays its server's instructions as the scope's view has them: none for a server outside
  // the client's profile.
  const instructions = scope.kind === 'server' ? views.view(scope).instructions : AGGREGATE_INSTRUCTIONS;
  const server = new Server(services.serverInfo, { capabilities: CAPABILITIES, instructions });
  const session: Session = { key: randomUUID(), server, scope, era };
  if (era === 'legacy') {
    const unregister = services.sessions.add(session);
    const previous = server.onclose;
    server.onclose = () => {
      unregister();
      services.subscriptions.dropSession(session);
      previous?.();
    };
  }

  const view = () => views.view(scope);
  const callerFor = (ctx: CallContext, prefix: string) =>
    createDownstreamCaller({
      sessionKey: session.key,
      server,
      ctx,
      era,
      prefix,
      aggregate: scope.kind === 'all',
      logLevel: () => session.logLevel,
    });

  registerListHandlers(server, view, services.firstListing);
  const callTool = registerToolCallHandler(server, session, {
    path: services.path,
    bridge: services.bridge,
    view,
    blocked: (prefix) => serverBlocked(views.sources().servers, prefix),
    callerFor,
  });
  registerFeatureHandlers(server, session, {
    pool: services.pool,
    subscriptions: services.subscriptions,
    log: services.log,
    view,
    isEnabled: (prefix) => views.sources().servers.get(prefix)?.enabled === true,
    callerFor,
  });
  return era === 'legacy' ? { server, legacyToolCall: legacyToolCallOf(server, callTool) } : { server };
}
