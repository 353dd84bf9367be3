import { describe, expect, it } from 'vitest';
import { authenticate } from '../../../../main/gateway/http/bearer-auth.ts';
import { parseBearerToken } from '../../../../main/tokens/bearer.ts';
import { silentLogger } from '../../../../main/lib/logger.ts';
import type { TokenVerifier } from '../../../../main/gateway/http/token-verifier.ts';

describe('parseBearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER  abc ', 'abc'],
    ['Bearer sbt_A-b_c', 'sbt_A-b_c'],
    ['Bearer abc==', 'abc=='],
  ])('%s → %s', (header, token) => {
    expect(parseBearerToken(header)).toBe(token);
  });
  it.each([
    null,
    undefined,
    '',
    'Bearer',
    'Bearer ',
    'Basic abc',
    'Bearer a b',
    'Bearerabc',
    'Bearer ab"c',
    'Bearer\tabc',
  ])('rejects %s', (header) => {
    expect(parseBearerToken(header)).toBeUndefined();
  });
});

const request = (authorization?: string) =>
  new Request('http://127.0.0.1:1/mcp', { method: 'POST', headers: authorization ? { authorization } : {} });
const verifier = (result: ReturnType<TokenVerifier['verify']> | Error): TokenVerifier => ({
  verify: () => {
    if (result instanceof Error) throw result;
    return result;
  },
});

describe('authenticate', () => {
  it('passes the caller through', () => {
    expect(
      authenticate(request('Bearer t'), verifier({ clientName: 'cursor', tokenId: '3' }), silentLogger),
    ).toEqual({
      ok: true,
      caller: { clientName: 'cursor', tokenId: '3' },
    });
  });
  it('answers a missing token with 401 and a bare Bearer challenge', async () => {
    const outcome = authenticate(request(), verifier(undefined), silentLogger);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.response.status).toBe(401);
    expect(outcome.response.headers.get('www-authenticate')).toBe('Bearer realm="switchboard"');
    expect(await outcome.response.json()).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000 },
    });
  });
  it('answers a wrong token with 401 invalid_token', () => {
    const outcome = authenticate(request('Bearer nope'), verifier(undefined), silentLogger);
    expect(!outcome.ok && outcome.response.headers.get('www-authenticate')).toBe(
      'Bearer realm="switchboard", error="invalid_token"',
    );
  });
  it('answers a malformed Authorization header with 401 invalid_request', () => {
    const outcome = authenticate(request('Basic abc'), verifier(undefined), silentLogger);
    expect(!outcome.ok && outcome.response.status).toBe(401);
    expect(!outcome.ok && outcome.response.headers.get('www-authenticate')).toContain('invalid_request');
  });
  it('answers 503, not 500, when the registry cannot be read', () => {
    const outcome = authenticate(request('Bearer t'), verifier(new Error('disk gone')), silentLogger);
    expect(!outcome.ok && outcome.response.status).toBe(503);
  });
});

describe('authenticate with the X-Switchboard-Token carrier', () => {
  const withHeader = (value?: string) =>
    new Request('http://127.0.0.1:1/mcp/x/mcp', {
      headers:
        value === undefined
          ? { authorization: 'Bearer upstream' }
          : { 'x-switchboard-token': value, authorization: 'Bearer upstream' },
    });
  it('reads the header, not Authorization', () => {
    const outcome = authenticate(
      withHeader('t'),
      verifier({ clientName: 'c', tokenId: '1' }),
      silentLogger,
      'gateway-token-header',
    );
    expect(outcome.ok).toBe(true);
  });
  it('answers its absence with a non-Bearer challenge (no OAuth against the gateway)', () => {
    const outcome = authenticate(
      withHeader(),
      verifier({ clientName: 'c' }),
      silentLogger,
      'gateway-token-header',
    );
    expect(!outcome.ok && outcome.response.headers.get('www-authenticate')).toBe(
      'Switchboard-Token realm="switchboard"',
    );
  });
});
