import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/lib/clock.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { catalogSourceOf } from '../../../main/gateway/core/catalog-source.ts';
import { createGatewayCore } from '../../../main/gateway/core/create-gateway-core.ts';
import type { GatewayCore } from '../../../main/gateway/gateway-core.ts';
import type { Harness } from '../upstream/pool-harness.ts';
import { createHarness } from '../upstream/pool-harness.ts';

/**
 * The gateway in front of real, widely used MCP servers from npm (devDependencies), run as stdio children:
 * server-everything (every protocol feature) and server-memory (a knowledge graph on disk).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const everything = path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const memory = path.join(root, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const installed = fs.existsSync(everything) && fs.existsSync(memory);

let h: Harness | undefined;
let core: GatewayCore | undefined;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  await core?.close();
  await h?.close();
  h = undefined;
  core = undefined;
});

const call = (client: Client, name: string, args: Record<string, unknown> = {}, options = {}) =>
  client.request(
    { method: 'tools/call', params: { name, arguments: args } },
    options,
  ) as Promise<CallToolResult>;
const textOf = (r: CallToolResult) => (r.content[0] as { text?: string } | undefined)?.text ?? '';

describe.runIf(installed)('gateway core with real npm MCP servers', () => {
  it('aggregates server-everything and server-memory and relays their features', async () => {
    h = createHarness();
    const memoryFile = path.join(h.dir, 'memory.jsonl');
    h.servers.add({
      prefix: 'everything',
      name: 'Everything',
      transport: 'stdio',
      command: process.execPath,
      args: [everything, 'stdio'],
    });
    h.servers.add({
      prefix: 'memory',
      name: 'Memory',
      transport: 'stdio',
      command: process.execPath,
      args: [memory],
      env: { MEMORY_FILE_PATH: memoryFile },
    });
    await h.syncAndList();
    core = createGatewayCore({
      pool: h.pool,
      catalog: catalogSourceOf(h.catalog, h.pool),
      servers: h.servers,
      log: silentLogger,
      clock: systemClock,
    });

    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await core
      .createServer({ kind: 'all', caller: { clientName: 'real-test' } }, 'legacy')
      .connect(serverSide);
    const client = new Client({ name: 'real-test', version: '1' }, { capabilities: { sampling: {} } });
    client.setRequestHandler('sampling/createMessage', async () => ({
      model: 'fake-llm',
      role: 'assistant',
      content: { type: 'text', text: 'a sampled answer' },
    }));
    await client.connect(clientSide);
    clients.push(client);

    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'everything__echo',
        'everything__trigger-sampling-request',
        'memory__create_entities',
        'memory__read_graph',
      ]),
    );
    expect(names.every((n) => /^[A-Za-z0-9_.-]{1,64}$/.test(n))).toBe(true);

    expect(textOf(await call(client, 'everything__echo', { message: 'hi there' }))).toBe('Echo: hi there');

    const sampled = await call(client, 'everything__trigger-sampling-request', {
      prompt: 'say hi',
      maxTokens: 10,
    });
    expect(textOf(sampled)).toContain('a sampled answer');

    const progress: number[] = [];
    const long = await call(
      client,
      'everything__trigger-long-running-operation',
      { duration: 1, steps: 4 },
      { onprogress: (p: { progress: number }) => progress.push(p.progress) },
    );
    expect(long.isError).not.toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(3);

    // The child got a minimal environment, not the hub's.
    process.env.SB_HUB_ONLY_SECRET = 'x';
    const env = JSON.parse(textOf(await call(client, 'everything__get-env'))) as Record<string, string>;
    delete process.env.SB_HUB_ONLY_SECRET;
    expect(env.SB_HUB_ONLY_SECRET).toBeUndefined();
    expect(env.PATH).toBe(process.env.PATH);

    await call(client, 'memory__create_entities', {
      entities: [{ name: 'Ada', entityType: 'person', observations: ['wrote the first program'] }],
    });
    expect(textOf(await call(client, 'memory__read_graph'))).toContain('Ada');
    expect(fs.readFileSync(memoryFile, 'utf8')).toContain('Ada');
  }, 60_000);
});
