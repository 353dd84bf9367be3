import { describe, expect, it } from 'vitest';
import type { ImportedServer } from '../../../main/clients/client-adapter.ts';
import { getClientAdapter } from '../../../main/clients/client-registry.ts';
import { fixtureCases } from './client-fixtures.ts';

/** Every client's realistic fixture read back as servers: stdio and URL entries, env, headers, disabled flags. */

function fullFixture(id: string): string {
  const full = fixtureCases(id).find((c) => c.name === 'full');
  if (full === undefined) throw new Error(`no full fixture for ${id}`);
  return full.input;
}

const expected: Record<string, ImportedServer[]> = {
  'claude-desktop': [
    {
      name: 'filesystem',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', 'C:\\Users\\ada\\Documents', 'D:\\Projects'],
      env: {},
    },
    {
      name: 'weather',
      transport: 'stdio',
      command: 'C:\\Python312\\python.exe',
      args: ['C:\\tools\\weather\\server.py'],
      env: { WEATHER_UNITS: 'metric' },
    },
  ],
  'claude-code': [
    { name: 'sentry', transport: 'http', url: 'https://mcp.sentry.dev/mcp', headers: {} },
    {
      name: 'notes',
      transport: 'stdio',
      command: 'C:\\Users\\ada\\bin\\notes-mcp.exe',
      args: ['--vault', 'C:\\Users\\ada\\Notes'],
      env: {},
    },
  ],
  cursor: [
    {
      name: 'github',
      transport: 'http',
      url: 'https://api.githubcopilot.com/mcp/',
      headers: { Authorization: 'Bearer ${env:GITHUB_TOKEN}' },
    },
    {
      name: 'win-tools',
      transport: 'stdio',
      command: 'C:\\Program Files\\nodejs\\node.exe',
      args: ['C:\\Users\\ada\\tools\\server.js'],
      env: { LOG_LEVEL: 'debug' },
    },
  ],
  vscode: [
    {
      name: 'memory',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-memory'],
      env: {},
    },
    {
      name: 'firecrawl',
      transport: 'stdio',
      command: 'C:\\Program Files\\nodejs\\npx.cmd',
      args: ['-y', 'firecrawl-mcp'],
      env: { FIRECRAWL_API_KEY: '${input:firecrawl-key}' },
    },
    { name: 'gallery-server', transport: 'http', url: 'https://mcp.exa.ai/mcp', headers: {} },
  ],
  windsurf: [
    {
      name: 'github',
      transport: 'http',
      url: 'https://api.githubcopilot.com/mcp/',
      headers: { Authorization: 'Bearer ghp_Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0KkLl' },
    },
    {
      name: 'sqlite',
      transport: 'stdio',
      command: 'uvx',
      args: ['mcp-server-sqlite', '--db-path', 'C:\\Users\\ada\\data\\shop.db'],
      env: {},
      disabled: true,
    },
    { name: 'legacy-sse', transport: 'sse', url: 'https://example.com/sse', headers: {} },
  ],
  codex: [
    { name: 'context7', transport: 'stdio', command: 'npx', args: ['-y', '@upstash/context7-mcp'], env: {} },
    {
      name: 'win-tools',
      transport: 'stdio',
      command: 'C:\\Program Files\\tools\\server.exe',
      args: ['--root', 'D:\\Data'],
      env: { LOG_LEVEL: 'info', NOTE: '[not a table]\n' },
    },
    {
      name: 'figma',
      transport: 'http',
      url: 'https://mcp.figma.com/mcp',
      headers: { 'X-Figma-Region': 'us-east-1', Authorization: 'Bearer ${FIGMA_OAUTH_TOKEN}' },
      disabled: true,
    },
  ],
  'gemini-cli': [
    { name: 'git', transport: 'stdio', command: 'uvx', args: ['mcp-server-git'], env: {}, cwd: './repos' },
    {
      name: 'context7',
      transport: 'http',
      url: 'https://mcp.context7.com/mcp',
      headers: { CONTEXT7_API_KEY: '$CONTEXT7_API_KEY', Accept: 'application/json, text/event-stream' },
    },
    {
      name: 'win-server',
      transport: 'stdio',
      command: 'C:\\tools\\server.exe',
      args: [],
      env: { API_TOKEN: '%MY_API_TOKEN%' },
    },
  ],
};

