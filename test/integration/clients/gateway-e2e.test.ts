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

describe('before and after writing: the dry run, a hand-made entry and Test', () => {
  const CANARY = 'ghp_PreviewCanary0123456789abcdefABCDEF';
  const tokenNames = async () =>
    (JSON.parse((await cli.run(['--json', 'token', 'list'])).stdout) as { name: string }[]).map(
      (t) => t.name,
    );

  it('connect --dry-run shows only the lines it would change, masked, and makes and changes nothing', async () => {
    const file = clientFileIn(home.dir, 'windsurf');
    // A compact file: the person's own server, with their key, sits on the very line our entry changes.
    const compact = `{"mcpServers":{"gh":{"command":"npx","env":{"GITHUB_TOKEN":"${CANARY}"}}}}\n`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, compact);
    const before = await tokenNames();

    const run = await cli.run(['connect', 'windsurf', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`would change ${file}`);
    expect(run.stdout).toContain(`http://127.0.0.1:${port}/mcp`);
    expect(run.stdout).toContain('<new-token-made-when-you-connect>');
    expect(run.stdout).toContain('a new client token would be made');
    for (const form of [CANARY, Buffer.from(CANARY).toString('base64'), CANARY.slice(4, 20)])
      expect(run.stdout + run.stderr).not.toContain(form);
    expect(fs.readFileSync(file, 'utf8')).toBe(compact);
    expect(await tokenNames()).toEqual(before);

    const json = await cli.run(['--json', 'connect', 'windsurf', '--dry-run']);
    const preview = JSON.parse(json.stdout) as { changed: boolean; newToken: boolean; hunks: unknown[] };
    expect(preview).toMatchObject({ changed: true, newToken: true });
    expect(preview.hunks.length).toBeGreaterThan(0);
    expect(json.stdout).not.toContain(CANARY);
    fs.rmSync(file);
  });

  it('clients test lists the tools through exactly the written entry, and says why when it cannot', async () => {
    const none = await cli.run(['clients', 'test', 'gemini-cli']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/has no Switchboard entry to test; connect Gemini CLI first/);

    expect((await cli.run(['connect', 'gemini-cli'])).code).toBe(0);
    const works = await cli.run(['clients', 'test', 'gemini-cli']);
    expect(works.code, works.stderr).toBe(0);
    expect(works.stdout).toMatch(new RegExp(`http://127.0.0.1:${port}/mcp lists \\d+ tools \\(echo__`));

    // The stdio bridge, started exactly as the file says.
    expect((await cli.run(['connect', 'claude-desktop'])).code).toBe(0);
    const bridge = await cli.run(['--json', 'clients', 'test', 'claude-desktop']);
    expect(bridge.code, bridge.stderr).toBe(0);
    expect(JSON.parse(bridge.stdout)).toMatchObject({
      ok: true,
      sampleTools: expect.arrayContaining(['echo__add']),
    });

    // The same entry pointed at a port nothing listens on: the cause and the way out.
    const file = clientFileIn(home.dir, 'gemini-cli');
    const written = fs.readFileSync(file, 'utf8');
    const elsewhere = await freePort();
    fs.writeFileSync(file, written.replace(`127.0.0.1:${port}`, `127.0.0.1:${elsewhere}`));
    const refused = await cli.run(['clients', 'test', 'gemini-cli']);
    expect(refused.code).toBe(8);
    expect(refused.stderr).toContain(
      `nothing listens on http://127.0.0.1:${elsewhere}/mcp: start Switchboard`,
    );
    fs.writeFileSync(file, written);

    // A revoked token: refused, and the message never quotes it.
    expect((await cli.run(['token', 'revoke', 'gemini-cli'])).code).toBe(0);
    const token = /Bearer (sbt_[A-Za-z0-9_-]+)/.exec(written)?.[1] ?? 'missing';
    await expect
      .poll(async () => (await cli.run(['clients', 'test', 'gemini-cli'])).stderr, { timeout: 15_000 })
      .toMatch(/refused the entry's token \(HTTP 401\).*connect Gemini CLI again/);
    const last = await cli.run(['clients', 'test', 'gemini-cli']);
    expect(last.stderr + last.stdout).not.toContain(token);
  });

  it('connect --print-entry gives an entry to paste by hand; pasted, it is current and it works', async () => {
    const run = await cli.run(['connect', 'cursor', '--print-entry']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('It carries the new client token "cursor"');
    const file = clientFileIn(home.dir, 'cursor');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, run.stdout);
    const rows = JSON.parse((await cli.run(['--json', 'clients'])).stdout) as { id: string; entry: string }[];
    expect(rows.find((r) => r.id === 'cursor')?.entry).toBe('current');
    const tested = await cli.run(['clients', 'test', 'cursor']);
    expect(tested.code, tested.stderr).toBe(0);
  });
});
