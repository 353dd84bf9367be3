import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDefinition } from '../../../main/registry/server-repository.ts';
import { oauthGrantOwner } from '../../../main/vault/server-owners.ts';
import { driveDevInteractions } from '../../fixtures/oauth/dev-interactions-driver.ts';
import type { OidcHarness } from '../../fixtures/oauth/oidc-harness.ts';
import { startOidcHarness } from '../../fixtures/oauth/oidc-harness.ts';
import type { ProtectedServer } from '../../fixtures/oauth/protected-mcp-server.ts';
import { startProtectedServer } from '../../fixtures/oauth/protected-mcp-server.ts';
import { removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import type { TestHub } from '../readiness/readiness-hub.ts';
import { startTestHub, textOf, waitFor } from '../readiness/readiness-hub.ts';

/**
 * Issue 10's leak, through the real hub (registry, vault, pool, gateway, health, OAuth manager): server A is
 * signed in through a real oidc-provider; it is removed the way the CLI removes it — one row delete in the
 * registry, with nobody telling this hub's OAuth manager (the CLI is another process) — and a different
 * server B is added under the same prefix, pointing at a second fixture that records every Authorization
 * header. B must never receive A's token, and must show needs_auth. Likewise for a server whose URL is edited
 * to point elsewhere: the grant stays with the server id but no longer fits its resource.
 */

let idp: OidcHarness;
let serverA: ProtectedServer;
let serverB: ProtectedServer;
let running: TestHub;

beforeAll(async () => {
  idp = await startOidcHarness();
  serverA = await startProtectedServer({ issuer: idp.issuer });
  serverB = await startProtectedServer({ issuer: idp.issuer });
  idp.allowResource(serverA.resource);
  idp.allowResource(serverB.resource);
  running = await startTestHub({
    // The scripted browser: signs in on the provider's real pages, then loads the hub's callback URL.
    openBrowser: async (url) => {
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      void driveDevInteractions(url, { redirectUri })
        .then((callback) => fetch(callback))
        .then((page) => page.text())
        .catch(() => undefined);
    },
  });
}, 60_000);

afterAll(async () => {
  await running?.close();
  await serverA?.close();
  await serverB?.close();
  await idp?.close();
  removeTempDirs();
});

/** Adds A under `prefix`, signs in for real and proves A accepts the token; returns A's tokens so far. */
async function connectA(prefix: string): Promise<string[]> {
  const { hub, runtime } = running;
  hub.registry.servers.add({
    prefix,
    name: `A ${prefix}`,
    transport: 'http',
    url: serverA.url,
    auth: { kind: 'oauth', flow: 'authorization_code' },
  });
  await runtime.serversChanged(prefix);
  const status = await runtime.oauth.connect(prefix);
  expect(status).toMatchObject({ hasCredential: true, issuer: idp.issuer });
  // The hub restarts the upstream with its new credential and re-checks it: wait for that to settle.
  await waitFor(() => runtime.health.status(prefix)?.status === 'healthy', 20_000, `${prefix} healthy`);
  const result = await runtime.pool.request(prefix, {
    method: 'tools/call',
    params: { name: 'whoami', arguments: {} },
  });
  expect(JSON.parse(textOf(result))).toMatchObject({ sub: 'alice' });
  const tokens = serverA.bearerTokens();
  expect(tokens.length).toBeGreaterThan(0);
  return tokens;
}

/** Calls a tool of `prefix` through the pool and through the gateway; both must fail (no credential). */
async function callB(prefix: string): Promise<void> {
  const { runtime } = running;
  await expect(
    runtime.pool.request(prefix, { method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
  ).rejects.toMatchObject({ code: 'NEEDS_AUTH' });
  const client = await running.client();
  const viaGateway = await client
    .callTool({ name: `${prefix}__whoami`, arguments: {} })
    .catch((error: unknown) => ({ isError: true, error }));
  expect(viaGateway.isError).toBe(true);
}

/**
 * Nothing B received is one of A's tokens (nor any bearer at all: B has no credential of its own). Counted,
 * never compared as strings, so a failure cannot print a token into the test output.
 */
function expectNoTokenOfA(tokensOfA: string[]): void {
  const seen = serverB.seenAuthorization;
  expect(seen.length, 'requests B received').toBeGreaterThan(0); // B was really contacted
  const leaked = seen.filter((header) => tokensOfA.some((token) => header?.includes(token) === true));
  expect(leaked.length, "requests to B that carried one of A's tokens").toBe(0);
  expect(serverB.bearerTokens().length, 'bearer tokens B received').toBe(0);
}

describe('a credential never outlives its server', () => {
  it('a server added under a removed server’s prefix (no OAuth settings) never gets its token', async () => {
    const { hub, runtime } = running;
    const tokensOfA = await connectA('notes');
    const idA = hub.registry.servers.get('notes').id;

    // `switchboard server remove notes`: the row goes, and the registry's trigger takes the grant with it.
    hub.registry.servers.remove('notes');
    expect(hub.vault.listNames(oauthGrantOwner(idA))).toEqual([]);
    hub.registry.servers.add({ prefix: 'notes', name: 'B', transport: 'http', url: serverB.url });
    await runtime.serversChanged('notes');
    expect(hub.registry.servers.get('notes').id).not.toBe(idA);

    await callB('notes');
    expectNoTokenOfA(tokensOfA);
    // B answered 401 naming its authorization server: offered its own sign-in, never A's grant.
    expect(runtime.oauth.status('notes')).toMatchObject({ hasCredential: false, discovered: true });
    await runtime.health.checkNow('notes');
    await waitFor(() => runtime.health.status('notes')?.status === 'needs_auth', 20_000, 'notes needs_auth');
  });

  it('the same with the same OAuth settings: B starts signed out and shows needs_auth', async () => {
    const { hub, runtime } = running;
    serverB.seenAuthorization.length = 0;
    const tokensOfA = await connectA('docs');

    hub.registry.servers.remove('docs');
    hub.registry.servers.add({
      prefix: 'docs',
      name: 'B',
      transport: 'http',
      url: serverB.url,
      auth: { kind: 'oauth', flow: 'authorization_code' },
    });
    await runtime.serversChanged('docs');

    await callB('docs');
    expectNoTokenOfA(tokensOfA);
    expect(runtime.oauth.status('docs')).toMatchObject({ hasCredential: false, flow: 'authorization_code' });
    await runtime.health.checkNow('docs');
    await waitFor(() => runtime.health.status('docs')?.status === 'needs_auth', 20_000, 'docs needs_auth');
  });

  it('a server edited to point at another URL keeps its id but not the use of its grant', async () => {
    const { hub, runtime } = running;
    serverB.seenAuthorization.length = 0;
    const tokensOfA = await connectA('wiki');
    const stored = hub.registry.servers.get('wiki');

    hub.registry.servers.update('wiki', { ...toDefinition(stored), url: serverB.url });
    await runtime.serversChanged('wiki');
    expect(hub.registry.servers.get('wiki').id).toBe(stored.id);

    await callB('wiki');
    expectNoTokenOfA(tokensOfA);
    // The grant is still stored (pointing the URL back makes it usable again) but is not this URL's.
    expect(hub.vault.listNames(oauthGrantOwner(stored.id)).length).toBeGreaterThan(0);
    expect(runtime.oauth.status('wiki')).toMatchObject({ hasCredential: false });
    await runtime.health.checkNow('wiki');
    await waitFor(() => runtime.health.status('wiki')?.status === 'needs_auth', 20_000, 'wiki needs_auth');
  });
});
