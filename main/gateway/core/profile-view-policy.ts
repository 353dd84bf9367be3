import type { Tool } from '@modelcontextprotocol/client';
import { SwitchboardError } from '../../lib/errors.ts';
import { createListeners } from '../../lib/listeners.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Profile, ProfileSnapshot } from '../../profiles/profile-model.ts';
import {
  alwaysListed,
  clientKeyOf,
  decideListing,
  narrowCatalogs,
  profileOfClient,
  profileSignature,
  toolIncluded,
  touchesServer,
} from '../../profiles/profile-model.ts';
import type { StoredCatalog } from '../../registry/upstream-catalog-repository.ts';
import { createToolIndex, type ToolGroup, type ToolIndex } from '../../toolsearch/tool-index.ts';
import { toolKey } from '../../toolsearch/tool-documents.ts';
import { estimateTokens } from '../../toolsearch/token-estimate.ts';
import type { GatewayScope } from '../gateway-core.ts';
import { searchModeTools } from './search-tools.ts';
import type { NameIndex, NameTarget } from './tool-names.ts';
import { buildNameIndex } from './tool-names.ts';
import type { LocalTool, ScopeView, ToolRefusal, ViewChange, ViewPolicy, ViewSources } from './tool-view.ts';

/**
 * Profiles in the gateway (issue 13), as a decorator of a view policy (tool-view.ts):
 * - each scope's caller (its client token's name, or the bridge) picks a profile; the profile narrows
 *   `sources.catalogs` before the inner policy builds the view, so a tool outside it is neither listed nor routed,
 *   on `/mcp`, `/mcp/<prefix>` and through the bridge alike; calling one by name answers a clear refusal;
 * - a server the profile does not touch (neither the whole server nor any of its tools is in) lends nothing else
 *   either: its prompts, resources and templates are not listed, and `serverRefusal` / `promptRefusal` refuse reading,
 *   prompting, completing and subscribing by URI or name (feature-handlers.ts); a per-server route of it has no
 *   instructions;
 * - in search mode (or in auto mode over the profile's budget) the listing is the three meta-tools of
 *   search-tools.ts plus the profile's "always listed" tools, while every tool of the profile stays callable;
 * - `recheck()` notices profile edits and bindings made anywhere (this process or the CLI: one counter read) and
 *   tells only the affected scopes' sessions (list_changed).
 * The search index is one for all views (every enabled tool), synced per server on the first search after a change,
 * and filtered per view.
 */

/** Where profiles come from (the registry's profile repository). */
export interface ProfileSource {
  snapshot(): ProfileSnapshot;
  /** Moves whenever a profile or a binding changed, in any process. */
  version(): number;
}

export interface ProfileViewPolicy extends ViewPolicy {
  /** Reads profiles again if they changed; emits list changes for the scopes that see a difference. */
  recheck(): boolean;
  /** The profile a scope uses now. */
  profileOf(scope: GatewayScope): Profile;
}

export interface ProfileViewDeps {
  profiles: ProfileSource;
  log: Logger;
}

const EVERY_LIST = { tools: true, prompts: true, resources: true };

