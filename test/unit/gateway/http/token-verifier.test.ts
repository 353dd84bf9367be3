import { describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../../../main/tokens/token-crypto.ts';
import { createTokenVerifier } from '../../../../main/gateway/http/token-verifier.ts';
import { BRIDGE_CLIENT_NAME, type ActiveToken } from '../../../../main/tokens/bearer.ts';

function setup() {
  const cursor = generateToken();
  const bridge = generateToken();
  let now = 0;
  const tokens: ActiveToken[] = [{ id: 7, name: 'cursor', hash: hashToken(cursor) }];
  const used: Array<[number, string]> = [];
  let failWrites = false;
  const verifier = createTokenVerifier({
    bridgeToken: bridge,
    clock: { now: () => now },
    source: {
      activeTokens: () => tokens,
      markUsed: (id, at) => {
        if (failWrites) throw new Error('read-only');
        used.push([id, at.toISOString()]);
      },
    },
  });
  return {
    verifier,
    cursor,
    bridge,
    tokens,
    used,
    advance: (ms: number) => (now += ms),
    failWrites: () => (failWrites = true),
  };
}

describe('token verifier', () => {
  it('maps a client token to its caller and the bridge token to the bridge', () => {
    const { verifier, cursor, bridge } = setup();
    expect(verifier.verify(cursor)).toEqual({ tokenId: '7', clientName: 'cursor' });
    expect(verifier.verify(bridge)).toEqual({ clientName: BRIDGE_CLIENT_NAME });
    expect(verifier.verify(generateToken())).toBeUndefined();
    expect(verifier.verify('garbage')).toBeUndefined();
  });
  it('sees revocations at once (reads the source every time)', () => {
    const { verifier, cursor, tokens } = setup();
    expect(verifier.verify(cursor)).toBeDefined();
    tokens.length = 0;
    expect(verifier.verify(cursor)).toBeUndefined();
  });
  it('records use at most once per minute per token', () => {
    const { verifier, cursor, used, advance } = setup();
    verifier.verify(cursor);
    verifier.verify(cursor);
    advance(59_000);
    verifier.verify(cursor);
    expect(used).toHaveLength(1);
    advance(2_000);
    verifier.verify(cursor);
    expect(used).toHaveLength(2);
  });
  it('still accepts a valid token when recording its use fails', () => {
    const { verifier, cursor, failWrites } = setup();
    failWrites();
    expect(verifier.verify(cursor)).toEqual({ tokenId: '7', clientName: 'cursor' });
  });
});
