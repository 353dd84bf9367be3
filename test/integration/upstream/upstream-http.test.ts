import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpstreamHttp } from '../../../main/upstream/upstream-http.ts';
import { createUpstreamHttp } from '../../../main/upstream/upstream-http.ts';
import { freePort } from '../upstream-restarts/restartable.ts';

/**
 * The hub's upstream fetch (main/upstream/upstream-http.ts) against a real HTTP server on 127.0.0.1: connections
 * kept alive and shared, and the fetch behaviour the SDK's transports and connection-trouble.ts rely on.
 */

interface Served {
  url: string;
  /** TCP connections the server accepted, and the requests it received. */
  connections: () => number;
  /** Resolves when every connection open now has closed. */
  allClosed: () => Promise<void>;
  requests: string[];
}

const servers: http.Server[] = [];
const clients: UpstreamHttp[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: http.RequestListener): Promise<Served> {
  let connections = 0;
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections += 1;
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const allClosed = () =>
    Promise.all([...open].map((socket) => new Promise((resolve) => socket.once('close', resolve)))).then(
      () => undefined,
    );
  return { url: `http://127.0.0.1:${port}/mcp`, connections: () => connections, allClosed, requests };
}

function client(fallback?: UpstreamHttp['fetch']): UpstreamHttp {
  const made = createUpstreamHttp({ ...(fallback ? { fallback } : {}), env: {} });
  clients.push(made);
  return made;
}

const json = (res: http.ServerResponse, body: unknown) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};

const post = (body: unknown, signal?: AbortSignal): RequestInit => ({
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/json', 'x-test': 'yes' },
  body: JSON.stringify(body),
  ...(signal ? { signal } : {}),
});

describe('upstream HTTP client', () => {
  it('sends every request of a client on one kept-alive connection', async () => {
    const served = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => json(res, { got: JSON.parse(body) as unknown, header: req.headers['x-test'] }));
    });
    const { fetch } = client();
    for (let i = 0; i < 20; i++) {
      const response = await fetch(served.url, post({ i }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ got: { i }, header: 'yes' });
    }
    expect(served.requests).toHaveLength(20);
    expect(served.connections()).toBe(1);
  });

  it('closes its kept-alive connections on close()', async () => {
    const served = await serve((_req, res) => json(res, {}));
    const upstream = client();
    await (await upstream.fetch(served.url, post({}))).json();
    const closed = served.allClosed();
    upstream.close();
    await closed;
    // Still usable after: a new connection is opened.
    expect(await (await upstream.fetch(served.url, post({}))).json()).toEqual({});
    expect(served.connections()).toBe(2);
  });

  it('answers like fetch: headers, a body read once, statuses without a body', async () => {
    const served = await serve((req, res) => {
      if (req.url === '/empty') {
        res.statusCode = 204;
        return res.end();
      }
      res.statusCode = 404;
      res.setHeader('x-many', ['a', 'b']);
      res.setHeader('content-type', 'text/plain');
      res.end('not here');
    });
    const { fetch } = client();
    const response = await fetch(served.url, post({}));
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.ok, response.statusText]).toEqual([404, false, 'Not Found']);
    expect(response.headers.get('x-many')).toBe('a, b');
    expect(response.body).not.toBeNull(); // Looking at it reads nothing.
    expect(response.bodyUsed).toBe(false);
    expect(await response.text()).toBe('not here');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);

    const streamed = await fetch(served.url, post({}));
    expect(await new Response(streamed.body).text()).toBe('not here');
    await expect(streamed.text()).rejects.toThrow(TypeError);

    const empty = await fetch(new URL('/empty', served.url), { method: 'DELETE', redirect: 'manual' });
    expect([empty.status, empty.body]).toEqual([204, null]);
  });

  it('streams an event stream as it arrives, and cancelling it closes the connection', async () => {
    let second: (() => void) | undefined;
    const served = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      second = () => res.end('data: two\n\n');
    });
    const { fetch } = client();
    const response = await fetch(served.url, post({}));
    const reader = response.body!.getReader();
    const first = await reader.read();
    // The first event arrived while the server still holds the second back.
    expect(Buffer.from(first.value!).toString()).toBe('data: one\n\n');
    second!();
    const rest = await reader.read();
    expect(Buffer.from(rest.value!).toString()).toBe('data: two\n\n');
    expect((await reader.read()).done).toBe(true);

    const held = await fetch(served.url, post({}));
    const closed = served.allClosed();
    await held.body!.cancel();
    await closed;
  });

  it('rejects with the abort reason before the answer, and errors the stream with it after', async () => {
    const served = await serve((req, res) => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': open\n\n');
      }
      // Otherwise never answers.
    });
    const { fetch } = client();
    const early = new AbortController();
    const pending = fetch(served.url, post({}, early.signal));
    await waitFor(() => served.requests.length === 1);
    early.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');

    const late = new AbortController();
    const response = await fetch(new URL('/stream', served.url), post({}, late.signal));
    const reader = response.body!.getReader();
    await reader.read();
    late.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });

    const already = AbortSignal.abort(new Error('before anything'));
    await expect(fetch(served.url, post({}, already))).rejects.toThrow('before anything');
  });

  it('fails as fetch does: "fetch failed" with the system error, "terminated" when the body breaks', async () => {
    const { fetch } = client();
    const refused = await fetch(`http://127.0.0.1:${await freePort()}/mcp`, post({})).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as Error).message).toBe('fetch failed');
    expect(((refused as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');

    const served = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"half":');
      setImmediate(() => res.socket?.destroy());
    });
    const broken = await fetch(served.url, post({})).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(TypeError);
    expect((broken as Error).message).toBe('terminated');
  });

  it('decodes a compressed body', async () => {
    const served = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(JSON.stringify({ packed: true })));
    });
    expect(await (await client().fetch(served.url, post({}))).json()).toEqual({ packed: true });
  });

  it('leaves to the global fetch what it does not serve: followed redirects, stream bodies', async () => {
    const seen: string[] = [];
    const fallback: UpstreamHttp['fetch'] = async (url) => {
      seen.push(String(url));
      return new Response('from fallback');
    };
    const served = await serve((_req, res) => json(res, {}));
    const { fetch } = client(fallback);
    await fetch(served.url, { method: 'GET' }); // redirect: 'follow' by default
    await fetch(served.url, {
      method: 'POST',
      redirect: 'manual',
      body: new ReadableStream(),
      duplex: 'half',
    } as RequestInit);
    expect(seen).toEqual([served.url, served.url]);
    expect(served.requests).toEqual([]);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
