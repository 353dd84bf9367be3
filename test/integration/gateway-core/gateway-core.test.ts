import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, InMemoryTransport } from '@modelcontextprotocol/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/lib/clock.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import type { GatewayCore, GatewayScope } from '../../../main/gateway/gateway-core.ts';
import type { CallLogWriter } from '../../../main/gateway/core/call-log-writer.ts';
import { createCallLogWriter } from '../../../main/gateway/core/call-log-writer.ts';
import { catalogSourceOf } from '../../../main/gateway/core/catalog-source.ts';
import { createGatewayCore } from '../../../main/gateway/core/create-gateway-core.ts';
import { createCallLogRepository } from '../../../main/registry/call-log-repository.ts';
import type { UpstreamPool } from '../../../main/upstream/upstream-pool.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import type { Harness } from '../upstream/pool-harness.ts';
import { createHarness } from '../upstream/pool-harness.ts';

const caller = { clientName: 'test-client', tokenId: 'tok-1' };
const ALL: GatewayScope = { kind: 'all', caller };

interface Setup {
  h: Harness;
  pool: UpstreamPool;
  core: GatewayCore;
  callLog: CallLogWriter;
  callRepo: ReturnType<typeof createCallLogRepository>;
  record: string;
}

let setup: Setup | undefined;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  if (setup) {
    await setup.core.close();
    setup.callLog.close();
    await setup.h.close();
    setup = undefined;
  }
});

/**
 * Once per file: register the fixtures and let a first pool fill the catalog cache. Each test then starts from
 * a copy of that database with a fresh pool — as after a hub restart — so listings must come from the cache.
 */
let template: { dir: string; file: string } | undefined;
beforeAll(async () => {
  const h = createHarness();
  h.addStdio('echo', FIXTURES.echo);
  h.addStdio('slow', FIXTURES.slow, [], {
    envVars: [{ name: 'SLOW_RECORD', secret: false, required: false }],
  });
  h.addStdio('dyn', FIXTURES.listChanging);
  await h.syncAndList();
  await h.pool.stopAll();
  h.db.close();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-core-template-'));
  const file = path.join(dir, 'switchboard.db');
  fs.copyFileSync(path.join(h.dir, 'switchboard.db'), file);
  await h.close();
  template = { dir, file };
}, 60_000);
afterAll(() => {
  if (template) fs.rmSync(template.dir, { recursive: true, force: true });
});

async function prepare(options: { toolTimeoutMs?: number } = {}): Promise<Setup> {
  const h = createHarness({}, template?.file);
  const record = path.join(h.dir, 'slow-record.jsonl');
  // A non-secret value (not part of the definition), so setting it does not make the cached catalog stale.
  h.servers.setEnvValue('slow', 'SLOW_RECORD', record);
  const pool = h.pool;
  await pool.sync();
  const callRepo = createCallLogRepository(h.db);
  const callLog = createCallLogWriter({
    repository: callRepo,
    clock: systemClock,
    log: silentLogger,
    retentionDays: () => 14,
  });
  const core = createGatewayCore({
    pool,
    catalog: catalogSourceOf(h.catalog, pool),
    servers: h.servers,
    log: silentLogger,
    clock: systemClock,
    callLog,
    listChangedDebounceMs: 20,
    ...(options.toolTimeoutMs === undefined ? {} : { toolTimeoutMs: options.toolTimeoutMs }),
  });
  setup = { h, pool, core, callLog, callRepo, record };
  return setup;
}

interface ClientOptions {
  capabilities?: ConstructorParameters<typeof Client>[1] extends infer O
    ? O extends { capabilities?: infer C }
      ? C
      : never
    : never;
  handlers?: boolean;
}

async function connect(
  core: GatewayCore,
  scope: GatewayScope = ALL,
  options: ClientOptions = {},
): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await core.createServer(scope, 'legacy').connect(serverSide);
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    {
      capabilities: options.capabilities ?? {
        sampling: {},
        elicitation: { form: {} },
        roots: { listChanged: true },
      },
    },
  );
  if (options.handlers !== false) {
    const caps = options.capabilities ?? { sampling: {}, elicitation: {}, roots: {} };
    if (caps.sampling) {
      client.setRequestHandler('sampling/createMessage', async () => ({
        model: 'test-model',
        role: 'assistant',
        content: { type: 'text', text: 'SAMPLED' },
      }));
    }
    if (caps.elicitation)
      client.setRequestHandler('elicitation/create', async () => ({
        action: 'accept',
        content: { name: 'bob' },
      }));
    if (caps.roots)
      client.setRequestHandler('roots/list', async () => ({
        roots: [{ uri: 'file:///tmp/project', name: 'project' }],
      }));
  }
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

