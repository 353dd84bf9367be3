import type { Tool } from '@modelcontextprotocol/client';
import type {
  ClientProfile,
  ProfileDetail,
  ProfileServer,
  ProfileSummary,
} from '../../preload/contract/models.ts';
import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { CLIENT_ADAPTERS } from '../clients/client-registry.ts';
import { buildAggregate } from '../gateway/core/aggregate.ts';
import { searchModeTools } from '../gateway/core/search-tools.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { Profile, ToolMode, ToolRule, ProfileBudget } from '../profiles/profile-model.ts';
import {
  alwaysListed,
  BRIDGE_CLIENT,
  decideListing,
  narrowCatalogs,
  profileOfClient,
  serverIncluded,
  toolIncluded,
  toolRuleOf,
} from '../profiles/profile-model.ts';
import type { StoredCatalog } from '../registry/upstream-catalog-repository.ts';
import { createToolIndex } from '../toolsearch/tool-index.ts';
import { estimateTokens } from '../toolsearch/token-estimate.ts';
import type { UseCaseContext } from './context.ts';

/**
 * Profiles (issue 13): create, edit, remove, and which client uses which. Every write is one registry transaction
 * and then `profiles.changed`, which the running hub answers by re-reading the profiles (a hub in another process
 * notices through the registry's change counter), so a client's sessions hear list_changed without its config file
 * being touched. Listings shown here are computed from the cached catalogs exactly as the gateway builds them.
 */

export interface ProfileCreateInput {
  name: string;
  description?: string;
  others?: 'in' | 'out';
  toolMode?: ToolMode;
  budget?: Partial<ProfileBudget>;
  /** Copy the rules of this profile. */
  from?: string;
  /** Rules set in the same transaction (after the copy). */
  servers?: ProfileChange['servers'];
  tools?: ProfileChange['tools'];
}

export interface ProfileChange {
  rename?: string;
  description?: string;
  others?: 'in' | 'out';
  toolMode?: ToolMode;
  budget?: Partial<ProfileBudget>;
  servers?: { prefix: string; included: boolean | null }[];
  tools?: { prefix: string; tool: string; rule: ToolRule | null }[];
}

export interface ProfileUseCases {
  list(): ProfileSummary[];
  get(name: string): ProfileDetail;
  create(input: ProfileCreateInput): ProfileDetail;
  update(name: string, change: ProfileChange): ProfileDetail;
  /** Removes a profile; its clients use the default again. */
  remove(name: string): { removed: string; clients: string[] };
  /** Every client token and the bridge, with its profile and listing. */
  clients(): ClientProfile[];
  /**
   * Moves a client to a profile. `client` is a client token's name, a client id (a stdio-only client such as
   * claude-desktop means the bridge), or "bridge".
   */
  use(client: string, profile: string): { client: string; profile: string; previous: string };
  /** The binding key of a client argument (see `use`), or NOT_FOUND with what to do. */
  clientKey(client: string): string;
  /** NOT_FOUND unless a profile of that name exists (checked before a client's file is written). */
  assertExists(name: string): void;
}

/** What the gateway would offer one profile on /mcp, from the registry's catalogs. */
interface Listing {
  tools: Tool[];
  mode: 'full' | 'search';
  reason: string;
  listed: Tool[];
}

