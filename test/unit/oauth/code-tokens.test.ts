import { describe, expect, it } from 'vitest';
import { planToken, planUnauthorized } from '../../../main/oauth/code-tokens.ts';
import type { GrantRecord } from '../../../main/oauth/grant-record.ts';

const grant = (
  tokens: Partial<NonNullable<GrantRecord['tokens']>> | undefined,
  extra: Partial<GrantRecord> = {},
): GrantRecord => ({
  version: 1,
  issuer: 'https://idp.example',
  resource: 'https://api.example/mcp',
  client: { client_id: 'c', source: 'dynamic' },
  endpoints: { token: 'https://idp.example/token' },
  ...(tokens ? { tokens: { access_token: 'at', token_type: 'Bearer', ...tokens } } : {}),
  connectedAt: 0,
  ...extra,
});

describe('planToken', () => {
  it('sends nothing without a (fitting) grant or without tokens', () => {
    expect(planToken(undefined, 0, 60_000)).toEqual({ kind: 'none' });
    expect(planToken(grant(undefined), 0, 60_000)).toEqual({ kind: 'none' });
  });
  it('uses a token that is not near expiry, or has no stated expiry', () => {
    expect(planToken(grant({}), 0, 60_000)).toEqual({ kind: 'use', token: 'at' });
    expect(planToken(grant({}, { expiresAt: 100_000 }), 0, 60_000)).toEqual({ kind: 'use', token: 'at' });
  });
  it('refreshes inside the skew window when it can; otherwise uses it while it lasts, then needs auth', () => {
    expect(planToken(grant({ refresh_token: 'rt' }, { expiresAt: 50_000 }), 0, 60_000)).toEqual({
      kind: 'refresh',
      stale: 'at',
    });
    expect(planToken(grant({}, { expiresAt: 50_000 }), 0, 60_000)).toEqual({ kind: 'use', token: 'at' });
    expect(planToken(grant({}, { expiresAt: 50_000 }), 50_000, 60_000)).toEqual({ kind: 'expired' });
  });
});

describe('planUnauthorized', () => {
  it('no grant: needs auth; just refreshed: retry; nothing to refresh with: clear; else refresh', () => {
    expect(planUnauthorized(undefined, 0, 2_000)).toEqual({ kind: 'needs-auth' });
    expect(planUnauthorized(grant({ refresh_token: 'rt' }, { refreshedAt: 9_000 }), 10_000, 2_000)).toEqual({
      kind: 'retry',
    });
    expect(planUnauthorized(grant({}), 10_000, 2_000)).toEqual({ kind: 'clear' });
    expect(planUnauthorized(grant({ refresh_token: 'rt' }, { refreshedAt: 1_000 }), 10_000, 2_000)).toEqual({
      kind: 'refresh',
      stale: 'at',
    });
  });
});
