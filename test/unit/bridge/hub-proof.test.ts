import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHubProofRoute, hubProof, isValidHubProof, newNonce } from '../../../main/bridge/hub-proof.ts';
import { checkHub, createProvenFetch, HubNotProvenError } from '../../../main/bridge/proven-hub.ts';
import { ensureBridgeToken } from '../../../main/tokens/bridge-token.ts';
import { generateToken } from '../../../main/tokens/token-crypto.ts';
import type { TestGateway } from '../../helpers/gateway-harness.ts';
import { startTestGateway } from '../../helpers/gateway-harness.ts';
import { startRelaySquatter, startSquatter } from '../../integration/bridge/fixtures/squatter.ts';

/**
 * The hub proof (issue 12.1): what the hub answers, what the client accepts, and that every connection the
 * token travels on was proven first — against the real HTTP front, a squatter that plays Switchboard, and a
 * squatter that relays the challenge to the real hub on another port. Tokens are never printed.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-proof-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
/** The real front over a fake core, with the proof route as the runtime mounts it. */
async function hub(dir: string, port = 0): Promise<TestGateway> {
  let bound = port;
  const gw = await startTestGateway({
    dataDir: dir,
    port,
    routes: [createHubProofRoute({ dataDir: dir, port: () => bound })],
  });
  bound = gw.port;
  cleanups.push(() => gw.close());
  return gw;
}

describe('the proof', () => {
  it('binds the token, the port and the nonce', () => {
    const token = generateToken();
    const nonce = newNonce();
    const proof = hubProof(token, 17517, nonce);
    expect(isValidHubProof(token, 17517, nonce, proof)).toBe(true);
    expect(isValidHubProof(token, 17518, nonce, proof)).toBe(false);
    expect(isValidHubProof(token, 17517, newNonce(), proof)).toBe(false);
    expect(isValidHubProof(generateToken(), 17517, nonce, proof)).toBe(false);
    expect(isValidHubProof(token, 17517, nonce, undefined)).toBe(false);
    expect(isValidHubProof(token, 17517, nonce, proof.slice(1))).toBe(false);
  });

  it("the route answers for the hub's OWN port, whatever the request names; refuses bad nonces", async () => {
    const dir = dataDir();
    const token = ensureBridgeToken(dir);
    let port = 0;
    const route = createHubProofRoute({ dataDir: dir, port: () => port });
    const ask = async (nonce: string, host = '127.0.0.1:1') =>
      (await route.handler(new Request(`http://${host}/hub-proof?nonce=${nonce}`), {
        caller: undefined,
        params: {},
      }))!;
    const nonce = newNonce();
    expect((await ask(nonce)).status).toBe(503); // not listening yet
    port = 40001;
    const answer = (await (await ask(nonce, '127.0.0.1:40002')).json()) as { proof: string };
    expect(isValidHubProof(token, 40001, nonce, answer.proof)).toBe(true);
    expect(isValidHubProof(token, 40002, nonce, answer.proof)).toBe(false);
    expect((await ask('short')).status).toBe(400);
    expect(route.auth).toBe('none');
  });
});

