import path from 'node:path';
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import type { DataDir, ServeProcess } from '../e2e/serve-harness.ts';
import {
  EVERYTHING,
  MEMORY,
  cli,
  importServers,
  prepareDataDir,
  startServe,
  stdioServer,
  stopServeAndCheck,
  textOf,
  toolNames,
  waitFor,
} from '../e2e/serve-harness.ts';

/**
 * Issue 13 acceptance, tool search mode: the REAL `switchboard serve` with the echo fixture, server-memory and
 * server-everything from npm; a client whose profile is in search mode lists only the meta-tools (plus its
 * always-listed tool), finds a tool from a realistic request, reads its definition, and calls it through the call
 * tool, which reaches the upstream and is logged under the real tool's name.
 */

const installed = fs.existsSync(MEMORY) && fs.existsSync(EVERYTHING);
const META = ['switchboard_search_tools', 'switchboard_describe_tool', 'switchboard_call_tool'];

let data: DataDir;
let serve: ServeProcess;
let memoryFile = '';
const call = (client: Client, name: string, args: Record<string, unknown> = {}) =>
  client.request({ method: 'tools/call', params: { name, arguments: args } });

describe.skipIf(!installed)('search mode against the real serve', () => {
  beforeAll(async () => {
    data = await prepareDataDir([], 'finder');
    memoryFile = path.join(data.dir, 'memory.jsonl');
    await importServers(data.dir, [
      stdioServer('echo', FIXTURES.echo),
      stdioServer('memory', MEMORY, { env: { MEMORY_FILE_PATH: memoryFile } }),
      stdioServer('everything', EVERYTHING),
      // Trusted: a tool it adds is offered at once (otherwise it waits for approval, issue 14).
      { ...stdioServer('changing', FIXTURES.listChanging), toolChanges: 'trust' },
    ]);
    serve = await startServe(data);
    // Full listing first (the default profile), until every catalog is known.
    const client = await serve.connect();
    await waitFor(
      'every catalog',
      async () => {
        const names = await toolNames(client);
        return ['echo__echo', 'memory__create_entities', 'everything__echo', 'changing__add_tool'].every(
          (n) => names.includes(n),
        )
          ? true
          : undefined;
      },
      60_000,
    );
    await client.close();
    // Made with the CLI while serve runs: the hub notices through the registry.
    await cli(data.dir, [
      'profile',
      'create',
      'lean',
      '--all',
      '--mode',
      'search',
      '--always-list',
      'echo/echo',
    ]);
    await cli(data.dir, ['profile', 'use', 'finder', 'lean']);
  }, 120_000);

  afterAll(async () => {
    await stopServeAndCheck(serve, data);
  }, 60_000);

  it('lists only the meta-tools and the always-listed tool', async () => {
    const client = await serve.connect();
    const names = await waitFor(
      'search mode',
      async () => {
        const listed = await toolNames(client);
        return listed.includes(META[0]!) ? listed : undefined;
      },
      20_000,
    );
    expect(names).toEqual([...META, 'echo__echo']);
    const listed = (await client.request({ method: 'tools/list', params: {} })) as {
      tools: { name: string; description?: string }[];
    };
    const search = listed.tools.find((t) => t.name === META[0]);
    expect(search?.description).toMatch(/Describe the task in a few plain words/);
    expect(search?.description).toMatch(/servers: changing, echo, everything, memory/);
    await client.close();
  }, 60_000);

  it('finds a tool from a realistic request, describes it, and calls it through the call tool', async () => {
    const client = await serve.connect();
    const found = textOf(
      await call(client, 'switchboard_search_tools', {
        query: "remember that my sister's birthday is in May",
        limit: 5,
      }),
    );
    const lines = found.split('\n').slice(1);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines.some((l) => /^\d\. memory__(create_entities|add_observations) — /.test(l))).toBe(true);

    const described = JSON.parse(
      textOf(await call(client, 'switchboard_describe_tool', { name: 'memory__create_entities' })),
    ) as { name: string; inputSchema: { properties: Record<string, unknown> } };
    expect(described.name).toBe('memory__create_entities');
    expect(Object.keys(described.inputSchema.properties)).toContain('entities');

    const created = (await call(client, 'switchboard_call_tool', {
      name: 'memory__create_entities',
      arguments: { entities: [{ name: 'Sister', entityType: 'person', observations: ['birthday in May'] }] },
    })) as { isError?: boolean };
    expect(created.isError).not.toBe(true);
    expect(fs.readFileSync(memoryFile, 'utf8')).toContain('birthday in May');

    // Logged under the real tool's name, with the caller's token, never as the meta-tool.
    const rows = await waitFor(
      'the call-log row',
      async () => {
        const db = new BetterSqlite3(path.join(data.dir, 'switchboard.db'), { readonly: true });
        try {
          const found = db
            .prepare("SELECT client_name, server, tool, outcome FROM call_log WHERE client_name = 'finder'")
            .all() as { client_name: string; server: string; tool: string; outcome: string }[];
          return found.length > 0 ? found : undefined;
        } finally {
          db.close();
        }
      },
      10_000,
    );
    expect(rows).toEqual([
      { client_name: 'finder', server: 'memory', tool: 'create_entities', outcome: 'ok' },
    ]);

    // A wrong name says what to do.
    const unknown = (await call(client, 'switchboard_call_tool', { name: 'memory__nope' })) as {
      isError?: boolean;
    };
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/There is no tool named "memory__nope" here\. Find the right name with/);
    await client.close();
  }, 60_000);

  it('the index follows catalog changes at once: a tool an upstream adds is found', async () => {
    const client = await serve.connect();
    const query = { query: 'translate klingon poetry' };
    expect(textOf(await call(client, 'switchboard_search_tools', query))).not.toContain(
      'changing__translate_klingon_poetry',
    );
    const added = await call(client, 'switchboard_call_tool', {
      name: 'changing__add_tool',
      arguments: { name: 'translate_klingon_poetry' },
    });
    expect(textOf(added)).toBe('added translate_klingon_poetry');
    const found = await waitFor(
      'the new tool in the search',
      async () => {
        const text = textOf(await call(client, 'switchboard_search_tools', query));
        return text.includes('changing__translate_klingon_poetry') ? text : undefined;
      },
      20_000,
    );
    expect(found.split('\n')[1]).toMatch(/^1\. changing__translate_klingon_poetry — Added at runtime/);
    await client.close();
  }, 60_000);
});