const call = (client: Client, name: string, args: Record<string, unknown> = {}, options = {}) =>
  client.request(
    { method: 'tools/call', params: { name, arguments: args } },
    options,
  ) as Promise<CallToolResult>;
const textOf = (result: CallToolResult) => (result.content[0] as { text?: string } | undefined)?.text ?? '';

describe('gateway core: listing', () => {
  it('lists every enabled server from the cache without starting anything', async () => {
    const { core, pool } = await prepare();
    const client = await connect(core);
    const started = Date.now();
    const tools = await client.listTools();
    // Generous bound (a loaded 2-core machine): speed is measured in bench/, never asserted in tests.
    expect(Date.now() - started).toBeLessThan(20_000);
    const names = tools.tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['echo__echo', 'echo__sample', 'slow__hang', 'dyn__add_tool']),
    );
    expect(tools.tools.find((t) => t.name === 'echo__echo')?.inputSchema).toEqual({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['echo__greet']);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual([
      'switchboard://echo/mem://greeting',
    ]);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      'switchboard://echo/mem://items/{id}',
    ]);
    for (const prefix of ['echo', 'slow', 'dyn']) {
      expect(pool.status(prefix)?.state).toBe('stopped');
      expect(pool.status(prefix)?.pid).toBeUndefined();
    }
  });

  it('uses original names and URIs in a per-server scope', async () => {
    const { core } = await prepare();
    expect(core.hasServer('echo')).toBe(true);
    expect(core.hasServer('nope')).toBe(false);
    const client = await connect(core, { kind: 'server', prefix: 'echo', caller });
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain('echo');
    expect(tools).not.toContain('slow__hang');
    expect(textOf(await call(client, 'echo', { text: 'direct' }))).toBe('direct');
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['mem://greeting']);
    const read = await client.readResource({ uri: 'mem://greeting' });
    expect(read.contents[0]?.uri).toBe('mem://greeting');
  });

  it('hides disabled servers and tells list_changed to sessions', async () => {
    const { core, h, pool } = await prepare();
    const client = await connect(core);
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler('notifications/tools/list_changed', () => resolve()),
    );
    const modern: unknown[] = [];
    core.onListChanged((c) => modern.push(c));
    h.servers.setEnabled('slow', false);
    await pool.sync();
    await changed;
    expect((await client.listTools()).tools.map((t) => t.name).some((n) => n.startsWith('slow__'))).toBe(
      false,
    );
    expect(modern).toEqual([{ tools: true, prompts: true, resources: true }]);
  });
});

