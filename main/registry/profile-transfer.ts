import { z } from 'zod';
import { SwitchboardError } from '../lib/errors.ts';
import type { Profile, ProfileSnapshot } from '../profiles/profile-model.ts';
import type { ProfileRepository } from './profile-repository.ts';
import { BudgetValueSchema, ProfileNameSchema } from './profile-repository.ts';

/**
 * Profiles in the export file (`switchboard export`, Settings → Data): everything a profile holds — description,
 * servers without a rule, server and tool rules (always-listed tools too), tool mode, budget, and which clients use
 * it (client NAMES; tokens are never exported) — with servers named by prefix, since ids are this hub's own.
 *
 * Importing (inside the import's one transaction, after the file's servers were added, so every server a profile
 * names is new here):
 * - a profile whose name is new here is created as in the file;
 * - a profile whose name exists here (the default always does) gets the file's rules for the imported servers, and
 *   where the file's `others` differs from this profile's, an explicit rule for each imported server without one, so
 *   every imported server and tool is in or out exactly as in the file; its own settings stay, and so does the place
 *   of this hub's own servers in every profile;
 * - RESTORING (this hub had no servers before the import, so no client saw anything): the file is taken whole — the
 *   existing profiles of the same name take its settings too, and its clients are bound as in the file. Otherwise
 *   client bindings are left as they are here: an import never moves this hub's clients.
 */

const RuleSchema = z.enum(['in', 'out', 'listed'], { error: 'must be in, out or listed' });

export const ExportedProfileSchema = z
  .object({
    name: ProfileNameSchema,
    description: z.string().max(1000, 'must be at most 1000 characters').optional(),
    others: z.enum(['in', 'out'], { error: 'must be in or out' }).optional(),
    toolMode: z.enum(['full', 'search', 'auto'], { error: 'must be full, search or auto' }).optional(),
    budget: z
      .object({ tools: BudgetValueSchema.optional(), tokens: BudgetValueSchema.optional() })
      .strict()
      .optional(),
    servers: z.array(z.object({ prefix: z.string(), included: z.boolean() }).strict()).optional(),
    tools: z
      .array(
        z.object({ prefix: z.string(), tool: z.string().min(1, 'is required'), rule: RuleSchema }).strict(),
      )
      .optional(),
    clients: z.array(z.string().min(1, 'is required').max(64, 'must be at most 64 characters')).optional(),
  })
  .strict();
export type ExportedProfile = z.output<typeof ExportedProfileSchema>;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every profile as the export file holds it (the repository's order: the default first, then by name). */
export function exportProfiles(
  profiles: readonly Profile[],
  snapshot: ProfileSnapshot,
  prefixOf: ReadonlyMap<number, string>,
): ExportedProfile[] {
  const named = <T>(entries: Iterable<[number, T]>) =>
    [...entries].flatMap(([id, value]) => {
      const prefix = prefixOf.get(id);
      return prefix === undefined ? [] : [{ prefix, value }];
    });
  return profiles.map((profile) => ({
    name: profile.name,
    description: profile.description,
    others: profile.others,
    toolMode: profile.toolMode,
    budget: { ...profile.budget },
    servers: named(profile.servers)
      .sort((a, b) => byText(a.prefix, b.prefix))
      .map(({ prefix, value }) => ({ prefix, included: value })),
    tools: named(profile.tools)
      .flatMap(({ prefix, value }) => [...value].map(([tool, rule]) => ({ prefix, tool, rule })))
      .sort((a, b) => byText(a.prefix, b.prefix) || byText(a.tool, b.tool)),
    clients: [...snapshot.bindings]
      .filter(([, id]) => id === profile.id)
      .map(([client]) => client)
      .sort(byText),
  }));
}

function invalid(path: string, message: string): SwitchboardError {
  return new SwitchboardError('VALIDATION', `${path}: ${message}`, {
    details: { issues: [{ path: path.split(/[.[\]]+/).filter(Boolean), message }] },
  });
}

/** Refuses what the schema cannot see: a name twice, a client twice, a server the file does not hold. */
function check(entries: readonly ExportedProfile[], servers: ReadonlyMap<string, number>): void {
  const names = new Set<string>();
  const clients = new Map<string, string>();
  entries.forEach((entry, i) => {
    const at = `profiles[${i}]`;
    const key = entry.name.toLowerCase();
    if (names.has(key))
      throw invalid(`${at}.name`, `"${entry.name}" is in this file twice (names are compared without case)`);
    names.add(key);
    const known = (prefix: string, where: string) => {
      if (!servers.has(prefix))
        throw invalid(
          where,
          `"${prefix}" is not a server of this file; a profile can only name the servers exported with it`,
        );
    };
    entry.servers?.forEach((rule, j) => known(rule.prefix, `${at}.servers[${j}].prefix`));
    entry.tools?.forEach((rule, j) => known(rule.prefix, `${at}.tools[${j}].prefix`));
    entry.clients?.forEach((client, j) => {
      const other = clients.get(client.toLowerCase());
      if (other !== undefined)
        throw invalid(`${at}.clients[${j}]`, `"${client}" already uses the profile "${other}" in this file`);
      clients.set(client.toLowerCase(), entry.name);
    });
  });
}

/**
 * Imports the file's profiles (see the top comment); run it in the import's transaction. `servers` maps each of the
 * file's server prefixes to the id it was just added under. Returns the names of the profiles created or changed,
 * as this hub names them, in the file's order.
 */
export function importProfiles(
  repository: ProfileRepository,
  entries: readonly ExportedProfile[],
  servers: ReadonlyMap<string, number>,
  restore: boolean,
): string[] {
  check(entries, servers);
  return entries.map((entry) => {
    const settings = {
      description: entry.description,
      others: entry.others,
      toolMode: entry.toolMode,
      budget: entry.budget,
    };
    const existing = repository.find(entry.name);
    const profile = !existing
      ? repository.create({ name: entry.name, ...settings })
      : restore
        ? repository.update(existing.name, settings)
        : existing;
    if (entry.others !== undefined && entry.others !== profile.others) {
      const ruled = new Set(entry.servers?.map((s) => s.prefix));
      for (const [prefix, id] of servers)
        if (!ruled.has(prefix)) repository.setServer(profile.id, id, entry.others === 'in');
    }
    for (const { prefix, included } of entry.servers ?? [])
      repository.setServer(profile.id, servers.get(prefix)!, included);
    for (const { prefix, tool, rule } of entry.tools ?? [])
      repository.setTool(profile.id, servers.get(prefix)!, tool, rule);
    if (restore) for (const client of entry.clients ?? []) repository.bind(client, profile.id);
    return profile.name;
  });
}
