import { z } from 'zod';

/** Data shapes the window shows. None of them can carry a secret value: secrets appear only as `isSet`. */

export const HEALTH_STATUSES = [
  'healthy',
  'degraded',
  'unhealthy',
  'needs_auth',
  'needs_config',
  'starting',
  'stopped',
  'disabled',
  'unknown',
] as const;
export const HealthStatusSchema = z.enum(HEALTH_STATUSES);
export type HealthStatusName = z.infer<typeof HealthStatusSchema>;

const Timestamp = z.number().int().describe('epoch milliseconds');

export const HealthSnapshotSchema = z.object({
  status: HealthStatusSchema,
  /** Why `degraded`: slow answers or flapping. */
  degradedBy: z.enum(['slow', 'flapping']).nullable(),
  since: Timestamp.nullable(),
  checkedAt: Timestamp.nullable(),
  latencyMs: z.number().nullable(),
  lastError: z.object({ message: z.string(), code: z.string().nullable(), at: Timestamp }).nullable(),
  /** Variables that must be filled before the server can start (needs_config). */
  missing: z.array(z.string()),
});
export type HealthSnapshot = z.infer<typeof HealthSnapshotSchema>;

export const HealthHistoryEntrySchema = z.object({
  status: HealthStatusSchema,
  latencyMs: z.number().nullable(),
  error: z.string().nullable(),
  checkedAt: Timestamp,
});
export type HealthHistoryEntry = z.infer<typeof HealthHistoryEntrySchema>;

export const AuthStatusSchema = z.object({
  flow: z.enum(['authorization_code', 'client_credentials', 'none']),
  hasCredential: z.boolean(),
  issuer: z.string().optional(),
  expiresAt: Timestamp.optional(),
  isExpired: z.boolean(),
  connectedAt: Timestamp.optional(),
  scopes: z.array(z.string()),
  requiredScopes: z.array(z.string()).optional(),
  /** Defined without authentication, but it answered 401 naming its authorization server: offer Connect. */
  discovered: z.boolean().optional(),
});
export type AuthStatus = z.infer<typeof AuthStatusSchema>;

/**
 * A Connect the window started (`auth.start`), while it waits and once it ended. `authorizationUrl` is the
 * sign-in page for the person to open — it carries `state` and a PKCE challenge, no secret — and is only
 * present while `waiting`; it is shown in the window, never logged.
 */
export const ConnectAttemptSchema = z.object({
  prefix: z.string(),
  state: z.enum(['starting', 'waiting', 'connected', 'failed', 'cancelled', 'timed_out']),
  startedAt: Timestamp,
  authorizationUrl: z.string().optional(),
  /** Whether the system browser was asked to open the page (desktop); the web window shows the link. */
  opened: z.boolean().optional(),
  /** When a waiting sign-in times out. */
  expiresAt: Timestamp.optional(),
  status: AuthStatusSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ConnectAttempt = z.infer<typeof ConnectAttemptSchema>;

export const VariableStateSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  required: z.boolean(),
  secret: z.boolean(),
  isSet: z.boolean(),
  hasDefault: z.boolean(),
  /** The stored value of a PLAIN (non-secret) variable, so people can see what they set; never for a secret. */
  value: z.string().optional(),
});
export type VariableState = z.infer<typeof VariableStateSchema>;

export const ServerSummarySchema = z.object({
  /** The server's identity: stable across renames, never reused. */
  id: z.number().int(),
  prefix: z.string(),
  name: z.string(),
  transport: z.enum(['stdio', 'http', 'sse']),
  enabled: z.boolean(),
  /** Command line or URL, for recognising the server at a glance. */
  target: z.string(),
  health: HealthSnapshotSchema,
  toolCount: z.number().int(),
  authFlow: z.enum(['authorization_code', 'client_credentials', 'none']),
});
export type ServerSummary = z.infer<typeof ServerSummarySchema>;

export const ToolInfoSchema = z.object({
  /** The upstream's own name. */
  name: z.string(),
  /** What clients of `/mcp` see (`prefix__name`, shortened when needed). */
  exposedName: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  /**
   * Set while the tool is withheld from clients until a person approves it (pinned definitions): its definition
   * changed since it was approved, or it is new. Clients neither see nor call it then, switched on or not.
   */
  withheld: z.enum(['changed', 'new']).optional(),
});
export type ToolInfo = z.infer<typeof ToolInfoSchema>;

export const ServerDetailSchema = z.object({
  summary: ServerSummarySchema,
  /** The stored definition (never contains a secret value). */
  definition: z.record(z.string(), z.unknown()),
  variables: z.array(VariableStateSchema),
  auth: AuthStatusSchema.nullable(),
  tools: z.array(ToolInfoSchema),
  /** Process / connection state from the pool: 'ready', 'stopped', 'backoff'… */
  upstreamState: z.string(),
  era: z.enum(['legacy', 'modern']).nullable(),
});
export type ServerDetail = z.infer<typeof ServerDetailSchema>;