describe('readServers', () => {
  it.each(Object.entries(expected))('reads every server of the %s fixture', (id, servers) => {
    expect(getClientAdapter(id).readServers(fullFixture(id))).toEqual(servers);
  });

  it('reads an empty or server-less file as no servers', () => {
    expect(getClientAdapter('cursor').readServers('')).toEqual([]);
    expect(getClientAdapter('gemini-cli').readServers('{ "theme": "Dracula" }')).toEqual([]);
    expect(getClientAdapter('codex').readServers('model = "o3"\n')).toEqual([]);
  });

  it('keeps entries it cannot run, with the reason, so an import can report them', () => {
    expect(
      getClientAdapter('claude-desktop').readServers('{"mcpServers": {"a": 1, "b": {"args": []}}}'),
    ).toEqual([
      { name: 'a', transport: 'unsupported', reason: 'the entry is not an object' },
      { name: 'b', transport: 'unsupported', reason: 'it has neither a command nor a URL' },
    ]);
    expect(getClientAdapter('codex').readServers('[mcp_servers.x]\nenabled = true\n')).toEqual([
      { name: 'x', transport: 'unsupported', reason: 'it has neither a command nor a url' },
    ]);
  });

  it('tells Streamable HTTP from SSE the way each client does', () => {
    const cursor = getClientAdapter('cursor');
    expect(
      cursor.readServers(
        '{"mcpServers": {"a": {"url": "https://x.dev/sse"}, "b": {"url": "https://x.dev/mcp", "type": "sse"}}}',
      ),
    ).toEqual([
      { name: 'a', transport: 'sse', url: 'https://x.dev/sse', headers: {} },
      { name: 'b', transport: 'sse', url: 'https://x.dev/mcp', headers: {} },
    ]);
    const gemini = getClientAdapter('gemini-cli');
    expect(
      gemini.readServers(
        '{"mcpServers": {"a": {"httpUrl": "https://x.dev/sse"}, "b": {"url": "https://x.dev/sse"}}}',
      ),
    ).toEqual([
      { name: 'a', transport: 'http', url: 'https://x.dev/sse', headers: {} },
      { name: 'b', transport: 'sse', url: 'https://x.dev/sse', headers: {} },
    ]);
    const vscode = getClientAdapter('vscode');
    expect(vscode.readServers('{"servers": {"a": {"type": "http", "url": "https://x.dev/sse"}}}')).toEqual([
      { name: 'a', transport: 'http', url: 'https://x.dev/sse', headers: {} },
    ]);
  });

  it('turns Codex env_vars, env_http_headers and bearer tokens into references', () => {
    const text = [
      '[mcp_servers.a]',
      'command = "srv"',
      'env = { A = "1" }',
      'env_vars = ["B", { name = "C", source = "local" }]',
      '',
      '[mcp_servers.b]',
      'url = "https://x.dev/mcp"',
      'env_http_headers = { "X-Key" = "X_KEY" }',
      'bearer_token = "literal-token-value"',
      '',
    ].join('\n');
    expect(getClientAdapter('codex').readServers(text)).toEqual([
      { name: 'a', transport: 'stdio', command: 'srv', args: [], env: { A: '1', B: '${B}', C: '${C}' } },
      {
        name: 'b',
        transport: 'http',
        url: 'https://x.dev/mcp',
        headers: { 'X-Key': '${X_KEY}', Authorization: 'Bearer literal-token-value' },
      },
    ]);
  });
});
