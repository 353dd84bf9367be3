import type {
  AuthStatus,
  HealthSnapshot,
  ServerDetail,
  ServerSummary,
  ToolInfo,
} from '../../preload/contract/models.ts';
import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { buildNameIndex } from '../gateway/core/tool-names.ts';
import { restoredHealthState } from '../health/health-record.ts';
import type { HealthState } from '../health/health-status.ts';
import type { CredentialStatus } from '../oauth/grant-record.ts';
import type { WithheldTool } from '../pins/pin-evaluation.ts';
import { evaluatePins, toolChangePolicyOf } from '../pins/pin-evaluation.ts';
import { toDefinition } from '../registry/server-repository.ts';
import type { UseCaseContext } from './context.ts';

/**
 * How a server is shown (window, tray, CLI): built from the registry, the tool cache, and — when this process
 * runs the hub — the live health monitor, OAuth manager and pool; otherwise from the recorded health history.
 * Nothing here can carry a secret value: definitions hold `${NAME}` references only.
 */

/** The contract's health snapshot of a monitor state. */
export function snapshotOf(state: HealthState): HealthSnapshot {
  return {
    status: state.status,
    degradedBy: state.degradedBy,
    since: state.since,
    checkedAt: state.checkedAt,
    latencyMs: state.latencyMs,
    lastError: state.lastError
      ? { message: state.lastError.message, code: state.lastError.code ?? null, at: state.lastError.at }
      : null,
    missing: [...state.missing],
  };
}

/** The server's health: live when this process runs the hub, else its last recorded result. */
export function healthOf(ctx: UseCaseContext, server: StoredServer): HealthSnapshot {
  const live = ctx.runtime()?.health.status(server.prefix);
  if (live) return snapshotOf(live);
  if (!server.enabled)
    return { ...snapshotOf(restoredHealthState(undefined, ctx.clock.now())), status: 'disabled' };
  const last = ctx.registry.healthHistory.lastN(server.id, 1)[0];
  const restored = restoredHealthState(last, ctx.clock.now());
  return { ...snapshotOf(restored), status: last?.status ?? 'unknown', since: last?.checkedAt ?? null };
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
export function summaryOf(ctx: UseCaseContext, server: StoredServer): ServerSummary {
  return {
    id: server.id,
    prefix: server.prefix,
    name: server.name,
    transport: server.transport,
    enabled: server.enabled,
    target: targetOf(server),
    health: healthOf(ctx, server),
    toolCount: ctx.registry.catalog.get(server.id)?.tools.length ?? 0,
    authFlow: authFlowOf(server),
  };
}

/** The contract's view of an OAuth credential status (drops internal fields). */
export function authStatusOf(status: CredentialStatus): AuthStatus {
  return {
    flow: status.flow,
    hasCredential: status.hasCredential,
    issuer: status.issuer,
    expiresAt: status.expiresAt,
    isExpired: status.isExpired,
    connectedAt: status.connectedAt,
    scopes: [...status.scopes],
    requiredScopes: status.requiredScopes && [...status.requiredScopes],
  };
}

/** Tools of one server as cached, with the names clients see and whether the person switched them on. */
export function toolsOf(ctx: UseCaseContext, server: StoredServer): ToolInfo[] {
  const { catalog, toolSettings } = ctx.registry;
  const cached = catalog.get(server.id);
  if (!cached) return [];
  const disabled = toolSettings.disabled(server.id);
  const withheld = new Map(withheldToolsOf(ctx, server).map((w) => [w.name, w.kind]));
  // The same index the core builds over every server, so shortened names match what clients see.
  const index = buildNameIndex(
    catalog.list().flatMap((c) => c.tools.map((t) => ({ prefix: c.prefix, name: t.name }))),
  );
  return cached.tools.map((tool) => ({
    name: tool.name,
    exposedName: index.exposedOf(server.prefix, tool.name) ?? `${server.prefix}__${tool.name}`,
    title: tool.title,
    description: tool.description,
    inputSchema: { ...(tool.inputSchema as Record<string, unknown>) },
    enabled: !disabled.has(tool.name),
    ...(withheld.has(tool.name) ? { withheld: withheld.get(tool.name) } : {}),
  }));
}

/** The server's tools withheld from clients until a person approves them (pinned definitions). */
export function withheldToolsOf(ctx: UseCaseContext, server: StoredServer): WithheldTool[] {
  const catalog = ctx.registry.catalog.get(server.id);
  if (!catalog) return [];
  return evaluatePins(catalog.tools, ctx.registry.toolPins.get(server.id), toolChangePolicyOf(server))
    .withheld;
}

/** Everything the server page shows. */
export async function detailOf(ctx: UseCaseContext, server: StoredServer): Promise<ServerDetail> {
  const runtime = ctx.runtime();
  const pool = runtime?.pool.status(server.prefix);
  const era = pool?.era?.era ?? ctx.registry.catalog.get(server.id)?.era?.era ?? null;
  return {
    summary: summaryOf(ctx, server),
    definition: { ...toDefinition(server) },
    variables: ctx.variables.list(server.prefix),
    auth: server.transport === 'stdio' ? null : authStatusOf((await ctx.oauth()).status(server.prefix)),
    tools: toolsOf(ctx, server),
    upstreamState: pool?.state ?? 'stopped',
    era,
  };
}