/** How a call ended (the call log's own list: main/registry/call-log-repository.ts). */
export const CALL_OUTCOMES = [
  'ok',
  'tool_error',
  'error',
  'timeout',
  'cancelled',
  'unavailable',
  'needs_config',
] as const;
export const CallOutcomeSchema = z.enum(CALL_OUTCOMES);

/** What the leak guard found in a call: a kind (`vault-secret`, `aws-access-key`…) and how often — never a value. */
export const CallFindingSchema = z.object({ kind: z.string(), count: z.number().int() });
export type CallFinding = z.infer<typeof CallFindingSchema>;

export const ActivityRowSchema = z.object({
  id: z.number().int(),
  at: Timestamp,
  clientName: z.string(),
  server: z.string(),
  tool: z.string(),
  durationMs: z.number(),
  outcome: z.string(),
  errorCode: z.string().nullable(),
  /** The leak guard's finds in this call (absent: none). */
  findings: z.array(CallFindingSchema).optional(),
});
export type ActivityRow = z.infer<typeof ActivityRowSchema>;

/** A whole number between min and max, with messages a person reads under the field (not zod's own). */
function wholeNumber(min: number, max: number, unit = '') {
  // Formatted when a message is shown, never at import: the first toLocaleString loads ICU data (tens of ms at
  // every start of the CLI and the hub, docs/decisions/cold-start.md).
  const n = (value: number) => `${value.toLocaleString('en')}${unit}`;
  return z
    .number({ error: () => `Enter a number from ${n(min)} to ${n(max)}` })
    .int({ error: () => 'Enter a whole number' })
    .min(min, { error: () => `Must be at least ${n(min)}` })
    .max(max, { error: () => `Must be at most ${n(max)}` });
}

