import { describe, expect, it } from 'vitest';
import type { ServerDefinitionInput } from '../../../preload/contract/server-definition.ts';
import { ServerDefinitionSchema } from '../../../preload/contract/server-definition.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { createDraftServers } from '../../../main/oauth/draft-servers.ts';
import type { GrantRecord } from '../../../main/oauth/grant-record.ts';
import { createGrantStore } from '../../../main/oauth/grant-store.ts';
import type { FetchLike } from '../../../main/oauth/oauth-http.ts';
import { createOAuthManager } from '../../../main/oauth/oauth-manager.ts';
import type { IdentifiedServer } from '../../../main/oauth/oauth-subjects.ts';
import { createOAuthSubjects } from '../../../main/oauth/oauth-subjects.ts';
import { createMemoryVault } from '../../../main/oauth/oauth-vault.ts';
import { oauthGrantOwner } from '../../../main/vault/server-owners.ts';

/**
 * Everything the OAuth manager keeps belongs to a server's id, not its prefix: a server added under a
 * removed server's prefix starts with nothing — no grant, no client secret, no cached machine token, no
 * recorded scope — and a credential source handed out for the old server gives nothing to the new one.
 * No network: the token endpoint is a counting fake; values are canaries.
 */

const NOW = Date.UTC(2026, 0, 2);
const URL_A = 'https://a.example/mcp';
const URL_B = 'https://b.example/mcp';

