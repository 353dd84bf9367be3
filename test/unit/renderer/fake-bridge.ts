/**
 * A fake SwitchboardBridge for component tests and the screenshot harness: in-memory state, contract-shaped
 * answers, a log of every call, and `emit()` to push events as main would. Handlers can be overridden per test.
 */
import {
  definitionIssues,
  ServerDefinitionSchema,
  type ActivityRow,
  type AiClient,
  type CatalogEntry,
  type ClientTokenInfo,
  type CommandInput,
  type CommandName,
  type CommandOutput,
  type ErrorInfo,
  type EventName,
  type EventPayload,
  type GatewayStatus,
  type HealthHistoryEntry,
  type HealthSnapshot,
  type Result,
  type ServerDetail,
  type Settings,
  type SwitchboardBridge,
} from '../../../preload/contract/index.ts';

export interface FakeState {
  servers: ServerDetail[];
  activity: ActivityRow[];
  settings: Settings;
  tokens: ClientTokenInfo[];
  clients: AiClient[];
  catalog: CatalogEntry[];
  gateway: GatewayStatus;
  logs: Record<string, string[]>;
  history: Record<string, HealthHistoryEntry[]>;
  mode: 'desktop' | 'web';
}

type Handler<N extends CommandName> = (input: CommandInput<N>, state: FakeState) => unknown;

export interface FakeBridge extends SwitchboardBridge {
  state: FakeState;
  /** Every command invoked, in order. */
  calls: { name: CommandName; input: unknown }[];
  /** Calls of one command. */
  callsOf<N extends CommandName>(name: N): CommandInput<N>[];
  /** Pushes an event to every listener, as main would. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Replaces the behaviour of one command: return a value, or throw `fail(...)`, or return a Result. */
  handle<N extends CommandName>(name: N, handler: Handler<N>): void;
  listenerCount(event: EventName): number;
  /** Whether the window hears from the hub (renderer/api.ts ConnectionState), as the web bridge reports it. */
  connection(): 'connected' | 'lost' | 'ended';
  onConnection(listener: (state: 'connected' | 'lost' | 'ended') => void): () => void;
  /** Changes the connection state, as a dropped or refused event stream would. */
  setConnection(state: 'connected' | 'lost' | 'ended'): void;
}

/** Thrown inside a handler to answer `{ ok: false, error }`. */
export class FakeFailure extends Error {
  readonly info: ErrorInfo;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.info = info;
  }
}

/** Makes a handler answer with an error of the given code. */
export function fail(code: ErrorInfo['code'], message: string, details?: unknown): never {
  throw new FakeFailure({ code, message, ...(details === undefined ? {} : { details }) });
}

export const NOW = Date.now();

export function health(
  status: HealthSnapshot['status'],
  extra: Partial<HealthSnapshot> = {},
): HealthSnapshot {
  return {
    status,
    degradedBy: null,
    since: NOW - 3_600_000,
    checkedAt: NOW - 60_000,
    latencyMs: status === 'healthy' ? 42 : null,
    lastError: null,
    missing: [],
    ...extra,
  };
}

/** A stable fake server id per prefix. */
const fakeIds = new Map<string, number>();
function fakeIdOf(prefix: string): number {
  if (!fakeIds.has(prefix)) fakeIds.set(prefix, fakeIds.size + 1);
  return fakeIds.get(prefix) as number;
}

/** A server detail with sensible defaults; pass what the test cares about. */
export function makeServer(
  prefix: string,
  extra: Partial<ServerDetail['summary']> & { detail?: Partial<ServerDetail> } = {},
): ServerDetail {
  const { detail, ...summary } = extra;
  return {
    summary: {
      id: fakeIdOf(prefix),
      prefix,
      name: prefix,
      transport: 'stdio',
      enabled: true,
      target: `npx -y @example/${prefix}`,
      health: health('healthy'),
      toolCount: 0,
      authFlow: 'none',
      ...summary,
    },
    definition: {
      transport: 'stdio',
      prefix,
      name: summary.name ?? prefix,
      command: 'npx',
      args: ['-y', `@example/${prefix}`],
    },
    variables: [],
    auth: null,
    tools: [],
    upstreamState: 'ready',
    era: 'legacy',
    ...detail,
  };
}

