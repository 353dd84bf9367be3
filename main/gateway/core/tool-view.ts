import type { StoredServer } from '../../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../../lib/errors.ts';
import type { StoredCatalog } from '../../registry/upstream-catalog-repository.ts';
import type { ListChanges } from '../../upstream/upstream-types.ts';
import type { GatewayScope } from '../gateway-core.ts';
import type { Aggregate } from './aggregate.ts';
import { buildAggregate } from './aggregate.ts';
import type { NameTarget } from './tool-names.ts';

/**
 * The VIEW of a scope: what one downstream connection lists and what it may call. It is computed from the
 * catalogs and the scope by a ViewPolicy, and it is the only thing the list handlers and tools/call read, so a
 * tool a view does not route is not callable, whatever a client sends.
 *
 * The default policy is today's behaviour (every enabled server; `<prefix>__<name>` in the aggregate scope).
 * Issue 13 decorates it: profiles narrow `sources.catalogs` per client token before delegating (and put the
 * profile in `keyOf`); search mode replaces `tools` with meta-tools answered by `localTools`, which reach the
 * real tools through `LocalToolContext.callUpstream` (same call path, logged under the real tool's name).
 */

/** What every view is computed from, read once per change. */
export interface ViewSources {
  /** Every registered server by prefix, enabled or not. */
  servers: ReadonlyMap<string, StoredServer>;
  /** Catalogs of the ENABLED servers, sorted by prefix, with the catalog policies (tool switches …) applied. */
  catalogs: readonly StoredCatalog[];
}

/** Why a name is not callable in a view; the client gets an `isError` result with this error. */
export interface ToolRefusal {
  /** Server named in the message; '' when the refusal concerns no single server. */
  prefix: string;
  error: SwitchboardError;
}

/** What a tool answered by the hub itself (a search mode's meta-tool) may use. */
export interface LocalToolContext {
  scope: GatewayScope;
  signal: AbortSignal;
  /**
   * Calls an upstream tool through the client call path (hooks, timeouts, progress, call-log row under the
   * real tool's name, outcome classes). Return its result unchanged: in the modern era it may be an
   * `input_required` round whose continuation goes straight to the parked upstream call.
   */
  callUpstream(
    target: NameTarget,
    args: Record<string, unknown> | undefined,
  ): Promise<Record<string, unknown>>;
}

/** A tool the hub answers itself instead of routing it to an upstream. */
export interface LocalTool {
  call(args: Record<string, unknown> | undefined, ctx: LocalToolContext): Promise<Record<string, unknown>>;
}

/** One scope's view: the lists it answers and how each exposed name is resolved. */
export interface ScopeView extends Aggregate {
  /** Tools the hub answers itself, by exposed name; they win over `toolRoutes`. List them in `tools` yourself. */
  localTools?: ReadonlyMap<string, LocalTool>;
  /** Why `exposed` is refused here (outside the profile, pending approval …); undefined: an unknown tool. */
  refusal?(exposed: string): ToolRefusal | undefined;
  /**
   * Why the prompts, resources, templates and completions of server `prefix` may not be used here (the profile leaves
   * the server out), worded about `what` ("The resource switchboard://…"); undefined: they may.
   */
  serverRefusal?(prefix: string, what: string): ToolRefusal | undefined;
  /** Why the prompt `exposed` is refused here (its server is outside the profile); undefined: an unknown prompt. */
  promptRefusal?(exposed: string): ToolRefusal | undefined;
}

/** A change of the policy's own inputs (a profile edited, a client bound to another profile). */
export interface ViewChange {
  lists: ListChanges;
  /** Scopes whose view changed (their sessions get list_changed); every scope when absent. */
  affects?(scope: GatewayScope): boolean;
}

/**
 * Computes views. Contract: `build` is pure over (sources, scope) plus the policy's own state, and two scopes
 * with the same `keyOf` see the same view (views and the serialized tools/list are cached per key until the
 * catalogs, the servers or the policy change). A policy whose own state changes must emit `onChange`.
 */
export interface ViewPolicy {
  keyOf(scope: GatewayScope): string;
  build(sources: ViewSources, scope: GatewayScope): ScopeView;
  onChange?(listener: (change: ViewChange) => void): () => void;
}

/** Every enabled server; namespaced names and wrapped URIs in the aggregate scope, originals per server. */
export const defaultViewPolicy: ViewPolicy = {
  keyOf: (scope) => (scope.kind === 'all' ? '*' : `server:${scope.prefix}`),
  build: (sources, scope) =>
    buildAggregate(
      sources.catalogs.map((catalog) => ({ prefix: catalog.prefix, catalog })),
      scope.kind === 'all' ? { kind: 'all' } : { kind: 'server', prefix: scope.prefix },
    ),
};

/** Where a tools/call of an exposed name goes. */
export type ToolResolution =
  | { kind: 'upstream'; target: NameTarget }
  | { kind: 'local'; tool: LocalTool }
  | { kind: 'refused'; refusal: ToolRefusal }
  /** Not a tool of this scope: a protocol error (InvalidParams), as for any unknown method argument. */
  | { kind: 'unknown' };

/**
 * Resolves `exposed` through `view`: the hub's own tools first, then the view's routes, then the view's
 * refusal, then — in a per-server scope — the server's own state (`blocked`: missing or disabled), so a client
 * of a switched-off server learns why rather than "unknown tool".
 */
export function resolveTool(
  view: ScopeView,
  scope: GatewayScope,
  exposed: string,
  blocked: (prefix: string) => SwitchboardError | undefined,
): ToolResolution {
  const local = view.localTools?.get(exposed);
  if (local) return { kind: 'local', tool: local };
  const target = view.toolRoutes.targetOf(exposed);
  if (target) return { kind: 'upstream', target };
  const refusal = view.refusal?.(exposed);
  if (refusal) return { kind: 'refused', refusal };
  const error = scope.kind === 'server' ? blocked(scope.prefix) : undefined;
  if (error && scope.kind === 'server') return { kind: 'refused', refusal: { prefix: scope.prefix, error } };
  return { kind: 'unknown' };
}

/** Why calls to `prefix` cannot run now (no such server, or switched off); undefined when they can. */
export function serverBlocked(
  servers: ReadonlyMap<string, StoredServer>,
  prefix: string,
): SwitchboardError | undefined {
  const server = servers.get(prefix);
  if (!server) return new SwitchboardError('NOT_FOUND', `no server has the prefix "${prefix}"`);
  if (!server.enabled)
    return new SwitchboardError(
      'UPSTREAM_UNAVAILABLE',
      `${prefix} is disabled: enable it in Switchboard to use it`,
    );
  return undefined;
}
