import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGatewayApp } from '../../../../main/gateway/http/gateway-app.ts';
import type { GatewayApp } from '../../../../main/gateway/http/gateway-app.ts';
import { createTokenVerifier } from '../../../../main/gateway/http/token-verifier.ts';
import { silentLogger } from '../../../../main/lib/logger.ts';
import { createFakeCore, createMemoryTokens } from '../../../helpers/gateway-harness.ts';

/** The front without a socket: `app.fetch(Request)` (Hono-style), with fake timers where time matters. */

const PORT = 17517;
const ORIGIN = `http://127.0.0.1:${PORT}`;
let app: GatewayApp | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await app?.close();
  app = undefined;
});

function setup(options: { now?: () => number; idleMs?: number; keepAliveMs?: number } = {}) {
  const core = createFakeCore();
  const tokens = createMemoryTokens();
  app = createGatewayApp({
    core,
    tokens: createTokenVerifier({ source: tokens.source }),
    port: () => PORT,
    log: silentLogger,
    clock: options.now && { now: options.now },
    sessionIdleTimeoutMs: options.idleMs,
    keepAliveMs: options.keepAliveMs,
  });
  const headers = (extra: Record<string, string> = {}) => ({
    host: `127.0.0.1:${PORT}`,
    authorization: `Bearer ${tokens.token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...extra,
  });
  const initialize = async () => {
    const response = await app!.fetch(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            clientInfo: { name: 'unit', version: '1' },
          },
        }),
      }),
    );
    expect(response.status).toBe(200);
    const sessionId = response.headers.get('mcp-session-id')!;
    await response.text();
    return sessionId;
  };
  return { core, tokens, headers, initialize };
}

describe('gateway app (no socket)', () => {
  it('sends keep-alive comments on the GET stream', async () => {
    vi.useFakeTimers();
    const { headers, initialize } = setup({ keepAliveMs: 15_000 });
    const sessionId = await initialize();
    const response = await app!.fetch(
      new Request(`${ORIGIN}/mcp`, {
        headers: {
          ...headers({ 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' }),
          accept: 'text/event-stream',
        },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const pending = reader.read();
    await vi.advanceTimersByTimeAsync(15_000);
    const { value } = await pending;
    expect(new TextDecoder().decode(value)).toBe(': keepalive\n\n');
    const next = reader.read();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(new TextDecoder().decode((await next).value)).toBe(': keepalive\n\n');
    await reader.cancel();
  });

  it('sends keep-alive comments on the deprecated SSE stream', async () => {
    vi.useFakeTimers();
    const { headers } = setup({ keepAliveMs: 10_000 });
    const response = await app!.fetch(
      new Request(`${ORIGIN}/sse`, { headers: { ...headers(), accept: 'text/event-stream' } }),
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^event: endpoint\ndata: \/messages\?sessionId=[A-Za-z0-9_-]{43}\n\n$/);
    const pending = reader.read();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(new TextDecoder().decode((await pending).value)).toBe(': keepalive\n\n');
    await reader.cancel();
    expect(app!.stats().sseSessions).toBe(0);
  });

  it('sweeps idle sessions but never one with an open stream', async () => {
    let now = 1_000_000;
    const { headers, initialize, core } = setup({ now: () => now, idleMs: 60_000, keepAliveMs: 0 });
    const idle = await initialize();
    const streaming = await initialize();
    const stream = await app!.fetch(
      new Request(`${ORIGIN}/mcp`, {
        headers: { ...headers({ 'mcp-session-id': streaming }), accept: 'text/event-stream' },
      }),
    );
    expect(stream.status).toBe(200);
    expect(app!.stats().legacySessions).toBe(2);

    now += 30_000;
    app!.sweep();
    expect(app!.stats().legacySessions).toBe(2);
    now += 31_000;
    app!.sweep();
    expect(app!.stats().legacySessions).toBe(1);
    expect(core.closed).toBe(1);

    const gone = await app!.fetch(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: headers({ 'mcp-session-id': idle }),
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
      }),
    );
    expect(gone.status).toBe(404);

    await stream.body!.cancel();
    now += 61_000;
    app!.sweep();
    expect(app!.stats().legacySessions).toBe(0);
  });

  it('closes every session on close', async () => {
    const { initialize, core } = setup();
    await initialize();
    await initialize();
    await app!.close();
    expect(app!.stats().legacySessions).toBe(0);
    expect(core.closed).toBe(2);
    app = undefined;
  });

  it('guards by Host before anything else (also on unknown paths)', async () => {
    const { headers } = setup();
    const response = await app!.fetch(
      new Request(`${ORIGIN}/whatever`, { headers: headers({ host: 'evil.example' }) }),
    );
    expect(response.status).toBe(403);
  });
});

describe('extra routes (OAuth callback, pass-through relay, well-known metadata)', () => {
  function setupRoutes() {
    const tokens = createMemoryTokens();
    const seen: Array<{
      path: string;
      caller: unknown;
      params: Record<string, string>;
      authorization: string | null;
    }> = [];
    app = createGatewayApp({
      core: createFakeCore(),
      tokens: createTokenVerifier({ source: tokens.source }),
      port: () => PORT,
      log: silentLogger,
      routes: [
        {
          method: 'GET',
          path: '/oauth/callback',
          auth: 'none',
          handler: (request, { caller }) => {
            seen.push({
              path: '/oauth/callback',
              caller,
              params: {},
              authorization: request.headers.get('authorization'),
            });
            return new Response('signed in');
          },
        },
        {
          method: 'ALL',
          path: '/mcp/:prefix/mcp',
          auth: 'gateway-token-header',
          handler: (request, { caller, params }) => {
            seen.push({ path: 'relay', caller, params, authorization: request.headers.get('authorization') });
            return Response.json({ relayed: params.prefix });
          },
        },
        {
          method: 'GET',
          path: '/.well-known/*',
          auth: 'none',
          handler: (request) =>
            new URL(request.url).pathname.endsWith('/mcp/fake/mcp')
              ? Response.json({ resource: 'x' })
              : undefined,
        },
      ],
    });
    const get = (path: string, headers: Record<string, string> = {}) =>
      app!.fetch(new Request(`${ORIGIN}${path}`, { headers: { host: `127.0.0.1:${PORT}`, ...headers } }));
    return { tokens, seen, get };
  }

  it('serves a no-token route, still behind the Host check', async () => {
    const { get, seen } = setupRoutes();
    expect(await (await get('/oauth/callback?code=1')).text()).toBe('signed in');
    expect(seen[0]!.caller).toBeUndefined();
    expect((await get('/oauth/callback', { host: 'evil.example' })).status).toBe(403);
  });

  it('checks X-Switchboard-Token on pass-through routes and leaves Authorization to the upstream', async () => {
    const { get, seen, tokens } = setupRoutes();
    const upstreamAuth = { authorization: 'Bearer upstream-access-token' };
    const missing = await get('/mcp/fake/mcp', upstreamAuth);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Switchboard-Token realm="switchboard"');
    const wrong = await get('/mcp/fake/mcp', { ...upstreamAuth, 'x-switchboard-token': 'sbt_nope' });
    expect(wrong.status).toBe(401);
    const ok = await get('/mcp/fake/mcp', { ...upstreamAuth, 'x-switchboard-token': tokens.token });
    expect(await ok.json()).toEqual({ relayed: 'fake' });
    expect(seen.at(-1)).toMatchObject({
      params: { prefix: 'fake' },
      authorization: 'Bearer upstream-access-token',
      caller: { clientName: 'test-client' },
    });
  });

  it('does not let the per-server MCP route swallow the pass-through route (and vice versa)', async () => {
    const { get, tokens } = setupRoutes();
    const perServer = await get('/mcp/fake', { 'x-switchboard-token': tokens.token });
    expect(perServer.status).toBe(401); // /mcp/<prefix> wants the bearer token, not the header
  });

  it('turns a handler answering undefined into the 404', async () => {
    const { get } = setupRoutes();
    expect((await get('/.well-known/oauth-protected-resource/mcp/fake/mcp')).status).toBe(200);
    expect((await get('/.well-known/oauth-protected-resource/mcp/other/mcp')).status).toBe(404);
  });
});