export function emptyState(): FakeState {
  return {
    servers: [],
    activity: [],
    settings: {
      port: 17517,
      idleTimeoutSeconds: 600,
      callLogRetentionDays: 30,
      healthIntervalSeconds: 60,
      probeIdleServers: false,
      notifications: true,
      launchAtLogin: false,
    },
    tokens: [],
    clients: [],
    catalog: [],
    gateway: {
      state: 'running',
      url: 'http://127.0.0.1:17517/mcp',
      port: 17517,
      configuredPort: 17517,
      sessions: 0,
    },
    logs: {},
    history: {},
    mode: 'desktop',
  };
}

/** A lived-in machine: for screenshots and for looking at the design with real-looking data. */
export function demoState(): FakeState {
  const state = emptyState();
  const everythingTools = [
    {
      name: 'echo',
      exposedName: 'everything__echo',
      description: 'Echoes back the input.',
      inputSchema: {
        type: 'object',
        properties: { message: { type: 'string', description: 'Message to echo' } },
        required: ['message'],
      },
      enabled: true,
    },
    {
      name: 'add',
      exposedName: 'everything__add',
      description: 'Adds two numbers.',
      inputSchema: {
        type: 'object',
        properties: {
          a: { type: 'number', description: 'First number' },
          b: { type: 'number', description: 'Second number' },
        },
        required: ['a', 'b'],
      },
      enabled: true,
    },
    {
      name: 'longRunningOperation',
      exposedName: 'everything__longRunningOperation',
      description: 'Demonstrates a long running operation with progress updates.',
      inputSchema: {
        type: 'object',
        properties: {
          duration: {
            type: 'integer',
            default: 10,
            minimum: 1,
            description: 'Duration of the operation in seconds',
          },
          steps: { type: 'integer', default: 5, description: 'Number of steps' },
          mode: { type: 'string', enum: ['fast', 'thorough'], description: 'How to run' },
          tags: { type: 'array', items: { type: 'string' }, description: 'Labels to attach' },
          verbose: { type: 'boolean', description: 'Report every step' },
          options: {
            type: 'object',
            description: 'Advanced options',
            properties: { retries: { type: 'integer' }, label: { type: 'string' } },
            required: ['label'],
          },
        },
      },
      enabled: true,
    },
    {
      name: 'sampleLLM',
      exposedName: 'everything__sampleLLM',
      description: "Samples from an LLM using MCP's sampling feature.",
      inputSchema: {
        type: 'object',
        properties: { prompt: { type: 'string' }, maxTokens: { type: 'number', default: 100 } },
        required: ['prompt'],
      },
      enabled: false,
    },
  ];
  state.servers = [
    makeServer('everything', {
      name: 'Everything (reference)',
      toolCount: everythingTools.length,
      target: 'npx -y @modelcontextprotocol/server-everything',
      health: health('healthy', { latencyMs: 38 }),
      detail: { tools: everythingTools },
    }),
    makeServer('github', {
      name: 'GitHub',
      transport: 'http',
      target: 'https://api.githubcopilot.com/mcp/',
      health: health('needs_auth'),
      toolCount: 0,
      authFlow: 'authorization_code',
      detail: {
        definition: {
          transport: 'http',
          prefix: 'github',
          name: 'GitHub',
          url: 'https://api.githubcopilot.com/mcp/',
          auth: { kind: 'oauth', flow: 'authorization_code', scopes: ['repo', 'read:org'] },
        },
        auth: {
          flow: 'authorization_code',
          hasCredential: false,
          isExpired: false,
          scopes: [],
          requiredScopes: ['repo', 'read:org'],
        },
        upstreamState: 'stopped',
        era: null,
      },
    }),
    makeServer('brave', {
      name: 'Brave Search',
      target: 'npx -y @modelcontextprotocol/server-brave-search',
      health: health('needs_config', { missing: ['BRAVE_API_KEY'] }),
      detail: {
        variables: [
          {
            name: 'BRAVE_API_KEY',
            description: 'API key from https://brave.com/search/api/',
            required: true,
            secret: true,
            isSet: false,
            hasDefault: false,
          },
          {
            name: 'BRAVE_COUNTRY',
            description: 'Two-letter country code for results',
            required: false,
            secret: false,
            isSet: false,
            hasDefault: true,
          },
        ],
        upstreamState: 'stopped',
      },
    }),
    makeServer('postgres', {
      name: 'Postgres (analytics)',
      target: 'uvx postgres-mcp --access-mode=restricted',
      toolCount: 9,
      health: health('unhealthy', {
        lastError: {
          message: 'connect ECONNREFUSED 127.0.0.1:5432 — is the database running?',
          code: 'UPSTREAM_UNAVAILABLE',
          at: NOW - 120_000,
        },
      }),
      detail: {
        variables: [
          {
            name: 'DATABASE_URI',
            description: 'postgresql://user:pass@host/db',
            required: true,
            secret: true,
            isSet: true,
            hasDefault: false,
          },
        ],
        upstreamState: 'backoff',
      },
    }),
    makeServer('linear', {
      name: 'Linear',
      transport: 'sse',
      target: 'https://mcp.linear.app/sse',
      toolCount: 14,
      health: health('degraded', { degradedBy: 'slow', latencyMs: 2400 }),
      authFlow: 'authorization_code',
      detail: {
        auth: {
          flow: 'authorization_code',
          hasCredential: true,
          isExpired: false,
          issuer: 'https://linear.app',
          connectedAt: NOW - 86_400_000 * 3,
          expiresAt: NOW + 3_600_000 * 5,
          scopes: ['read', 'write'],
        },
      },
    }),
    makeServer('filesystem', {
      name: 'Filesystem',
      target: 'npx -y @modelcontextprotocol/server-filesystem ~/Documents',
      toolCount: 11,
      enabled: false,
      health: health('disabled', { latencyMs: null }),
    }),
    makeServer('memory', {
      name: 'Memory',
      target: 'npx -y @modelcontextprotocol/server-memory',
      toolCount: 9,
      health: health('stopped', { latencyMs: null }),
    }),
  ];
  const outcomes: ActivityRow['outcome'][] = [
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'tool_error',
    'ok',
    'ok',
    'timeout',
  ];
  const tools = [
    ['everything', 'echo'],
    ['everything', 'add'],
    ['linear', 'list_issues'],
    ['linear', 'create_issue'],
    ['postgres', 'execute_sql'],
    ['memory', 'read_graph'],
  ] as const;
  state.activity = Array.from({ length: 48 }, (_, i) => {
    const [server, tool] = tools[(i * 7) % tools.length] ?? tools[0];
    const outcome = outcomes[(i * 3) % outcomes.length] ?? 'ok';
    return {
      id: 1000 - i,
      at: NOW - i * 97_000,
      clientName: ['Claude Desktop', 'Cursor', 'Claude Code'][i % 3] ?? 'Cursor',
      server,
      tool,
      durationMs:
        outcome === 'timeout'
          ? 30_000
          : server === 'linear'
            ? 900 + ((i * 331) % 1800)
            : 20 + ((i * 53) % 260),
      outcome,
      errorCode: outcome === 'timeout' ? 'UPSTREAM_TIMEOUT' : outcome === 'tool_error' ? 'TOOL_ERROR' : null,
    };
  });
  state.tokens = [
    { name: 'claude-desktop', createdAt: NOW - 86_400_000 * 12, lastUsedAt: NOW - 300_000 },
    { name: 'cursor', createdAt: NOW - 86_400_000 * 9, lastUsedAt: NOW - 7_200_000 },
    { name: 'ci-script', createdAt: NOW - 86_400_000 * 2, lastUsedAt: null },
  ];
  state.clients = [
    {
      id: 'claude-desktop',
      displayName: 'Claude Desktop',
      detected: true,
      configPath: '~/.config/Claude/claude_desktop_config.json',
      supportsHttp: false,
      entry: 'current',
      restartHint: 'Quit and reopen Claude Desktop.',
    },
    {
      id: 'cursor',
      displayName: 'Cursor',
      detected: true,
      configPath: '~/.cursor/mcp.json',
      supportsHttp: true,
      entry: 'outdated',
      restartHint: 'Cursor picks up the change by itself.',
      deepLink: 'cursor://anysphere.cursor-deeplink/mcp/install?name=switchboard',
    },
    {
      id: 'vscode',
      displayName: 'VS Code',
      detected: true,
      configPath: '~/.config/Code/User/mcp.json',
      supportsHttp: true,
      entry: 'absent',
      restartHint: 'Reload the VS Code window.',
    },
    {
      id: 'codex',
      displayName: 'Codex CLI',
      detected: true,
      configPath: '~/.codex/config.toml',
      supportsHttp: true,
      entry: 'unreadable',
      problem: 'config.toml line 12: expected "=" after a key',
      restartHint: 'Start a new Codex session.',
    },
    {
      id: 'windsurf',
      displayName: 'Windsurf',
      detected: false,
      configPath: null,
      supportsHttp: true,
      entry: 'absent',
      restartHint: '',
    },
    {
      id: 'gemini',
      displayName: 'Gemini CLI',
      detected: false,
      configPath: null,
      supportsHttp: true,
      entry: 'absent',
      restartHint: '',
    },
  ];
  state.catalog = [
    {
      id: 'github',
      name: 'GitHub',
      description:
        'Issues, pull requests, code search and repository management through the official GitHub MCP server.',
      category: 'Development',
      homepage: 'https://github.com/github/github-mcp-server',
      authKind: 'oauth',
      transport: 'http',
    },
    {
      id: 'filesystem',
      name: 'Filesystem',
      description: 'Read and write files in the folders you allow.',
      category: 'Files',
      homepage: 'https://github.com/modelcontextprotocol/servers',
      authKind: 'none',
      transport: 'stdio',
    },
    {
      id: 'brave-search',
      name: 'Brave Search',
      description: 'Web and local search with the Brave Search API.',
      category: 'Search',
      homepage: 'https://brave.com/search/api/',
      authKind: 'env',
      transport: 'stdio',
    },
    {
      id: 'linear',
      name: 'Linear',
      description: 'Find, create and update Linear issues and projects.',
      category: 'Productivity',
      homepage: 'https://linear.app/docs/mcp',
      authKind: 'oauth',
      transport: 'sse',
    },
    {
      id: 'postgres',
      name: 'Postgres',
      description: 'Inspect schemas and run read-only SQL against a PostgreSQL database.',
      category: 'Data',
      homepage: 'https://github.com/crystaldba/postgres-mcp',
      authKind: 'env',
      transport: 'stdio',
    },
    {
      id: 'memory',
      name: 'Memory',
      description: 'A knowledge graph that persists between conversations.',
      category: 'Productivity',
      homepage: 'https://github.com/modelcontextprotocol/servers',
      authKind: 'none',
      transport: 'stdio',
    },
  ];
  state.gateway = {
    state: 'running',
    url: 'http://127.0.0.1:17517/mcp',
    port: 17517,
    configuredPort: 17517,
    sessions: 3,
  };
  state.logs = {
    everything: [
      '[2026-06-15 10:12:03] Starting default (STDIO) server...',
      '[2026-06-15 10:12:03] Secure MCP Filesystem Server running on stdio',
      '[2026-06-15 10:14:41] tools/call echo (3 ms)',
      '[2026-06-15 10:20:10] tools/call add (1 ms)',
    ],
    postgres: [
      'Traceback (most recent call last):',
      '  File "postgres_mcp/server.py", line 88, in main',
      'psycopg.OperationalError: connection failed: connect ECONNREFUSED 127.0.0.1:5432',
    ],
  };
  state.history = {
    everything: Array.from({ length: 30 }, (_, i) => ({
      status: i === 7 ? 'unhealthy' : 'healthy',
      latencyMs: i === 7 ? null : 30 + ((i * 17) % 40),
      error: i === 7 ? 'Process exited with code 1' : null,
      checkedAt: NOW - i * 60_000,
    })),
  };
  return state;
}

