import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/lib/logger.ts';
import type { GrantRecord } from '../../../main/oauth/grant-record.ts';
import { grantStatus } from '../../../main/oauth/grant-record.ts';
import { createGrantStore } from '../../../main/oauth/grant-store.ts';
import { createMemoryVault } from '../../../main/oauth/oauth-vault.ts';
import { oauthGrantOwner } from '../../../main/vault/server-owners.ts';

const record = (issuer: string, access = 'at'): GrantRecord => ({
  version: 1,
  issuer,
  resource: 'https://api.example/mcp',
  client: { client_id: 'c', source: 'dynamic' },
  endpoints: { token: `${issuer}/token` },
  tokens: { access_token: access, token_type: 'Bearer', refresh_token: 'rt', scope: 'a b' },
  expiresAt: 2_000,
  connectedAt: 1_000,
});

describe('grant store', () => {
  it('keys grants by server id and issuer: re-pointing to another issuer hides the old tokens', () => {
    const vault = createMemoryVault();
    const store = createGrantStore(vault, oauthGrantOwner(7), silentLogger);
    store.write(record('https://a.example'));
    expect(store.read()?.tokens?.access_token).toBe('at');
    store.write(record('https://b.example', 'bt'));
    expect(store.read()?.issuer).toBe('https://b.example');
    expect(vault.get(oauthGrantOwner(7), 'grant:https://a.example')).toBeDefined();
    // Another server — even one that later gets the same prefix — has another id, so another owner.
    expect(createGrantStore(vault, oauthGrantOwner(8), silentLogger).read()).toBeUndefined();
  });

  it('refuses to write once its server is gone (beforeWrite throws), leaving the vault untouched', () => {
    const vault = createMemoryVault();
    let gone = false;
    const store = createGrantStore(vault, oauthGrantOwner(3), silentLogger, {
      beforeWrite: () => {
        if (gone) throw new Error('removed');
      },
    });
    store.write(record('https://a.example'));
    const before = vault.size();
    gone = true;
    expect(() => store.write(record('https://a.example', 'late'))).toThrow('removed');
    expect(() => store.writeClient('https://a.example', { client_id: 'c', source: 'dynamic' })).toThrow();
    expect(vault.size()).toBe(before);
    expect(store.read()?.tokens?.access_token).toBe('at');
  });

  it('reads a damaged or foreign record as absent instead of crashing', () => {
    const vault = createMemoryVault();
    const store = createGrantStore(vault, oauthGrantOwner(1), silentLogger);
    vault.set(oauthGrantOwner(1), 'issuer', 'https://a.example');
    vault.set(oauthGrantOwner(1), 'grant:https://a.example', '{not json');
    expect(store.read()).toBeUndefined();
    vault.set(
      oauthGrantOwner(1),
      'grant:https://a.example',
      JSON.stringify({ ...record('https://evil.example') }),
    );
    expect(store.read()).toBeUndefined();
  });

  it('clearTokens keeps the registration; forget removes everything', () => {
    const vault = createMemoryVault();
    const store = createGrantStore(vault, oauthGrantOwner(2), silentLogger);
    store.write(record('https://a.example'));
    store.writeClient('https://a.example', { client_id: 'c', source: 'dynamic' });
    store.clearTokens();
    expect(store.read()?.tokens).toBeUndefined();
    expect(store.readClient('https://a.example')?.client_id).toBe('c');
    store.forget();
    expect(vault.size()).toBe(0);
  });

  it('status never includes a token and computes expiry from the clock', () => {
    const status = grantStatus('gh', record('https://a.example'), 2_500);
    expect(status).toEqual({
      prefix: 'gh',
      flow: 'authorization_code',
      hasCredential: true,
      issuer: 'https://a.example',
      expiresAt: 2_000,
      isExpired: true,
      connectedAt: 1_000,
      scopes: ['a', 'b'],
      canRefresh: true,
      clientSource: 'dynamic',
    });
    expect(grantStatus('gh', undefined, 0)).toMatchObject({
      hasCredential: false,
      isExpired: false,
      scopes: [],
    });
  });
});

describe('grant store names', () => {
  it('keys a very long issuer by its hash so vault names stay within 200 characters', () => {
    const vault = createMemoryVault();
    const names: string[] = [];
    const spy = { ...vault, set: (o: string, n: string, v: string) => (names.push(n), vault.set(o, n, v)) };
    const store = createGrantStore(spy, oauthGrantOwner(4), silentLogger);
    const issuer = `https://idp.example/${'x'.repeat(300)}`;
    store.write(record(issuer));
    expect(store.read()?.issuer).toBe(issuer);
    expect(names.every((n) => n.length <= 200)).toBe(true);
  });
});
