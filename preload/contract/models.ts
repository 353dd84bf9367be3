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
});
export type AuthStatus = z.infer<typeof AuthStatusSchema>;

export const VariableStateSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  required: z.boolean(),
  secret: z.boolean(),
  isSet: z.boolean(),
  hasDefault: z.boolean(),
});
export type VariableState = z.infer<typeof VariableStateSchema>;

export const ServerSummarySchema = z.object({
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

export const CALL_OUTCOMES = ['ok', 'tool_error', 'error', 'timeout', 'cancelled'] as const;
export const CallOutcomeSchema = z.enum(CALL_OUTCOMES);

export const ActivityRowSchema = z.object({
  id: z.number().int(),
  at: Timestamp,
  clientName: z.string(),
  server: z.string(),
  tool: z.string(),
  durationMs: z.number(),
  outcome: z.string(),
  errorCode: z.string().nullable(),
});
export type ActivityRow = z.infer<typeof ActivityRowSchema>;

export const SettingsSchema = z.object({
  port: z.number().int().min(1024).max(65535),
  idleTimeoutSeconds: z.number().int().min(0).max(604_800),
  callLogRetentionDays: z.number().int().min(1).max(3650),
  healthIntervalSeconds: z.number().int().min(10).max(86_400),
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
  entry: z.enum(['absent', 'current', 'outdated', 'unreadable']),
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
  restartHint: z.string(),
});

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
  running: z.boolean(),
  paused: z.boolean(),
  url: z.string(),
  port: z.number().int(),
  sessions: z.number().int(),
});
export type GatewayStatus = z.infer<typeof GatewayStatusSchema>;

export const ToolCallResultSchema = z.object({
  isError: z.boolean(),
  content: z.array(z.record(z.string(), z.unknown())),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  durationMs: z.number(),
});
export type ToolCallResult = z.infer<typeof ToolCallResultSchema>;
