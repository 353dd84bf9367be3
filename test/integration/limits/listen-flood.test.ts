import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { FloodGateway } from './limits-harness.ts';
import { MCP_HEADERS, peakRssGrowthMiB, startFloodGateway } from './limits-harness.ts';

/**
 * Issue 12 item 7: `subscriptions/listen` streams were unbounded (3,000 accepted, +180 MiB). Now 32 per
 * principal and 256 overall; past that a new one is refused with 503, and other clients are still served.
 */

export const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'flood', version: '0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

/** Opens one listen stream; resolves once its headers arrived (the body stays open until cancelled). */
export async function listen(url: string, token: string, id: number): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      ...MCP_HEADERS,
      authorization: `Bearer ${token}`,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'subscriptions/listen',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'subscriptions/listen',
      params: { notifications: { toolsListChanged: true }, _meta: ENVELOPE },
    }),
  });
}

let gw: FloodGateway | undefined;
const open: Response[] = [];
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((r) => r.body?.cancel()));
  await gw?.close();
  gw = undefined;
});

describe('listen stream flood', () => {
  it('one token asking for 400 listen streams gets its quota; another client still listens and calls', async () => {
    gw = await startFloodGateway();
    const g = gw;
    const { result: statuses, growthMiB } = await peakRssGrowthMiB(async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 400; i++) {
        const response = await listen(g.url, g.tokens.flood, i + 1);
        statuses.push(response.status);
        if (response.status === 200) open.push(response);
        else await response.arrayBuffer();
      }
      return statuses;
    });
    expect(statuses.filter((s) => s === 200).length).toBe(32);
    expect(statuses.filter((s) => s === 503).length).toBe(400 - 32);
    expect(g.gateway.stats().listenStreams).toBe(32);

    const mine = await listen(g.url, g.tokens.other, 1);
    expect(mine.status).toBe(200);
    open.push(mine);
    const client = new Client({ name: 'other', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(g.url), {
        requestInit: { headers: { authorization: `Bearer ${g.tokens.other}` } },
      }),
    );
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
    expect(growthMiB).toBeLessThan(100);
  }, 120_000);

  it('frees a slot when a stream ends', async () => {
    gw = await startFloodGateway({ streamLimits: { maxListenStreamsPerPrincipal: 2 } });
    const g = gw;
    const a = await listen(g.url, g.tokens.flood, 1);
    const b = await listen(g.url, g.tokens.flood, 2);
    const refused = await listen(g.url, g.tokens.flood, 3);
    expect([a.status, b.status, refused.status]).toEqual([200, 200, 503]);
    expect(await refused.json()).toMatchObject({ id: 3, error: { code: -32000 } });
    await a.body!.cancel();
    open.push(b);
    const deadline = Date.now() + 10_000;
    while (g.gateway.stats().listenStreams > 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const again = await listen(g.url, g.tokens.flood, 4);
    expect(again.status).toBe(200);
    open.push(again);
  }, 60_000);
});
