import type {
  AuthStatus,
  HealthSnapshot,
  ServerDetail,
  ServerSummary,
  ToolInfo,
} from '../../preload/contract/models.ts';
import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { buildNameIndex } from '../gateway/core/tool-names.ts';
import type { CredentialStatus } from '../oauth/grant-record.ts';
import { toDefinition } from '../registry/server-repository.ts';
import type { HubServices } from '../services.ts';
import { snapshotOf } from '../services.ts';

/**
 * How the window sees a server: built from the registry, the tool cache, the health monitor, the OAuth
 * manager and the pool. Nothing here can carry a secret value: definitions hold `${NAME}` references only.
 */

/** The health snapshot of a server the monitor has not seen yet (or that is switched off). */
export function unknownHealth(enabled: boolean): HealthSnapshot {
  return {
    status: enabled ? 'unknown' : 'disabled',
    degradedBy: null,
    since: null,
    checkedAt: null,
    latencyMs: null,
    lastError: null,
    missing: [],
  };
}

/** The server's current health snapshot. */
export function healthOf(services: HubServices, server: StoredServer): HealthSnapshot {
  const state = services.health.status(server.prefix);
  return state ? snapshotOf(state) : unknownHealth(server.enabled);
}

/** Which OAuth flow a definition declares. */
export function authFlowOf(server: StoredServer): ServerSummary['authFlow'] {
  if (server.transport === 'stdio' || server.auth?.kind !== 'oauth') return 'none';
  return server.auth.flow;
}

/** A one-line description of where the server runs: its command line or URL. */
export function targetOf(server: StoredServer): string {
  return server.transport === 'stdio' ? [server.command, ...server.args].join(' ') : server.url;
}

/** The list row of a server. */
export function summaryOf(services: HubServices, server: StoredServer): ServerSummary {
  return {
    prefix: server.prefix,
    name: server.name,
    transport: server.transport,
    enabled: server.enabled,
    target: targetOf(server),
    health: healthOf(services, server),
    toolCount: services.catalog.get(server.prefix)?.tools.length ?? 0,
    authFlow: authFlowOf(server),
  };
}

/** The contract's view of an OAuth credential status (drops internal fields). */
export function authStatusOf(status: CredentialStatus): AuthStatus {
  return {
    flow: status.flow,
    hasCredential: status.hasCredential,
    ...(status.issuer === undefined ? {} : { issuer: status.issuer }),
    ...(status.expiresAt === undefined ? {} : { expiresAt: status.expiresAt }),
    isExpired: status.isExpired,
    ...(status.connectedAt === undefined ? {} : { connectedAt: status.connectedAt }),
    scopes: [...status.scopes],
    ...(status.requiredScopes === undefined ? {} : { requiredScopes: [...status.requiredScopes] }),
  };
}

/** Tools of one server as cached, with the names clients see and whether the person switched them on. */
export function toolsOf(services: HubServices, prefix: string): ToolInfo[] {
  const catalog = services.catalog.get(prefix);
  if (!catalog) return [];
  const disabled = services.toolSettings.disabled(prefix);
  // The same index the core builds over every server, so shortened names match what clients see.
  const index = buildNameIndex(
    services.catalog.list().flatMap((c) => c.tools.map((t) => ({ prefix: c.prefix, name: t.name }))),
  );
  return catalog.tools.map((tool) => ({
    name: tool.name,
    exposedName: index.exposedOf(prefix, tool.name) ?? `${prefix}__${tool.name}`,
    ...(tool.title === undefined ? {} : { title: tool.title }),
    ...(tool.description === undefined ? {} : { description: tool.description }),
    inputSchema: { ...(tool.inputSchema as Record<string, unknown>) },
    enabled: !disabled.has(tool.name),
  }));
}

/** Everything the server page shows. */
export function detailOf(services: HubServices, server: StoredServer): ServerDetail {
  const { prefix } = server;
  const pool = services.pool.status(prefix);
  const era = pool?.era?.era ?? services.catalog.get(prefix)?.era?.era ?? null;
  return {
    summary: summaryOf(services, server),
    definition: { ...toDefinition(server) },
    variables: services.hub.variables.list(prefix),
    auth: server.transport === 'stdio' ? null : authStatusOf(services.oauth.status(prefix)),
    tools: toolsOf(services, prefix),
    upstreamState: pool?.state ?? 'stopped',
    era,
  };
}
