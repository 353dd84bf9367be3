import crypto from 'node:crypto';
import type { SafeStorageApi } from '../../../main/app/safe-storage-key-provider.ts';

export type SafeStorageBackend = ReturnType<SafeStorageApi['getSelectedStorageBackend']>;

/** A fake Electron safeStorage plus switches to change what it reports. */
export interface FakeSafeStorage extends SafeStorageApi {
  setBackend(backend: SafeStorageBackend): void;
  setAvailable(available: boolean): void;
  readonly calls: { encrypt: number; decrypt: number };
}

/**
 * A FAKE safeStorage that really encrypts (AES-256-GCM under a key derived from `seed`): two fakes with the
 * same seed behave like one OS user's key store seen by two processes, different seeds like another machine.
 * Mimics Electron's errors: encryptString throws when encryption is unavailable, decryptString when the
 * ciphertext does not authenticate.
 */
export function createFakeSafeStorage(
  options: { seed?: string; backend?: SafeStorageBackend; available?: boolean } = {},
): FakeSafeStorage {
  const key = crypto
    .createHash('sha256')
    .update(`fake-safe-storage:${options.seed ?? 'default'}`)
    .digest();
  let backend: SafeStorageBackend = options.backend ?? 'gnome_libsecret';
  let available = options.available ?? true;
  const calls = { encrypt: 0, decrypt: 0 };
  const prefix = Buffer.from('v11'); // what Chromium's libsecret backend writes
  return {
    calls,
    setBackend: (b) => void (backend = b),
    setAvailable: (a) => void (available = a),
    getSelectedStorageBackend: () => backend,
    isEncryptionAvailable: () => available,
    encryptString(plainText: string): Buffer {
      calls.encrypt += 1;
      if (!available)
        throw new Error(
          'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
        );
      const nonce = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
      return Buffer.concat([
        prefix,
        nonce,
        cipher.update(plainText, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
    },
    decryptString(encrypted: Buffer): string {
      calls.decrypt += 1;
      const fail = () =>
        new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      if (!available)
        throw new Error(
          'Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.',
        );
      if (encrypted.length < 3 + 12 + 16 || !encrypted.subarray(0, 3).equals(prefix)) throw fail();
      const nonce = encrypted.subarray(3, 15);
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAuthTag(encrypted.subarray(encrypted.length - 16));
      try {
        return Buffer.concat([
          decipher.update(encrypted.subarray(15, encrypted.length - 16)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw fail();
      }
    },
  };
}