/** The fake bridge. `state` defaults to an empty machine. */
export function createFakeBridge(options: { state?: FakeState; delayMs?: number } = {}): FakeBridge {
  const state = options.state ?? emptyState();
  const calls: { name: CommandName; input: unknown }[] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const overrides = new Map<CommandName, Handler<CommandName>>();
  let connection: 'connected' | 'lost' | 'ended' = 'connected';
  const connectionListeners = new Set<(state: 'connected' | 'lost' | 'ended') => void>();

  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };

  const find = (prefix: string): ServerDetail => {
    const server = state.servers.find((s) => s.summary.prefix === prefix);
    return server ?? fail('NOT_FOUND', `No server with the prefix "${prefix}".`);
  };

  const defaults: { [N in CommandName]?: Handler<N> } = {
    'app.info': () => ({
      version: '0.1.0',
      dataDir: '/home/ada/.local/share/switchboard',
      platform: 'linux',
      mode: state.mode,
      vault: { ok: true },
    }),
    'servers.list': () => state.servers.map((s) => s.summary),
    'servers.get': ({ prefix }) => find(prefix),
    'servers.add': ({ definition }) => {
      const parsed = ServerDefinitionSchema.safeParse(definition);
      if (!parsed.success) {
        fail('VALIDATION', 'The server definition is not valid.', { issues: definitionIssues(parsed.error) });
      }
      const def = parsed.data;
      if (state.servers.some((s) => s.summary.prefix === def.prefix)) {
        fail('VALIDATION', 'The prefix is taken.', {
          issues: [{ path: ['prefix'], message: `"${def.prefix}" is already used by another server` }],
        });
      }
      const server = makeServer(def.prefix, {
        name: def.name,
        transport: def.transport,
        enabled: def.enabled,
        target: def.transport === 'stdio' ? [def.command, ...def.args].join(' ') : def.url,
        health: health(def.envVars.some((v) => v.required) ? 'needs_config' : 'unknown', { latencyMs: null }),
        detail: {
          definition: definition,
          variables: def.envVars.map((v) => ({
            name: v.name,
            ...(v.description ? { description: v.description } : {}),
            required: v.required,
            secret: v.secret,
            isSet: false,
            hasDefault: v.default !== undefined,
          })),
        },
      });
      state.servers.push(server);
      emit('servers.changed', { prefix: def.prefix });
      return server.summary;
    },
    'servers.update': ({ prefix, definition }) => {
      const server = find(prefix);
      server.definition = definition;
      emit('servers.changed', { prefix });
      return server.summary;
    },
    'servers.remove': ({ prefix }) => {
      find(prefix);
      state.servers = state.servers.filter((s) => s.summary.prefix !== prefix);
      emit('servers.changed', {});
      return { done: true as const };
    },
    'servers.setEnabled': ({ prefix, enabled }) => {
      const server = find(prefix);
      server.summary = {
        ...server.summary,
        enabled,
        health: enabled ? server.summary.health : health('disabled', { latencyMs: null }),
      };
      return server.summary;
    },
    'servers.parseSnippet': ({ text }) => parseSnippet(text),
    'servers.logs': ({ prefix }) => ({ lines: state.logs[prefix] ?? [] }),
    'variables.set': ({ prefix, name }) => {
      const server = find(prefix);
      const variable =
        server.variables.find((v) => v.name === name) ?? fail('NOT_FOUND', `No variable ${name}.`);
      variable.isSet = true;
      return { ...variable };
    },
    'variables.unset': ({ prefix, name }) => {
      const variable = find(prefix).variables.find((v) => v.name === name);
      if (variable) variable.isSet = false;
      return { done: true as const };
    },
    'variables.clear': ({ prefix }) => {
      const server = find(prefix);
      const removed = server.variables.filter((v) => v.isSet).length;
      for (const v of server.variables) v.isSet = false;
      return { removed };
    },
    'tools.setEnabled': ({ prefix, tool, enabled }) => {
      const server = find(prefix);
      server.tools = server.tools.map((t) => (t.name === tool ? { ...t, enabled } : t));
      return { done: true as const };
    },
    'tools.cancel': () => ({ cancelled: false }),
    'tools.call': ({ arguments: args }) => ({
      isError: false,
      content: [{ type: 'text', text: `Called with ${JSON.stringify(args)}` }],
      durationMs: 12,
    }),
    'health.check': ({ prefix }) => find(prefix).summary.health,
    'health.history': ({ prefix }) => state.history[prefix] ?? [],
    'auth.connect': ({ prefix }) => {
      const server = find(prefix);
      server.auth = {
        flow: 'authorization_code',
        hasCredential: true,
        isExpired: false,
        scopes: ['read'],
        connectedAt: NOW,
        expiresAt: NOW + 3_600_000,
      };
      return server.auth;
    },
    'auth.disconnect': ({ prefix }) => {
      const server = find(prefix);
      if (server.auth) server.auth = { ...server.auth, hasCredential: false, scopes: [] };
      return { revoked: true };
    },
    'activity.list': ({ server, outcome, limit }) =>
      state.activity
        .filter((r) => (!server || r.server === server) && (!outcome || r.outcome === outcome))
        .slice(0, limit ?? 100),
    'settings.get': () => state.settings,
    'settings.set': (patch) => {
      state.settings = { ...state.settings, ...patch };
      return state.settings;
    },
    'tokens.list': () => state.tokens,
    'tokens.create': ({ name }) => {
      state.tokens.push({ name, createdAt: NOW, lastUsedAt: null });
      return { name, token: `sbt_${name}_9f8e7d6c5b4a39281706f5e4d3c2b1a0` };
    },
    'tokens.revoke': ({ name }) => {
      state.tokens = state.tokens.filter((t) => t.name !== name);
      return { done: true as const };
    },
    'clients.list': () => state.clients,
    'clients.connect': ({ id }) => {
      const client = state.clients.find((c) => c.id === id) ?? fail('NOT_FOUND', 'No such client.');
      client.entry = 'current';
      return {
        path: client.configPath ?? '',
        changed: true,
        backupPath: `${client.configPath}.bak`,
        restartHint: client.restartHint,
      };
    },
    'clients.disconnect': ({ id }) => {
      const client = state.clients.find((c) => c.id === id) ?? fail('NOT_FOUND', 'No such client.');
      client.entry = 'absent';
      return { path: client.configPath ?? '', changed: true, restartHint: client.restartHint };
    },
    'clients.importPreview': () => ({
      add: [
        {
          prefix: 'sqlite',
          name: 'sqlite',
          transport: 'stdio',
          fromNames: ['sqlite'],
          secretNames: [],
          missingNames: [],
        },
        {
          prefix: 'slack',
          name: 'slack',
          transport: 'stdio',
          fromNames: ['slack'],
          secretNames: ['SLACK_BOT_TOKEN'],
          missingNames: [],
        },
      ],
      skipped: [{ name: 'switchboard', reason: 'it is Switchboard itself' }],
      text: 'Would add:\n  sqlite  (stdio)\n  slack   (stdio)  secrets: SLACK_BOT_TOKEN\nSkipped:\n  switchboard: it is Switchboard itself',
    }),
    'clients.import': () => ({ imported: ['sqlite', 'slack'] }),
    'catalog.search': ({ text, category }) =>
      state.catalog.filter(
        (e) =>
          (!text || `${e.name} ${e.description}`.toLowerCase().includes(text.toLowerCase())) &&
          (!category || e.category === category),
      ),
    'catalog.categories': () => [...new Set(state.catalog.map((e) => e.category))].sort(),
    'catalog.template': ({ id, prefix }) => {
      const entry = state.catalog.find((e) => e.id === id) ?? fail('NOT_FOUND', 'No such entry.');
      return entry.transport === 'stdio'
        ? {
            transport: 'stdio',
            prefix,
            name: entry.name,
            command: 'npx',
            args: ['-y', `@modelcontextprotocol/server-${id}`],
            ...(entry.authKind === 'env'
              ? {
                  envVars: [
                    {
                      name: `${id.toUpperCase().replace(/-/g, '_')}_API_KEY`,
                      description: `API key for ${entry.name}`,
                      required: true,
                      secret: true,
                    },
                  ],
                  env: {
                    [`${id.toUpperCase().replace(/-/g, '_')}_API_KEY`]: `\${${id.toUpperCase().replace(/-/g, '_')}_API_KEY}`,
                  },
                }
              : {}),
          }
        : {
            transport: entry.transport,
            prefix,
            name: entry.name,
            url: `https://mcp.example.com/${id}`,
            ...(entry.authKind === 'oauth' ? { auth: { kind: 'oauth', flow: 'authorization_code' } } : {}),
          };
    },
    'transfer.export': () => ({
      text: JSON.stringify({ version: 1, servers: state.servers.map((s) => s.definition) }, null, 2),
    }),
    'transfer.import': () => ({ imported: [], profiles: [] }),
    'gateway.status': () => state.gateway,
    'gateway.setPaused': ({ paused }) => {
      state.gateway = { ...state.gateway, state: paused ? 'paused' : 'running' };
      return state.gateway;
    },
  };

  const bridge: FakeBridge = {
    state,
    calls,
    callsOf: <N extends CommandName>(name: N) =>
      calls.filter((c) => c.name === name).map((c) => c.input as CommandInput<N>),
    emit,
    handle: (name, handler) => {
      overrides.set(name, handler as Handler<CommandName>);
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
    connection: () => connection,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    setConnection(state) {
      connection = state;
      for (const listener of connectionListeners) listener(state);
    },
    async invoke<N extends CommandName>(name: N, input: CommandInput<N>): Promise<Result<CommandOutput<N>>> {
      calls.push({ name, input });
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const handler = (overrides.get(name) ?? defaults[name]) as Handler<N> | undefined;
      if (!handler)
        return {
          ok: false,
          error: { code: 'INTERNAL', message: `The fake bridge has no handler for ${name}.` },
        };
      try {
        const value = await handler(structuredClone(input), state);
        if (isResult(value)) return value as Result<CommandOutput<N>>;
        return { ok: true, value: structuredClone(value) as CommandOutput<N> };
      } catch (error) {
        if (error instanceof FakeFailure) return { ok: false, error: error.info };
        return {
          ok: false,
          error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
        };
      }
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
  };
  return bridge;
}

function isResult(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'ok' in value &&
    (('value' in value && value.ok === true) || ('error' in value && value.ok === false))
  );
}

