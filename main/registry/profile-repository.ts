import { z } from 'zod';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type {
  Profile,
  ProfileBudget,
  ProfileSnapshot,
  ToolMode,
  ToolRule,
} from '../profiles/profile-model.ts';
import { DEFAULT_BUDGET } from '../profiles/profile-model.ts';
import type { RegistryDatabase } from './database.ts';
import { dbErrorGuard } from './database.ts';

/**
 * Profiles, their server and tool rules, and which client uses which (migration 010). Rules are keyed by server
 * id and cascade with the server; bindings are keyed by client name and cascade with the profile.
 */

export interface ProfileInput {
  name: string;
  description?: string;
  others?: 'in' | 'out';
  toolMode?: ToolMode;
  budget?: Partial<ProfileBudget>;
}

export type ProfilePatch = Partial<ProfileInput>;

export interface ProfileRepository {
  /** Every profile and binding, read in one go. */
  snapshot(): ProfileSnapshot;
  /** Moves with every write to the profile tables, from any process; compare with `===`. */
  version(): number;
  /** Every profile, the default first, then by name. */
  list(): Profile[];
  find(name: string): Profile | undefined;
  /** CONFLICT when the name is taken; VALIDATION for a bad name or budget. */
  create(input: ProfileInput): Profile;
  /** NOT_FOUND for an unknown profile; the default cannot be renamed. */
  update(name: string, patch: ProfilePatch): Profile;
  /** A whole server in (true), out (false), or back to the profile's rule for others (null). */
  setServer(profileId: number, serverId: number, included: boolean | null): void;
  /** A single tool's rule, or null to follow its server again. */
  setTool(profileId: number, serverId: number, tool: string, rule: ToolRule | null): void;
  /** Removes a profile (not the default); its clients go back to the default. Returns them. */
  remove(name: string): { profile: Profile; clients: string[] };
  /** Binds a client (a token name or "bridge") to a profile; binding the default removes the row. */
  bind(client: string, profileId: number): void;
  /** Lowercased client → profile id, for clients bound to a profile other than the default. */
  bindings(): Map<string, number>;
}

export interface ProfileRepositoryDeps {
  clock: Clock;
}

/** Profile names: like client names, short and usable as a CLI argument without quoting. */
export const ProfileNameSchema = z
  .string()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must start with a letter or digit and use only letters, digits, ".", "_" and "-"',
  );

/** A budget (tools or tokens) as a profile stores it. */
export const BudgetValueSchema = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(10_000_000);

const ProfileRow = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  is_default: z.number().int(),
  others: z.enum(['in', 'out']),
  tool_mode: z.enum(['full', 'search', 'auto']),
  budget_tools: z.number().int(),
  budget_tokens: z.number().int(),
});
type ProfileRowType = z.output<typeof ProfileRow>;
const ServerRule = z.object({ profile_id: z.number(), server_id: z.number(), included: z.number() });
const ToolRuleRow = z.object({
  profile_id: z.number(),
  server_id: z.number(),
  tool: z.string(),
  rule: z.enum(['in', 'out', 'listed']),
});
const Binding = z.object({ client: z.string(), profile_id: z.number() });

function validName(name: string): string {
  const parsed = ProfileNameSchema.safeParse(name);
  if (!parsed.success)
    throw new SwitchboardError(
      'VALIDATION',
      `profile name: ${parsed.error.issues[0]?.message ?? 'is invalid'}`,
    );
  return parsed.data;
}

