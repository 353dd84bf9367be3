import type { StoredCatalog } from '../registry/upstream-catalog-repository.ts';
import { BRIDGE_CLIENT_NAME } from '../tokens/bearer.ts';

/**
 * Profiles (issue 13), pure: a profile is a named selection of servers and tools, and how its tools are offered
 * (all listed, or found through search). Everything here is a function of the profile and the catalogs, so the
 * gateway, the window and the CLI compute the same selection. Servers are identified by id (a new server under a
 * reused prefix is a new server: it follows the profile's rule for servers without one).
 */

export type ToolMode = 'full' | 'search' | 'auto';
/** A single tool's rule: in, out, or in and always listed (even in search mode). */
export type ToolRule = 'in' | 'out' | 'listed';

export interface ProfileBudget {
  /** Search once a listing would hold more tools than this. */
  tools: number;
  /** … or more (estimated) tokens than this. */
  tokens: number;
}

/** Cursor warns past about 40 tools; 15k tokens is ~7% of a 200k context spent before the first word. */
export const DEFAULT_BUDGET: ProfileBudget = { tools: 40, tokens: 15_000 };
export const DEFAULT_PROFILE_NAME = 'default';

export interface Profile {
  id: number;
  name: string;
  description: string;
  /** The profile of every client not bound to another: holds everything unless edited. */
  isDefault: boolean;
  /** Servers without a rule of their own — those added later too — are in or out. */
  others: 'in' | 'out';
  /** Server id → whole server in (true) or out (false). */
  servers: ReadonlyMap<number, boolean>;
  /** Server id → tool name → rule; a rule wins over its server's. */
  tools: ReadonlyMap<number, ReadonlyMap<string, ToolRule>>;
  toolMode: ToolMode;
  budget: ProfileBudget;
}

/** Every profile, the default's id and which client uses which (clients not named use the default). */
export interface ProfileSnapshot {
  profiles: ReadonlyMap<number, Profile>;
  defaultId: number;
  /** Lowercased client name (a client token's name, or "bridge") → profile id. */
  bindings: ReadonlyMap<string, number>;
}

/** The client key the stdio bridge's calls are bound under (it has no client token of its own). */
export const BRIDGE_CLIENT = BRIDGE_CLIENT_NAME;

/** Whether the whole server is in the profile. */
export function serverIncluded(profile: Profile, serverId: number): boolean {
  return profile.servers.get(serverId) ?? profile.others === 'in';
}

/** The rule that decides one tool (its own, else its server's). */
export function toolRuleOf(profile: Profile, serverId: number, tool: string): ToolRule | undefined {
  return profile.tools.get(serverId)?.get(tool);
}

/** Whether a tool of a server is in the profile. */
export function toolIncluded(profile: Profile, serverId: number, tool: string): boolean {
  const rule = toolRuleOf(profile, serverId, tool);
  if (rule === 'in' || rule === 'listed') return true;
  if (rule === 'out') return false;
  return serverIncluded(profile, serverId);
}

/** Whether search mode lists the tool anyway. */
export function alwaysListed(profile: Profile, serverId: number, tool: string): boolean {
  return toolRuleOf(profile, serverId, tool) === 'listed';
}

/**
 * Whether the server is part of the profile at all: the whole server is in, or at least one of its tools is. A server
 * that is part of it contributes its prompts, resources, resource templates, completions and instructions (they have
 * no rules of their own, and a tool often points at its server's resources); one that is not contributes nothing.
 */
export function touchesServer(profile: Profile, serverId: number): boolean {
  if (serverIncluded(profile, serverId)) return true;
  for (const rule of profile.tools.get(serverId)?.values() ?? []) if (rule !== 'out') return true;
  return false;
}

/**
 * The catalogs as the profile sees them: a server the profile touches (`touchesServer`) keeps everything but its
 * tools outside the profile; any other server is gone. Order is kept.
 */
export function narrowCatalogs(profile: Profile, catalogs: readonly StoredCatalog[]): StoredCatalog[] {
  const out: StoredCatalog[] = [];
  for (const catalog of catalogs) {
    if (!touchesServer(profile, catalog.serverId)) continue;
    const rules = profile.tools.get(catalog.serverId);
    const whole = serverIncluded(profile, catalog.serverId);
    if (whole && (rules === undefined || ![...rules.values()].includes('out'))) out.push(catalog);
    else
      out.push({
        ...catalog,
        tools: catalog.tools.filter((t) => toolIncluded(profile, catalog.serverId, t.name)),
      });
  }
  return out;
}

/** How a listing is offered, and why (for the window). */
export interface ListingDecision {
  mode: 'full' | 'search';
  reason: string;
}

/**
 * Full or search for a listing of `tools` tools and about `tokens()` tokens (only computed when it matters): the
 * profile's mode, or in `auto` search once either budget is exceeded.
 */
export function decideListing(
  profile: Pick<Profile, 'toolMode' | 'budget'>,
  tools: number,
  tokens: () => number,
): ListingDecision {
  if (profile.toolMode === 'full') return { mode: 'full', reason: 'every tool is listed' };
  if (profile.toolMode === 'search')
    return { mode: 'search', reason: 'tools are found by search (search mode)' };
  const { budget } = profile;
  if (tools > budget.tools)
    return { mode: 'search', reason: `${tools} tools exceed the budget of ${budget.tools} (auto mode)` };
  const estimate = tokens();
  if (estimate > budget.tokens)
    return {
      mode: 'search',
      reason: `about ${estimate} tokens exceed the budget of ${budget.tokens} (auto mode)`,
    };
  return {
    mode: 'full',
    reason: `${tools} tools, about ${estimate} tokens: within the budget of ${budget.tools} tools and ${budget.tokens} tokens (auto mode)`,
  };
}

/** The client key of a caller: a client token's name, "bridge" for the stdio bridge, undefined otherwise. */
export function clientKeyOf(caller: { tokenId?: string; clientName: string }): string | undefined {
  if (caller.tokenId !== undefined) return caller.clientName.toLowerCase();
  return caller.clientName === BRIDGE_CLIENT ? BRIDGE_CLIENT : undefined;
}

/** The profile a client uses (its binding, else the default). */
export function profileOfClient(snapshot: ProfileSnapshot, client: string | undefined): Profile {
  const bound = client === undefined ? undefined : snapshot.bindings.get(client.toLowerCase());
  const profile =
    (bound === undefined ? undefined : snapshot.profiles.get(bound)) ??
    snapshot.profiles.get(snapshot.defaultId);
  if (!profile) throw new Error('the registry has no default profile (migration 010 creates it)');
  return profile;
}

/** A stable text of everything that decides a profile's views (to tell which profiles changed). */
export function profileSignature(profile: Profile): string {
  const servers = [...profile.servers].sort(([a], [b]) => a - b);
  const tools = [...profile.tools]
    .sort(([a], [b]) => a - b)
    .map(([id, rules]) => [id, [...rules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  return JSON.stringify([profile.name, profile.others, profile.toolMode, profile.budget, servers, tools]);
}
