import { afterEach, describe, expect, it } from 'vitest';
import { driveDevInteractions } from '../../fixtures/oauth/dev-interactions-driver.ts';
import type { OAuthWorld } from '../../fixtures/oauth/oauth-world.ts';
import { createOAuthWorld, listToolsVia, REDIRECT_URI } from '../../fixtures/oauth/oauth-world.ts';

/**
 * Issue 11.4 against a real oidc-provider and a protected MCP server: a server added with NO authentication
 * that answers 401 naming its protected-resource metadata is recognised as needing a browser sign-in (status
 * offers Connect), and a Connect whose page the window SHOWS (not opened by the hub) completes through the
 * provider's real login and consent pages; it can be cancelled. Tokens are never printed.
 */

let world: OAuthWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );

describe('a server added without authentication that asks for a sign-in', () => {
  it('is offered Connect; the shown page is signed in like a person would; tools then work', async () => {
    world = await createOAuthWorld();
    const def = world.addServer({ prefix: 'notes' }); // auth: none
    expect(world.manager.status('notes')).toMatchObject({ flow: 'none', hasCredential: false });

    const refused = await failure(listToolsVia(world.manager, def));
    expect(refused).toMatchObject({ code: 'NEEDS_AUTH' });
    expect(refused?.message).toMatch(/asks you to sign in/);
    expect(world.manager.status('notes')).toMatchObject({
      flow: 'authorization_code',
      discovered: true,
      hasCredential: false,
    });

    const attempt = await world.manager.attempts.start('notes', { open: false });
    expect(attempt.state).toBe('waiting');
    expect(attempt.opened).toBe(false);
    expect(world.opened).toEqual([]); // the hub opened nothing: the page is the window's to show
    const page = new URL(attempt.authorizationUrl!);
    expect(page.origin).toBe(world.idp.origin);
    expect(page.searchParams.get('resource')).toBe(world.upstream.resource);

    const callback = await driveDevInteractions(page, { redirectUri: REDIRECT_URI });
    expect((await world.manager.handleCallback(callback)).status).toBe(200);
    await expect.poll(() => world!.manager.attempts.get(attempt.id)?.state).toBe('connected');
    expect(world.manager.status('notes')).toMatchObject({ hasCredential: true, flow: 'authorization_code' });
    expect(world.manager.status('notes').discovered).toBeUndefined();

    expect(await listToolsVia(world.manager, def)).toEqual(['whoami', 'write_note']);
    expect(world.upstream.lastClaims).toMatchObject({ iss: world.idp.issuer, aud: world.upstream.resource });
  });

  it('a waiting Connect can be cancelled; its page then leads nowhere', async () => {
    world = await createOAuthWorld();
    const def = world.addServer({ prefix: 'notes' });
    await failure(listToolsVia(world.manager, def));
    const attempt = await world.manager.attempts.start('notes', { open: false });
    expect(world.manager.attempts.cancel(attempt.id)).toBe(true);
    await expect.poll(() => world!.manager.attempts.get(attempt.id)?.state).toBe('cancelled');
    const callback = await driveDevInteractions(new URL(attempt.authorizationUrl!), {
      redirectUri: REDIRECT_URI,
    });
    const page = await world.manager.handleCallback(callback);
    expect(page.status).toBe(400);
    expect(page.html).toMatch(/unknown, was already used, or has expired/);
    expect(world.manager.status('notes').hasCredential).toBe(false);
  });

  it('a 401 that does not name an authorization server is not taken for one', async () => {
    world = await createOAuthWorld({ upstream: { advertiseMetadataInHeader: false } });
    const def = world.addServer({ prefix: 'keyed' });
    const refused = await failure(listToolsVia(world.manager, def));
    expect(refused).toMatchObject({ code: 'NEEDS_AUTH' });
    expect(refused?.message).toMatch(/needs credentials/);
    expect(world.manager.status('keyed')).toMatchObject({ flow: 'none' });
  });

  it('a server with a credential header is left to that header', async () => {
    world = await createOAuthWorld();
    const def = world.addServer({
      prefix: 'keyed',
      headers: { Authorization: 'Bearer ${API_TOKEN}' },
      envVars: [{ name: 'API_TOKEN', secret: true, required: true }],
    });
    expect(world.manager.authProviderFor(def)).toBeUndefined();
  });
});