function setup() {
  const vault = createMemoryVault();
  const servers = new Map<string, IdentifiedServer>();
  let lastId = 0;
  const tokenRequests: string[] = [];
  const fetchFn: FetchLike = async (_url, init) => {
    tokenRequests.push(String(init?.body ?? ''));
    return new Response(
      JSON.stringify({ access_token: `CANARY-machine-token-${tokenRequests.length}`, expires_in: 3600 }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    );
  };
  const manager = createOAuthManager({
    vault,
    servers: { find: (prefix) => servers.get(prefix) },
    clock: { now: () => NOW },
    log: silentLogger,
    openBrowser: async () => {},
    redirectUri: 'http://127.0.0.1:47811/oauth/callback',
    fetch: fetchFn,
  });
  const add = (input: Partial<ServerDefinitionInput> & { prefix: string }): IdentifiedServer => {
    const definition = ServerDefinitionSchema.parse({
      name: input.prefix,
      transport: 'http',
      url: URL_A,
      ...input,
    });
    const server = { ...definition, id: servers.get(input.prefix)?.id ?? ++lastId };
    servers.set(server.prefix, server);
    return server;
  };
  const remove = (prefix: string) => servers.delete(prefix);
  return { vault, servers, manager, add, remove, tokenRequests };
}

const machine = {
  kind: 'oauth',
  flow: 'client_credentials',
  clientId: 'machine',
  tokenUrl: 'https://idp.example/token',
} as const;

function grantFor(url: string, access = 'CANARY-user-token'): GrantRecord {
  return {
    version: 1,
    issuer: 'https://idp.example',
    resource: url,
    client: { client_id: 'dyn', source: 'dynamic' },
    endpoints: { token: 'https://idp.example/token' },
    tokens: { access_token: access, token_type: 'Bearer', scope: 'mcp:read' },
    connectedAt: NOW,
  };
}

describe('OAuth state belongs to the server id', () => {
  it('a client-credentials server added under a removed one’s prefix has no secret and no cached token', async () => {
    const { manager, add, remove, tokenRequests } = setup();
    add({ prefix: 'm', auth: machine });
    manager.setClientSecret('m', 'CANARY-secret-of-A');
    await manager.connect('m');
    expect(manager.status('m')).toMatchObject({ flow: 'client_credentials', hasCredential: true });
    expect(tokenRequests).toHaveLength(1);

    remove('m');
    const b = add({ prefix: 'm', url: URL_B, auth: machine });
    expect(manager.hasClientSecret('m')).toBe(false);
    expect(manager.status('m')).toMatchObject({ hasCredential: false });
    expect(manager.status('m').expiresAt).toBeUndefined();
    await expect(manager.authProviderFor(b)!.token()).rejects.toMatchObject({ code: 'NEEDS_CONFIG' });
    expect(tokenRequests).toHaveLength(1);
  });

  it('a credential source made for the old server gives nothing once its prefix names another', async () => {
    const { manager, vault, add, remove } = setup();
    const a = add({ prefix: 'p', auth: { kind: 'oauth', flow: 'authorization_code' } });
    createGrantStore(vault, oauthGrantOwner(a.id), silentLogger).write(grantFor(URL_A, 'CANARY-token-of-A'));
    const held = manager.authProviderFor(a)!;
    expect(await held.token()).toBe('CANARY-token-of-A');

    remove('p');
    const b = add({ prefix: 'p', url: URL_B, auth: { kind: 'oauth', flow: 'authorization_code' } });
    createGrantStore(vault, oauthGrantOwner(b.id), silentLogger).write(grantFor(URL_B, 'CANARY-token-of-B'));
    // The source the pool may still hold for A: neither A's token (gone with A) nor B's.
    expect(await held.token()).toBeUndefined();
    await expect(held.onUnauthorized!({} as never)).rejects.toMatchObject({ code: 'NEEDS_AUTH' });
    // B's own source gives B's token.
    expect(await manager.authProviderFor(b)!.token()).toBe('CANARY-token-of-B');
  });

  it('without an id (a bare definition) the source resolves the prefix at every request', async () => {
    const { manager, vault, add, remove } = setup();
    const a = add({ prefix: 'p', auth: { kind: 'oauth', flow: 'authorization_code' } });
    createGrantStore(vault, oauthGrantOwner(a.id), silentLogger).write(grantFor(URL_A));
    const { id: _id, ...bare } = a;
    const source = manager.authProviderFor(bare)!;
    remove('p');
    add({ prefix: 'p', auth: { kind: 'oauth', flow: 'authorization_code' } }); // same URL, new server
    expect(await source.token()).toBeUndefined();
  });

  it('a required scope recorded for the old server is not shown for the new one', () => {
    const { manager, add, remove } = setup();
    add({ prefix: 'p', auth: { kind: 'oauth', flow: 'authorization_code' } });
    expect(manager.noteInsufficientScope('p', 'mcp:write').requiredScopes).toEqual(['mcp:write']);
    remove('p');
    add({ prefix: 'p', auth: { kind: 'oauth', flow: 'authorization_code' } });
    expect(manager.status('p').requiredScopes).toBeUndefined();
  });

  it('a grant is used only while the server’s URL still names its resource', async () => {
    const { manager, vault, add } = setup();
    const a = add({ prefix: 'p' });
    createGrantStore(vault, oauthGrantOwner(a.id), silentLogger).write(grantFor(URL_A));
    expect(manager.status('p')).toMatchObject({ hasCredential: true, flow: 'authorization_code' });
    expect(manager.authProviderFor(a)).toBeDefined();

    const edited = add({ prefix: 'p', url: URL_B }); // same id: an edit
    expect(edited.id).toBe(a.id);
    expect(manager.status('p')).toMatchObject({ hasCredential: false, flow: 'none' });
    // No OAuth settings and no fitting grant: no token at all, so only the definition's headers apply.
    expect(await manager.authProviderFor(edited)?.token()).toBeUndefined();
    // And a caller about to send to another URL than the stored one gets nothing either.
    if (a.transport === 'stdio') throw new Error('remote');
    expect(await manager.authProviderFor({ ...a, url: URL_A })?.token()).toBeUndefined();

    add({ prefix: 'p', url: URL_A }); // pointed back: the grant is usable again
    expect(manager.status('p')).toMatchObject({ hasCredential: true });
  });

  it('forget(serverId) drops only that server’s memory', async () => {
    const { manager, add } = setup();
    add({ prefix: 'x', auth: machine });
    add({ prefix: 'y', auth: machine });
    manager.setClientSecret('x', 'CANARY-x');
    manager.setClientSecret('y', 'CANARY-y');
    await manager.connect('x');
    await manager.connect('y');
    manager.forget(1);
    expect(manager.status('x').expiresAt).toBeUndefined();
    expect(manager.status('y').expiresAt).toBeDefined();
  });
});

describe('subjects', () => {
  it('a sign-in that finishes after its server was removed writes nothing', () => {
    const vault = createMemoryVault();
    const servers = new Map<string, IdentifiedServer>();
    const server = {
      ...ServerDefinitionSchema.parse({ prefix: 'p', name: 'p', transport: 'http', url: URL_A }),
      id: 4,
    };
    servers.set('p', server);
    const subjects = createOAuthSubjects({
      vault,
      servers: { find: (prefix) => servers.get(prefix) },
      drafts: createDraftServers(() => {}),
      log: silentLogger,
      remember: () => {},
    });
    const subject = subjects.resolve('p');
    expect(subject.key).toBe('server:4');
    servers.delete('p');
    expect(() => subject.store.write(grantFor(URL_A))).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => subject.writeSecret('CANARY-late')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    servers.set('p', { ...server, id: 5 }); // another server took the prefix meanwhile
    expect(() => subject.store.write(grantFor(URL_A))).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(vault.size()).toBe(0);
    expect(subjects.find('p', 4)).toBeUndefined();
    expect(subjects.find('p', 5)?.key).toBe('server:5');
  });
});
