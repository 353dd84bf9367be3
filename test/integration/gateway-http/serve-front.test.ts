import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as StreamableHTTPClientTransport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServicesForCli } from '../../../main/cli/serve-command.ts';
import type { RunningServices } from '../../../main/cli/serve-command.ts';
import { openHub } from '../../../main/hub.ts';
import type { Hub } from '../../../main/hub.ts';
import { createLogger } from '../../../main/lib/logger.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import { makeTempDir } from '../../fixtures/registry/temp-registry.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import { rawRequest } from './raw-http.ts';

/**
 * The front `switchboard serve` runs is the one with the hot path: the services are started exactly as the serve
 * command starts them (`startServicesForCli`), and session-era POSTs from SDK v2 and SDK 1.x clients are counted
 * by the native handler (native-mcp.ts), not the web-standard app — with the same answers as ever.
 */

let hub: Hub;
let services: RunningServices;
let token: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const redactor = new Redactor();
  hub = openHub({
    dataDir: makeTempDir('serve-front'),
    env: {},
    keyProviders: [createMemoryKeyProviderForTests()],
    log: createLogger({ redactor, level: 'warn', write: () => {} }),
    redactor,
  });
  hub.registry.servers.add({
    name: 'echo',
    prefix: 'echo',
    transport: 'stdio',
    command: process.execPath,
    args: [FIXTURES.echo],
  });
  hub.registry.servers.add({
    name: 'slow',
    prefix: 'slow',
    transport: 'stdio',
    command: process.execPath,
    args: [FIXTURES.slow],
  });
  services = await startServicesForCli(hub, { port: 0 });
  token = hub.useCases.tokens.create('serve-front').token;
}, 60_000);

afterAll(async () => {
  for (const close of closers) await close().catch(() => {});
  await services?.close();
  await hub?.close();
});

const nativePosts = () => hub.runtime()!.front()!.stats().nativePosts;
const nativeToolCalls = () => hub.runtime()!.front()!.stats().nativeToolCalls;

async function waitForEcho(list: () => Promise<{ tools: { name: string }[] }>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await list()).tools.some((t) => t.name === 'echo__echo')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('echo__echo never appeared in tools/list');
}

const textOf = (result: unknown) =>
  ((result as { content?: { text?: string }[] }).content ?? []).map((c) => c.text ?? '').join('');

