import { z } from 'zod';
import {
  ActivityRowSchema,
  AiClientSchema,
  AuthStatusSchema,
  CallOutcomeSchema,
  CatalogEntrySchema,
  ClientProfileSchema,
  ClientTokenInfoSchema,
  ClientWriteResultSchema,
  ConnectPreviewSchema,
  EntryCheckSchema,
  ManualEntrySchema,
  ConnectAttemptSchema,
  GatewayStatusSchema,
  HealthHistoryEntrySchema,
  HealthSnapshotSchema,
  ImportPreviewSchema,
  PendingToolChangeSchema,
  ProfileBudgetSchema,
  ProfileDetailSchema,
  ProfileSummarySchema,
  ProfileToolRuleSchema,
  ServerPoliciesSchema,
  ServerDetailSchema,
  ServerSummarySchema,
  SettingsSchema,
  ToolCallResultSchema,
  ToolModeSchema,
  VariableStateSchema,
} from './models.ts';

/**
 * THE contract between the window and the core: every command the UI can run, with its input and output.
 * Main validates every input against it (Electron IPC and the web mode alike); the renderer takes its types
 * from it. Adding a command here is the only way to add one.
 */

const Prefix = z.string().min(1).max(64);
const ProfileName = z.string().min(1).max(64);
const Empty = z.object({}).strict();
const Done = z.object({ done: z.literal(true) });
/** Opaque names main hands out: a running tool call, secret values held after a paste. */
const CallId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const HeldSecretsHandle = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
/** A definition is validated by main with ServerDefinitionSchema, so field errors come back with paths. */
const DefinitionInput = z.record(z.string(), z.unknown());

