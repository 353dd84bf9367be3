import { describe, expect, it } from 'vitest';
import { createCredentialRules } from '../../../main/guard/credential-rules.ts';
import { createSecretScanner, marker } from '../../../main/guard/secret-scanner.ts';
import { secretValuesOf } from '../../../main/guard/vault-secrets.ts';

const rules = createCredentialRules();
const A_SECRET = 'canary-A-7Hq2Lm9Xw4Rt';
const B_SECRET = 'canary-B-Zp8Vk3Ns6Jd1';
const FAKE_AWS = `AKIA${'QWERTYUPASDFGHJK'}`;
const scanner = createSecretScanner(
  [
    { value: A_SECRET, serverId: 1 },
    { value: B_SECRET, serverId: 2 },
    { value: 'short', serverId: 2 },
  ],
  rules,
);

describe('the secret scanner', () => {
  it('finds a vault secret, its base64 form and a fake cloud key in a result, and redacts each', () => {
    const b64 = Buffer.from(B_SECRET).toString('base64');
    const result = {
      content: [
        { type: 'text', text: `token ${B_SECRET} ok` },
        { type: 'text', text: `encoded: ${b64}` },
        { type: 'text', text: `aws ${FAKE_AWS}` },
      ],
    };
    const scan = scanner.scanResult(result);
    expect(scan.findings).toEqual([
      { kind: 'vault-secret', count: 2 },
      { kind: 'aws-access-key', count: 1 },
    ]);
    const clean = JSON.stringify(scan.redacted());
    expect(clean).not.toContain(B_SECRET);
    expect(clean).not.toContain(b64);
    expect(clean).not.toContain(FAKE_AWS);
    expect(scan.redacted()).toEqual({
      content: [
        { type: 'text', text: `token ${marker('vault-secret')} ok` },
        { type: 'text', text: `encoded: ${marker('vault-secret')}` },
        { type: 'text', text: `aws ${marker('aws-access-key')}` },
      ],
    });
  });

  it('finds secrets in every string of a result, keys and structured content included', () => {
    const value = { structuredContent: { [A_SECRET]: [1, { deep: `x${encodeURIComponent(A_SECRET)}y` }] } };
    const scan = scanner.scanResult(value);
    expect(scan.findings).toEqual([{ kind: 'vault-secret', count: 2 }]);
    expect(JSON.stringify(scan.redacted())).not.toContain('canary-A');
  });

  it('leaves a clean value alone (the same object) and ignores values too short to guard', () => {
    const value = { content: [{ type: 'text', text: 'short and sweet, nothing here' }] };
    const scan = scanner.scanResult(value);
    expect(scan.findings).toEqual([]);
    expect(scan.redacted()).toBe(value);
  });

  it('in arguments, flags only the secrets of servers other than the receiving one', () => {
    const args = { query: `send ${A_SECRET} and ${B_SECRET}` };
    expect(scanner.scanArguments(args, 1).findings).toEqual([{ kind: 'other-server-secret', count: 1 }]);
    expect(JSON.stringify(scanner.scanArguments(args, 1).redacted())).toContain(A_SECRET);
    expect(JSON.stringify(scanner.scanArguments(args, 1).redacted())).not.toContain(B_SECRET);
    expect(scanner.scanArguments(args, 3).findings).toEqual([{ kind: 'other-server-secret', count: 2 }]);
    // Credential formats are not guessed in arguments: a person may pass a token on purpose.
    expect(scanner.scanArguments({ key: FAKE_AWS }, 1).findings).toEqual([]);
  });

  it('takes the tokens out of an OAuth grant record, not the record or its issuer', () => {
    const grant = JSON.stringify({
      version: 1,
      issuer: 'https://issuer.example',
      client: { client_id: 'public-id', client_secret: 'dyn-client-secret-123' },
      tokens: { access_token: 'access-token-abcdef', refresh_token: 'refresh-token-ghijkl' },
    });
    expect(secretValuesOf('oauth-grant:4', grant).sort()).toEqual([
      'access-token-abcdef',
      'dyn-client-secret-123',
      'refresh-token-ghijkl',
    ]);
    expect(secretValuesOf('server:4', '{"looks":"like json"}')).toEqual(['{"looks":"like json"}']);
  });
});
