import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../lib/clock.ts';
import { systemClock } from '../lib/clock.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import type { Redactor } from '../lib/redactor.ts';
import { openAesGcm, sealAesGcm } from './aes-gcm.ts';
import { secretAssociatedData } from './associated-data.ts';
import type { DataKey, DataKeyDeps } from './data-key.ts';
import {
  addMissingWraps,
  assertSomeProviderReachable,
  createFirstDataKey,
  iso,
  tryCheck,
  unlockDataKey,
} from './data-key.ts';
import type { KeyProvider, KeyProviderKind } from './key-provider.ts';
import type { RotateOptions } from './rotate-data-key.ts';
import { rotateDataKey } from './rotate-data-key.ts';
import type { ProviderFailure } from './vault-errors.ts';
import { secretDecryptError } from './vault-errors.ts';
import { createVaultStore } from './vault-store.ts';

/** A secret's name and when its value last changed; never its value. */
export interface SecretName {
  name: string;
  /** ISO-8601. */
  updatedAt: string;
}

/** What `switchboard vault status` and the doctor show. */
export interface VaultStatus {
  /** The key store that opened the data key in this process; null while no secret was needed yet. */
  provider: KeyProviderKind | null;
  /** Id of the current data key; null for a vault that never stored a secret. */
  keyId: string | null;
  secretCount: number;
  /** Key stores holding a copy of the current data key. */
  holders: KeyProviderKind[];
}

/**
 * Encrypted secrets, addressed by (owner, name), e.g. ("server:github", "GITHUB_TOKEN"). Synchronous: the data
 * key is held in memory once opened, and a write is durable when the call returns.
 */
export interface Vault {
  /** Encrypts and stores `value` (creating the vault's data key on the very first set). */
  set(owner: string, name: string, value: string): void;
  /** The decrypted value, or undefined when not set; VAULT_DECRYPT_FAILED when the row does not authenticate. */
  get(owner: string, name: string): string | undefined;
  /** Whether a value is stored; needs no key store. */
  has(owner: string, name: string): boolean;
  /** Names (sorted) and update times of `owner`'s secrets; needs no key store. */
  listNames(owner: string): SecretName[];
  /** Deletes one secret; true when it existed. Needs no key store. */
  unset(owner: string, name: string): boolean;
  /** Deletes every secret of `owner`; returns how many. Needs no key store. */
  clear(owner: string): number;
  /** New data key, every secret re-encrypted and the key re-wrapped, atomically; no-op for an empty vault. */
  rotate(options?: RotateOptions): VaultStatus;
  /** Key store in use, key id and counts, without touching any key store. */
  status(): VaultStatus;
  /** Opens the data key now (or, for an empty vault, checks a key store is reachable); throws VAULT_UNAVAILABLE. */
  unlock(): VaultStatus;
}

export interface VaultOptions {
  /** A better-sqlite3 connection migrated to schema 2 or later (RegistryDatabase.connection). */
  db: Database;
  /** Key stores in order of preference; the first that holds a working copy opens the key. */
  providers: readonly KeyProvider[];
  /** Receives every value the vault encrypts or decrypts, so logs can scrub it. */
  redactor: Redactor;
  clock?: Clock;
  log?: Logger;
}

// Generous bounds that still stop a runaway caller from filling the database: an OAuth grant with a JWT
// access token and a registration is a few KiB.
const OwnerSchema = z.string().min(1).max(200);
const NameSchema = z.string().min(1).max(200);
const ValueSchema = z.string().max(1024 * 1024);

/**
 * The vault, opened lazily: nothing reaches a key store until a value is read, written or rotated, so
 * listing, `has`, `unset` and the rest of the app work without an OS keyring. Writes nothing until the first
 * `set` (which creates the data key) — except copies of an opened key for reachable stores that lack one.
 */
