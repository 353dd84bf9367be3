import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { startTestGateway } from '../../helpers/gateway-harness.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

function modernClient(url: string, token: string, mode: 'auto' | { pin: '2026-07-28' }) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'modern-test', version: '1.0.0' }, { versionNegotiation: { mode } });
  return { client, transport };
}

describe('stateless era (2026-07-28) on /mcp', () => {
  for (const mode of ['auto', { pin: '2026-07-28' as const }] as const) {
    it(`lists and calls with versionNegotiation ${JSON.stringify(mode)}`, async () => {
      gw = await startTestGateway();
      const { client, transport } = modernClient(gw.url, gw.token, mode);
      await client.connect(transport);
      expect(client.getProtocolEra()).toBe('modern');
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toEqual(['fake__echo', 'fake__slow']);
      const progress: number[] = [];
      const result = await client.callTool(
        { name: 'fake__echo', arguments: { text: 'yo' } },
        { onprogress: (p) => progress.push(p.progress) },
      );
      expect(result.content).toEqual([
        { type: 'text', text: 'fake__echo(yo) era=modern scope=all caller=test-client' },
      ]);
      expect(progress).toEqual([1]);
      expect(gw.gateway).toBeDefined();
      await client.close();
    });
  }

  it('delivers list_changed from the core on a subscriptions/listen stream', async () => {
    gw = await startTestGateway();
    const { client, transport } = modernClient(gw.url, gw.token, 'auto');
    await client.connect(transport);
    const changed = new Promise<string>((resolve) =>
      client.setNotificationHandler('notifications/tools/list_changed', () => resolve('received')),
    );
    const subscription = await client.listen({ toolsListChanged: true });
    gw.core.fireToolsChanged();
    const outcome = await Promise.race([
      changed,
      new Promise<string>((r) => setTimeout(() => r('timeout'), 3000)),
    ]);
    expect(outcome).toBe('received');
    await subscription.close();
    await client.close();
  });

  it('answers 400 -32020 when the Mcp-Method header disagrees with the body', async () => {
    gw = await startTestGateway();
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gw.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': 'fake__echo',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: ENVELOPE } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32020 } });
  });

  it('answers server/discover without a session', async () => {
    gw = await startTestGateway();
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gw.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'server/discover',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'server/discover', params: { _meta: ENVELOPE } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    const body = (await response.json()) as {
      result: { supportedVersions: string[]; capabilities: { tools?: unknown } };
    };
    expect(body.result.supportedVersions).toContain('2026-07-28');
    expect(body.result.capabilities.tools).toBeDefined();
  });
});
