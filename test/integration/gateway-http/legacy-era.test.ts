import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { startTestGateway } from '../../helpers/gateway-harness.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

function legacyClient(url: string, token: string) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'legacy-test', version: '1.0.0' });
  return { client, transport };
}

const post = (url: string, headers: Record<string, string>, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });

describe('session era (2025) on /mcp', () => {
  it('initializes a session with a random id, lists, calls, ends with DELETE, then answers 404', async () => {
    gw = await startTestGateway();
    const { client, transport } = legacyClient(gw.url, gw.token);
    await client.connect(transport);
    expect(client.getProtocolEra()).toBe('legacy');
    const sessionId = transport.sessionId;
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(['fake__echo', 'fake__slow']);
    const result = await client.callTool({ name: 'fake__echo', arguments: { text: 'hi' } });
    expect(result.content).toEqual([
      { type: 'text', text: 'fake__echo(hi) era=legacy scope=all caller=test-client' },
    ]);
    expect(gw.gateway).toBeDefined();

    await transport.terminateSession();
    const after = await post(
      gw.url,
      {
        authorization: `Bearer ${gw.token}`,
        'mcp-session-id': sessionId!,
        'mcp-protocol-version': '2025-11-25',
      },
      {
        jsonrpc: '2.0',
        id: 9,
        method: 'tools/list',
      },
    );
    expect(after.status).toBe(404);
    expect(await after.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001 } });
    await client.close();
  });

  it('pushes list_changed on the GET stream', async () => {
    gw = await startTestGateway();
    const { client, transport } = legacyClient(gw.url, gw.token);
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler('notifications/tools/list_changed', () => resolve()),
    );
    await client.connect(transport);
    // The GET stream opens after notifications/initialized; give it a moment, then fire until it arrives.
    const core = gw.core;
    core.addTool('later');
    let received = false;
    void changed.then(() => (received = true));
    for (let i = 0; i < 50 && !received; i++) {
      core.fireToolsChanged();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(received).toBe(true);
    const tools = await client.listTools({}, { cacheMode: 'refresh' } as never);
    expect(tools.tools.map((t) => t.name)).toContain('fake__later');
    await client.close();
  });

  it('requires a session id on non-initialize requests (400) and rejects unknown ones (404)', async () => {
    gw = await startTestGateway();
    const auth = { authorization: `Bearer ${gw.token}` };
    const missing = await post(gw.url, auth, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(missing.status).toBe(400);
    const unknown = await post(
      gw.url,
      { ...auth, 'mcp-session-id': 'nope' },
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    );
    expect(unknown.status).toBe(404);
    const getWithout = await fetch(gw.url, { headers: { ...auth, accept: 'text/event-stream' } });
    expect(getWithout.status).toBe(400);
  });

  it('rejects an unsupported MCP-Protocol-Version with 400, and assumes 2025-03-26 when absent', async () => {
    gw = await startTestGateway();
    const { client, transport } = legacyClient(gw.url, gw.token);
    await client.connect(transport);
    const base = { authorization: `Bearer ${gw.token}`, 'mcp-session-id': transport.sessionId! };
    const bad = await post(
      gw.url,
      { ...base, 'mcp-protocol-version': '1999-01-01' },
      { jsonrpc: '2.0', id: 5, method: 'tools/list' },
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /Unsupported protocol version/,
    );
    const absent = await post(gw.url, base, { jsonrpc: '2.0', id: 6, method: 'tools/list' });
    expect(absent.status).toBe(200);
    await absent.body?.cancel();
    await client.close();
  });

  it('does not let another token use a session', async () => {
    gw = await startTestGateway();
    const { client, transport } = legacyClient(gw.url, gw.token);
    await client.connect(transport);
    const other = await post(
      gw.url,
      {
        authorization: `Bearer ${gw.bridgeToken}`,
        'mcp-session-id': transport.sessionId!,
        'mcp-protocol-version': '2025-11-25',
      },
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    );
    expect(other.status).toBe(404);
    await client.close();
  });
});
