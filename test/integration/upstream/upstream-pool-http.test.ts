import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpstreamCaller } from '../../../main/upstream/upstream-types.ts';
import type { HttpFixture } from '../../fixtures/servers/fixtures.ts';
import { FIXTURES, startHttpFixture } from '../../fixtures/servers/fixtures.ts';
import type { Harness } from './pool-harness.ts';
import { createHarness, firstText } from './pool-harness.ts';
import { freePort } from '../upstream-restarts/restartable.ts';

let h: Harness;
const fixtures: HttpFixture[] = [];
afterEach(async () => {
  await h?.close();
  await Promise.all(fixtures.splice(0).map((f) => f.close()));
});

const start = async (mode: '--http' | '--http-legacy' | '--sse', file: string = FIXTURES.echo) => {
  const fixture = await startHttpFixture(file, mode);
  fixtures.push(fixture);
  return fixture;
};

const echo = (prefix: string, text: string) =>
  h.pool.request(prefix, { method: 'tools/call', params: { name: 'echo', arguments: { text } } });

describe('upstream pool over HTTP', () => {
  it('negotiates the modern era with a both-era server, remembers it, and reconnects without probing', async () => {
    const fixture = await start('--http');
    h = createHarness();
    h.addRemote('remote', fixture.url);
    await h.pool.sync();
    await h.next('catalog', (e) => e.prefix === 'remote');
    const era = h.catalogOf('remote')?.era;
    expect(era).toMatchObject({ era: 'modern', wire: 'streamable-http', protocolVersion: '2026-07-28' });
    expect(era?.discover).toBeDefined();
    expect(firstText(await echo('remote', 'modern hi'))).toBe('modern hi');

    await h.pool.stopAll();
    const again = h.reopenPool();
    await again.sync();
    const result = await again.request('remote', {
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'prior' } },
    });
    expect(firstText(result)).toBe('prior');
    expect(again.status('remote')?.era).toMatchObject({ era: 'modern' });
  });

  it('falls back to legacy with a sessionful-only server and re-initializes after the session is lost', async () => {
    const fixture = await start('--http-legacy');
    h = createHarness();
    h.addRemote('legacy', fixture.url);
    await h.pool.sync();
    await h.next('catalog', (e) => e.prefix === 'legacy');
    expect(h.catalogOf('legacy')?.era).toMatchObject({
      era: 'legacy',
      wire: 'streamable-http',
      protocolVersion: '2025-11-25',
    });
    expect(firstText(await echo('legacy', 'one'))).toBe('one');
    // The server forgets every session, as after a restart: the next request gets 404 and must be retried.
    await fetch(new URL('/drop-sessions', fixture.url));
    expect(firstText(await echo('legacy', 'two'))).toBe('two');
    expect(
      h.logs.some(
        (l) => l.includes('reconnecting with a new session') && l.includes('no longer knows our session'),
      ),
    ).toBe(true);
  });

  it('falls back to the old HTTP+SSE transport when Streamable HTTP is refused', async () => {
    const fixture = await start('--sse');
    h = createHarness();
    h.addRemote('old', fixture.url);
    await h.pool.sync();
    await h.next('catalog', (e) => e.prefix === 'old');
    expect(h.catalogOf('old')?.era).toMatchObject({ era: 'legacy', wire: 'sse' });
    expect(firstText(await echo('old', 'via sse'))).toBe('via sse');
  });

  it("routes a modern upstream's questions (input_required, auto-fulfilled) to the caller", async () => {
    const fixture = await start('--http');
    h = createHarness();
    h.addRemote('remote', fixture.url);
    await h.pool.sync();
    const asked: string[] = [];
    const caller: UpstreamCaller = {
      sessionKey: 's1',
      capabilities: { sampling: true, elicitation: true, roots: false },
      request: async (method) => {
        asked.push(method);
        return method === 'sampling/createMessage'
          ? { model: 'm', role: 'assistant', content: { type: 'text', text: 'from caller' } }
          : { action: 'accept', content: { name: 'eve' } };
      },
    };
    const sample = await h.pool.request(
      'remote',
      { method: 'tools/call', params: { name: 'sample', arguments: { prompt: 'p' } } },
      { caller },
    );
    expect(firstText(sample)).toBe('sampled: from caller');
    const elicit = await h.pool.request(
      'remote',
      { method: 'tools/call', params: { name: 'elicit', arguments: {} } },
      { caller },
    );
    expect(firstText(elicit)).toBe('elicited: accept {"name":"eve"}');
    expect(asked).toEqual(['sampling/createMessage', 'elicitation/create']);
    expect(h.pool.status('remote')?.era?.era).toBe('modern');
  });

  it('sends every call on one kept-alive connection, closed when the pool stops', async () => {
    const fixture = await start('--http');
    const proxy = await countingProxy(new URL(fixture.url));
    try {
      h = createHarness();
      h.addRemote('remote', new URL(new URL(fixture.url).pathname, proxy.url).href);
      await h.pool.sync();
      await h.next('catalog', (e) => e.prefix === 'remote');
      expect(firstText(await echo('remote', 'warm'))).toBe('warm');
      const before = { connections: proxy.connections(), posts: proxy.posts() };
      for (let i = 0; i < 25; i++) expect(firstText(await echo('remote', `call ${i}`))).toBe(`call ${i}`);
      // Each call is one POST, on a connection that was already open: none is opened per call.
      expect(proxy.posts() - before.posts).toBe(25);
      expect(proxy.connections()).toBe(before.connections);
      expect(proxy.open()).toBeGreaterThan(0);
      await h.pool.stopAll();
      await proxy.whenNoneOpen();
    } finally {
      proxy.close();
    }
  });

  it('reports an unreachable server as unavailable with backoff, without blocking others', async () => {
    const fixture = await start('--http');
    // No short connect timeout and no stopwatch: a loaded machine may be slow; what matters is that the
    // refused server fails on its own (connection refused) while the other one answers.
    h = createHarness();
    // A port nothing listens on (not 9: fetch refuses that "bad port" before trying to connect).
    h.addRemote('down', `http://127.0.0.1:${await freePort()}/mcp`);
    h.addRemote('up', fixture.url);
    const backoff = h.waitForState('down', 'backoff', 30_000);
    await h.pool.sync();
    expect(firstText(await echo('up', 'fine'))).toBe('fine');
    await backoff;
    expect(h.pool.status('down')?.lastError).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining('connection refused'),
    });
    const call = await echo('down', 'x').catch((e: unknown) => e);
    expect((call as Error).message).toMatch(/down could not be started or reached: connection refused/);
  });

  for (const wire of ['http', 'sse'] as const) {
    it(`connects again at once when the connection is cut before any answer (${wire})`, async () => {
      const fixture = await start(wire === 'sse' ? '--sse' : '--http');
      const target = new URL(fixture.url);
      const proxy = await countingProxy(target, { cutFirst: true });
      try {
        h = createHarness();
        h.addRemote('cut', `${proxy.url}${target.pathname}`, wire);
        await h.pool.sync();
        expect(firstText(await echo('cut', 'still here'))).toBe('still here');
        expect(proxy.connections()).toBeGreaterThanOrEqual(2);
        expect(h.logs.some((l) => l.includes('connecting again') && l.includes('prefix=cut'))).toBe(true);
      } finally {
        proxy.close();
      }
    });
  }
});

/**
 * A TCP proxy in front of `target` that counts the connections the hub opens and the POSTs it sends. With
 * `cutFirst` it cuts the first connection as its request arrives, without an answer: what a kept-alive
 * connection the server closed at that moment (or a proxy that dropped it) looks like to the hub.
 */
async function countingProxy(target: URL, { cutFirst = false } = {}) {
  let connections = 0;
  let posts = 0;
  const open = new Set<net.Socket>();
  const idle: (() => void)[] = [];
  const server = net.createServer((socket) => {
    connections += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    if (cutFirst && connections === 1) {
      socket.once('data', () => socket.destroy());
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    socket.on('data', (chunk: Buffer) => {
      posts += chunk.toString('latin1').match(/^POST /gm)?.length ?? 0;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => socket.write(chunk));
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('close', () => {
      end();
      open.delete(socket);
      if (open.size === 0) for (const resolve of idle.splice(0)) resolve();
    });
    upstream.on('close', end);
    socket.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    posts: () => posts,
    open: () => open.size,
    whenNoneOpen: () =>
      open.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve)),
    close: () => {
      for (const socket of open) socket.destroy();
      server.close();
    },
  };
}