describe('checkHub', () => {
  it('proves the real front; nothing on a closed port is "absent"', async () => {
    const dir = dataDir();
    const token = ensureBridgeToken(dir);
    const gw = await hub(dir);
    expect(await checkHub({ port: gw.port, token })).toEqual({ kind: 'proven' });
    await gw.close();
    expect((await checkHub({ port: gw.port, token })).kind).toBe('absent');
    expect(await checkHub({ port: gw.port, token: undefined })).toEqual({ kind: 'no-token' });
  });

  it("a hub of ANOTHER data directory (another token) does not prove this one's", async () => {
    const gw = await hub(dataDir());
    expect((await checkHub({ port: gw.port, token: generateToken() })).kind).toBe('impostor');
  });

  it('a squatter that plays Switchboard is an impostor and gets no token', async () => {
    const token = generateToken();
    const squatter = await startSquatter();
    cleanups.push(() => squatter.close());
    const check = await checkHub({ port: squatter.port, token });
    expect(check.kind).toBe('impostor');
    expect(squatter.requests.map((r) => r.path)).toEqual(['/hub-proof']);
    expect(squatter.withAuthorization()).toBe(0);
    expect(squatter.carrying(token)).toBe(0);
  });

  it('a squatter relaying the challenge to the real hub on another port is an impostor', async () => {
    const dir = dataDir();
    const token = ensureBridgeToken(dir);
    const gw = await hub(dir);
    const relay = await startRelaySquatter(gw.port);
    cleanups.push(() => relay.close());
    const check = await checkHub({ port: relay.port, token });
    expect(check).toMatchObject({ kind: 'impostor' });
    expect(relay.connections()).toBe(1);
    expect(relay.saw(token)).toBe(false);
  });

  it('accepts a chunked answer and refuses one followed by more bytes', async () => {
    const token = generateToken();
    const answerWith = (frame: (body: string) => string) =>
      net.createServer((socket) => {
        socket.once('data', (chunk: Buffer) => {
          const nonce = /nonce=([A-Za-z0-9_-]+)/.exec(chunk.toString('latin1'))?.[1] ?? '';
          const port = socket.localPort ?? 0;
          socket.write(frame(JSON.stringify({ v: 1, proof: hubProof(token, port, nonce) })));
        });
      });
    const listen = async (server: net.Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      return (server.address() as net.AddressInfo).port;
    };
    const chunked = await listen(
      answerWith(
        (body) =>
          `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      ),
    );
    expect(await checkHub({ port: chunked, token })).toEqual({ kind: 'proven' });
    const pipelined = await listen(
      answerWith(
        (body) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}HTTP/1.1 200 OK\r\n`,
      ),
    );
    expect((await checkHub({ port: pipelined, token })).kind).toBe('impostor');
  });
});

describe('createProvenFetch', () => {
  const initialize = (token: string) => ({
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    }),
  });

  it('carries requests to the proven hub (bodies, streams, statuses)', async () => {
    const dir = dataDir();
    const token = ensureBridgeToken(dir);
    const gw = await hub(dir);
    const proven = createProvenFetch({ token: () => token });
    cleanups.push(() => proven.close());
    const ok = await proven.fetch(`${gw.origin}/mcp`, initialize(token));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('fake-core');
    const refused = await proven.fetch(`${gw.origin}/mcp`, initialize('sbt_wrong'));
    expect(refused.status).toBe(401);
    await refused.body?.cancel();
    await expect(proven.fetch('http://localhost:1/mcp')).rejects.toThrow(
      /only talks to Switchboard on 127\.0\.0\.1/,
    );
  });

  it('the hub dies, a squatter takes its port: the next request is refused before the token leaves', async () => {
    const dir = dataDir();
    const token = ensureBridgeToken(dir);
    const gw = await hub(dir);
    const proven = createProvenFetch({ token: () => token });
    cleanups.push(() => proven.close());
    const first = await proven.fetch(`${gw.origin}/mcp`, initialize(token));
    expect(first.status).toBe(200);
    await first.text();
    await gw.close();
    const squatter = await startSquatter(gw.port);
    cleanups.push(() => squatter.close());
    const attempt = () =>
      proven.fetch(`${gw.origin}/mcp`, initialize(token)).then(
        () => undefined,
        (e: unknown) => e as TypeError,
      );
    // A kept-alive connection to the dead hub may fail first (its peer was the hub: nothing leaks there);
    // the retry needs a new connection, which is proven first.
    let error = await attempt();
    if (!(error?.cause instanceof HubNotProvenError)) error = await attempt();
    expect(error).toBeInstanceOf(TypeError);
    expect(error?.cause).toBeInstanceOf(HubNotProvenError);
    expect((error?.cause as HubNotProvenError).check.kind).toBe('impostor');
    expect(squatter.withAuthorization()).toBe(0);
    expect(squatter.carrying(token)).toBe(0);
  });

  it('an aborted request rejects with the abort reason', async () => {
    const dir = dataDir();
    const token = ensureBridgeToken(dir);
    const gw = await hub(dir);
    const proven = createProvenFetch({ token: () => token });
    cleanups.push(() => proven.close());
    const controller = new AbortController();
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(proven.fetch(`${gw.origin}/healthz`, { signal: controller.signal })).rejects.toThrow('stop');
  });
});
