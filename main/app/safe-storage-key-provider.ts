import type { SafeStorage } from 'electron';
import { z } from 'zod';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import type { KeyProvider, WrapContext } from '../vault/key-provider.ts';
import { PASSPHRASE_HINT } from '../vault/key-store-names.ts';

/** The part of Electron's `safeStorage` the provider uses; tests pass a fake with the same shape. */
export type SafeStorageApi = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

export interface SafeStorageKeyProviderOptions {
  safeStorage: SafeStorageApi;
  platform: NodeJS.Platform;
}

// Linux backends that are not an OS key store: Chromium's "basic_text" encrypts with a hard-coded key (in
// effect plaintext); "unknown" means the app is not ready yet, so nothing is known about the backend.
const REFUSED_LINUX_BACKENDS = new Set(['basic_text', 'unknown']);

// The wrapped blob is safeStorage's encryption of this JSON: safeStorage takes no associated data, so the
// binding to vault and key id travels inside the encrypted payload and is checked after decryption.
const PayloadSchema = z.object({ v: z.literal(1), vaultId: z.string(), keyId: z.string(), dek: z.string() });

/**
 * A KeyProvider over Electron's safeStorage (Keychain on macOS, DPAPI on Windows, libsecret/KWallet on
 * Linux). Refuses — VAULT_UNAVAILABLE — whenever safeStorage would not really use an OS key store.
 * Uses the synchronous API (deprecated in favour of the async one since Electron 45, still supported)
 * because KeyProvider is synchronous.
 */
export function createSafeStorageKeyProvider(options: SafeStorageKeyProviderOptions): KeyProvider {
  const { safeStorage, platform } = options;

  const check = (): void => {
    if (platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend();
      if (REFUSED_LINUX_BACKENDS.has(backend)) {
        throw new SwitchboardError(
          'VAULT_UNAVAILABLE',
          backend === 'unknown'
            ? 'The OS-protected storage is not ready (safeStorage backend "unknown": the app is not ready yet). Try again once the app has started'
            : 'No OS key store for the desktop app (safeStorage backend "basic_text" would store secrets with a fixed, ' +
                'public key). Run Switchboard in a desktop session with gnome-keyring or KWallet, or start it with ' +
                `--password-store=gnome-libsecret (or kwallet5/kwallet6), ${PASSPHRASE_HINT} in the CLI`,
          { details: { backend } },
        );
      }
    }
    if (!safeStorage.isEncryptionAvailable()) {
      throw new SwitchboardError(
        'VAULT_UNAVAILABLE',
        'The OS-protected storage is not available (safeStorage.isEncryptionAvailable() is false). ' +
          (platform === 'linux'
            ? 'Unlock your keyring (gnome-keyring or KWallet) and restart Switchboard'
            : platform === 'darwin'
              ? 'Unlock your login keychain and restart Switchboard'
              : 'Restart Switchboard once the desktop session is fully started'),
      );
    }
  };

  return {
    kind: 'safe-storage',
    describe: () =>
      platform === 'linux'
        ? `Electron safeStorage (${safeStorage.getSelectedStorageBackend()})`
        : 'Electron safeStorage',
    check,
    wrap(dek: Buffer, context: WrapContext): Buffer {
      check();
      const payload = JSON.stringify({
        v: 1,
        vaultId: context.vaultId,
        keyId: context.keyId,
        dek: dek.toString('base64'),
      });
      try {
        return safeStorage.encryptString(payload);
      } catch (error) {
        throw new SwitchboardError(
          'VAULT_UNAVAILABLE',
          `The OS-protected storage refused to encrypt the vault key: ${messageOf(error)}`,
          {
            cause: error,
          },
        );
      }
    },
    unwrap(blob: Buffer, context: WrapContext): Buffer {
      check();
      let text: string;
      try {
        text = safeStorage.decryptString(blob);
      } catch (error) {
        throw new SwitchboardError(
          'VAULT_DECRYPT_FAILED',
          "The OS-protected storage cannot decrypt this vault's key copy: its OS key changed (a reset keyring, " +
            `another user account or machine) or the copy was altered (${messageOf(error)})`,
          { cause: error },
        );
      }
      const parsed = parsePayload(text);
      if (!parsed || parsed.vaultId !== context.vaultId || parsed.keyId !== context.keyId) {
        throw new SwitchboardError(
          'VAULT_DECRYPT_FAILED',
          "The desktop app's key copy does not belong to this vault key (the vault_keys row was altered or copied)",
        );
      }
      return Buffer.from(parsed.dek, 'base64');
    },
  };
}

function parsePayload(text: string): z.infer<typeof PayloadSchema> | undefined {
  try {
    const result = PayloadSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return errorMessage(error);
}
