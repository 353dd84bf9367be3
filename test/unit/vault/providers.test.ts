import { describe, expect, it } from 'vitest';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import { selectKeyProviders } from '../../../main/vault/providers.ts';
import { createFakeKeyring } from './fake-keyring-entry.ts';
import { thrown } from '../../helpers/thrown.ts';
import { FAST_SCRYPT_COST } from './scrypt-cost.ts';

const base = {
  platform: 'linux' as const,
  keyringEntryFactory: createFakeKeyring().factory,
  scryptCost: FAST_SCRYPT_COST,
};

describe('selectKeyProviders', () => {
  it('uses the OS keyring by default, and nothing else', () => {
    expect(selectKeyProviders({ ...base, env: {} }).map((p) => p.kind)).toEqual(['keyring']);
  });

  it('uses ONLY a passphrase when SWITCHBOARD_VAULT_PASSPHRASE is set, and teaches it to the redactor', () => {
    const redactor = new Redactor();
    const providers = selectKeyProviders({
      ...base,
      env: { SWITCHBOARD_VAULT_PASSPHRASE: 'open sesame' },
      redactor,
    });
    expect(providers.map((p) => p.kind)).toEqual(['passphrase']);
    expect(redactor.redact('pw=open sesame')).toBe('pw=[REDACTED]');
  });

  it('reads a passphrase file, dropping one trailing newline only', () => {
    const files: Record<string, string> = { '/pw': 'secret phrase \r\n', '/pw2': 'two\n\n' };
    const redactor = new Redactor();
    const providers = selectKeyProviders({
      ...base,
      env: {},
      passphraseFile: '/pw',
      readFile: (f) => files[f]!,
      redactor,
    });
    expect(providers.map((p) => p.kind)).toEqual(['passphrase']);
    expect(redactor.redact('x secret phrase y')).toBe('x [REDACTED]y');
    // "two\n" stays the passphrase: the second newline is content the person wrote.
    const p1 = selectKeyProviders({
      ...base,
      env: {},
      passphraseFile: '/pw2',
      readFile: (f) => files[f]!,
    })[0]!;
    const p2 = selectKeyProviders({ ...base, env: { SWITCHBOARD_VAULT_PASSPHRASE: 'two\n' } })[0]!;
    const ctx = { vaultId: 'v', keyId: 'k' };
    const dek = Buffer.alloc(32, 7);
    expect(p2.unwrap(p1.wrap(dek, ctx), ctx).equals(dek)).toBe(true);
  });

  it('refuses ambiguous, empty or unreadable passphrase sources (USAGE), never falling back', () => {
    const cases: Array<() => unknown> = [
      () =>
        selectKeyProviders({
          ...base,
          env: { SWITCHBOARD_VAULT_PASSPHRASE: 'a' },
          passphraseFile: '/pw',
          readFile: () => 'b',
        }),
      () => selectKeyProviders({ ...base, env: { SWITCHBOARD_VAULT_PASSPHRASE: '' } }),
      () => selectKeyProviders({ ...base, env: {}, passphraseFile: '/pw', readFile: () => '\n' }),
      () =>
        selectKeyProviders({
          ...base,
          env: {},
          passphraseFile: '/missing',
          readFile: () => {
            throw Object.assign(new Error('nope'), { code: 'ENOENT' });
          },
        }),
    ];
    const messages = cases.map((fn) => {
      const error = thrown(fn);
      expect(isSwitchboardError(error, 'USAGE')).toBe(true);
      return error.message;
    });
    expect(messages[0]).toMatch(/either SWITCHBOARD_VAULT_PASSPHRASE or --vault-passphrase-file, not both/);
    expect(messages[1]).toMatch(/set but empty/);
    expect(messages[2]).toMatch(/is empty/);
    expect(messages[3]).toMatch(/Cannot read the vault passphrase file \/missing \(ENOENT\)/);
  });
});
