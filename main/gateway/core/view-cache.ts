import type { StoredServer } from '../../../preload/contract/server-definition.ts';
import type { StoredCatalog } from '../../registry/upstream-catalog-repository.ts';
import type { GatewayScope } from '../gateway-core.ts';
import type { ScopeView, ViewPolicy, ViewSources } from './tool-view.ts';

/**
 * The views of every scope, built once per change and kept until the next: a tools/list never rebuilds the
 * aggregate (at catalog scale that is thousands of objects) and never reads the registry. Everything cached
 * here — the sources, each key's view and its serialized tools/list — is dropped together by `invalidate`,
 * which the core calls on every catalog, server or policy change, so the bytes can never outlive their view.
 */

export interface ViewCache {
  /** The servers and enabled catalogs every view is computed from. */
  sources(): ViewSources;
  /** The view of `scope` (by the policy's key). */
  view(scope: GatewayScope): ScopeView;
  /**
   * The JSON bytes of `{ tools }` for a session-era tools/list in `scope`, or undefined when the SDK Server must
   * answer itself (see `legacyToolsListBytes`).
   */
  toolsListBytes(scope: GatewayScope): Uint8Array | undefined;
  /** Forgets everything: the next read rebuilds from the registry. */
  invalidate(): void;
}

export interface ViewCacheDeps {
  servers: { list(): StoredServer[] };
  catalogs: { list(): StoredCatalog[] };
  policy: ViewPolicy;
}

/** The sources of every view: all servers by prefix, and the catalogs of the enabled ones. */
export function readSources(
  servers: readonly StoredServer[],
  catalogs: readonly StoredCatalog[],
): ViewSources {
  const byPrefix = new Map(servers.map((s) => [s.prefix, s]));
  return {
    servers: byPrefix,
    catalogs: catalogs
      .filter((c) => byPrefix.get(c.prefix)?.enabled === true)
      .sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0)),
  };
}

/**
 * True when the SDK sends `tool` to session-era clients exactly as given: it wraps an output schema whose root
 * is not an object (allowed since 2026-07-28) before sending it to them. Conservative: any output schema that
 * does not plainly declare `type: "object"` counts as rewritten.
 */
export function keptAsIsForLegacy(tool: { outputSchema?: unknown }): boolean {
  const schema = tool.outputSchema;
  return (
    schema === undefined ||
    (typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'object')
  );
}

/** The bytes a session-era tools/list result would have, or null when the SDK would rewrite some tool. */
export function legacyToolsListBytes(tools: readonly { outputSchema?: unknown }[]): Uint8Array | null {
  return tools.every(keptAsIsForLegacy) ? Buffer.from(JSON.stringify({ tools }), 'utf8') : null;
}

interface Entry {
  view: ScopeView;
  /** undefined: not serialized yet; null: the Server must answer. */
  toolsJson?: Uint8Array | null;
}

/** Creates an empty cache over the registry and the view policy. */
export function createViewCache(deps: ViewCacheDeps): ViewCache {
  let sources: ViewSources | undefined;
  const views = new Map<string, Entry>();
  const readSourcesNow = () => (sources ??= readSources(deps.servers.list(), deps.catalogs.list()));
  const entryOf = (scope: GatewayScope): Entry => {
    const key = deps.policy.keyOf(scope);
    let entry = views.get(key);
    if (!entry) views.set(key, (entry = { view: deps.policy.build(readSourcesNow(), scope) }));
    return entry;
  };
  return {
    sources: readSourcesNow,
    view: (scope) => entryOf(scope).view,
    toolsListBytes(scope) {
      const entry = entryOf(scope);
      if (entry.toolsJson === undefined) entry.toolsJson = legacyToolsListBytes(entry.view.tools);
      return entry.toolsJson ?? undefined;
    },
    invalidate() {
      sources = undefined;
      views.clear();
    },
  };
}