/** Decorates `inner` (the default policy, with its own decorators) with profiles and search mode. */
export function withProfiles(inner: ViewPolicy, deps: ProfileViewDeps): ProfileViewPolicy {
  const log = deps.log.child({ component: 'profiles' });
  const listeners = createListeners<{ change: (change: ViewChange) => void }>(log);
  let version = deps.profiles.version();
  let snapshot = deps.profiles.snapshot();
  const index = createToolIndex();
  let indexedFor: ViewSources | undefined;
  const indexFor = (sources: ViewSources): ToolIndex => {
    if (indexedFor !== sources) {
      index.sync(toolGroups(sources));
      indexedFor = sources;
    }
    return index;
  };
  const profileOf = (scope: GatewayScope) => profileOfClient(snapshot, clientKeyOf(scope.caller));

  const policy: ProfileViewPolicy = {
    profileOf,
    keyOf: (scope) => `profile:${profileOf(scope).id}|${inner.keyOf(scope)}`,
    build(sources, scope) {
      const profile = profileOf(scope);
      const view = inner.build({ ...sources, catalogs: narrowCatalogs(profile, sources.catalogs) }, scope);
      const refusals = {
        refusal: refusalOf(profile, sources, scope, view),
        ...featureRefusalsOf(profile, sources, scope, view),
      };
      const { refusal } = refusals;
      // A per-server route outside the profile offers nothing at all, not even the meta-tools.
      const routeId = scope.kind === 'server' ? sources.servers.get(scope.prefix)?.id : undefined;
      if (routeId !== undefined && !touchesServer(profile, routeId)) return { ...view, ...refusals };
      const decision = decideListing(profile, view.tools.length, () => estimateTokens(view.tools));
      if (decision.mode === 'full') return { ...view, ...refusals };

      const reachable = new Map<string, { tool: Tool; target: NameTarget }>();
      for (const tool of view.tools) {
        const target = view.toolRoutes.targetOf(tool.name);
        if (target) reachable.set(tool.name, { tool, target });
      }
      const meta = searchModeTools({ tools: reachable, index: () => indexFor(sources), refusal });
      const listed = [...reachable.values()]
        .filter(({ tool, target }) => {
          const id = sources.servers.get(target.prefix)?.id;
          return id !== undefined && alwaysListed(profile, id, target.name) && !meta.local.has(tool.name);
        })
        .map(({ tool }) => tool);
      const localTools = new Map<string, LocalTool>([...(view.localTools ?? []), ...meta.local]);
      return { ...view, tools: [...meta.definitions, ...listed], localTools, ...refusals };
    },
    onChange(listener) {
      const offOwn = listeners.on('change', listener);
      const offInner = inner.onChange?.(listener);
      return () => {
        offOwn();
        offInner?.();
      };
    },
    recheck() {
      let next: ProfileSnapshot;
      try {
        const current = deps.profiles.version();
        if (current === version) return false;
        version = current;
        next = deps.profiles.snapshot();
      } catch (error) {
        log.warn('could not read the profiles; clients keep the ones they had', { error });
        return false;
      }
      const previous = snapshot;
      snapshot = next;
      const changedProfiles = new Set<number>();
      for (const id of new Set([...previous.profiles.keys(), ...next.profiles.keys()])) {
        const before = previous.profiles.get(id);
        const after = next.profiles.get(id);
        if (!before || !after || profileSignature(before) !== profileSignature(after))
          changedProfiles.add(id);
      }
      if (previous.defaultId !== next.defaultId) changedProfiles.add(next.defaultId);
      const changedClients = new Set<string>();
      for (const client of new Set([...previous.bindings.keys(), ...next.bindings.keys()])) {
        if (previous.bindings.get(client) !== next.bindings.get(client)) changedClients.add(client);
      }
      if (changedProfiles.size === 0 && changedClients.size === 0) return false;
      listeners.emit('change', {
        lists: EVERY_LIST,
        affects: (scope) => {
          const client = clientKeyOf(scope.caller);
          if (client !== undefined && changedClients.has(client)) return true;
          return (
            changedProfiles.has(profileOfClient(previous, client).id) ||
            changedProfiles.has(profileOfClient(next, client).id)
          );
        },
      });
      return true;
    },
  };
  return policy;
}

/** Every enabled server's tools as index groups; the fingerprint moves with the catalog and the server's words. */
function toolGroups(sources: ViewSources): ToolGroup[] {
  return sources.catalogs.map((catalog: StoredCatalog) => {
    const server = sources.servers.get(catalog.prefix);
    const names = catalog.tools.map((t) => t.name).join('\0');
    return {
      key: catalog.prefix,
      fingerprint: `${catalog.serverId}|${catalog.refreshedAt}|${server?.name}|${server?.description}|${names}`,
      tools: catalog.tools.map((tool) => ({
        id: toolKey(catalog.prefix, tool.name),
        prefix: catalog.prefix,
        tool,
        server: { name: server?.name ?? catalog.prefix, description: server?.description },
      })),
    };
  });
}

/**
 * The refusal of something outside the profile: cause first, then the fix in the window or with the CLI (`include`:
 * the `--include` argument, SERVER or SERVER/TOOL, as main/cli/profile-commands.ts takes it). It names the profile,
 * not the client: views are shared by every scope with the same key (every client of the profile), so nothing in
 * them may depend on which client asks.
 */
function outsideProfile(profile: Profile, what: string, addWhat: string, include: string): SwitchboardError {
  return new SwitchboardError(
    'FORBIDDEN',
    `${what} is not in this client's profile "${profile.name}": add ${addWhat} to that profile in Switchboard ` +
      `(Profiles) or run \`switchboard profile edit ${shellWord(profile.name)} --include ${shellWord(include)}\`, or ` +
      'move the client to another profile: `switchboard profile use <client> <profile>`',
    { details: { profile: profile.name } },
  );
}

