import { afterEach, describe, expect, it } from 'vitest';
import { PRE_REGISTERED_CLIENT_ID } from '../../fixtures/oauth/oidc-harness.ts';
import type { OAuthWorld } from '../../fixtures/oauth/oauth-world.ts';
import { createOAuthWorld, listToolsVia } from '../../fixtures/oauth/oauth-world.ts';

let world: OAuthWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('Connect (authorization code + PKCE) against a real oidc-provider', () => {
  it('discovers, registers dynamically, signs in through the real login/consent pages and lists tools', async () => {
    world = await createOAuthWorld();
    const def = world.addServer({ prefix: 'notes', auth: { kind: 'oauth', flow: 'authorization_code' } });

    const status = await world.manager.connect('notes');

    expect(status).toMatchObject({
      prefix: 'notes',
      hasCredential: true,
      isExpired: false,
      flow: 'authorization_code',
      issuer: world.idp.issuer,
    });
    expect(status.scopes).toContain('mcp:read');
    expect(JSON.stringify(status)).not.toMatch(/eyJ/); // never a token
    expect(world.idp.registrations).toBe(1);
    expect(world.pages[0]).toMatchObject({ status: 200 });
    expect(world.pages[0]?.html).toContain('You can close this tab');

    const authorize = world.opened[0]!;
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')?.length).toBeGreaterThanOrEqual(43);
    expect(authorize.searchParams.get('resource')).toBe(world.upstream.resource);
    expect(authorize.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:47811/oauth/callback');

    expect(await listToolsVia(world.manager, def)).toEqual(['whoami', 'write_note']);
    const sent = world.upstream.seenAuthorization.at(-1);
    expect(sent).toMatch(/^Bearer eyJ/);
    expect(world.upstream.lastClaims).toMatchObject({ iss: world.idp.issuer, aud: world.upstream.resource });
  });

  it('uses a pre-registered client id without registering', async () => {
    world = await createOAuthWorld();
    world.addServer({
      prefix: 'pre',
      auth: { kind: 'oauth', flow: 'authorization_code', clientId: PRE_REGISTERED_CLIENT_ID },
    });
    const status = await world.manager.connect('pre');
    expect(status.hasCredential).toBe(true);
    expect(status.clientSource).toBe('pre-registered');
    expect(world.idp.registrations).toBe(0);
    expect(world.opened[0]?.searchParams.get('client_id')).toBe(PRE_REGISTERED_CLIENT_ID);
  });

  it('works with an issuer that has a path (/realms/test)', async () => {
    world = await createOAuthWorld({ idp: { issuerPath: '/realms/test' } });
    const def = world.addServer({ prefix: 'realm', auth: { kind: 'oauth', flow: 'authorization_code' } });
    const status = await world.manager.connect('realm');
    expect(status.issuer).toBe(`${world.idp.origin}/realms/test`);
    expect(await listToolsVia(world.manager, def)).toContain('whoami');
    expect(world.upstream.lastClaims?.iss).toBe(`${world.idp.origin}/realms/test`);
  });

  it('refuses an authorization server that does not advertise S256, before opening any browser', async () => {
    world = await createOAuthWorld({ idp: { advertisePkce: false } });
    world.addServer({ prefix: 'nopkce', auth: { kind: 'oauth', flow: 'authorization_code' } });
    await expect(world.manager.connect('nopkce')).rejects.toMatchObject({
      code: 'OAUTH_ERROR',
      message: expect.stringMatching(/S256/),
    });
    expect(world.opened).toHaveLength(0);
  });

  it('reports a denied consent as a clear page and NEEDS_AUTH', async () => {
    world = await createOAuthWorld({ deny: true });
    world.addServer({ prefix: 'denied', auth: { kind: 'oauth', flow: 'authorization_code' } });
    await expect(world.manager.connect('denied')).rejects.toMatchObject({ code: 'NEEDS_AUTH' });
    expect(world.pages[0]?.status).toBe(400);
    expect(world.pages[0]?.html).toContain('access_denied');
    expect(world.manager.status('denied').hasCredential).toBe(false);
  });
});
