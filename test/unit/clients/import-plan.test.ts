import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServerDefinitionSchema } from '../../../preload/contract/server-definition.ts';
import type { ImportedServer } from '../../../main/clients/client-adapter.ts';
import { claudeDesktop } from '../../../main/clients/claude-desktop.ts';
import { CLIENT_ADAPTERS } from '../../../main/clients/client-registry.ts';
import { buildImportPlan, type ImportPlan } from '../../../main/clients/import-plan.ts';
import { formatImportPlan } from '../../../main/clients/import-plan-format.ts';
import { FIXTURES, GATEWAY_URL, fixtureCases } from './client-fixtures.ts';

/** Importing a client's servers: definitions, vault secrets, merged duplicates and the printed dry run. */

const GITHUB_PAT = 'ghp_R8xk2LmQ9vT4pW7nZ1cY5sD3fG6hJ0aB2eK4';
const BRAVE_KEY = 'BSAq7Kx2mN9pL4vR8tW1yZ3cF6hJ0dS5gB';
const PG_URL = 'postgresql://ada:s3cr3t-Pa55@localhost:5432/shop';
const WEATHER_KEY = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';

function sixServerPlan(): ImportPlan {
  const text = fs.readFileSync(path.join(FIXTURES, 'claude-desktop', 'import-six-servers.json'), 'utf8');
  return buildImportPlan(claudeDesktop.readServers(text), {
    clientName: 'Claude Desktop',
    existingPrefixes: ['filesystem'],
    self: { gatewayUrl: GATEWAY_URL },
  });
}

const imported = { description: 'Imported from Claude Desktop', enabled: true, transport: 'stdio' as const };
const secretVar = (name: string) => ({
  name,
  secret: true,
  required: true,
  description: 'Imported from Claude Desktop',
});