describe('the front switchboard serve runs', () => {
  it('serves an SDK v2 client’s tools/list and tools/call on the hot path', async () => {
    const client = new Client(
      { name: 'serve-front-v2', version: '1.0.0' },
      { capabilities: {}, versionNegotiation: { mode: 'legacy' } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(services.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    closers.push(() => client.close());
    await waitForEcho(() => client.listTools());
    const before = nativePosts();
    for (let i = 0; i < 5; i++) {
      const result = await client.callTool({ name: 'echo__echo', arguments: { text: `v2-${i}` } });
      expect(textOf(result)).toContain(`v2-${i}`);
    }
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo__echo');
    expect(nativePosts() - before).toBeGreaterThanOrEqual(6);
  });

  it('serves an SDK 1.x client (what desktop clients embed) on the hot path', async () => {
    const client = new Client1({ name: 'serve-front-sdk1', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport1(new URL(services.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    closers.push(() => client.close());
    const before = nativePosts();
    for (let i = 0; i < 5; i++) {
      const result = await client.callTool({ name: 'echo__echo', arguments: { text: `sdk1-${i}` } });
      expect(textOf(result)).toContain(`sdk1-${i}`);
    }
    expect(nativePosts() - before).toBeGreaterThanOrEqual(5);
  });

  it('answers a lone call as one JSON body with a length; refusals still come from the app', async () => {
    const port = Number(new URL(services.url).port);
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const init = await rawRequest({
      port,
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      }),
    });
    expect(init.status).toBe(200);
    const sessionId = String(init.headers['mcp-session-id']);
    const session = { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
    expect(
      (
        await rawRequest({
          port,
          headers: session,
          body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
        })
      ).status,
    ).toBe(202);

    const before = nativePosts();
    const call = await rawRequest({
      port,
      headers: session,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'echo__echo', arguments: { text: 'raw' } },
      }),
    });
    expect(call.status).toBe(200);
    expect(call.headers['content-type']).toBe('application/json');
    expect(Number(call.headers['content-length'])).toBe(Buffer.byteLength(call.body));
    expect(call.headers['mcp-session-id']).toBe(sessionId);
    const answer = JSON.parse(call.body) as { id: number; result: unknown };
    expect(answer.id).toBe(2);
    expect(textOf(answer.result)).toContain('raw');
    expect(nativePosts() - before).toBe(1);

    // A wrong token and a session of another caller are the app's to answer (401, 404), as always.
    const refused = await rawRequest({
      port,
      headers: { ...session, authorization: `Bearer ${token}x` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }),
    });
    expect(refused.status).toBe(401);
    const other = hub.useCases.tokens.create('serve-front-other').token;
    const foreign = await rawRequest({
      port,
      headers: { ...session, authorization: `Bearer ${other}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list' }),
    });
    expect(foreign.status).toBe(404);
    expect(nativePosts() - before).toBe(1);

    // A plain tools/list is answered from the core's serialized catalog, in one JSON body with its length; the
    // same list asked in a batch goes to the session's Server: both say the same.
    const cached = await rawRequest({
      port,
      headers: session,
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list' }),
    });
    expect(cached.status).toBe(200);
    expect(cached.headers['content-type']).toBe('application/json');
    expect(Number(cached.headers['content-length'])).toBe(Buffer.byteLength(cached.body));
    const fromCache = JSON.parse(cached.body) as { jsonrpc: string; id: number; result: unknown };
    expect([fromCache.jsonrpc, fromCache.id]).toEqual(['2.0', 5]);
    const batch = await rawRequest({
      port,
      headers: session,
      body: JSON.stringify([{ jsonrpc: '2.0', id: 6, method: 'tools/list' }]),
    });
    expect(batch.status).toBe(200);
    const data = batch.body
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice(5)) as { id: number; result: unknown });
    expect(data.find((m) => m.id === 6)?.result).toEqual(fromCache.result);
  });
});

/** An initialized raw session-era session on the front: POST one JSON-RPC body, get status, headers and body. */
async function rawSession() {
  const port = Number(new URL(services.url).port);
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  const init = await rawRequest({
    port,
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    }),
  });
  expect(init.status).toBe(200);
  const session = {
    ...headers,
    'mcp-session-id': String(init.headers['mcp-session-id']),
    'mcp-protocol-version': '2025-06-18',
  };
  const post = (body: unknown) => rawRequest({ port, headers: session, body: JSON.stringify(body) });
  expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202);
  /** The one JSON-RPC answer of a POST, plain JSON or the last data line of a stream. */
  const answer = async (body: unknown) => {
    const response = await post(body);
    const json = String(response.headers['content-type']).includes('event-stream')
      ? response.body
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5))
          .pop()!
      : response.body;
    const message = JSON.parse(json) as {
      id: number | null;
      result?: Record<string, unknown>;
      error?: Record<string, unknown>;
    };
    return { status: response.status, ...message };
  };
  return { answer };
}

describe('tools/call on the hot path, without the SDK Server’s dispatch', () => {
  const call = (id: number, params: Record<string, unknown>) => ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params,
  });

  it('answers a plain call itself, exactly as the Server answers the same call', async () => {
    const { answer } = await rawSession();
    await waitForEcho(
      async () => (await answer({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).result as never,
    );
    const before = nativeToolCalls();
    const native = await answer(call(2, { name: 'echo__echo', arguments: { text: 'same' } }));
    expect(nativeToolCalls() - before).toBe(1);
    // A field the hot path's check does not know sends the same call to the Server (the SDK accepts it).
    const viaServer = await answer(call(3, { name: 'echo__echo', arguments: { text: 'same' }, extra: true }));
    expect(nativeToolCalls() - before).toBe(1);
    expect(viaServer.result).toBeDefined();
    expect(native.result).toEqual(viaServer.result);
    expect(textOf(native.result)).toContain('same');

    // A tool error, and a call nobody can serve: the same answers both ways.
    const failedNative = await answer(call(4, { name: 'echo__fail', arguments: {} }));
    const failedServer = await answer(call(5, { name: 'echo__fail', arguments: {}, extra: 1 }));
    expect(failedNative.result).toEqual(failedServer.result);
    expect(failedNative.result?.isError).toBe(true);
    const unknownNative = await answer(call(6, { name: 'nope__nothing' }));
    const unknownServer = await answer(call(7, { name: 'nope__nothing', extra: 1 }));
    expect(unknownNative.error).toEqual(unknownServer.error);
    expect(unknownNative.error).toMatchObject({
      code: -32602,
      message: expect.stringContaining('nope__nothing'),
    });
    expect(nativeToolCalls() - before).toBe(3);
  }, 60_000);

  it('leaves malformed params to the SDK, whose errors answer them at once', async () => {
    const { answer } = await rawSession();
    const before = nativeToolCalls();
    const bad = await answer(call(1, { name: 'echo__echo', arguments: 'not an object' }));
    expect(bad.error).toMatchObject({ code: -32602 });
    const badToken = await answer(
      call(2, { name: 'echo__echo', arguments: {}, _meta: { progressToken: {} } }),
    );
    // The SDK's Protocol drops a message its envelope schema refuses, unanswered: this one used to hang until the
    // client gave up. It goes the slow way now, whose transport refuses it at once.
    expect(badToken).toMatchObject({ status: 400, id: 2, error: { code: -32600 } });
    expect(nativeToolCalls() - before).toBe(0);
  });

  it('relays progress and cancellation of a call it runs itself', async () => {
    const client = new Client(
      { name: 'serve-front-progress', version: '1.0.0' },
      { capabilities: {}, versionNegotiation: { mode: 'legacy' } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(services.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    closers.push(() => client.close());
    await waitForEcho(() => client.listTools());
    const before = nativeToolCalls();
    const progress: number[] = [];
    const slept = await client.callTool(
      { name: 'slow__sleep', arguments: { ms: 300, steps: 3 } },
      { onprogress: (p) => void progress.push(p.progress) },
    );
    expect(textOf(slept)).toBe('slept 300ms');
    expect(progress).toEqual([1, 2, 3]);

    const controller = new AbortController();
    const hanging = client.callTool({ name: 'slow__hang', arguments: {} }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort('the test cancels');
    await expect(hanging).rejects.toThrow();
    // The hub's call ended as cancelled (its upstream request was cancelled with it), not left running.
    const deadline = Date.now() + 10_000;
    const outcome = () =>
      hub.registry.callLog.query({ server: 'slow' }).find((r) => r.tool === 'hang')?.outcome;
    while (outcome() === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(outcome()).toBe('cancelled');
    expect(nativeToolCalls() - before).toBe(2);
  }, 60_000);
});
