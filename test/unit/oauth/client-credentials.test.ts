import { describe, expect, it } from 'vitest';
import { createClientCredentialsCache } from '../../../main/oauth/client-credentials.ts';
import type { FetchLike } from '../../../main/oauth/oauth-http.ts';

const CANARY = 'CANARY-secret-3f9a';
const config = {
  key: 'server:1',
  prefix: 'svc',
  serverUrl: 'https://api.example/mcp',
  readSecret: () => CANARY,
  clientId: 'cid',
  tokenUrl: 'https://auth.example/token',
  scopes: ['a', 'b'],
  resource: 'https://api.example/mcp',
  audience: 'api',
};

function setup(respond: (n: number) => Response | Promise<Response>) {
  let now = 1_000_000;
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchFn: FetchLike = async (url, init) => {
    calls.push({ url: String(url), init: init ?? {} });
    return respond(calls.length);
  };
  const cache = createClientCredentialsCache({
    fetch: fetchFn,
    clock: { now: () => now },
  });
  return { cache, calls, advance: (ms: number) => void (now += ms) };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('client-credentials cache', () => {
  it('sends grant, scope, resource, audience and basic auth; shares one request among 50 callers', async () => {
    const { cache, calls } = setup(() => json({ access_token: 'tok-1', expires_in: 3600 }));
    const tokens = await Promise.all(Array.from({ length: 50 }, () => cache.token(config)));
    expect(new Set(tokens)).toEqual(new Set(['tok-1']));
    expect(calls).toHaveLength(1);
    const form = new URLSearchParams(String(calls[0]!.init.body));
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      scope: 'a b',
      resource: config.resource,
      audience: 'api',
    });
    const auth = (calls[0]!.init.headers as Record<string, string>).authorization;
    expect(Buffer.from(auth!.replace('Basic ', ''), 'base64').toString()).toBe(`cid:${CANARY}`);
  });

  it.each([[0], [-1], [null], ['soon'], [undefined], [1e300]])(
    'expires_in=%s neither crashes nor storms',
    async (expiresIn) => {
      const { cache, calls, advance } = setup((n) =>
        json({ access_token: `tok-${n}`, expires_in: expiresIn }),
      );
      for (let i = 0; i < 20; i += 1) await cache.token(config);
      expect(calls).toHaveLength(1);
      advance(10_001);
      await cache.token(config);
      expect(calls.length).toBeLessThanOrEqual(2);
    },
  );

  it('refetches after the ttl and when the definition changed', async () => {
    const { cache, calls, advance } = setup((n) => json({ access_token: `tok-${n}`, expires_in: 60 }));
    expect(await cache.token(config)).toBe('tok-1');
    advance(29_000);
    expect(await cache.token(config)).toBe('tok-1');
    advance(2_000);
    expect(await cache.token(config)).toBe('tok-2');
    expect(await cache.token({ ...config, scopes: ['a'] })).toBe('tok-3');
    // The same settings for a server pointed at another URL: not the old token.
    expect(await cache.token({ ...config, scopes: ['a'], serverUrl: 'https://other.example/mcp' })).toBe(
      'tok-4',
    );
    expect(calls).toHaveLength(4);
  });

  it('keys tokens by server identity: another server with identical settings gets its own', async () => {
    const { cache, calls } = setup((n) => json({ access_token: `tok-${n}`, expires_in: 3600 }));
    expect(await cache.token(config)).toBe('tok-1');
    // Removed and added again under the same prefix and settings: a new id, so a new key.
    expect(await cache.token({ ...config, key: 'server:2' })).toBe('tok-2');
    cache.forget('server:1');
    expect(cache.peek('server:1')).toBeUndefined();
    expect(cache.peek('server:2')).toBeDefined();
    expect(calls).toHaveLength(2);
  });

  it('invalidate drops the token once; 401s from requests that still carried it do not refetch again', async () => {
    const { cache, calls, advance } = setup((n) => json({ access_token: `tok-${n}`, expires_in: 3600 }));
    await cache.token(config);
    advance(5_000);
    cache.invalidate(config.key);
    expect(await cache.token(config)).toBe('tok-2');
    cache.invalidate(config.key); // a late 401 for tok-1
    cache.invalidate(config.key);
    expect(await cache.token(config)).toBe('tok-2');
    expect(calls).toHaveLength(2);
    advance(5_000);
    cache.invalidate(config.key); // a real refusal of tok-2 later on
    expect(await cache.token(config)).toBe('tok-3');
  });

  it.each([
    ['a JSON array', () => json(['x']), /HTTP 200 without a JSON object/],
    ['a JSON string', () => json('x'), /HTTP 200 without a JSON object/],
    ['HTML', () => new Response(`<html>${CANARY}</html>`, { status: 200 }), /HTTP 200 without a JSON object/],
    ['no access_token', () => json({ token: CANARY }), /HTTP 200 without an access_token/],
    ['a non-string access_token', () => json({ access_token: 42 }), /without an access_token/],
    ['HTTP 500 echoing the secret', () => json({ error: CANARY, detail: CANARY }, 500), /HTTP 500\.$/],
    [
      'HTTP 401 invalid_client',
      () => json({ error: 'invalid_client', error_description: CANARY }, 401),
      /HTTP 401 \(invalid_client\)/,
    ],
  ])(
    '%s is a clear error naming the server and status, never the secret or body',
    async (_label, respond, message) => {
      const { cache } = setup(respond);
      const error = (await cache.token(config).catch((e: unknown) => e)) as Error & { code: string };
      expect(error.message).toMatch(/"svc"/);
      expect(error.message).toMatch(message);
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain(CANARY);
      expect(error.cause).toBeUndefined();
    },
  );

  it('an unreachable token endpoint names the server and the failure code only', async () => {
    const { cache } = setup(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    await expect(cache.token(config)).rejects.toMatchObject({
      code: 'OAUTH_ERROR',
      message: expect.stringMatching(/"svc".*ECONNREFUSED/),
    });
  });

  it('a missing secret is NEEDS_CONFIG with the command that fixes it', async () => {
    const cache = createClientCredentialsCache({
      fetch: async () => json({}),
      clock: { now: () => 0 },
    });
    await expect(cache.token({ ...config, readSecret: () => undefined })).rejects.toMatchObject({
      code: 'NEEDS_CONFIG',
      message: expect.stringContaining('auth set-secret svc'),
    });
  });
});