export function createLazyVault(options: VaultOptions): Vault {
  const { providers, redactor } = options;
  const kindsSeen = new Set<KeyProviderKind>();
  for (const p of providers) {
    if (kindsSeen.has(p.kind))
      throw new SwitchboardError('INTERNAL', `key provider "${p.kind}" was configured twice`);
    kindsSeen.add(p.kind);
  }
  const store = createVaultStore(options.db);
  const clock = options.clock ?? systemClock;
  const deps: DataKeyDeps = {
    store,
    providers,
    clock,
    log: (options.log ?? silentLogger).child({ component: 'vault' }),
  };
  let key: DataKey | undefined;

  // The key is re-checked against the database at every use: another process (the CLI next to the desktop
  // app) may have rotated it, and encrypting under a stale key would write rows nobody can read.
  const keyFor = (keyId: string): DataKey => {
    if (key?.keyId === keyId) return key;
    const opened = unlockDataKey(deps, keyId);
    key = opened;
    addMissingWraps(deps, opened);
    return opened;
  };
  const currentKey = (): DataKey | undefined => {
    const keyId = store.currentKeyId();
    return keyId === undefined ? undefined : keyFor(keyId);
  };

  const status = (): VaultStatus => {
    const keyId = store.currentKeyId();
    return {
      provider: key !== undefined && key.keyId === keyId ? key.provider.kind : null,
      keyId: keyId ?? null,
      secretCount: store.countSecrets(),
      holders: keyId === undefined ? [] : store.keyRows(keyId).map((r) => r.provider),
    };
  };

  return {
    set(owner, name, value) {
      checkAddress(owner, name);
      if (!ValueSchema.safeParse(value).success)
        throw new SwitchboardError('VALIDATION', `The value of secret "${name}" is too large (max 1 MiB)`);
      redactor.add(value);
      store.write(() => {
        const k = currentKey() ?? createFirstDataKey(deps);
        if (!k) throw new SwitchboardError('INTERNAL', 'vault key vanished inside a write transaction');
        key = k;
        const plaintext = Buffer.from(value, 'utf8');
        const { nonce, ciphertext } = sealAesGcm(
          k.dek,
          plaintext,
          secretAssociatedData(owner, name, k.keyId),
        );
        plaintext.fill(0);
        store.upsertSecret({ owner, name, keyId: k.keyId, nonce, ciphertext, updatedAt: iso(clock) });
      });
    },

    get(owner, name) {
      checkAddress(owner, name);
      let row = store.getSecret(owner, name);
      if (!row) return undefined;
      let k = currentKey();
      if (k && row.keyId !== k.keyId) {
        // A rotation may have committed between the two reads: read the row again under the new key.
        row = store.getSecret(owner, name);
        if (!row) return undefined;
        k = currentKey();
      }
      if (!k || row.keyId !== k.keyId) {
        throw secretDecryptError(owner, name, 'it was encrypted with a data key this vault no longer has');
      }
      const plaintext = openAesGcm(
        k.dek,
        row.nonce,
        row.ciphertext,
        secretAssociatedData(owner, name, k.keyId),
      );
      if (!plaintext)
        throw secretDecryptError(
          owner,
          name,
          'the stored ciphertext was altered or belongs to another secret',
        );
      const value = plaintext.toString('utf8');
      plaintext.fill(0);
      redactor.add(value);
      return value;
    },

    has(owner, name) {
      checkAddress(owner, name);
      return store.hasSecret(owner, name);
    },

    listNames(owner) {
      checkOwner(owner);
      return store.listSecrets(owner);
    },

    unset(owner, name) {
      checkAddress(owner, name);
      // The value stays known to the redactor: copies of it may still sit in running servers' output.
      return store.write(() => store.deleteSecret(owner, name));
    },

    clear(owner) {
      checkOwner(owner);
      return store.write(() => store.deleteOwner(owner));
    },

    rotate(rotateOptions = {}) {
      // Reachability first, outside the write lock: check() may wait for an OS unlock prompt.
      const failures: ProviderFailure[] = [];
      const reachable = providers.filter((p) => tryCheck(p, failures));
      const previous = key;
      const rotated = store.write(() => {
        const current = currentKey();
        return current ? rotateDataKey({ ...deps, redactor }, current, reachable, rotateOptions) : undefined;
      });
      if (rotated) {
        key = rotated;
        if (previous && previous !== rotated) previous.dek.fill(0);
        deps.log.info('vault key rotated', { keyId: rotated.keyId, secrets: store.countSecrets() });
      }
      return status();
    },

    status,

    unlock() {
      const keyId = store.currentKeyId();
      if (keyId === undefined) assertSomeProviderReachable(providers);
      else keyFor(keyId);
      return status();
    },
  };
}

/**
 * Opens the vault now: unwraps its data key with the first configured provider that holds a working copy
 * (then adds copies for reachable providers lacking one), or — for an empty vault — checks that some provider
 * is reachable. Throws VAULT_UNAVAILABLE, having written nothing, when no provider works.
 */
export function openVault(options: VaultOptions): Vault {
  const vault = createLazyVault(options);
  vault.unlock();
  return vault;
}

function checkOwner(owner: string): void {
  if (!OwnerSchema.safeParse(owner).success)
    throw new SwitchboardError('VALIDATION', 'A vault owner must be 1 to 200 characters');
}

function checkAddress(owner: string, name: string): void {
  checkOwner(owner);
  if (!NameSchema.safeParse(name).success)
    throw new SwitchboardError('VALIDATION', 'A secret name must be 1 to 200 characters');
}
