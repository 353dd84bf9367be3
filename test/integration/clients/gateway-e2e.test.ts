import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseInstallLink } from '../../../main/clients/deep-links.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import { tempDir } from '../../helpers/cli.ts';
import {
  cliEnv,
  cliRunner,
  clientFileIn,
  freePort,
  ROOT,
  setGatewayPort,
  startServe,
  type RunningServe,
  type TestClientId,
} from './clients-harness.ts';

/**
 * The entries `switchboard connect` writes are used EXACTLY as written, by real SDK clients, against a real
 * `switchboard serve` (child process, temp data dir) that runs the echo fixture as a stdio upstream.
 */

vi.setConfig({ testTimeout: 180_000 });

let home: { dir: string; cleanup: () => void };
let data: { dir: string; cleanup: () => void };
let cli: ReturnType<typeof cliRunner>;
let serve: RunningServe | undefined;
let port: number;
const clients: Client[] = [];

beforeAll(async () => {
  home = tempDir('sb-e2e-home-');
  data = tempDir('sb-e2e-data-');
  port = await freePort();
  setGatewayPort(data.dir, port);
  cli = cliRunner(data.dir, cliEnv(home.dir));
  const added = await cli.run(['server', 'add', 'echo', '--', process.execPath, FIXTURES.echo]);
  expect(added.code, added.stderr).toBe(0);
  serve = await startServe(data.dir, cliEnv(home.dir));
  expect(serve.port).toBe(port);
});

afterAll(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  await serve?.stop();
  home?.cleanup();
  data?.cleanup();
});

function sdkClient(): Client {
  const client = new Client({ name: 'switchboard-e2e', version: '1.0.0' });
  clients.push(client);
  return client;
}

function textOf(result: unknown): string {
  return (result as { content: { type: string; text: string }[] }).content[0]?.text ?? '';
}

describe('Claude Desktop', () => {
  it('the bridge command in its config, spawned exactly as written, lists and calls tools', async () => {
    const connected = await cli.run(['connect', 'claude-desktop']);
    expect(connected.code, connected.stderr).toBe(0);
    const config = JSON.parse(fs.readFileSync(clientFileIn(home.dir, 'claude-desktop'), 'utf8')) as {
      mcpServers: { switchboard: { command: string; args: string[]; env?: Record<string, string> } };
    };
    const entry = config.mcpServers.switchboard;

    // Absolute paths, this very Node, never npx and never a `node` looked up on PATH.
    expect(entry.command).toBe(process.execPath);
    expect(path.isAbsolute(entry.command)).toBe(true);
    const bundle = path.join(ROOT, 'out', 'cli', 'switchboard.mjs');
    const script = fs.existsSync(bundle) ? bundle : path.join(ROOT, 'main', 'cli.ts');
    expect(entry.args).toEqual([script, '--data-dir', data.dir, 'bridge']);
    expect(JSON.stringify(entry)).not.toMatch(/npx/);

    // As a GUI app starts it: another working directory, and a PATH without any node on it.
    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: { ...entry.env, PATH: path.join(home.dir, 'no-node-here') },
      cwd: os.tmpdir(),
      stderr: 'pipe',
    });
    const client = sdkClient();
    await client.connect(transport);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain('echo__echo');
    expect(tools).toContain('echo__add');
    expect(
      textOf(await client.callTool({ name: 'echo__echo', arguments: { text: 'via Claude Desktop' } })),
    ).toBe('via Claude Desktop');
    expect(textOf(await client.callTool({ name: 'echo__add', arguments: { a: 2, b: 40 } }))).toBe('42');
    await client.close();
  });
});

/** The URL and headers of our entry, read from the file in the client's own format (not with our readers). */
function urlEntryOf(id: TestClientId): { url: string; headers: Record<string, string> } {
  const text = fs.readFileSync(clientFileIn(home.dir, id), 'utf8');
  if (id === 'codex') {
    const doc = parseToml(text) as {
      mcp_servers: { switchboard: { url: string; http_headers: Record<string, string> } };
    };
    const entry = doc.mcp_servers.switchboard;
    return { url: entry.url, headers: entry.http_headers };
  }
  const doc = parseJsonc(text) as Record<string, Record<string, Record<string, unknown>>>;
  const entry = (id === 'vscode' ? doc.servers : doc.mcpServers)?.switchboard ?? {};
  const urlKey = { windsurf: 'serverUrl', 'gemini-cli': 'httpUrl' }[id as string] ?? 'url';
  if (id === 'vscode' || id === 'claude-code') expect(entry.type).toBe('http');
  return { url: entry[urlKey] as string, headers: entry.headers as Record<string, string> };
}

async function callThrough(url: string, headers: Record<string, string>, text: string): Promise<string> {
  const client = sdkClient();
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo__echo');
  const answer = textOf(await client.callTool({ name: 'echo__echo', arguments: { text } }));
  await client.close();
  return answer;
}

describe('URL entries', () => {
  for (const id of ['cursor', 'vscode', 'claude-code', 'windsurf', 'codex', 'gemini-cli'] as const) {
    it(`${id}: the URL and headers read back from its file work for an SDK Streamable HTTP client`, async () => {
      const connected = await cli.run(['connect', id]);
      expect(connected.code, connected.stderr).toBe(0);
      const { url, headers } = urlEntryOf(id);
      expect(url).toBe(`http://127.0.0.1:${port}/mcp`);
      expect(headers.Authorization).toMatch(/^Bearer sbt_[A-Za-z0-9_-]{43}$/);
      expect(await callThrough(url, headers, `hello from ${id}`)).toBe(`hello from ${id}`);

      // Disconnecting revokes the token: the same entry no longer gets in.
      expect((await cli.run(['disconnect', id])).code).toBe(0);
      // Revoked by another process (this CLI): the hub notices at its next token check (every 250 ms).
      const ping = () =>
        fetch(url, {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
        }).then((response) => response.status);
      await expect.poll(ping, { timeout: 15_000 }).toBe(401);
      await expect(callThrough(url, headers, 'after disconnect')).rejects.toThrow();
    });
  }
});

describe('install links', () => {
  for (const id of ['cursor', 'vscode'] as const) {
    it(`${id}: the entry in the link printed by connect --print-link works, and the file is left alone`, async () => {
      const file = clientFileIn(home.dir, id);
      const before = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
      const run = await cli.run(['--json', 'connect', id, '--print-link']);
      expect(run.code, run.stderr).toBe(0);
      const { link } = JSON.parse(run.stdout) as { link: string };
      expect(
        link.startsWith(
          id === 'cursor' ? 'cursor://anysphere.cursor-deeplink/mcp/install?' : 'vscode:mcp/install?',
        ),
      ).toBe(true);
      const decoded = parseInstallLink(link);
      expect(decoded).toMatchObject({ client: id, name: 'switchboard' });
      const config = decoded?.config as { url: string; headers: Record<string, string>; type?: string };
      if (id === 'vscode') expect(config.type).toBe('http');
      expect(await callThrough(config.url, config.headers, `link for ${id}`)).toBe(`link for ${id}`);
      expect(fs.existsSync(file) ? fs.readFileSync(file) : undefined).toEqual(before);
    });
  }
});