describe('buildImportPlan: a realistic Claude Desktop config with six servers', () => {
  it('produces exactly the expected definitions, merges and skips', () => {
    expect(sixServerPlan()).toEqual({
      add: [
        {
          definition: {
            prefix: 'filesystem-2',
            name: 'filesystem',
            ...imported,
            command: 'npx',
            args: [
              '-y',
              '@modelcontextprotocol/server-filesystem',
              '/Users/ada/Documents',
              '/Users/ada/Desktop',
            ],
            env: {},
            envVars: [],
          },
          fromNames: ['filesystem'],
          secretNames: [],
          missingNames: [],
          notes: [],
        },
        {
          definition: {
            prefix: 'github',
            name: 'github',
            ...imported,
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-github'],
            env: {},
            envVars: [secretVar('GITHUB_PERSONAL_ACCESS_TOKEN')],
          },
          fromNames: ['github', 'GitHub (copy)'],
          secretNames: ['GITHUB_PERSONAL_ACCESS_TOKEN'],
          missingNames: [],
          notes: ['merged duplicate entries: github, GitHub (copy)'],
        },
        {
          definition: {
            prefix: 'brave-search',
            name: 'brave-search',
            ...imported,
            command: 'npx',
            args: ['-y', '@brave/brave-search-mcp-server'],
            env: { BRAVE_MCP_LOG_LEVEL: 'info' },
            envVars: [secretVar('BRAVE_API_KEY')],
          },
          fromNames: ['brave-search'],
          secretNames: ['BRAVE_API_KEY'],
          missingNames: [],
          notes: [],
        },
        {
          definition: {
            prefix: 'postgres',
            name: 'postgres',
            ...imported,
            command: 'C:\\Program Files\\nodejs\\npx.cmd',
            args: ['-y', '@modelcontextprotocol/server-postgres', '${POSTGRES_URL}'],
            env: {},
            envVars: [secretVar('POSTGRES_URL')],
          },
          fromNames: ['postgres'],
          secretNames: ['POSTGRES_URL'],
          missingNames: [],
          notes: [
            'moved a credential in argument 3 to the vault (the server still gets it on its command line, which other local users can read: use an environment variable if it takes one)',
          ],
        },
        {
          definition: {
            prefix: 'weather',
            name: 'weather',
            ...imported,
            command: 'uv',
            args: ['--directory', 'C:\\Users\\ada\\src\\weather', 'run', 'weather.py'],
            env: { WEATHER_UNITS: 'metric' },
            envVars: [secretVar('OPENWEATHER_KEY')],
          },
          fromNames: ['weather'],
          secretNames: ['OPENWEATHER_KEY'],
          missingNames: [],
          notes: [],
        },
      ],
      skipped: [{ name: 'switchboard', reason: 'it is Switchboard itself' }],
      secrets: [
        { prefix: 'github', name: 'GITHUB_PERSONAL_ACCESS_TOKEN', value: GITHUB_PAT },
        { prefix: 'brave-search', name: 'BRAVE_API_KEY', value: BRAVE_KEY },
        { prefix: 'postgres', name: 'POSTGRES_URL', value: PG_URL },
        { prefix: 'weather', name: 'OPENWEATHER_KEY', value: WEATHER_KEY },
      ],
    });
  });

  it('keeps every secret value out of the definitions and the printed plan', () => {
    const plan = sixServerPlan();
    const definitions = JSON.stringify(plan.add);
    const printed = formatImportPlan(plan);
    for (const secret of [GITHUB_PAT, BRAVE_KEY, PG_URL, 's3cr3t-Pa55', WEATHER_KEY]) {
      expect(definitions).not.toContain(secret);
      expect(printed).not.toContain(secret);
    }
  });

  it('produces definitions that all validate with ServerDefinitionSchema', () => {
    for (const item of sixServerPlan().add)
      expect(ServerDefinitionSchema.safeParse(item.definition).success).toBe(true);
  });

  it('prints the dry run exactly', () => {
    expect(formatImportPlan(sixServerPlan())).toBe(
      [
        '5 servers to add, 1 entry skipped, 4 secrets to store in the vault',
        '',
        '+ filesystem-2 (stdio) from filesystem',
        '    command: npx -y @modelcontextprotocol/server-filesystem /Users/ada/Documents /Users/ada/Desktop',
        '',
        '+ github (stdio) from github, GitHub (copy)',
        '    command: npx -y @modelcontextprotocol/server-github',
        '    secrets to the vault: GITHUB_PERSONAL_ACCESS_TOKEN',
        '    note: merged duplicate entries: github, GitHub (copy)',
        '',
        '+ brave-search (stdio) from brave-search',
        '    command: npx -y @brave/brave-search-mcp-server',
        '    env BRAVE_MCP_LOG_LEVEL=info',
        '    secrets to the vault: BRAVE_API_KEY',
        '',
        '+ postgres (stdio) from postgres',
        '    command: "C:\\Program Files\\nodejs\\npx.cmd" -y @modelcontextprotocol/server-postgres "${POSTGRES_URL}"',
        '    secrets to the vault: POSTGRES_URL',
        '    note: moved a credential in argument 3 to the vault (the server still gets it on its command line, which other local users can read: use an environment variable if it takes one)',
        '',
        '+ weather (stdio) from weather',
        '    command: uv --directory C:\\Users\\ada\\src\\weather run weather.py',
        '    env WEATHER_UNITS=metric',
        '    secrets to the vault: OPENWEATHER_KEY',
        '',
        '- switchboard: skipped, it is Switchboard itself',
        '',
      ].join('\n'),
    );
  });
});

