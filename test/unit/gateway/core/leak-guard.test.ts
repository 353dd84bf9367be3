import { describe, expect, it } from 'vitest';
import {
  createLeakGuardHook,
  describe as describeFindings,
} from '../../../../main/gateway/core/leak-guard.ts';
import { afterCall, beforeCall } from '../../../../main/gateway/core/tool-call-hooks.ts';
import { createCredentialRules } from '../../../../main/guard/credential-rules.ts';
import { createSecretScanner } from '../../../../main/guard/secret-scanner.ts';
import type { LeakGuardPolicy } from '../../../../preload/contract/server-definition.ts';

const OTHER = 'other-server-canary-91Kq';
const OWN = 'own-server-canary-55Xz';
const scanner = createSecretScanner(
  [
    { value: OTHER, serverId: 2 },
    { value: OWN, serverId: 1 },
  ],
  createCredentialRules(),
);
const facts = { caller: { clientName: 'c' }, prefix: 'docs', serverId: 1, tool: 'fetch' };
const hookWith = (policy: LeakGuardPolicy) =>
  createLeakGuardHook({ scanner: () => scanner, policyOf: () => policy });
const result = (text: string) => ({ content: [{ type: 'text', text }] });

describe('the leak guard hook', () => {
  it('redact: replaces secrets in results with markers and reports kinds and counts', () => {
    const out = afterCall([hookWith('redact')], facts, result(`a ${OTHER} b ${OWN}`));
    expect(out.blocked).toBeUndefined();
    expect(out.value).toEqual(result('a [REDACTED:vault-secret] b [REDACTED:vault-secret]'));
    expect(out.findings).toEqual([{ kind: 'vault-secret', count: 2 }]);
  });

  it('block: an isError result says why, without the value', () => {
    const out = afterCall([hookWith('block')], facts, result(`a ${OTHER}`));
    expect(out.blocked?.errorCode).toBe('SECRET_IN_RESULT');
    expect(out.blocked?.message).toMatch(
      /withheld the result of fetch from docs: it held 1 secret from the vault/,
    );
    expect(out.blocked?.message).not.toContain(OTHER);
  });

  it('arguments: another server’s secret is redacted or blocked; the receiving server’s own passes', () => {
    const redacted = beforeCall([hookWith('redact')], facts, { q: `${OTHER} ${OWN}` });
    expect(redacted.value).toEqual({ q: `[REDACTED:other-server-secret] ${OWN}` });
    expect(redacted.findings).toEqual([{ kind: 'other-server-secret', count: 1 }]);
    const blocked = beforeCall([hookWith('block')], facts, { q: OTHER });
    expect(blocked.blocked?.errorCode).toBe('EXFILTRATION_BLOCKED');
    expect(blocked.blocked?.message).toContain('1 secret of another server');
    expect(blocked.blocked?.message).not.toContain(OTHER);
    expect(beforeCall([hookWith('redact')], facts, { q: OWN }).findings).toEqual([]);
  });

  it('off: everything passes', () => {
    expect(afterCall([hookWith('off')], facts, result(OTHER)).value).toEqual(result(OTHER));
    expect(beforeCall([hookWith('off')], facts, { q: OTHER }).value).toEqual({ q: OTHER });
  });

  it('describes findings for people', () => {
    expect(
      describeFindings([
        { kind: 'vault-secret', count: 2 },
        { kind: 'aws-access-key', count: 1 },
      ]),
    ).toBe('2 secrets from the vault and 1 aws-access-key credential');
  });
});
