import { describe, expect, it } from 'vitest';
import { canonicalResource, grantFits, grantMisfit } from '../../../main/oauth/grant-fit.ts';
import type { GrantRecord } from '../../../main/oauth/grant-record.ts';

const grant = (extra: Partial<GrantRecord> = {}): GrantRecord => ({
  version: 1,
  issuer: 'https://idp.example',
  resource: 'https://api.example/mcp',
  client: { client_id: 'dyn', source: 'dynamic' },
  endpoints: { token: 'https://idp.example/token' },
  tokens: { access_token: 'CANARY-at', token_type: 'Bearer' },
  connectedAt: 0,
  ...extra,
});
const code = (extra: Record<string, unknown> = {}) =>
  ({ kind: 'oauth', flow: 'authorization_code', ...extra }) as const;

describe('grant fit (is this grant for the server as it is defined now?)', () => {
  it('fits the URL it was obtained for, and URLs under a wider resource of the same origin', () => {
    expect(grantFits(grant(), { url: 'https://api.example/mcp', auth: code() })).toBe(true);
    expect(grantFits(grant(), { url: 'https://api.example/mcp#frag', auth: undefined })).toBe(true);
    expect(
      grantFits(grant({ resource: 'https://api.example/' }), {
        url: 'https://api.example/v2/mcp',
        auth: undefined,
      }),
    ).toBe(true);
  });

  it.each([
    ['another host', 'https://evil.example/mcp'],
    ['another port', 'https://api.example:8443/mcp'],
    ['another scheme', 'http://api.example/mcp'],
    ['a sibling path', 'https://api.example/other'],
    ['a prefix-lookalike path', 'https://api.example/mcp-admin'],
    ['no URL at all', 'https://${HOST}/mcp'],
  ])('does not fit %s', (_label, url) => {
    expect(grantMisfit(grant(), { url, auth: code() })).toMatch(/another resource/);
  });

  it('a configured resource must be the one the grant was obtained for', () => {
    const auth = code({ resource: 'https://audience.example/' });
    expect(
      grantFits(grant({ resource: 'https://audience.example/' }), { url: 'https://x.example/mcp', auth }),
    ).toBe(true);
    expect(grantMisfit(grant(), { url: 'https://api.example/mcp', auth })).toMatch(/configured resource/);
  });

  it('a grant of a pre-registered client fits only while that client id is configured', () => {
    const pre = grant({ client: { client_id: 'mine', source: 'pre-registered' } });
    expect(grantFits(pre, { url: 'https://api.example/mcp', auth: code({ clientId: 'mine' }) })).toBe(true);
    expect(grantMisfit(pre, { url: 'https://api.example/mcp', auth: code({ clientId: 'other' }) })).toMatch(
      /client id/,
    );
    expect(grantFits(pre, { url: 'https://api.example/mcp', auth: undefined })).toBe(false);
  });

  it('a grant without a recorded resource (never moved from before 008) fits nothing', () => {
    const { resource: _r, ...legacy } = grant();
    expect(grantMisfit(legacy, { url: 'https://api.example/mcp', auth: code() })).toMatch(/no resource/);
  });

  it('canonical resources drop the fragment only', () => {
    expect(canonicalResource('https://A.example/mcp?x=1#f')).toBe('https://a.example/mcp?x=1');
    expect(canonicalResource('not a url')).toBeUndefined();
  });
});
