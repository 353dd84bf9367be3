import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryVault } from '../../../main/oauth/oauth-vault.ts';
import { driveDevInteractions } from '../../fixtures/oauth/dev-interactions-driver.ts';
import { MACHINE_CLIENT_ID } from '../../fixtures/oauth/oidc-harness.ts';
import type { OAuthWorld } from '../../fixtures/oauth/oauth-world.ts';
import { createOAuthWorld, listToolsVia, REDIRECT_URI } from '../../fixtures/oauth/oauth-world.ts';

let world: OAuthWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('callback handling', () => {
  it('answers an unknown or replayed state with a clear page, and times out a browser that never comes back', async () => {
    let callback: URL | undefined;
    world = await createOAuthWorld({
      manager: {
        callbackTimeoutMs: 300,
        openBrowser: async (url) => {
          callback = await driveDevInteractions(url, { redirectUri: REDIRECT_URI });
        },
      },
    });
    world.addServer({ prefix: 'notes', auth: { kind: 'oauth', flow: 'authorization_code' } });
    const unknown = await world.manager.handleCallback(new URL(`${REDIRECT_URI}?state=nope&code=x`));
    expect(unknown.status).toBe(400);
    expect(unknown.html).toMatch(/unknown, was already used, or has expired/);

    await expect(world.manager.connect('notes')).rejects.toMatchObject({
      code: 'OAUTH_ERROR',
      message: expect.stringMatching(/timed out/),
    });
    const late = await world.manager.handleCallback(callback!);
    expect(late.status).toBe(400);
    expect(world.manager.status('notes').hasCredential).toBe(false);
  });

  it('refuses a callback whose iss is not the discovered issuer (mix-up), before redeeming the code', async () => {
    const pages: number[] = [];
    world = await createOAuthWorld({
      manager: {
        openBrowser: async (url) => {
          void driveDevInteractions(url, { redirectUri: REDIRECT_URI }).then(async (callback) => {
            callback.searchParams.set('iss', 'https://attacker.example');
            pages.push((await world!.manager.handleCallback(callback)).status);
          });
        },
      },
    });
    world.addServer({ prefix: 'notes', auth: { kind: 'oauth', flow: 'authorization_code' } });
    await expect(world.manager.connect('notes')).rejects.toMatchObject({
      code: 'OAUTH_ERROR',
      message: expect.stringMatching(/issuer/),
    });
    expect(pages).toEqual([400]);
    expect(world.idp.tokenRequests.authorization_code ?? 0).toBe(0);
  });
});

describe('credential resolution order', () => {
  it('pass-through > client credentials > authorization code > static header, each provably reaching the upstream', async () => {
    world = await createOAuthWorld({
      idp: { machineSecret: 'machine-secret' },
      upstream: { staticToken: 'static-token' },
    });
    const staticHeaders = { authorization: 'Bearer static-token' };
    const codeDef = world.addServer({ prefix: 'code', auth: { kind: 'oauth', flow: 'authorization_code' } });
    await world.manager.connect('code');
    const ccDef = world.addServer({
      prefix: 'code',
      auth: {
        kind: 'oauth',
        flow: 'client_credentials',
        clientId: MACHINE_CLIENT_ID,
        tokenUrl: `${world.idp.issuer}/token`,
        scopes: ['mcp:read'],
        resource: world.upstream.resource,
      },
    });
    world.manager.setClientSecret('code', 'machine-secret');

    // 1. an explicit pass-through token wins over everything
    const pt = world.manager.authProviderFor(ccDef, { passThroughToken: 'static-token' })!;
    expect(await pt.token()).toBe('static-token');
    // 2. client credentials over the user's grant
    await listToolsVia(world.manager, ccDef, staticHeaders);
    expect(world.upstream.lastClaims).toMatchObject({ client_id: MACHINE_CLIENT_ID });
    // 3. the user's authorization-code grant over the static header
    world.servers.set('code', codeDef);
    await listToolsVia(world.manager, codeDef, staticHeaders);
    expect(world.upstream.lastClaims?.sub).toBe('alice');
    // 4. nothing OAuth → the definition's static header reaches the upstream
    const plain = world.addServer({ prefix: 'plain' });
    expect(await world.manager.authProviderFor(plain)?.token()).toBeUndefined();
    await listToolsVia(world.manager, plain, staticHeaders);
    expect(world.upstream.seenAuthorization.at(-1)).toBe('Bearer static-token');
  });
});

describe('try before saving', () => {
  it('connects and lists tools of an unsaved server, then moves the credential to the saved one', async () => {
    const vault = createMemoryVault();
    world = await createOAuthWorld({ vault });
    const draftInput = world.addServer({
      prefix: 'notes',
      auth: { kind: 'oauth', flow: 'authorization_code' },
    });
    world.servers.delete('notes'); // not saved yet
    if (draftInput.transport === 'stdio') throw new Error('remote');
    const { prefix: draft } = world.manager.drafts.create(draftInput);
    await world.manager.connect(draft);
    expect(await listToolsVia(world.manager, world.manager.drafts.definition(draft)!)).toContain('whoami');
    expect(vault.size()).toBe(0); // nothing in the real vault yet

    world.servers.set('notes', draftInput); // saved by the registry
    world.manager.drafts.promote(draft, 'notes');
    expect(world.manager.status('notes')).toMatchObject({ hasCredential: true });
    expect(await listToolsVia(world.manager, draftInput)).toContain('whoami');
    expect(() => world!.manager.status(draft)).toThrow(/expired/);
  });

  it('an abandoned draft expires on its own and leaves nothing behind', async () => {
    const vault = createMemoryVault();
    world = await createOAuthWorld({ vault, manager: { draftTtlMs: 1_000 } });
    const def = world.addServer({
      prefix: 'm',
      auth: {
        kind: 'oauth',
        flow: 'client_credentials',
        clientId: MACHINE_CLIENT_ID,
        tokenUrl: `${world.idp.issuer}/token`,
      },
    });
    world.servers.delete('m');
    if (def.transport === 'stdio') throw new Error('remote');
    const { prefix: draft } = world.manager.drafts.create(def, { clientSecret: 'machine-secret-value' });
    expect(world.manager.status(draft)).toMatchObject({ hasCredential: true });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(() => world!.manager.status(draft)).toThrow(/expired/);
    expect(vault.size()).toBe(0);
  });
});
