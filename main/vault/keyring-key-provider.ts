import { createRequire } from 'node:module';
import type { Entry, EntryOptions } from '@napi-rs/keyring';
import { SwitchboardError } from '../lib/errors.ts';
import { KEY_BYTES, randomKey, unwrapKeyBlob, wrapKeyBlob } from './aes-gcm.ts';
import { wrappedKeyAssociatedData } from './associated-data.ts';
import type { KeyProvider, WrapContext } from './key-provider.ts';
import { keyringUnavailableError } from './keyring-errors.ts';
import { osKeyStoreName, PASSPHRASE_HINT } from './key-store-names.ts';

/** The OS keyring "service" every Switchboard entry lives under. */
export const KEYRING_SERVICE = 'mcp-switchboard';

/** The keyring account holding the key-encryption key of one vault (one per database). */
export function keyringAccount(vaultId: string): string {
  return `vault-kek:${vaultId}`;
}

// Account read (never written) by check(): reading a missing entry proves the store is reachable and unlocked.
const PROBE_ACCOUNT = 'vault-probe';

/** The slice of @napi-rs/keyring's `Entry` the provider uses, so unit tests can pass a fake. */
export interface KeyringEntry {
  getPassword(): string | null;
  setPassword(password: string): void;
}

/** Opens one keyring entry; may throw like the binding does (e.g. no session bus). */
export type KeyringEntryFactory = (service: string, account: string) => KeyringEntry;

export interface KeyringKeyProviderOptions {
  platform: NodeJS.Platform;
  /** Defaults to the real OS keyring through @napi-rs/keyring. */
  entryFactory?: KeyringEntryFactory;
}

/** The real OS keyring through @napi-rs/keyring, pinned to the Secret Service on Linux. */
export function osKeyringEntryFactory(platform: NodeJS.Platform): KeyringEntryFactory {
  // Loaded on first use, not at import: a platform without a prebuilt binary must still start (and report
  // VAULT_UNAVAILABLE) so a passphrase or the desktop's safeStorage can take over.
  let EntryClass: typeof Entry | undefined;
  // keyring-rs on Linux falls back from the Secret Service to the kernel keyring (keyutils) when D-Bus fails.
  // Kernel keyring entries vanish at logout or reboot, and with them the key of every secret: pin the store
  // so that case is a clear "no keyring" error instead of silent data loss later.
  const options: EntryOptions | undefined =
    platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined;
  return (service, account) => {
    EntryClass ??= (createRequire(import.meta.url)('@napi-rs/keyring') as { Entry: typeof Entry }).Entry;
    return new EntryClass(service, account, options);
  };
}

/**
 * A KeyProvider keeping a random 256-bit key-encryption key (KEK) in the OS keyring (service
 * "mcp-switchboard", account "vault-kek:<vaultId>"); wrap = AES-256-GCM(KEK, data key). The KEK never
 * touches the database, so a copied database file alone opens nothing.
 */
export function createKeyringKeyProvider(options: KeyringKeyProviderOptions): KeyProvider {
  const { platform } = options;
  const openEntry = options.entryFactory ?? osKeyringEntryFactory(platform);
  // One D-Bus round trip per vault per process; the KEK is as long-lived as the vault.
  const keks = new Map<string, Buffer>();

  const call = <T>(account: string, action: (entry: KeyringEntry) => T): T => {
    try {
      return action(openEntry(KEYRING_SERVICE, account));
    } catch (error) {
      throw keyringUnavailableError(error, { platform, service: KEYRING_SERVICE, account });
    }
  };

  const readKek = (vaultId: string): Buffer | undefined => {
    const cached = keks.get(vaultId);
    if (cached) return cached;
    const account = keyringAccount(vaultId);
    const stored = call(account, (entry) => entry.getPassword());
    if (stored === null) return undefined;
    const kek = Buffer.from(stored, 'base64');
    if (kek.length !== KEY_BYTES || kek.toString('base64') !== stored) {
      // Never overwrite it: it may be a damaged copy a person can still restore from a keyring backup.
      throw new SwitchboardError(
        'VAULT_UNAVAILABLE',
        `The OS keyring entry for this vault (service "${KEYRING_SERVICE}", account "${account}") does not hold ` +
          'a Switchboard key; it was changed outside Switchboard. Restore it from a keyring backup, or open the ' +
          'vault through another key store that holds a copy of its key',
        { details: { service: KEYRING_SERVICE, account } },
      );
    }
    keks.set(vaultId, kek);
    return kek;
  };

  const readOrCreateKek = (vaultId: string): Buffer => {
    const existing = readKek(vaultId);
    if (existing) return existing;
    // Only reached after a successful read that found NO entry: an unreachable keyring throws above, so an
    // existing KEK is never replaced because of a transient error.
    const account = keyringAccount(vaultId);
    call(account, (entry) => entry.setPassword(randomKey().toString('base64')));
    // Read back what the store actually kept (another process sharing this database may have written first;
    // the vault holds the database write lock while wrapping, which makes that a copied-database corner case).
    const kek = readKek(vaultId);
    if (!kek) {
      throw new SwitchboardError(
        'VAULT_UNAVAILABLE',
        `The OS keyring accepted the vault key but returned nothing when read back (${osKeyStoreName(platform)}, ` +
          `account "${account}"). Check your keyring manager, ${PASSPHRASE_HINT}`,
      );
    }
    return kek;
  };

  return {
    kind: 'keyring',
    describe: () => `OS keyring (${osKeyStoreName(platform)})`,
    wrap(dek: Buffer, context: WrapContext): Buffer {
      return wrapKeyBlob(readOrCreateKek(context.vaultId), dek, wrappedKeyAssociatedData('keyring', context));
    },
    unwrap(blob: Buffer, context: WrapContext): Buffer {
      const account = keyringAccount(context.vaultId);
      const kek = readKek(context.vaultId);
      if (!kek) {
        throw new SwitchboardError(
          'VAULT_UNAVAILABLE',
          `The OS keyring has no key for this vault (service "${KEYRING_SERVICE}", account "${account}"): it was ` +
            'deleted, or this database comes from another user account or machine. The secrets can only be read ' +
            'through another key store that holds a copy of the vault key',
          { details: { service: KEYRING_SERVICE, account } },
        );
      }
      const dek = unwrapKeyBlob(kek, blob, wrappedKeyAssociatedData('keyring', context));
      if (!dek) {
        throw new SwitchboardError(
          'VAULT_DECRYPT_FAILED',
          `The key in the OS keyring (account "${account}") does not open this vault's data key: the keyring ` +
            'entry was replaced or the stored key copy was altered',
          { details: { service: KEYRING_SERVICE, account } },
        );
      }
      return dek;
    },
    check(): void {
      call(PROBE_ACCOUNT, (entry) => entry.getPassword());
    },
  };
}
