import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/lib/logger.ts';
import type { GrantRecord } from '../../../main/oauth/grant-record.ts';
import { grantStatus } from '../../../main/oauth/grant-record.ts';
import { createGrantStore } from '../../../main/oauth/grant-store.ts';
import { createMemoryVault, grantOwner } from '../../../main/oauth/oauth-vault.ts';

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
  it('keys grants by server and issuer: re-pointing to another issuer hides the old tokens', () => {
    const vault = createMemoryVault();
    const store = createGrantStore(vault, silentLogger);
    store.write('gh', record('https://a.example'));
    expect(store.read('gh')?.tokens?.access_token).toBe('at');
    store.write('gh', record('https://b.example', 'bt'));
    expect(store.read('gh')?.issuer).toBe('https://b.example');
    expect(vault.get(grantOwner('gh'), 'grant:https://a.example')).toBeDefined();
    expect(store.read('other')).toBeUndefined();
  });

  it('reads a damaged or foreign record as absent instead of crashing', () => {
    const vault = createMemoryVault();
    const store = createGrantStore(vault, silentLogger);
    vault.set(grantOwner('x'), 'issuer', 'https://a.example');
    vault.set(grantOwner('x'), 'grant:https://a.example', '{not json');
    expect(store.read('x')).toBeUndefined();
    vault.set(
      grantOwner('x'),
      'grant:https://a.example',
      JSON.stringify({ ...record('https://evil.example') }),
    );
    expect(store.read('x')).toBeUndefined();
  });

  it('clearTokens keeps the registration; forget removes everything', () => {
    const vault = createMemoryVault();
    const store = createGrantStore(vault, silentLogger);
    store.write('gh', record('https://a.example'));
    store.writeClient('gh', 'https://a.example', { client_id: 'c', source: 'dynamic' });
    store.clearTokens('gh');
    expect(store.read('gh')?.tokens).toBeUndefined();
    expect(store.readClient('gh', 'https://a.example')?.client_id).toBe('c');
    store.forget('gh');
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
    const store = createGrantStore(spy, silentLogger);
    const issuer = `https://idp.example/${'x'.repeat(300)}`;
    store.write('gh', record(issuer));
    expect(store.read('gh')?.issuer).toBe(issuer);
    expect(names.every((n) => n.length <= 200)).toBe(true);
  });
});