function command<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const commands = {
  'app.info': command(
    Empty,
    z.object({
      version: z.string(),
      dataDir: z.string(),
      platform: z.string(),
      mode: z.enum(['desktop', 'web']),
      vault: z.object({
        ok: z.boolean(),
        message: z.string().optional(),
        /** The key store holding the data key; absent while no secret was ever stored. */
        keyStore: z.enum(['keyring', 'safe-storage', 'passphrase', 'memory']).optional(),
      }),
    }),
  ),

  'servers.list': command(Empty, z.array(ServerSummarySchema)),
  'servers.get': command(z.object({ prefix: Prefix }).strict(), ServerDetailSchema),
  /**
   * Adds a server. `values` (its variables' values: secrets go to the vault), `clientSecret` (an OAuth
   * client's secret) and `heldSecrets` (the handle `servers.parseSnippet` gave for the values it read) are
   * stored in the SAME transaction as the server: nothing is added if one is refused.
   */
  'servers.add': command(
    z
      .object({
        definition: DefinitionInput,
        values: z.record(z.string().min(1).max(128), z.string().max(1024 * 1024)).optional(),
        clientSecret: z.string().min(1).max(4096).optional(),
        heldSecrets: HeldSecretsHandle.optional(),
      })
      .strict(),
    ServerSummarySchema,
  ),
  'servers.update': command(
    z.object({ prefix: Prefix, definition: DefinitionInput }).strict(),
    ServerSummarySchema,
  ),
  'servers.remove': command(z.object({ prefix: Prefix }).strict(), Done),
  'servers.setEnabled': command(
    z.object({ prefix: Prefix, enabled: z.boolean() }).strict(),
    ServerSummarySchema,
  ),
  /**
   * Parses a Claude Desktop / Cursor style JSON snippet into definitions for the add form. Secret values it
   * finds never come back: main holds them for a short while, and `held[i]` (aligned with `definitions`)
   * names them with an opaque handle the add form passes back to `servers.add` as `heldSecrets`.
   */
  'servers.parseSnippet': command(
    z.object({ text: z.string().max(256 * 1024) }).strict(),
    z.object({
      definitions: z.array(DefinitionInput),
      secretNames: z.array(z.string()),
      skipped: z.array(z.string()),
      /** Entries whose name clashed with an existing prefix, and the prefix they were given instead. */
      renamed: z.array(z.object({ from: z.string(), to: z.string() })),
      held: z.array(
        z.object({ handle: HeldSecretsHandle, names: z.array(z.string()), expiresAt: z.number() }).nullable(),
      ),
    }),
  ),
  'servers.logs': command(z.object({ prefix: Prefix }).strict(), z.object({ lines: z.array(z.string()) })),

  'variables.set': command(
    z
      .object({ prefix: Prefix, name: z.string().min(1).max(128), value: z.string().max(1024 * 1024) })
      .strict(),
    VariableStateSchema,
  ),
  'variables.unset': command(z.object({ prefix: Prefix, name: z.string().min(1).max(128) }).strict(), Done),
  'variables.clear': command(z.object({ prefix: Prefix }).strict(), z.object({ removed: z.number().int() })),

  'tools.setEnabled': command(
    z.object({ prefix: Prefix, tool: z.string().min(1), enabled: z.boolean() }).strict(),
    Done,
  ),
  /** `callId` (chosen by the window) names the call in `tools.progress` events and for `tools.cancel`. */
  'tools.call': command(
    z
      .object({
        prefix: Prefix,
        tool: z.string().min(1),
        arguments: z.record(z.string(), z.unknown()),
        callId: CallId.optional(),
      })
      .strict(),
    ToolCallResultSchema,
  ),
  /** Cancels a running `tools.call` (the upstream is sent notifications/cancelled); false when it had ended. */
  'tools.cancel': command(z.object({ callId: CallId }).strict(), z.object({ cancelled: z.boolean() })),
  /** Tools withheld for a pending change (pinned definitions), of one server or of all. */
  'tools.pending': command(
    z.object({ prefix: Prefix.optional() }).strict(),
    z.array(PendingToolChangeSchema),
  ),
  /**
   * Approves pending changes: the listed tools (each only if the server still offers the definition with that
   * `hash`, so what is approved is what the person saw), or every pending tool of the server with `all`.
   */
  'tools.approve': command(
    z
      .object({
        prefix: Prefix,
        tools: z
          .array(z.object({ tool: z.string().min(1), hash: z.string().min(1).optional() }).strict())
          .max(1000)
          .optional(),
        all: z.literal(true).optional(),
      })
      .strict()
      .refine((input) => (input.tools !== undefined) !== (input.all === true), {
        message: 'give either `tools` or `all: true`',
      }),
    z.object({ approved: z.array(z.string()) }),
  ),
  /** The server's tool-change and leak-guard policies (omitted ones stay), with defaults applied. */
  'tools.policies': command(z.object({ prefix: Prefix }).strict(), ServerPoliciesSchema),
  'tools.setPolicies': command(
    z
      .object({
        prefix: Prefix,
        toolChanges: ServerPoliciesSchema.shape.toolChanges.optional(),
        leakGuard: ServerPoliciesSchema.shape.leakGuard.optional(),
      })
      .strict(),
    ServerPoliciesSchema,
  ),

  'health.check': command(z.object({ prefix: Prefix }).strict(), HealthSnapshotSchema),
  'health.history': command(
    z.object({ prefix: Prefix, limit: z.number().int().min(1).max(500).optional() }).strict(),
    z.array(HealthHistoryEntrySchema),
  ),

  'auth.connect': command(
    z.object({ prefix: Prefix, scopes: z.array(z.string()).optional() }).strict(),
    AuthStatusSchema,
  ),
  'auth.disconnect': command(z.object({ prefix: Prefix }).strict(), z.object({ revoked: z.boolean() })),
  /**
   * Starts a Connect and answers as soon as the person has something to do: `waiting` with the sign-in page
   * (the desktop also opens it in the system browser), or already `connected` / `failed`. `auth.changed`
   * tells the window when it moves on; `auth.attempt` reads it again, `auth.cancel` ends it.
   */
  'auth.start': command(
    z.object({ prefix: Prefix, scopes: z.array(z.string()).optional() }).strict(),
    ConnectAttemptSchema,
  ),
  /** The latest Connect of a server started in this hub (null: none, or it ended long ago). */
  'auth.attempt': command(z.object({ prefix: Prefix }).strict(), ConnectAttemptSchema.nullable()),
  /** Cancels the waiting Connect of a server; false when none waited. */
  'auth.cancel': command(z.object({ prefix: Prefix }).strict(), z.object({ cancelled: z.boolean() })),

  'activity.list': command(
    z
      .object({
        server: z.string().optional(),
        outcome: CallOutcomeSchema.optional(),
        since: z.number().int().optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    z.array(ActivityRowSchema),
  ),

  'settings.get': command(Empty, SettingsSchema),
  'settings.set': command(SettingsSchema.partial().strict(), SettingsSchema),

  'tokens.list': command(Empty, z.array(ClientTokenInfoSchema)),
  /** The only time a token value crosses to the window: right after creation, so the person can copy it. */
  'tokens.create': command(
    z.object({ name: z.string().min(1).max(64) }).strict(),
    z.object({ name: z.string(), token: z.string() }),
  ),
  'tokens.revoke': command(z.object({ name: z.string().min(1).max(64) }).strict(), Done),

  'clients.list': command(Empty, z.array(AiClientSchema)),
  'clients.connect': command(
    z.object({ id: z.string(), projectDir: z.string().optional() }).strict(),
    ClientWriteResultSchema,
  ),
  'clients.previewConnect': command(
    z.object({ id: z.string(), projectDir: z.string().optional() }).strict(),
    ConnectPreviewSchema,
  ),
  /** Makes a new token for the client's file: the second (and last) way a token value reaches the window. */
  'clients.manualEntry': command(
    z.object({ id: z.string(), projectDir: z.string().optional() }).strict(),
    ManualEntrySchema,
  ),
  'clients.check': command(
    z.object({ id: z.string(), projectDir: z.string().optional() }).strict(),
    EntryCheckSchema,
  ),
  'clients.disconnect': command(
    z.object({ id: z.string(), projectDir: z.string().optional() }).strict(),
    ClientWriteResultSchema,
  ),
  'clients.importPreview': command(z.object({ id: z.string() }).strict(), ImportPreviewSchema),
  'clients.import': command(
    z.object({ id: z.string(), replace: z.boolean().optional() }).strict(),
    z.object({ imported: z.array(z.string()) }),
  ),

  'catalog.search': command(
    z.object({ text: z.string().max(200).optional(), category: z.string().optional() }).strict(),
    z.array(CatalogEntrySchema),
  ),
  'catalog.categories': command(Empty, z.array(z.string())),
  /** A definition prefilled from the catalog, for the person to complete in the add form. */
  'catalog.template': command(z.object({ id: z.string(), prefix: Prefix }).strict(), DefinitionInput),

  'transfer.export': command(Empty, z.object({ text: z.string() })),
  'transfer.import': command(
    z.object({ text: z.string().max(4 * 1024 * 1024) }).strict(),
    /** imported: the servers added (prefixes); profiles: the profiles created or changed. */
    z.object({ imported: z.array(z.string()), profiles: z.array(z.string()) }),
  ),

  /** Profiles (issue 13): named selections of servers and tools, each with its tool search mode. */
  'profiles.list': command(Empty, z.array(ProfileSummarySchema)),
  'profiles.get': command(z.object({ name: ProfileName }).strict(), ProfileDetailSchema),
  'profiles.create': command(
    z
      .object({
        name: ProfileName,
        description: z.string().max(500).optional(),
        others: z.enum(['in', 'out']).optional(),
        toolMode: ToolModeSchema.optional(),
        budget: ProfileBudgetSchema.partial().strict().optional(),
        /** Start from a copy of another profile's rules. */
        from: ProfileName.optional(),
      })
      .strict(),
    ProfileDetailSchema,
  ),
  /** Changes what is given; `servers` and `tools` set rules by prefix (null: back to following). */
  'profiles.update': command(
    z
      .object({
        name: ProfileName,
        rename: ProfileName.optional(),
        description: z.string().max(500).optional(),
        others: z.enum(['in', 'out']).optional(),
        toolMode: ToolModeSchema.optional(),
        budget: ProfileBudgetSchema.partial().strict().optional(),
        servers: z
          .array(z.object({ prefix: Prefix, included: z.boolean().nullable() }).strict())
          .max(1000)
          .optional(),
        tools: z
          .array(
            z
              .object({ prefix: Prefix, tool: z.string().min(1), rule: ProfileToolRuleSchema.nullable() })
              .strict(),
          )
          .max(10_000)
          .optional(),
      })
      .strict(),
    ProfileDetailSchema,
  ),
  'profiles.remove': command(
    z.object({ name: ProfileName }).strict(),
    z.object({ removed: z.string(), clients: z.array(z.string()) }),
  ),
  /** Every client token and the bridge, with the profile each uses and what its tools/list holds. */
  'profiles.clients': command(Empty, z.array(ClientProfileSchema)),
  /** Binds a client (a token's name, a client id, or "bridge") to a profile; its open sessions hear list_changed. */
  'profiles.use': command(
    z.object({ client: z.string().min(1).max(128), profile: ProfileName }).strict(),
    z.object({ client: z.string(), profile: z.string(), previous: z.string() }),
  ),

  'gateway.status': command(Empty, GatewayStatusSchema),
  'gateway.setPaused': command(z.object({ paused: z.boolean() }).strict(), GatewayStatusSchema),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<N extends CommandName> = z.input<Commands[N]['input']>;
export type CommandOutput<N extends CommandName> = z.output<Commands[N]['output']>;
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];
