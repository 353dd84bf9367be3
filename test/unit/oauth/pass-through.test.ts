import { describe, expect, it } from 'vitest';
import {
  GATEWAY_TOKEN_HEADER,
  passThroughRoute,
  prefixFromMetadataPath,
  protectedResourceMetadataPath,
  relayRequestHeaders,
  relayResponseHeaders,
  rewriteResourceMetadata,
} from '../../../main/oauth/pass-through.ts';

const META = 'http://127.0.0.1:5/.well-known/oauth-protected-resource/mcp/gh/mcp';

describe('pass-through rules', () => {
  it('names routes and metadata paths', () => {
    expect(passThroughRoute('gh')).toBe('/mcp/gh/mcp');
    expect(protectedResourceMetadataPath(passThroughRoute('gh'))).toBe(
      '/.well-known/oauth-protected-resource/mcp/gh/mcp',
    );
    expect(prefixFromMetadataPath('/.well-known/oauth-protected-resource/mcp/gh/mcp')).toEqual({
      kind: 'resource',
      prefix: 'gh',
    });
    expect(prefixFromMetadataPath('/.well-known/oauth-authorization-server/mcp/gh/mcp')).toEqual({
      kind: 'authorization-server',
      prefix: 'gh',
    });
    expect(prefixFromMetadataPath('/.well-known/openid-configuration/mcp/gh/mcp')?.kind).toBe(
      'authorization-server',
    );
    expect(prefixFromMetadataPath('/.well-known/oauth-protected-resource')).toBeUndefined();
    expect(prefixFromMetadataPath('/.well-known/oauth-protected-resource/mcp/%E0%A4%A/mcp')).toBeUndefined();
  });

  it("relays the client's Authorization unchanged and drops the gateway token, cookies and hop-by-hop headers", () => {
    const out = relayRequestHeaders(
      new Headers({
        authorization: 'Bearer client-token',
        [GATEWAY_TOKEN_HEADER]: 'local',
        cookie: 'a=b',
        host: '127.0.0.1:5',
        origin: 'http://evil',
        connection: 'keep-alive, x-drop',
        'x-drop': '1',
        'mcp-session-id': 's',
        'content-type': 'application/json',
      }),
    );
    expect(Object.fromEntries(out)).toEqual({
      authorization: 'Bearer client-token',
      'mcp-session-id': 's',
      'content-type': 'application/json',
    });
    expect(
      Object.fromEntries(
        relayResponseHeaders(
          new Headers({ 'set-cookie': 'x=y', 'www-authenticate': 'Bearer', 'mcp-session-id': 's' }),
        ),
      ),
    ).toEqual({
      'www-authenticate': 'Bearer',
      'mcp-session-id': 's',
    });
  });

  it.each([
    [
      'Bearer resource_metadata="https://up/.well-known/x", scope="a"',
      `Bearer resource_metadata="${META}", scope="a"`,
    ],
    [
      'Bearer realm="r", resource_metadata=https://up/x, error="invalid_token"',
      `Bearer realm="r", resource_metadata="${META}", error="invalid_token"`,
    ],
    [
      'Bearer error="insufficient_scope", scope="a b"',
      `Bearer resource_metadata="${META}", error="insufficient_scope", scope="a b"`,
    ],
    ['Bearer', `Bearer resource_metadata="${META}"`],
    ['Basic realm="x"', 'Basic realm="x"'],
  ])('rewrites only resource_metadata in %s', (input, expected) => {
    expect(rewriteResourceMetadata(input, META)).toBe(expected);
  });
});