export const SettingsSchema = z.object({
  port: wholeNumber(1024, 65535),
  idleTimeoutSeconds: wholeNumber(0, 604_800, ' s'),
  callLogRetentionDays: wholeNumber(1, 3650, ' days'),
  healthIntervalSeconds: wholeNumber(10, 86_400, ' s'),
  probeIdleServers: z.boolean(),
  notifications: z.boolean(),
  launchAtLogin: z.boolean(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const ClientTokenInfoSchema = z.object({
  name: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
});
export type ClientTokenInfo = z.infer<typeof ClientTokenInfoSchema>;

export const AiClientSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  detected: z.boolean(),
  configPath: z.string().nullable(),
  supportsHttp: z.boolean(),
  entry: z.enum(['absent', 'current', 'outdated', 'unreadable', 'conflict']),
  problem: z.string().optional(),
  restartHint: z.string(),
  /** A one-click install link (Cursor, VS Code), when the client offers one. */
  deepLink: z.string().optional(),
});
export type AiClient = z.infer<typeof AiClientSchema>;

export const ClientWriteResultSchema = z.object({
  path: z.string(),
  changed: z.boolean(),
  backupPath: z.string().optional(),
  /** The file holds a token but others could read it: its mode was narrowed (octal modes). */
  modeTightened: z.object({ from: z.number().int(), to: z.number().int() }).optional(),
  restartHint: z.string(),
});

/** What Connect would change, shown before it writes: changed lines only, masked, and never a token. */
export const ConnectPreviewSchema = z.object({
  path: z.string(),
  exists: z.boolean(),
  detected: z.boolean(),
  kind: z.enum(['http', 'stdio']),
  url: z.string().optional(),
  changed: z.boolean(),
  newToken: z.boolean(),
  hunks: z.array(
    z.object({
      oldStart: z.number().int(),
      newStart: z.number().int(),
      lines: z.array(z.object({ op: z.enum(['+', '-']), text: z.string() })),
    }),
  ),
  /** Our entry as a file of its own, the token as a placeholder. */
  snippet: z.string(),
});
export type ConnectPreview = z.infer<typeof ConnectPreviewSchema>;

/** Setting a client up by hand: the entry with a token made for it just now (shown once, like tokens.create). */
export const ManualEntrySchema = z.object({
  path: z.string(),
  snippet: z.string(),
  tokenName: z.string().optional(),
  restartHint: z.string(),
});

/** "Test": the hub's tools listed through exactly the entry in the client's file. */
export const EntryCheckSchema = z.object({
  target: z.string(),
  ok: z.boolean(),
  toolCount: z.number().int().optional(),
  sampleTools: z.array(z.string()).optional(),
  problem: z.string().optional(),
});
export type EntryCheck = z.infer<typeof EntryCheckSchema>;

export const ImportPreviewSchema = z.object({
  add: z.array(
    z.object({
      prefix: z.string(),
      name: z.string(),
      transport: z.string(),
      fromNames: z.array(z.string()),
      secretNames: z.array(z.string()),
      missingNames: z.array(z.string()),
    }),
  ),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
  /** The exact dry-run text, as the CLI prints it. */
  text: z.string(),
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

export const CatalogEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  homepage: z.string(),
  authKind: z.enum(['none', 'env', 'oauth']),
  transport: z.enum(['stdio', 'http', 'sse']),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

export const GatewayStatusSchema = z.object({
  /** `paused`: listening, but every MCP request is refused until resumed; `stopped`: no hub listens. */
  state: z.enum(['running', 'paused', 'stopped']),
  /** Where AI clients reach it: the port it listens on, or the configured one when stopped. */
  url: z.string(),
  port: z.number().int(),
  /** The `gateway.port` setting (what `connect` writes into clients' files). */
  configuredPort: z.number().int(),
  /** Open MCP sessions and streams; null when another process runs the hub (not known here). */
  sessions: z.number().int().nullable(),
});
export type GatewayStatus = z.infer<typeof GatewayStatusSchema>;

export const ToolCallResultSchema = z.object({
  isError: z.boolean(),
  content: z.array(z.record(z.string(), z.unknown())),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  durationMs: z.number(),
  /** True when the call ended because it was cancelled (`tools.cancel`). */
  cancelled: z.boolean().optional(),
});
export type ToolCallResult = z.infer<typeof ToolCallResultSchema>;

/**
 * A tool withheld from clients because its definition changed since it was approved, or because it is new
 * (pinned tool definitions, issue 14). `hash` names the offered definition: approving with it pins exactly that.
 */
export const PendingToolChangeSchema = z.object({
  prefix: z.string(),
  serverId: z.number().int(),
  tool: z.string(),
  kind: z.enum(['changed', 'new']),
  hash: z.string(),
  /** The approved definition (pretty JSON), null for a new tool. */
  before: z.string().nullable(),
  /** The definition the server offers now (pretty JSON). */
  after: z.string(),
  /** Word-level diff from `before` to `after`. */
  diff: z.array(z.object({ op: z.enum(['same', 'added', 'removed']), text: z.string() })),
  /** Top-level fields that differ (`description`, `inputSchema`…). */
  fields: z.array(z.string()),
});
export type PendingToolChange = z.infer<typeof PendingToolChangeSchema>;

/** A server's guard policies, defaults applied. */
export const ServerPoliciesSchema = z.object({
  toolChanges: z.enum(['approve-changes', 'approve-new-only', 'trust']),
  leakGuard: z.enum(['redact', 'block', 'off']),
});
export type ServerPolicies = z.infer<typeof ServerPoliciesSchema>;

// ---- Profiles and tool search mode (issue 13) ----

export const ToolModeSchema = z.enum(['full', 'search', 'auto']);
export const ProfileToolRuleSchema = z.enum(['in', 'out', 'listed']);
export const ProfileBudgetSchema = z.object({
  tools: z.number().int().min(1).max(10_000_000),
  tokens: z.number().int().min(1).max(10_000_000),
});

/** What a client of a profile receives from tools/list on /mcp, estimated from the cached catalogs. */
export const ProfileListingSchema = z.object({
  /** Tools in the profile (callable). */
  tools: z.number().int(),
  /** Estimated tokens of the full listing of those tools. */
  fullTokens: z.number().int(),
  /** How they are offered now: every tool listed, or the search meta-tools (+ the always-listed ones). */
  mode: z.enum(['full', 'search']),
  reason: z.string(),
  /** Entries of tools/list and their estimated tokens, as offered now. */
  listed: z.number().int(),
  listedTokens: z.number().int(),
});

export const ProfileSummarySchema = z.object({
  name: z.string(),
  description: z.string(),
  isDefault: z.boolean(),
  /** Servers without a rule of their own (servers added later too). */
  others: z.enum(['in', 'out']),
  toolMode: ToolModeSchema,
  budget: ProfileBudgetSchema,
  /** Clients bound to it (the default: every client not bound elsewhere is listed too). */
  clients: z.array(z.string()),
  listing: ProfileListingSchema,
});
export type ProfileSummary = z.infer<typeof ProfileSummarySchema>;

export const ProfileServerSchema = z.object({
  prefix: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  /** The server's own rule (null: follows `others`). */
  rule: z.boolean().nullable(),
  /** The whole server is in. */
  included: z.boolean(),
  /** False while the hub has never seen the server's tools. */
  toolsKnown: z.boolean(),
  tools: z.array(
    z.object({
      name: z.string(),
      title: z.string().optional(),
      description: z.string().optional(),
      /** The tool's own rule (null: follows its server). */
      rule: ProfileToolRuleSchema.nullable(),
      included: z.boolean(),
      alwaysListed: z.boolean(),
    }),
  ),
});
export type ProfileServer = z.infer<typeof ProfileServerSchema>;

export const ProfileDetailSchema = ProfileSummarySchema.extend({ servers: z.array(ProfileServerSchema) });
export type ProfileDetail = z.infer<typeof ProfileDetailSchema>;

/** One client (a client token, or the stdio bridge) and the profile it uses. */
export const ClientProfileSchema = z.object({
  /** What `profile use` takes: the token's name, or "bridge". */
  client: z.string(),
  label: z.string(),
  profile: z.string(),
  /** Entries its tools/list on /mcp holds now, and the tools it can call. */
  listed: z.number().int(),
  tools: z.number().int(),
  mode: z.enum(['full', 'search']),
});
export type ClientProfile = z.infer<typeof ClientProfileSchema>;