/**
 * A small stand-in for main's snippet parser: `{ mcpServers: { name: {command|url…} } }` or the inner map.
 * Like main, it never returns a secret value: each definition's env values are "held" under a fake handle.
 */
function parseSnippet(text: string): CommandOutput<'servers.parseSnippet'> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail('VALIDATION', 'The snippet is not valid JSON.');
  }
  const root = (json as { mcpServers?: unknown; servers?: unknown }) ?? {};
  const map = (root.mcpServers ?? root.servers ?? root) as Record<string, Record<string, unknown>>;
  const definitions: Record<string, unknown>[] = [];
  const secretNames: string[] = [];
  const skipped: string[] = [];
  const held: CommandOutput<'servers.parseSnippet'>['held'] = [];
  for (const [name, entry] of Object.entries(map)) {
    const prefix = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    if (typeof entry.command === 'string') {
      const env = (entry.env ?? {}) as Record<string, string>;
      const names = Object.keys(env);
      secretNames.push(...names);
      held.push(
        names.length ? { handle: `held-${prefix}-0123456789abcdef`, names, expiresAt: NOW + 600_000 } : null,
      );
      definitions.push({
        transport: 'stdio',
        prefix,
        name,
        command: entry.command,
        args: entry.args ?? [],
        ...(names.length
          ? {
              envVars: names.map((n) => ({ name: n, required: true, secret: true })),
              env: Object.fromEntries(names.map((n) => [n, `\${${n}}`])),
            }
          : {}),
      });
    } else if (typeof entry.url === 'string') {
      held.push(null);
      definitions.push({ transport: entry.type === 'sse' ? 'sse' : 'http', prefix, name, url: entry.url });
    } else {
      skipped.push(`${name}: neither a command nor a url`);
    }
  }
  return { definitions, secretNames, skipped, renamed: [], held };
}