function validBudget(value: number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = BudgetValueSchema.safeParse(value);
  if (!parsed.success)
    throw new SwitchboardError('VALIDATION', `${what}: ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

/** Creates the repository over the registry database. */
export function createProfileRepository(
  database: RegistryDatabase,
  deps: ProfileRepositoryDeps,
): ProfileRepository {
  const db = database.connection;
  const guarded = dbErrorGuard(database.file);
  const now = () => new Date(deps.clock.now()).toISOString();
  const selectProfiles = db.prepare('SELECT * FROM profiles ORDER BY is_default DESC, name');
  const selectServers = db.prepare('SELECT profile_id, server_id, included FROM profile_servers');
  const selectTools = db.prepare('SELECT profile_id, server_id, tool, rule FROM profile_tools');
  const selectBindings = db.prepare('SELECT client, profile_id FROM client_profiles');
  const selectVersion = db
    .prepare<[], number>("SELECT version FROM change_counters WHERE name = 'profiles'")
    .pluck();
  const insert = db.prepare(
    `INSERT INTO profiles (name, description, others, tool_mode, budget_tools, budget_tokens, created_at, updated_at)
     VALUES (@name, @description, @others, @toolMode, @budgetTools, @budgetTokens, @at, @at)`,
  );
  const updateRow = db.prepare(
    `UPDATE profiles SET name = @name, description = @description, others = @others, tool_mode = @toolMode,
       budget_tools = @budgetTools, budget_tokens = @budgetTokens, updated_at = @at WHERE id = @id`,
  );
  const touch = db.prepare('UPDATE profiles SET updated_at = ? WHERE id = ?');
  const upsertServer = db.prepare(
    `INSERT INTO profile_servers (profile_id, server_id, included) SELECT ?, id, ? FROM servers WHERE id = ?
     ON CONFLICT (profile_id, server_id) DO UPDATE SET included = excluded.included`,
  );
  const deleteServer = db.prepare('DELETE FROM profile_servers WHERE profile_id = ? AND server_id = ?');
  const upsertTool = db.prepare(
    `INSERT INTO profile_tools (profile_id, server_id, tool, rule) SELECT ?, id, ?, ? FROM servers WHERE id = ?
     ON CONFLICT (profile_id, server_id, tool) DO UPDATE SET rule = excluded.rule`,
  );
  const deleteTool = db.prepare(
    'DELETE FROM profile_tools WHERE profile_id = ? AND server_id = ? AND tool = ?',
  );
  const deleteProfile = db.prepare('DELETE FROM profiles WHERE id = ?');
  const upsertBinding = db.prepare(
    `INSERT INTO client_profiles (client, profile_id, bound_at) VALUES (?, ?, ?)
     ON CONFLICT (client) DO UPDATE SET profile_id = excluded.profile_id, bound_at = excluded.bound_at`,
  );
  const deleteBinding = db.prepare('DELETE FROM client_profiles WHERE client = ?');

  const readAll = (): { profiles: Profile[]; bindings: Map<string, number> } =>
    guarded(() => {
      const servers = new Map<number, Map<number, boolean>>();
      for (const row of z.array(ServerRule).parse(selectServers.all())) {
        let map = servers.get(row.profile_id);
        if (!map) servers.set(row.profile_id, (map = new Map()));
        map.set(row.server_id, row.included === 1);
      }
      const tools = new Map<number, Map<number, Map<string, ToolRule>>>();
      for (const row of z.array(ToolRuleRow).parse(selectTools.all())) {
        let byServer = tools.get(row.profile_id);
        if (!byServer) tools.set(row.profile_id, (byServer = new Map()));
        let byTool = byServer.get(row.server_id);
        if (!byTool) byServer.set(row.server_id, (byTool = new Map()));
        byTool.set(row.tool, row.rule);
      }
      const profiles = z
        .array(ProfileRow)
        .parse(selectProfiles.all())
        .map((row) => toProfile(row, servers.get(row.id), tools.get(row.id)));
      const bindings = new Map(
        z
          .array(Binding)
          .parse(selectBindings.all())
          .map((b) => [b.client.toLowerCase(), b.profile_id] as const),
      );
      return { profiles, bindings };
    });
  const find = (name: string) => readAll().profiles.find((p) => p.name.toLowerCase() === name.toLowerCase());
  const existing = (name: string): Profile => {
    const profile = find(name);
    if (!profile)
      throw new SwitchboardError('NOT_FOUND', `no profile named "${name}"; see switchboard profile list`);
    return profile;
  };
  const nameTaken = (name: string, except?: number) =>
    readAll().profiles.some((p) => p.name.toLowerCase() === name.toLowerCase() && p.id !== except);
  const conflict = (name: string) =>
    new SwitchboardError('CONFLICT', `a profile named "${name}" already exists; pick another name`, {
      details: { issues: [{ path: ['name'], message: 'is already taken' }] },
    });

  const repository: ProfileRepository = {
    snapshot() {
      const { profiles, bindings } = readAll();
      const fallback = profiles.find((p) => p.isDefault);
      if (!fallback) throw new SwitchboardError('DB_ERROR', 'the registry has no default profile');
      return { profiles: new Map(profiles.map((p) => [p.id, p])), defaultId: fallback.id, bindings };
    },
    version: () => guarded(() => selectVersion.get() ?? 0),
    list: () => readAll().profiles,
    find,
    create(input) {
      database.assertWritable();
      const name = validName(input.name);
      if (nameTaken(name)) throw conflict(name);
      const at = now();
      const result = guarded(() =>
        insert.run({
          name,
          description: input.description ?? '',
          others: input.others ?? 'out',
          toolMode: input.toolMode ?? 'full',
          budgetTools: validBudget(input.budget?.tools, 'tool budget') ?? DEFAULT_BUDGET.tools,
          budgetTokens: validBudget(input.budget?.tokens, 'token budget') ?? DEFAULT_BUDGET.tokens,
          at,
        }),
      );
      const id = Number(result.lastInsertRowid);
      return readAll().profiles.find((p) => p.id === id)!;
    },
    update(name, patch) {
      database.assertWritable();
      const profile = existing(name);
      const nextName = patch.name === undefined ? profile.name : validName(patch.name);
      if (profile.isDefault && nextName !== profile.name)
        throw new SwitchboardError('VALIDATION', 'the default profile cannot be renamed');
      if (nameTaken(nextName, profile.id)) throw conflict(nextName);
      guarded(() =>
        updateRow.run({
          id: profile.id,
          name: nextName,
          description: patch.description ?? profile.description,
          others: patch.others ?? profile.others,
          toolMode: patch.toolMode ?? profile.toolMode,
          budgetTools: validBudget(patch.budget?.tools, 'tool budget') ?? profile.budget.tools,
          budgetTokens: validBudget(patch.budget?.tokens, 'token budget') ?? profile.budget.tokens,
          at: now(),
        }),
      );
      return readAll().profiles.find((p) => p.id === profile.id)!;
    },
    setServer(profileId, serverId, included) {
      database.assertWritable();
      guarded(() => {
        if (included === null) deleteServer.run(profileId, serverId);
        else upsertServer.run(profileId, included ? 1 : 0, serverId);
        touch.run(now(), profileId);
      });
    },
    setTool(profileId, serverId, tool, rule) {
      database.assertWritable();
      guarded(() => {
        if (rule === null) deleteTool.run(profileId, serverId, tool);
        else upsertTool.run(profileId, tool, rule, serverId);
        touch.run(now(), profileId);
      });
    },
    remove(name) {
      database.assertWritable();
      const profile = existing(name);
      if (profile.isDefault)
        throw new SwitchboardError(
          'VALIDATION',
          'the default profile cannot be removed: it is what clients without a profile of their own use',
        );
      const { bindings } = readAll();
      const clients = [...bindings].filter(([, id]) => id === profile.id).map(([client]) => client);
      guarded(() => deleteProfile.run(profile.id));
      return { profile, clients: clients.sort() };
    },
    bind(client, profileId) {
      database.assertWritable();
      const target = readAll().profiles.find((p) => p.id === profileId);
      if (!target) throw new SwitchboardError('NOT_FOUND', `no profile has the id ${profileId}`);
      guarded(() => {
        if (target.isDefault) deleteBinding.run(client);
        else upsertBinding.run(client, profileId, now());
      });
    },
    bindings: () => readAll().bindings,
  };
  return repository;
}

function toProfile(
  row: ProfileRowType,
  servers: Map<number, boolean> | undefined,
  tools: Map<number, Map<string, ToolRule>> | undefined,
): Profile {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    isDefault: row.is_default === 1,
    others: row.others,
    servers: servers ?? new Map(),
    tools: tools ?? new Map(),
    toolMode: row.tool_mode,
    budget: { tools: row.budget_tools, tokens: row.budget_tokens },
  };
}
