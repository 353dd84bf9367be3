import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { GATEWAY_TOKEN_HEADER, passThroughRoute } from '../../../main/oauth/pass-through.ts';
import { createPassThroughMetadata } from '../../../main/oauth/pass-through-metadata.ts';
import { createPassThroughRelay } from '../../../main/oauth/pass-through-relay.ts';
import type { OidcHarness } from '../../fixtures/oauth/oidc-harness.ts';
import { startOidcHarness } from '../../fixtures/oauth/oidc-harness.ts';
import type { ProtectedServer } from '../../fixtures/oauth/protected-mcp-server.ts';
import { startProtectedServer } from '../../fixtures/oauth/protected-mcp-server.ts';

const GATEWAY_TOKEN = 'local-gateway-token';
const STATIC = 'static-upstream-token';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A stand-in for the HTTP front: the same handlers it is to mount, on a bare node server. */
async function startGateway(upstream: ProtectedServer): Promise<string> {
  const servers = [{ prefix: 'notes', url: upstream.url, name: 'Notes' }];
  const metadata = createPassThroughMetadata({ servers: () => servers, clock: { now: () => Date.now() } });
  const relay = createPassThroughRelay();
  const server = http.createServer((req, res) => {
    void (async () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const request = new Request(new URL(req.url ?? '/', origin), {
        method: req.method ?? 'GET',
        headers: Object.entries(req.headers).flatMap(([k, v]) =>
          typeof v === 'string' ? [[k, v] as [string, string]] : [],
        ),
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      let response =
        (await metadata.protectedResource(request)) ?? (await metadata.authorizationServer(request));
      if (!response && new URL(request.url).pathname === passThroughRoute('notes')) {
        response =
          request.headers.get(GATEWAY_TOKEN_HEADER) === GATEWAY_TOKEN
            ? await relay(request, servers[0]!)
            : new Response('{"error":"gateway token"}', {
                status: 401,
                headers: { 'www-authenticate': 'Bearer realm="switchboard"' },
              });
      }
      response ??= new Response('not found', { status: 404 });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function setup(): Promise<{ idp: OidcHarness; upstream: ProtectedServer; gateway: string }> {
  const idp = await startOidcHarness({ issuerPath: '/realms/pass' });
  cleanups.push(() => idp.close());
  const upstream = await startProtectedServer({ issuer: idp.issuer, staticToken: STATIC });
  cleanups.push(() => upstream.close());
  idp.allowResource(upstream.resource);
  return { idp, upstream, gateway: await startGateway(upstream) };
}

describe('pass-through (delegate auth)', () => {
  it('keeps a 401 and its WWW-Authenticate end to end, pointing discovery at the gateway', async () => {
    const { gateway } = await setup();
    const response = await fetch(`${gateway}/mcp/notes/mcp`, {
      method: 'POST',
      headers: {
        [GATEWAY_TOKEN_HEADER]: GATEWAY_TOKEN,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
    });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer realm="fixture"/);
    expect(challenge).toContain('scope="mcp:read"');
    expect(challenge).toContain(
      `resource_metadata="${gateway}/.well-known/oauth-protected-resource/mcp/notes/mcp"`,
    );
  });

  it('serves protected-resource metadata in both forms naming the upstream issuer (path kept) and the gateway resource', async () => {
    const { idp, gateway } = await setup();
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp/notes/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const response = await fetch(`${gateway}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        resource: `${gateway}/mcp/notes/mcp`,
        authorization_servers: [`${idp.origin}/realms/pass`],
        scopes_supported: ['mcp:read', 'mcp:write'],
      });
    }
  });

  it('re-advertises the upstream authorization server metadata verbatim', async () => {
    const { idp, gateway } = await setup();
    const response = await fetch(`${gateway}/.well-known/oauth-authorization-server/mcp/notes/mcp`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.issuer).toBe(`${idp.origin}/realms/pass`);
    expect(body.token_endpoint).toBe(`${idp.origin}/realms/pass/token`);
    expect(body.code_challenge_methods_supported).toContain('S256');
  });

  it("relays the client's bearer token unchanged and never the gateway token", async () => {
    const { upstream, gateway } = await setup();
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway}/mcp/notes/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${STATIC}`, [GATEWAY_TOKEN_HEADER]: GATEWAY_TOKEN } },
    });
    const client = new Client({ name: 'pt', version: '1' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    await client.close();
    expect(tools.map((t) => t.name)).toContain('whoami');
    expect(upstream.seenAuthorization.every((h) => h === `Bearer ${STATIC}`)).toBe(true);
  });
});