describe('gateway core: calls', () => {
  it('routes a call, logs it, and never logs arguments', async () => {
    const { core, callLog, callRepo } = await prepare();
    const client = await connect(core);
    expect(textOf(await call(client, 'echo__echo', { text: 'secret-argument' }))).toBe('secret-argument');
    const failed = await call(client, 'echo__fail', { message: 'nope' });
    expect(failed.isError).toBe(true);
    callLog.flush();
    const rows = callRepo.query();
    expect(rows.map((r) => [r.server, r.tool, r.outcome, r.clientName, r.tokenId])).toEqual([
      ['echo', 'fail', 'tool_error', 'test-client', 'tok-1'],
      ['echo', 'echo', 'ok', 'test-client', 'tok-1'],
    ]);
    expect(JSON.stringify(rows)).not.toContain('secret-argument');
  });

  it('passes progress from the upstream to the caller', async () => {
    const { core } = await prepare();
    const client = await connect(core);
    const progress: number[] = [];
    const result = await call(
      client,
      'slow__sleep',
      { ms: 300, steps: 3 },
      { onprogress: (p: { progress: number }) => progress.push(p.progress) },
    );
    expect(textOf(result)).toBe('slept 300ms');
    expect(progress).toEqual([1, 2, 3]);
  });

  it('relays sampling, elicitation and roots to the calling client', async () => {
    const { core } = await prepare();
    const client = await connect(core);
    expect(textOf(await call(client, 'echo__sample', { prompt: 'hi' }))).toBe('sampled: SAMPLED');
    expect(textOf(await call(client, 'echo__elicit', { message: 'Name?' }))).toBe(
      'elicited: accept {"name":"bob"}',
    );
    expect(textOf(await call(client, 'echo__roots'))).toBe('roots: file:///tmp/project');
  });

  it('fails server→client requests cleanly when the client lacks the capability', async () => {
    const { core } = await prepare();
    const client = await connect(core, ALL, { capabilities: {}, handlers: false });
    const result = await call(client, 'echo__sample', { prompt: 'hi' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/sampling\/createMessage is not available/);
    expect(textOf(await call(client, 'echo__echo', { text: 'still fine' }))).toBe('still fine');
  });

  it('carries a cancellation to the upstream', async () => {
    const { core, record } = await prepare();
    const client = await connect(core);
    await call(client, 'slow__pid'); // started, so the cancel finds the call running upstream
    const abort = new AbortController();
    const pending = call(client, 'slow__hang', {}, { signal: abort.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 150));
    abort.abort('stop please');
    await pending;
    for (let i = 0; i < 50 && !fs.existsSync(record); i++) await new Promise((r) => setTimeout(r, 20));
    expect(fs.readFileSync(record, 'utf8')).toContain('"cancelled"');
    setup?.callLog.flush();
    for (let i = 0; i < 50 && setup?.callRepo.query({ outcome: 'cancelled' }).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      setup?.callLog.flush();
    }
    expect(setup?.callRepo.query({ server: 'slow' })[0]?.outcome).toBe('cancelled');
  });

  it('turns a hung upstream into a timeout result', async () => {
    const { core } = await prepare({ toolTimeoutMs: 300 });
    const client = await connect(core);
    const result = await call(client, 'slow__hang');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/slow did not answer within 0s|slow did not answer/);
  });

  it.runIf(process.platform !== 'win32')(
    'fails only the calls of an upstream killed mid-call, at once',
    async () => {
      const { core, pool } = await prepare();
      const client = await connect(core);
      await call(client, 'slow__pid');
      const pid = pool.status('slow')?.pid as number;
      const hung = call(client, 'slow__hang');
      await new Promise((r) => setTimeout(r, 100));
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const result = await hung;
      // The message below shows it failed on the kill, not at the call timeout.
      // Generous bound (a loaded 2-core machine): speed is measured in bench/, never asserted in tests.
      expect(Date.now() - killedAt).toBeLessThan(20_000);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/slow stopped while handling the request \(killed by SIGKILL\)/);
      expect(textOf(await call(client, 'echo__echo', { text: 'alive' }))).toBe('alive');
      await new Promise<void>((resolve) => {
        const check = () => (pool.status('slow')?.state === 'ready' ? resolve() : setTimeout(check, 50));
        check();
      });
      expect(textOf(await call(client, 'slow__pid'))).not.toBe(String(pid));
    },
  );

  it('answers an actionable isError when a server needs configuration', async () => {
    const { core, h, pool } = await prepare();
    h.servers.update('echo', {
      prefix: 'echo',
      name: 'echo',
      transport: 'stdio',
      command: process.execPath,
      args: [FIXTURES.echo],
      envVars: [{ name: 'ECHO_TOKEN', secret: true }],
    });
    await pool.sync();
    const client = await connect(core);
    const result = await call(client, 'echo__echo', { text: 'x' });
    expect(result).toEqual({
      content: [
        {
          type: 'text',
          text: 'echo needs ECHO_TOKEN: run `switchboard secret set echo ECHO_TOKEN` or fill it in the Switchboard window.',
        },
      ],
      isError: true,
    });
  });

  it('rejects unknown tools as a protocol error', async () => {
    const { core } = await prepare();
    const client = await connect(core);
    await expect(call(client, 'nope__nothing')).rejects.toBeInstanceOf(ProtocolError);
  });
});

