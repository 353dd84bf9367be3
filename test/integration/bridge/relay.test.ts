import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Client, InMemoryTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { startBridgeRelay } from '../../../main/bridge/bridge-relay.ts';
import type { BridgeRelay } from '../../../main/bridge/bridge-relay.ts';
import { createBridgeTarget } from '../../../main/bridge/bridge-target.ts';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { createFakeCore, startTestGateway } from '../../helpers/gateway-harness.ts';
import { createConformanceServer } from '../gateway-http/fixtures/conformance-server.ts';

/** The relay in-process (the client side is an in-memory transport pair): exact, fast, no child process. */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { prefix?: string; gateway?: boolean; mode?: 'legacy' | 'auto' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-relay-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  let gw: TestGateway | undefined;
  if (options.gateway !== false) {
    gw = await startTestGateway({
      dataDir: dir,
      core: createFakeCore(['fake'], { conformance: createConformanceServer }),
    });
    cleanups.push(() => gw!.close());
  }
  const target = createBridgeTarget({ dataDir: dir, ...(options.prefix && { prefix: options.prefix }) });
  const [clientSide, bridgeSide] = InMemoryTransport.createLinkedPair();
  const toClient: JSONRPCMessage[] = [];
  const send = bridgeSide.send.bind(bridgeSide);
  bridgeSide.send = async (message, opts) => {
    toClient.push(message);
    return send(message, opts);
  };
  const notes: string[] = [];
  const relay: BridgeRelay = await startBridgeRelay({
    downstream: bridgeSide,
    createUpstream: () =>
      new StreamableHTTPClientTransport(target.url(), {
        authProvider: { token: async () => target.token() },
      }),
    waitForGateway: async () => gw !== undefined,
    notify: (line) => notes.push(line),
    unreachableMessage: () => 'Switchboard is not running (test)',
  });
  cleanups.push(() => relay.close());
  const client = new Client(
    { name: 'relay-test', version: '1.0.0' },
    {
      versionNegotiation: { mode: options.mode ?? 'legacy' },
      capabilities: { sampling: {}, elicitation: { form: {} } },
    },
  );
  cleanups.push(() => client.close().catch(() => {}));
  return { gw, client, clientSide, relay, toClient, notes, dir };
}

describe('bridge relay', () => {
  it('relays progress before the result, in order', async () => {
    const { client, clientSide, toClient } = await setup();
    await client.connect(clientSide);
    const progress: number[] = [];
    await client.callTool(
      { name: 'fake__echo', arguments: { text: 'p' } },
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(progress).toEqual([1]);
    const methods = toClient.map((m) =>
      'method' in m ? m.method : `response:${String((m as { id: unknown }).id)}`,
    );
    expect(methods.indexOf('notifications/progress')).toBeLessThan(methods.lastIndexOf('response:1'));
  });

  it('turns a 2026-07-28 cancellation into closing the request stream, which the core sees', async () => {
    const { client, clientSide, gw } = await setup({ mode: 'auto' });
    await client.connect(clientSide);
    expect(client.getProtocolEra()).toBe('modern');
    const controller = new AbortController();
    const call = client.callTool({ name: 'fake__slow', arguments: {} }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    controller.abort('user stop');
    await expect(call).rejects.toThrow();
    await vi.waitFor(() => expect(gw!.core.aborted).toBe(1), { timeout: 5_000 });
  });

  it('forwards a session-era cancellation as the notification', async () => {
    const { client, clientSide, gw } = await setup();
    await client.connect(clientSide);
    const controller = new AbortController();
    const call = client.callTool({ name: 'fake__slow', arguments: {} }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    controller.abort('user stop');
    await expect(call).rejects.toThrow();
    await vi.waitFor(() => expect(gw!.core.aborted).toBe(1), { timeout: 5_000 });
  });

  it('relays server→client requests (sampling, elicitation) and their answers both ways', async () => {
    const { client, clientSide } = await setup({ prefix: 'conformance' });
    client.setRequestHandler('sampling/createMessage', async () => ({
      role: 'assistant',
      content: { type: 'text', text: 'sampled!' },
      model: 'test-model',
    }));
    client.setRequestHandler('elicitation/create', async () => ({
      action: 'accept',
      content: { response: 'yes' },
    }));
    await client.connect(clientSide);
    const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } });
    expect((sampled.content as { text: string }[])[0]!.text).toBe('LLM response: sampled!');
    const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'ok?' } });
    expect((elicited.content as { text: string }[])[0]!.text).toBe(
      'User response: action=accept, content={"response":"yes"}',
    );
  });

  it("answers with the gateway's own message when it refuses (unknown prefix)", async () => {
    const { client, clientSide } = await setup({ prefix: 'nope' });
    await expect(client.connect(clientSide)).rejects.toThrow(/no server with prefix "nope"/);
  });

  it('answers every request with an error when the gateway cannot be reached', async () => {
    const { client, clientSide } = await setup({ gateway: false });
    await expect(client.connect(clientSide)).rejects.toThrow(/Switchboard is not running \(test\)/);
  });

  it('renews the session when the gateway restarted, and tells the client its lists may have changed', async () => {
    const { client, clientSide, gw, notes, dir } = await setup();
    let changed = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void (changed += 1));
    await client.connect(clientSide);
    await client.listTools();
    await gw!.close();
    const again = await startTestGateway({ port: gw!.port, dataDir: dir });
    cleanups.push(() => again.close());
    const result = await client.callTool({ name: 'fake__echo', arguments: { text: 'again' } });
    expect((result.content as { text: string }[])[0]!.text).toContain('again');
    expect(again.core.created.legacy).toBe(1);
    expect(notes.join('\n')).toMatch(/reconnected to Switchboard/);
    await vi.waitFor(() => expect(changed).toBeGreaterThanOrEqual(1));
  });
});