/** `text` as one shell word (quoted when it holds anything but plain name characters). */
function shellWord(text: string): string {
  if (/^[A-Za-z0-9._/:@-]+$/.test(text)) return text;
  // In single quotes everything is literal; a quote itself closes, is escaped, and reopens: ' → '\''.
  const QUOTE = "'";
  return QUOTE + text.split(QUOTE).join(`${QUOTE}\\${QUOTE}${QUOTE}`) + QUOTE;
}

/**
 * A view's refusals: a tool that exists among the enabled servers but is outside the profile (or any name on a
 * per-server route whose server the profile leaves out) names the profile; everything else is the inner view's.
 */
function refusalOf(
  profile: Profile,
  sources: ViewSources,
  scope: GatewayScope,
  view: ScopeView,
): (exposed: string) => ToolRefusal | undefined {
  let everything: NameIndex | undefined;
  const targetOf = (exposed: string): NameTarget | undefined => {
    if (scope.kind === 'server') {
      const catalog = sources.catalogs.find((c) => c.prefix === scope.prefix);
      return catalog?.tools.some((t) => t.name === exposed)
        ? { prefix: scope.prefix, name: exposed }
        : undefined;
    }
    everything ??= buildNameIndex(
      sources.catalogs.flatMap((c) => c.tools.map((t) => ({ prefix: c.prefix, name: t.name }))),
    );
    return everything.targetOf(exposed);
  };
  const idOf = (prefix: string) => sources.servers.get(prefix)?.id;
  return (exposed) => {
    if (scope.kind === 'server') {
      const id = idOf(scope.prefix);
      if (id !== undefined && !touchesServer(profile, id))
        return { prefix: scope.prefix, error: outsideServer(profile, scope.prefix) };
    }
    const target = targetOf(exposed);
    const id = target && idOf(target.prefix);
    if (target && id !== undefined && !toolIncluded(profile, id, target.name))
      return { prefix: target.prefix, error: outsideTool(profile, exposed, target) };
    const own = view.refusal?.(exposed);
    if (own) {
      // A pending tool of a server the profile leaves out is outside the profile first.
      const ownId = own.prefix === '' ? undefined : idOf(own.prefix);
      if (ownId !== undefined && !touchesServer(profile, ownId))
        return { prefix: own.prefix, error: outsideServer(profile, own.prefix, exposed) };
      return own;
    }
    return undefined;
  };
}

const outsideTool = (profile: Profile, exposed: string, target: NameTarget) =>
  outsideProfile(profile, exposed, 'it', `${target.prefix}/${target.name}`);

/** Something of a server the profile leaves out (the server itself when `what` is not given). */
const outsideServer = (profile: Profile, prefix: string, what?: string) =>
  what === undefined
    ? outsideProfile(profile, `The server ${prefix}`, 'it', prefix)
    : outsideProfile(profile, what, `its server, ${prefix},`, prefix);

/**
 * A view's refusals besides tools: the prompts, resources, templates and completions of an enabled server the profile
 * does not touch (a per-server route of one is refused whole), and a prompt name of such a server; everything else is
 * the inner view's.
 */
function featureRefusalsOf(
  profile: Profile,
  sources: ViewSources,
  scope: GatewayScope,
  view: ScopeView,
): Pick<ScopeView, 'serverRefusal' | 'promptRefusal'> {
  const outside = (prefix: string): boolean => {
    const server = sources.servers.get(prefix);
    return server !== undefined && !touchesServer(profile, server.id);
  };
  const serverRefusal = (prefix: string, what: string): ToolRefusal | undefined => {
    if (!outside(prefix)) return view.serverRefusal?.(prefix, what);
    const onRoute = scope.kind === 'server' && scope.prefix === prefix;
    return { prefix, error: outsideServer(profile, prefix, onRoute ? undefined : what) };
  };
  let everything: NameIndex | undefined;
  const promptRefusal = (exposed: string): ToolRefusal | undefined => {
    if (scope.kind === 'server') return serverRefusal(scope.prefix, `The prompt ${exposed}`);
    everything ??= buildNameIndex(
      sources.catalogs.flatMap((c) => c.prompts.map((p) => ({ prefix: c.prefix, name: p.name }))),
    );
    const target = everything.targetOf(exposed);
    const refused =
      target && outside(target.prefix) ? serverRefusal(target.prefix, `The prompt ${exposed}`) : undefined;
    return refused ?? view.promptRefusal?.(exposed);
  };
  return { serverRefusal, promptRefusal };
}