describe('gateway core: prompts, resources, completion, logging', () => {
  it('gets prompts and completes their arguments by exposed name', async () => {
    const { core } = await prepare();
    const client = await connect(core);
    const prompt = await client.getPrompt({ name: 'echo__greet', arguments: { name: 'Ada' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Hello, Ada!' });
    const completion = await client.complete({
      ref: { type: 'ref/prompt', name: 'echo__greet' },
      argument: { name: 'name', value: 'al' },
    });
    expect(completion.completion.values).toEqual(['alice', 'albert']);
  });

  it('reads resources and templates through wrapped URIs and forwards updates', async () => {
    const { core } = await prepare();
    const client = await connect(core);
    const read = await client.readResource({ uri: 'switchboard://echo/mem://greeting' });
    expect(read.contents).toEqual([
      { uri: 'switchboard://echo/mem://greeting', mimeType: 'text/plain', text: 'hello from echo' },
    ]);
    const item = await client.readResource({ uri: 'switchboard://echo/mem://items/42' });
    expect(item.contents[0]).toMatchObject({ uri: 'switchboard://echo/mem://items/42', text: 'item 42' });
    const updated = new Promise<string>((resolve) =>
      client.setNotificationHandler('notifications/resources/updated', (n) => resolve(n.params.uri)),
    );
    await client.subscribeResource({ uri: 'switchboard://echo/mem://greeting' });
    expect(await updated).toBe('switchboard://echo/mem://greeting');
    await expect(client.readResource({ uri: 'mem://greeting' })).rejects.toBeInstanceOf(ProtocolError);
  });

  it('forwards upstream log messages to the calling session, named by server', async () => {
    const { core } = await prepare();
    const client = await connect(core);
    const logged = new Promise<{ logger?: string; data: unknown }>((resolve) =>
      client.setNotificationHandler('notifications/message', (n) => resolve(n.params)),
    );
    await call(client, 'echo__log', { message: 'hello log' });
    expect(await logged).toMatchObject({ logger: 'echo/echo', data: 'hello log' });
  });
});

describe('gateway core: list_changed', () => {
  it('propagates an upstream tools/list_changed to connected sessions', async () => {
    const { core } = await prepare();
    const client = await connect(core);
    const other = await connect(core, { kind: 'server', prefix: 'echo', caller });
    let otherNotified = false;
    other.setNotificationHandler('notifications/tools/list_changed', () => {
      otherNotified = true;
    });
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler('notifications/tools/list_changed', () => resolve()),
    );
    await call(client, 'dyn__add_tool', { name: 'fresh' });
    await changed;
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('dyn__fresh');
    expect(textOf(await call(client, 'dyn__fresh'))).toBe('I am fresh');
    expect(otherNotified).toBe(false);
  });
});

describe('gateway core: modern-era downstream', () => {
  const modernClient = async (core: GatewayCore, withHandlers: boolean) => {
    const handler = createMcpHandler(() => core.createServer(ALL, 'modern'), { legacy: 'reject' });
    const client = new Client(
      { name: 'modern-client', version: '1' },
      {
        versionNegotiation: { mode: 'auto' },
        capabilities: withHandlers ? { sampling: {}, elicitation: { form: {} }, roots: {} } : {},
      },
    );
    if (withHandlers) {
      client.setRequestHandler('sampling/createMessage', async () => ({
        model: 'm',
        role: 'assistant',
        content: { type: 'text', text: 'MODERN-SAMPLED' },
      }));
      client.setRequestHandler('elicitation/create', async () => ({
        action: 'accept',
        content: { name: 'zoe' },
      }));
      client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///modern' }] }));
    }
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: (u, init) => handler.fetch(new Request(u, init)),
      }),
    );
    clients.push(client);
    return { client, handler };
  };

  it('serves per-request Servers for 2026-07-28 clients, progress included', async () => {
    const { core } = await prepare();
    const { client, handler } = await modernClient(core, false);
    expect(client.getProtocolEra()).toBe('modern');
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo__echo');
    expect(textOf(await call(client, 'echo__echo', { text: 'modern' }))).toBe('modern');
    const progress: number[] = [];
    await call(
      client,
      'slow__sleep',
      { ms: 300, steps: 3 },
      { onprogress: (p: { progress: number }) => progress.push(p.progress) },
    );
    expect(progress).toEqual([1, 2, 3]);
    const sampled = await call(client, 'echo__sample', { prompt: 'x' });
    expect(sampled.isError).toBe(true);
    await handler.close();
  });

  it('relays upstream questions to modern clients as input_required rounds', async () => {
    const { core, callLog, callRepo } = await prepare();
    const { client, handler } = await modernClient(core, true);
    expect(textOf(await call(client, 'echo__sample', { prompt: 'x' }))).toBe('sampled: MODERN-SAMPLED');
    expect(textOf(await call(client, 'echo__elicit', { message: 'Name?' }))).toBe(
      'elicited: accept {"name":"zoe"}',
    );
    expect(textOf(await call(client, 'echo__roots'))).toBe('roots: file:///modern');
    callLog.flush();
    // One row per logical call, not one per round.
    expect(callRepo.query({ server: 'echo' }).map((r) => [r.tool, r.outcome])).toEqual([
      ['roots', 'ok'],
      ['elicit', 'ok'],
      ['sample', 'ok'],
    ]);
    await handler.close();
  });

  it('refuses to resume a parked call with a state that is not its own', async () => {
    const { core } = await prepare();
    const { client, handler } = await modernClient(core, false);
    const result = (await client.request({
      method: 'tools/call',
      params: {
        name: 'echo__echo',
        arguments: { text: 'x' },
        requestState: 'forged-or-expired',
        inputResponses: {},
      },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/waited too long|call the tool again/);
    await handler.close();
  });
});
