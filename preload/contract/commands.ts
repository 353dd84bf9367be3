import { z } from 'zod';
import {
  ActivityRowSchema,
  AiClientSchema,
  AuthStatusSchema,
  CallOutcomeSchema,
  CatalogEntrySchema,
  ClientTokenInfoSchema,
  ClientWriteResultSchema,
  GatewayStatusSchema,
  HealthHistoryEntrySchema,
  HealthSnapshotSchema,
  ImportPreviewSchema,
  ServerDetailSchema,
  ServerSummarySchema,
  SettingsSchema,
  ToolCallResultSchema,
  VariableStateSchema,
} from './models.ts';

/**
 * THE contract between the window and the core: every command the UI can run, with its input and output.
 * Main validates every input against it (Electron IPC and the web mode alike); the renderer takes its types
 * from it. Adding a command here is the only way to add one.
 */

const Prefix = z.string().min(1).max(64);
const Empty = z.object({}).strict();
const Done = z.object({ done: z.literal(true) });
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
      vault: z.object({ ok: z.boolean(), message: z.string().optional() }),
    }),
  ),

  'servers.list': command(Empty, z.array(ServerSummarySchema)),
  'servers.get': command(z.object({ prefix: Prefix }).strict(), ServerDetailSchema),
  'servers.add': command(z.object({ definition: DefinitionInput }).strict(), ServerSummarySchema),
  'servers.update': command(
    z.object({ prefix: Prefix, definition: DefinitionInput }).strict(),
    ServerSummarySchema,
  ),
  'servers.remove': command(z.object({ prefix: Prefix }).strict(), Done),
  'servers.setEnabled': command(
    z.object({ prefix: Prefix, enabled: z.boolean() }).strict(),
    ServerSummarySchema,
  ),
  /** Parses a Claude Desktop / Cursor style JSON snippet into definitions for the add form. */
  'servers.parseSnippet': command(
    z.object({ text: z.string().max(256 * 1024) }).strict(),
    z.object({
      definitions: z.array(DefinitionInput),
      secretNames: z.array(z.string()),
      skipped: z.array(z.string()),
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
  'tools.call': command(
    z
      .object({ prefix: Prefix, tool: z.string().min(1), arguments: z.record(z.string(), z.unknown()) })
      .strict(),
    ToolCallResultSchema,
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
    z.object({ imported: z.array(z.string()) }),
  ),

  'gateway.status': command(Empty, GatewayStatusSchema),
  'gateway.setPaused': command(z.object({ paused: z.boolean() }).strict(), GatewayStatusSchema),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<N extends CommandName> = z.input<Commands[N]['input']>;
export type CommandOutput<N extends CommandName> = z.output<Commands[N]['output']>;
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];
