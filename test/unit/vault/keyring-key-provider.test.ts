import { describe, expect, it } from 'vitest';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { randomKey } from '../../../main/vault/aes-gcm.ts';
import {
  createKeyringKeyProvider,
  KEYRING_SERVICE,
  keyringAccount,
} from '../../../main/vault/keyring-key-provider.ts';
import { createFakeKeyring, KEYRING_ERRORS } from './fake-keyring-entry.ts';

const ctx = { vaultId: 'vault-1', keyId: 'key-1' };
const KEK_ID = `${KEYRING_SERVICE}/${keyringAccount('vault-1')}`;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('keyring key provider', () => {
  it('creates one random KEK per vault on first wrap, then reuses it', () => {
    const keyring = createFakeKeyring();
    const provider = createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory });
    const dek = randomKey();
    const blob = provider.wrap(dek, ctx);
    expect(keyring.items.get(KEK_ID)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    provider.wrap(randomKey(), { ...ctx, keyId: 'key-2' });
    expect(keyring.log.filter((l) => l.startsWith('set'))).toHaveLength(1);
    expect(provider.unwrap(blob, ctx).equals(dek)).toBe(true);
    expect(blob.includes(dek)).toBe(false);
  });

  it('opens a blob in a new process (fresh provider) from the stored KEK', () => {
    const keyring = createFakeKeyring();
    const dek = randomKey();
    const blob = createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory }).wrap(
      dek,
      ctx,
    );
    const later = createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory });
    expect(later.unwrap(blob, ctx).equals(dek)).toBe(true);
  });

  it('binds the blob to vault and key id', () => {
    const keyring = createFakeKeyring();
    const provider = createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory });
    const blob = provider.wrap(randomKey(), ctx);
    const error = thrown(() => provider.unwrap(blob, { ...ctx, keyId: 'key-2' }));
    expect(isSwitchboardError(error, 'VAULT_DECRYPT_FAILED')).toBe(true);
  });

  it('reports a deleted keyring entry as VAULT_UNAVAILABLE naming the entry', () => {
    const keyring = createFakeKeyring();
    const blob = createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory }).wrap(
      randomKey(),
      ctx,
    );
    keyring.items.clear();
    const error = thrown(() =>
      createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory }).unwrap(blob, ctx),
    );
    expect(isSwitchboardError(error, 'VAULT_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('vault-kek:vault-1');
    expect((error as Error).message).toMatch(/deleted|another user account or machine/);
  });

  it('maps a locked keyring to VAULT_UNAVAILABLE that says to unlock it', () => {
    const keyring = createFakeKeyring();
    keyring.failWith.get = KEYRING_ERRORS.locked;
    const provider = createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory });
    for (const action of [
      () => provider.check(),
      () => provider.wrap(randomKey(), ctx),
      () => provider.unwrap(Buffer.alloc(61), ctx),
    ]) {
      const error = thrown(action);
      expect(isSwitchboardError(error, 'VAULT_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toMatch(/keyring is locked.*unlock prompt was dismissed.*Unlock it/);
      expect((error as Error).message).toContain('SWITCHBOARD_VAULT_PASSPHRASE');
    }
  });

  it('maps "no session bus" (entry construction fails) and AccessDenied to actionable VAULT_UNAVAILABLE', () => {
    for (const message of [KEYRING_ERRORS.noBus, KEYRING_ERRORS.accessDenied]) {
      const keyring = createFakeKeyring();
      keyring.failWith.open = message;
      const error = thrown(() =>
        createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory }).check(),
      );
      expect(isSwitchboardError(error, 'VAULT_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toMatch(/^No OS keyring reachable \(Secret Service over D-Bus: /);
      expect((error as Error).message).toMatch(
        /gnome-keyring or KWallet.*SWITCHBOARD_VAULT_PASSPHRASE \/ --vault-passphrase-file/,
      );
    }
  });

  it('never replaces an existing KEK because a read failed', () => {
    const keyring = createFakeKeyring();
    keyring.items.set(KEK_ID, randomKey().toString('base64'));
    keyring.failWith.get = KEYRING_ERRORS.accessDenied;
    const provider = createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory });
    expect(() => provider.wrap(randomKey(), ctx)).toThrow(/No OS keyring reachable/);
    expect(keyring.log.some((l) => l.startsWith('set'))).toBe(false);
  });

  it('refuses (and keeps) an entry that does not hold a 256-bit key', () => {
    const keyring = createFakeKeyring();
    keyring.items.set(KEK_ID, 'hunter2');
    const provider = createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory });
    const error = thrown(() => provider.wrap(randomKey(), ctx));
    expect(isSwitchboardError(error, 'VAULT_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('does not hold a Switchboard key');
    expect(keyring.items.get(KEK_ID)).toBe('hunter2');
  });

  it('checks reachability by reading a probe entry, writing nothing', () => {
    const keyring = createFakeKeyring();
    createKeyringKeyProvider({ platform: 'linux', entryFactory: keyring.factory }).check();
    expect(keyring.log).toEqual([`get ${KEYRING_SERVICE}/vault-probe`]);
  });

  it('describes itself with the platform store', () => {
    const keyring = createFakeKeyring();
    expect(createKeyringKeyProvider({ platform: 'darwin', entryFactory: keyring.factory }).describe()).toBe(
      'OS keyring (macOS Keychain)',
    );
  });
});
