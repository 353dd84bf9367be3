import { describe, expect, it } from 'vitest';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { randomKey } from '../../../main/vault/aes-gcm.ts';
import {
  createPassphraseKeyProvider,
  DEFAULT_SCRYPT_COST,
} from '../../../main/vault/passphrase-key-provider.ts';
import { thrown } from '../../helpers/thrown.ts';
import { FAST_SCRYPT_COST } from './scrypt-cost.ts';

const ctx = { vaultId: 'vault-1', keyId: 'key-1' };

describe('passphrase key provider', () => {
  it('round-trips with the default cost (scrypt N=2^17, r=8, p=1) stored in the blob', () => {
    expect(DEFAULT_SCRYPT_COST).toEqual({ logN: 17, r: 8, p: 1 });
    const dek = randomKey();
    const blob = createPassphraseKeyProvider({ passphrase: 'correct horse' }).wrap(dek, ctx);
    expect([...blob.subarray(0, 4)]).toEqual([1, 17, 8, 1]);
    // A new instance (a new process) derives the same key from the salt in the blob.
    expect(createPassphraseKeyProvider({ passphrase: 'correct horse' }).unwrap(blob, ctx).equals(dek)).toBe(
      true,
    );
  });

  it('uses a fresh salt for every wrap', () => {
    const provider = createPassphraseKeyProvider({ passphrase: 'pw', cost: FAST_SCRYPT_COST });
    const a = provider.wrap(randomKey(), ctx);
    const b = provider.wrap(randomKey(), ctx);
    expect(a.subarray(4, 20).equals(b.subarray(4, 20))).toBe(false);
  });

  it('rejects a wrong passphrase with a clear VAULT_DECRYPT_FAILED', () => {
    const blob = createPassphraseKeyProvider({ passphrase: 'right', cost: FAST_SCRYPT_COST }).wrap(
      randomKey(),
      ctx,
    );
    const error = thrown(() =>
      createPassphraseKeyProvider({ passphrase: 'wrong', cost: FAST_SCRYPT_COST }).unwrap(blob, ctx),
    );
    expect(isSwitchboardError(error, 'VAULT_DECRYPT_FAILED')).toBe(true);
    expect(error.message).toMatch(
      /^The vault passphrase is wrong.*SWITCHBOARD_VAULT_PASSPHRASE.*--vault-passphrase-file/,
    );
  });

  it('treats composed and decomposed Unicode as the same passphrase', () => {
    const dek = randomKey();
    const blob = createPassphraseKeyProvider({ passphrase: 'caf\u00e9', cost: FAST_SCRYPT_COST }).wrap(
      dek,
      ctx,
    );
    expect(
      createPassphraseKeyProvider({ passphrase: 'cafe\u0301', cost: FAST_SCRYPT_COST })
        .unwrap(blob, ctx)
        .equals(dek),
    ).toBe(true);
  });

  it('detects a lowered cost, another key id, and a malformed blob', () => {
    const provider = createPassphraseKeyProvider({ passphrase: 'pw', cost: FAST_SCRYPT_COST });
    const blob = provider.wrap(randomKey(), ctx);
    const cheaper = Buffer.from(blob);
    cheaper[1] = 9;
    expect(
      isSwitchboardError(
        thrown(() => provider.unwrap(cheaper, ctx)),
        'VAULT_DECRYPT_FAILED',
      ),
    ).toBe(true);
    expect(
      isSwitchboardError(
        thrown(() => provider.unwrap(blob, { ...ctx, keyId: 'key-2' })),
        'VAULT_DECRYPT_FAILED',
      ),
    ).toBe(true);
    expect(thrown(() => provider.unwrap(blob.subarray(0, 10), ctx)).message).toMatch(/malformed/);
  });

  it('refuses a blob whose cost would exhaust memory', () => {
    const provider = createPassphraseKeyProvider({ passphrase: 'pw', cost: FAST_SCRYPT_COST });
    const blob = provider.wrap(randomKey(), ctx);
    const huge = Buffer.from(blob);
    huge[1] = 24;
    huge[2] = 32;
    const started = Date.now();
    expect(thrown(() => provider.unwrap(huge, ctx)).message).toMatch(/malformed/);
    // Refused before any key derivation (that would take minutes). Generous bound (a loaded 2-core machine):
    // speed is measured in bench/, never asserted in tests.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses an empty passphrase', () => {
    expect(
      isSwitchboardError(
        thrown(() => createPassphraseKeyProvider({ passphrase: '' })),
        'USAGE',
      ),
    ).toBe(true);
  });

  it('is always reachable', () => {
    expect(() =>
      createPassphraseKeyProvider({ passphrase: 'pw', cost: FAST_SCRYPT_COST }).check(),
    ).not.toThrow();
  });
});
