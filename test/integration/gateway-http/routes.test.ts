import { afterEach, describe, expect, it } from 'vitest';
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { startTestGateway } from '../../helpers/gateway-harness.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const auth = (token: string) => ({ requestInit: { headers: { authorization: `Bearer ${token}` } } });

describe('per-server route /mcp/<prefix>', () => {
  for (const mode of ['legacy', 'auto'] as const) {
    it(`serves one server with its original tool names (${mode} client)`, async () => {
      gw = await startTestGateway();
      const client = new Client({ name: 'per-server', version: '1.0.0' }, { versionNegotiation: { mode } });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/fake`), auth(gw.token)));
      expect(client.getProtocolEra()).toBe(mode === 'legacy' ? 'legacy' : 'modern');
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toEqual(['echo', 'slow']);
      const result = await client.callTool({ name: 'echo', arguments: { text: 'x' } });
      expect((result.content as { text: string }[])[0]!.text).toContain('scope=server:fake');
      await client.close();
    });
  }

  it('answers 404 with a clear message for an unknown prefix', async () => {
    gw = await startTestGateway();
    for (const prefix of ['nope', 'NOT_A_PREFIX', 'a.b', 'x'.repeat(300)]) {
      const response = await fetch(`${gw.url}/${encodeURIComponent(prefix)}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${gw.token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
      });
      expect(response.status).toBe(404);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/no server with prefix/);
    }
  });

  it('does not reveal which prefixes exist to a caller without a token', async () => {
    gw = await startTestGateway();
    const response = await fetch(`${gw.url}/nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
  });

  it('keeps a session to the route it was opened on', async () => {
    gw = await startTestGateway();
    const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/fake`), auth(gw.token));
    const client = new Client({ name: 'per-server', version: '1.0.0' });
    await client.connect(transport);
    const crossed = await fetch(gw.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gw.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': transport.sessionId!,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(crossed.status).toBe(404);
    await client.close();
  });
});

describe('deprecated HTTP+SSE endpoints', () => {
  it('serves an old client over GET /sse + POST /messages', async () => {
    gw = await startTestGateway();
    const client = new Client({ name: 'sse-client', version: '1.0.0' });
    await client.connect(new SSEClientTransport(new URL(`${gw.origin}/sse`), auth(gw.token)));
    expect(gw.gateway).toBeDefined();
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(['fake__echo', 'fake__slow']);
    const result = await client.callTool({ name: 'fake__echo', arguments: { text: 'old' } });
    expect((result.content as { text: string }[])[0]!.text).toBe(
      'fake__echo(old) era=legacy scope=all caller=test-client',
    );
    await client.close();
  });

  it('serves one server on GET /sse/<prefix>', async () => {
    gw = await startTestGateway();
    const client = new Client({ name: 'sse-client', version: '1.0.0' });
    await client.connect(new SSEClientTransport(new URL(`${gw.origin}/sse/fake`), auth(gw.token)));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'slow']);
    await client.close();
  });

  it('refuses POST /messages for an unknown session, and without a token', async () => {
    gw = await startTestGateway();
    const headers = { 'content-type': 'application/json' };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const unknown = await fetch(`${gw.origin}/messages?sessionId=nope`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${gw.token}` },
      body,
    });
    expect(unknown.status).toBe(404);
    const anonymous = await fetch(`${gw.origin}/messages?sessionId=nope`, { method: 'POST', headers, body });
    expect(anonymous.status).toBe(401);
    const stream = await fetch(`${gw.origin}/sse`);
    expect(stream.status).toBe(401);
  });
});

describe('/healthz', () => {
  it('answers without a token, with nothing secret in it', async () => {
    gw = await startTestGateway();
    const response = await fetch(`${gw.origin}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'switchboard' });
  });

  it('still refuses a foreign Host', async () => {
    gw = await startTestGateway();
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: gw!.port, path: '/healthz', headers: { host: 'evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});
