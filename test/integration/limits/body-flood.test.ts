import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createPassThroughRelay } from '../../../main/oauth/pass-through-relay.ts';
import type { GatewayRoute } from '../../../main/gateway/http/gateway-app.ts';
import type { FloodGateway } from './limits-harness.ts';
import { peakRssGrowthMiB, pushBody, startFloodGateway } from './limits-harness.ts';

/**
 * Issue 12 item 7: a 400 MiB POST used to be read whole by the pass-through relay before its 4 MiB check
 * (RSS 164 → 1,357 MiB). Every body is now counted at the edge and cut off at the limit, on every route.
 */

const FLOOD = 400 * 1024 * 1024;
let gw: FloodGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function withRelay(): Promise<FloodGateway> {
  let upstreamBytes = 0;
  const relay = createPassThroughRelay({
    fetch: async (_url, init) => {
      upstreamBytes += (init?.body as ArrayBuffer | undefined)?.byteLength ?? 0;
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    },
  });
  const route: GatewayRoute = {
    method: 'POST',
    path: '/mcp/:prefix/mcp',
    auth: 'gateway-token-header',
    handler: (request, { params }) =>
      relay(request, { prefix: params.prefix!, url: 'http://127.0.0.1:9/mcp' }),
  };
  void upstreamBytes;
  return startFloodGateway({ routes: [route] });
}

async function stillServes(g: FloodGateway): Promise<void> {
  const client = new Client({ name: 'other', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(g.url), {
      requestInit: { headers: { authorization: `Bearer ${g.tokens.other}` } },
    }),
  );
  expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  await client.close();
}

describe('body flood', () => {
  it('cuts a 400 MiB chunked POST to the pass-through relay off at the limit (413), RSS bounded', async () => {
    gw = await withRelay();
    const g = gw;
    const { result, growthMiB } = await peakRssGrowthMiB(() =>
      pushBody({
        port: g.port,
        path: '/mcp/remote/mcp',
        headers: { 'x-switchboard-token': g.tokens.flood },
        totalBytes: FLOOD,
      }),
    );
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(FLOOD);
    expect(growthMiB).toBeLessThan(100);
    await stillServes(g);
  }, 120_000);

  it('refuses a declared 400 MiB Content-Length before reading it (relay and /mcp)', async () => {
    gw = await withRelay();
    const g = gw;
    const { result, growthMiB } = await peakRssGrowthMiB(async () => [
      await pushBody({
        port: g.port,
        path: '/mcp/remote/mcp',
        headers: { 'x-switchboard-token': g.tokens.flood },
        totalBytes: FLOOD,
        declareLength: true,
      }),
      await pushBody({
        port: g.port,
        path: '/mcp',
        headers: { authorization: `Bearer ${g.tokens.flood}`, accept: 'application/json, text/event-stream' },
        totalBytes: FLOOD,
        declareLength: true,
      }),
    ]);
    expect(result.map((r) => r.status)).toEqual([413, 413]);
    for (const r of result) expect(r.sent).toBeLessThan(FLOOD);
    expect(growthMiB).toBeLessThan(100);
    await stillServes(g);
  }, 120_000);

  it('cuts chunked floods on /mcp and on an unauthenticated request alike', async () => {
    gw = await withRelay();
    const g = gw;
    const { result, growthMiB } = await peakRssGrowthMiB(async () => [
      await pushBody({
        port: g.port,
        path: '/mcp',
        headers: { authorization: `Bearer ${g.tokens.flood}`, accept: 'application/json, text/event-stream' },
        totalBytes: FLOOD,
      }),
      await pushBody({ port: g.port, path: '/mcp/remote/mcp', headers: {}, totalBytes: FLOOD }),
    ]);
    for (const r of result) expect(r.sent).toBeLessThan(FLOOD);
    expect(result[0]!.status).toBe(413);
    expect([401, 413]).toContain(result[1]!.status);
    expect(growthMiB).toBeLessThan(100);
    await stillServes(g);
  }, 120_000);
});
