import { describe, expect, it } from 'vitest';
import { createSafeStorageKeyProvider } from '../../../main/app/safe-storage-key-provider.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { randomKey } from '../../../main/vault/aes-gcm.ts';
import { createFakeSafeStorage } from '../../integration/vault/fake-safe-storage.ts';
import { thrown } from '../../helpers/thrown.ts';

const ctx = { vaultId: 'vault-1', keyId: 'key-1' };

describe('safe-storage key provider', () => {
  for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const) {
    it(`works with the Linux backend ${backend}`, () => {
      const provider = createSafeStorageKeyProvider({
        safeStorage: createFakeSafeStorage({ backend }),
        platform: 'linux',
      });
      const dek = randomKey();
      expect(() => provider.check()).not.toThrow();
      const blob = provider.wrap(dek, ctx);
      expect(blob.includes(dek)).toBe(false);
      expect(blob.includes(Buffer.from(dek.toString('base64')))).toBe(false);
      expect(provider.unwrap(blob, ctx).equals(dek)).toBe(true);
      expect(provider.describe()).toBe(`Electron safeStorage (${backend})`);
    });
  }

  it('refuses basic_text (a fixed, public key) with an actionable VAULT_UNAVAILABLE, in check, wrap and unwrap', () => {
    const good = createSafeStorageKeyProvider({ safeStorage: createFakeSafeStorage(), platform: 'linux' });
    const blob = good.wrap(randomKey(), ctx);
    const safeStorage = createFakeSafeStorage({ backend: 'basic_text' });
    const provider = createSafeStorageKeyProvider({ safeStorage, platform: 'linux' });
    for (const fn of [
      () => provider.check(),
      () => provider.wrap(randomKey(), ctx),
      () => provider.unwrap(blob, ctx),
    ]) {
      const error = thrown(fn);
      expect(error.code).toBe('VAULT_UNAVAILABLE');
      expect(error.message).toMatch(/basic_text.*gnome-keyring or KWallet.*--password-store=gnome-libsecret/);
    }
    expect(safeStorage.calls).toEqual({ encrypt: 0, decrypt: 0 });
  });

  it('refuses the "unknown" backend (app not ready)', () => {
    const provider = createSafeStorageKeyProvider({
      safeStorage: createFakeSafeStorage({ backend: 'unknown' }),
      platform: 'linux',
    });
    expect(thrown(() => provider.check())).toMatchObject({
      code: 'VAULT_UNAVAILABLE',
      message: expect.stringMatching(/not ready/),
    });
  });

  it('refuses when encryption is unavailable, on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const safeStorage = createFakeSafeStorage({ available: false });
      const provider = createSafeStorageKeyProvider({ safeStorage, platform });
      const error = thrown(() => provider.wrap(randomKey(), ctx));
      expect(error.code).toBe('VAULT_UNAVAILABLE');
      expect(error.message).toMatch(/isEncryptionAvailable\(\) is false/);
      expect(safeStorage.calls.encrypt).toBe(0);
    }
  });

  it('does not ask for a storage backend outside Linux', () => {
    const safeStorage = createFakeSafeStorage({ backend: 'basic_text' }); // would be refused on Linux
    const provider = createSafeStorageKeyProvider({ safeStorage, platform: 'darwin' });
    const dek = randomKey();
    expect(provider.unwrap(provider.wrap(dek, ctx), ctx).equals(dek)).toBe(true);
    expect(provider.describe()).toBe('Electron safeStorage');
  });

  it('binds the copy to vault and key id', () => {
    const provider = createSafeStorageKeyProvider({
      safeStorage: createFakeSafeStorage(),
      platform: 'linux',
    });
    const blob = provider.wrap(randomKey(), ctx);
    expect(thrown(() => provider.unwrap(blob, { ...ctx, keyId: 'key-2' })).code).toBe('VAULT_DECRYPT_FAILED');
    expect(thrown(() => provider.unwrap(blob, { ...ctx, vaultId: 'vault-2' })).code).toBe(
      'VAULT_DECRYPT_FAILED',
    );
  });

  it('maps a copy made under another OS key (another user or machine) to VAULT_DECRYPT_FAILED', () => {
    const blob = createSafeStorageKeyProvider({
      safeStorage: createFakeSafeStorage({ seed: 'alice' }),
      platform: 'linux',
    }).wrap(randomKey(), ctx);
    const error = thrown(() =>
      createSafeStorageKeyProvider({
        safeStorage: createFakeSafeStorage({ seed: 'bob' }),
        platform: 'linux',
      }).unwrap(blob, ctx),
    );
    expect(isSwitchboardError(error, 'VAULT_DECRYPT_FAILED')).toBe(true);
    expect(error.message).toMatch(/OS key changed/);
  });

  it('maps an encryptString failure to VAULT_UNAVAILABLE', () => {
    const safeStorage = {
      ...createFakeSafeStorage(),
      encryptString: () => {
        throw new Error('keychain said no');
      },
    };
    const error = thrown(() =>
      createSafeStorageKeyProvider({ safeStorage, platform: 'darwin' }).wrap(randomKey(), ctx),
    );
    expect(error).toMatchObject({
      code: 'VAULT_UNAVAILABLE',
      message: expect.stringContaining('keychain said no'),
    });
  });
});