describe('buildImportPlan: other clients and edge cases', () => {
  it('imports every client fixture into valid definitions', () => {
    for (const adapter of CLIENT_ADAPTERS) {
      for (const c of fixtureCases(adapter.id).filter((f) => f.connected !== undefined)) {
        const plan = buildImportPlan(adapter.readServers(c.connected as string), {
          clientName: adapter.displayName,
        });
        for (const item of plan.add)
          expect(ServerDefinitionSchema.safeParse(item.definition).success).toBe(true);
        // Our own entry, present in every connected fixture, is never imported.
        expect(plan.add.flatMap((a) => a.fromNames)).not.toContain('switchboard');
      }
    }
  });

  it('turns client references into variables that must be set, secret when they look secret', () => {
    const servers: ImportedServer[] = [
      {
        name: 'gh',
        transport: 'http',
        url: 'https://api.githubcopilot.com/mcp/',
        headers: { Authorization: 'Bearer ${env:GITHUB_TOKEN}' },
      },
      {
        name: 'fc',
        transport: 'stdio',
        command: 'npx',
        args: ['-y', 'firecrawl-mcp', '--root', '${workspaceFolder}'],
        env: { FIRECRAWL_API_KEY: '${input:firecrawl-key}', MODE: '${MODE:-fast}', TOKEN: '$TOKEN' },
      },
    ];
    const plan = buildImportPlan(servers, { clientName: 'VS Code' });
    expect(plan.add.map((a) => a.definition)).toEqual([
      {
        prefix: 'gh',
        name: 'gh',
        description: 'Imported from VS Code',
        enabled: true,
        transport: 'http',
        url: 'https://api.githubcopilot.com/mcp/',
        headers: { Authorization: 'Bearer ${GITHUB_TOKEN}' },
        envVars: [
          {
            name: 'GITHUB_TOKEN',
            secret: true,
            required: true,
            description: 'Was ${env:GITHUB_TOKEN} in VS Code; set its value in Switchboard',
          },
        ],
      },
      {
        prefix: 'fc',
        name: 'fc',
        description: 'Imported from VS Code',
        enabled: true,
        transport: 'stdio',
        command: 'npx',
        args: ['-y', 'firecrawl-mcp', '--root', '${workspaceFolder}'],
        // MODE and TOKEN referred to themselves: declaring them is enough, declared variables reach the env.
        env: { FIRECRAWL_API_KEY: '${FIRECRAWL_KEY}' },
        envVars: [
          {
            name: 'FIRECRAWL_KEY',
            secret: true,
            required: true,
            description: 'Was ${input:firecrawl-key} in VS Code; set its value in Switchboard',
          },
          {
            name: 'MODE',
            secret: false,
            required: false,
            default: 'fast',
            description: 'Was ${MODE:-fast} in VS Code; set its value in Switchboard',
          },
          {
            name: 'TOKEN',
            secret: true,
            required: true,
            description: 'Was $TOKEN in VS Code; set its value in Switchboard',
          },
          {
            name: 'workspaceFolder',
            secret: false,
            required: true,
            description: 'Was ${workspaceFolder} in VS Code; set its value in Switchboard',
          },
        ],
      },
    ]);
    expect(plan.add.map((a) => a.missingNames)).toEqual([
      ['GITHUB_TOKEN'],
      ['FIRECRAWL_KEY', 'TOKEN', 'workspaceFolder'],
    ]);
    expect(plan.secrets).toEqual([]);
  });

  it('moves literal credential headers, URL passwords and secret query parameters to the vault', () => {
    const servers: ImportedServer[] = [
      {
        name: 'Remote API',
        transport: 'http',
        url: 'https://ada:pa55word@api.example.com/mcp?api_key=k-123456&region=eu',
        headers: { 'X-Api-Key': 'plain-key-value', Accept: 'application/json' },
      },
      {
        name: 'hf',
        transport: 'http',
        url: 'https://huggingface.co/mcp',
        headers: { Authorization: 'Bearer hf_abcdefghijklmnopqrstuvwxyz' },
      },
    ];
    const plan = buildImportPlan(servers, { clientName: 'Cursor' });
    expect(plan.add.map((a) => a.definition)).toEqual([
      expect.objectContaining({
        prefix: 'remote-api',
        url: 'https://api.example.com/mcp?api_key=${API_KEY}&region=eu',
        headers: {
          Authorization: 'Basic ${REMOTE_API_BASIC_AUTH}',
          'X-Api-Key': '${X_API_KEY}',
          Accept: 'application/json',
        },
      }),
      expect.objectContaining({ prefix: 'hf', headers: { Authorization: 'Bearer ${HF_TOKEN}' } }),
    ]);
    expect(plan.secrets).toEqual([
      {
        prefix: 'remote-api',
        name: 'REMOTE_API_BASIC_AUTH',
        value: Buffer.from('ada:pa55word').toString('base64'),
      },
      { prefix: 'remote-api', name: 'API_KEY', value: 'k-123456' },
      { prefix: 'remote-api', name: 'X_API_KEY', value: 'plain-key-value' },
      { prefix: 'hf', name: 'HF_TOKEN', value: 'hf_abcdefghijklmnopqrstuvwxyz' },
    ]);
    for (const item of plan.add) expect(ServerDefinitionSchema.safeParse(item.definition).success).toBe(true);
    expect(JSON.stringify(plan.add)).not.toMatch(/pa55word|k-123456|plain-key-value|hf_abcdef/);
  });

  it('does not merge entries that start the same command with different secrets', () => {
    const server = (name: string, token: string): ImportedServer => ({
      name,
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github'],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: token },
    });
    const plan = buildImportPlan(
      [
        server('GitHub', 'ghp_personalAAAAAAAAAAAAAAAAAAAAAAAA'),
        server('github', 'ghp_workBBBBBBBBBBBBBBBBBBBBBBBBBBBB'),
      ],
      {
        clientName: 'Cursor',
      },
    );
    expect(plan.add.map((a) => [a.definition.prefix, a.fromNames])).toEqual([
      ['github', ['GitHub']],
      ['github-2', ['github']],
    ]);
  });

  it('merges duplicate URLs, and recognises Switchboard by its address or its bridge', () => {
    const plan = buildImportPlan(
      [
        { name: 'ctx', transport: 'http', url: 'https://mcp.context7.com/mcp', headers: {} },
        { name: 'ctx-again', transport: 'http', url: 'https://MCP.context7.com/mcp/', headers: {} },
        { name: 'hub', transport: 'http', url: 'http://localhost:17517/mcp/dev-tools', headers: {} },
        {
          name: 'hub-bridge',
          transport: 'stdio',
          command: 'C:\\SB\\node.exe',
          args: ['C:\\SB\\bridge.js', 'bridge'],
          env: {},
        },
        { name: 'cli-bridge', transport: 'stdio', command: 'npx', args: ['switchboard', 'bridge'], env: {} },
      ],
      { clientName: 'Cursor', self: { gatewayUrl: GATEWAY_URL, bridgeScript: 'c:\\sb\\bridge.js' } },
    );
    expect(plan.add.map((a) => a.fromNames)).toEqual([['ctx', 'ctx-again']]);
    expect(plan.skipped.map((s) => s.name)).toEqual(['hub', 'hub-bridge', 'cli-bridge']);
  });

  it('skips what cannot become a valid definition, saying why, and reports unsupported entries', () => {
    const plan = buildImportPlan(
      [
        { name: 'bad-url', transport: 'http', url: 'ftp://files.example.com', headers: {} },
        { name: 'odd', transport: 'unsupported', reason: 'it has neither a command nor a URL' },
        {
          name: 'ok',
          transport: 'stdio',
          command: 'uvx',
          args: ['mcp-server-time'],
          env: { 'bad-name': 'x' },
          cwd: 'relative/dir',
        },
      ],
      { clientName: 'Cursor' },
    );
    expect(plan.skipped).toEqual([
      { name: 'odd', reason: 'it has neither a command nor a URL' },
      { name: 'bad-url', reason: 'it cannot be imported: url: must be an http:// or https:// URL' },
    ]);
    expect(plan.add[0]?.notes).toEqual([
      'dropped env "bad-name": not a valid variable name',
      'dropped working directory "relative/dir": Switchboard needs an absolute path',
    ]);
  });

  it('derives valid, unique prefixes from any name', () => {
    const names = ['GitHub (work)', 'github-work', '__weird__name__', '日本語', 'a'.repeat(40)];
    const plan = buildImportPlan(
      names.map((name) => ({ name, transport: 'stdio' as const, command: 'srv', args: [name], env: {} })),
      { clientName: 'Cursor', existingPrefixes: ['server'] },
    );
    expect(plan.add.map((a) => a.definition.prefix)).toEqual([
      'github-work',
      'github-work-2',
      'weird_name',
      'server-2',
      'a'.repeat(24),
    ]);
  });
});