export function profileUseCases(ctx: UseCaseContext): ProfileUseCases {
  const { profiles } = ctx.registry;
  const changed = () => ctx.runtime()?.emit('profiles.changed', {});
  const existing = (name: string): Profile => {
    const profile = profiles.find(name);
    if (!profile)
      throw new SwitchboardError('NOT_FOUND', `no profile named "${name}"; see switchboard profile list`);
    return profile;
  };
  const serverOf = (prefix: string): StoredServer => {
    const server = ctx.registry.servers.find(prefix);
    if (!server)
      throw new SwitchboardError(
        'NOT_FOUND',
        `no server has the prefix "${prefix}"; see switchboard server list`,
      );
    return server;
  };

  /** The enabled servers' catalogs with the tool switches applied (as the gateway's sources). */
  const sources = () => {
    const servers = ctx.registry.servers.list();
    const enabled = new Map(servers.filter((s) => s.enabled).map((s) => [s.prefix, s]));
    const disabled = ctx.registry.toolSettings.allDisabled();
    const catalogs = ctx.registry.catalog
      .list()
      .filter((c) => enabled.has(c.prefix))
      .map((c) => {
        const off = disabled.get(c.serverId);
        return off && off.size > 0 ? { ...c, tools: c.tools.filter((t) => !off.has(t.name)) } : c;
      })
      .sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
    return { servers, catalogs };
  };

  const listingOf = (
    profile: Profile,
    catalogs: readonly StoredCatalog[],
    servers: StoredServer[],
  ): Listing => {
    const narrowed = narrowCatalogs(profile, catalogs);
    const view = buildAggregate(
      narrowed.map((c) => ({ prefix: c.prefix, catalog: c })),
      { kind: 'all' },
    );
    const decision = decideListing(profile, view.tools.length, () => estimateTokens(view.tools));
    if (decision.mode === 'full') return { tools: view.tools, ...decision, listed: view.tools };
    const ids = new Map(servers.map((s) => [s.prefix, s.id]));
    const reachable = new Map(
      view.tools.flatMap((tool) => {
        const target = view.toolRoutes.targetOf(tool.name);
        return target ? [[tool.name, { tool, target }] as const] : [];
      }),
    );
    const meta = searchModeTools({
      tools: reachable,
      index: () => createToolIndex(),
      refusal: () => undefined,
    });
    const pinned = [...reachable.values()]
      .filter(({ target }) => {
        const id = ids.get(target.prefix);
        return id !== undefined && alwaysListed(profile, id, target.name);
      })
      .map(({ tool }) => tool);
    return { tools: view.tools, ...decision, listed: [...meta.definitions, ...pinned] };
  };

  const summaryOf = (
    profile: Profile,
    clients: string[],
    src: { servers: StoredServer[]; catalogs: StoredCatalog[] },
  ): ProfileSummary => {
    const listing = listingOf(profile, src.catalogs, src.servers);
    return {
      name: profile.name,
      description: profile.description,
      isDefault: profile.isDefault,
      others: profile.others,
      toolMode: profile.toolMode,
      budget: { ...profile.budget },
      clients,
      listing: {
        tools: listing.tools.length,
        fullTokens: estimateTokens(listing.tools),
        mode: listing.mode,
        reason: listing.reason,
        listed: listing.listed.length,
        listedTokens: estimateTokens(listing.listed),
      },
    };
  };

  /** Client keys (token names and "bridge") by the profile they use. */
  const clientsByProfile = (): Map<number, string[]> => {
    const snapshot = profiles.snapshot();
    const out = new Map<number, string[]>();
    for (const client of [...ctx.registry.tokens.list().map((t) => t.name), BRIDGE_CLIENT]) {
      const id = profileOfClient(snapshot, client).id;
      out.set(id, [...(out.get(id) ?? []), client]);
    }
    return out;
  };

  const detailOf = (profile: Profile): ProfileDetail => {
    const src = sources();
    const catalogs = new Map(ctx.registry.catalog.list().map((c) => [c.serverId, c]));
    const disabled = ctx.registry.toolSettings.allDisabled();
    const servers: ProfileServer[] = src.servers.map((server) => {
      const catalog = catalogs.get(server.id);
      const off = disabled.get(server.id);
      return {
        prefix: server.prefix,
        name: server.name,
        enabled: server.enabled,
        rule: profile.servers.get(server.id) ?? null,
        included: serverIncluded(profile, server.id),
        toolsKnown: catalog !== undefined,
        tools: (catalog?.tools ?? [])
          .filter((t) => !off?.has(t.name))
          .map((t) => ({
            name: t.name,
            title: t.title,
            description: t.description,
            rule: toolRuleOf(profile, server.id, t.name) ?? null,
            included: toolIncluded(profile, server.id, t.name),
            alwaysListed: alwaysListed(profile, server.id, t.name),
          })),
      };
    });
    return { ...summaryOf(profile, clientsByProfile().get(profile.id) ?? [], src), servers };
  };

  const clientKey = (client: string): string => {
    const wanted = client.trim();
    if (wanted.toLowerCase() === BRIDGE_CLIENT) return BRIDGE_CLIENT;
    const token = ctx.registry.tokens.list().find((t) => t.name.toLowerCase() === wanted.toLowerCase());
    if (token) return token.name;
    const adapter = CLIENT_ADAPTERS.find((a) => a.id === wanted.toLowerCase());
    if (adapter && !adapter.supportsHttp) return BRIDGE_CLIENT;
    throw new SwitchboardError(
      'NOT_FOUND',
      `no client named "${client}": connect it first (switchboard connect ${client}), or see switchboard token list ` +
        '("bridge" is the stdio bridge)',
    );
  };

  return {
    list() {
      const src = sources();
      const byProfile = clientsByProfile();
      return profiles.list().map((p) => summaryOf(p, byProfile.get(p.id) ?? [], src));
    },
    get: (name) => detailOf(existing(name)),
    create(input) {
      const created = ctx.registry.write(() => {
        const source = input.from === undefined ? undefined : existing(input.from);
        const profile = profiles.create({
          name: input.name,
          description: input.description ?? source?.description,
          others: input.others ?? source?.others,
          toolMode: input.toolMode ?? source?.toolMode,
          budget: { ...source?.budget, ...input.budget },
        });
        if (source) {
          for (const [serverId, included] of source.servers)
            profiles.setServer(profile.id, serverId, included);
          for (const [serverId, rules] of source.tools)
            for (const [tool, rule] of rules) profiles.setTool(profile.id, serverId, tool, rule);
        }
        for (const { prefix, included } of input.servers ?? [])
          profiles.setServer(profile.id, serverOf(prefix).id, included);
        for (const { prefix, tool, rule } of input.tools ?? [])
          profiles.setTool(profile.id, serverOf(prefix).id, tool, rule);
        return profiles.find(profile.name)!;
      });
      changed();
      return detailOf(created);
    },
    update(name, change) {
      const updated = ctx.registry.write(() => {
        let profile = existing(name);
        profile = profiles.update(profile.name, {
          name: change.rename,
          description: change.description,
          others: change.others,
          toolMode: change.toolMode,
          budget: change.budget,
        });
        for (const { prefix, included } of change.servers ?? [])
          profiles.setServer(profile.id, serverOf(prefix).id, included);
        for (const { prefix, tool, rule } of change.tools ?? [])
          profiles.setTool(profile.id, serverOf(prefix).id, tool, rule);
        return profiles.find(profile.name)!;
      });
      changed();
      return detailOf(updated);
    },
    remove(name) {
      const { profile, clients } = ctx.registry.write(() => profiles.remove(name));
      changed();
      return { removed: profile.name, clients };
    },
    clients() {
      const snapshot = profiles.snapshot();
      const src = sources();
      const listings = new Map<number, Listing>();
      const listing = (profile: Profile) => {
        let found = listings.get(profile.id);
        if (!found) listings.set(profile.id, (found = listingOf(profile, src.catalogs, src.servers)));
        return found;
      };
      const rows = [
        ...ctx.registry.tokens.list().map((t) => ({ client: t.name, label: t.name })),
        { client: BRIDGE_CLIENT, label: 'Stdio bridge (Claude Desktop and other command-only clients)' },
      ];
      return rows.map(({ client, label }) => {
        const profile = profileOfClient(snapshot, client);
        const offered = listing(profile);
        return {
          client,
          label,
          profile: profile.name,
          listed: offered.listed.length,
          tools: offered.tools.length,
          mode: offered.mode,
        };
      });
    },
    use(client, profileName) {
      const key = clientKey(client);
      const result = ctx.registry.write(() => {
        const target = existing(profileName);
        const previous = profileOfClient(profiles.snapshot(), key);
        profiles.bind(key, target.id);
        return { client: key, profile: target.name, previous: previous.name };
      });
      changed();
      return result;
    },
    clientKey,
    assertExists(name) {
      existing(name);
    },
  };
}
