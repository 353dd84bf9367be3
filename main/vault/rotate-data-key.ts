import crypto from 'node:crypto';
import { SwitchboardError } from '../lib/errors.ts';
import type { Redactor } from '../lib/redactor.ts';
import { openAesGcm, randomKey, sealAesGcm } from './aes-gcm.ts';
import { secretAssociatedData } from './associated-data.ts';
import type { DataKey, DataKeyDeps } from './data-key.ts';
import { iso, wrapForAll } from './data-key.ts';
import type { KeyProvider } from './key-provider.ts';
import { keyProviderLabel } from './key-store-names.ts';
import type { ProviderFailure } from './vault-errors.ts';
import { noKeyStoreError, secretDecryptError } from './vault-errors.ts';

export interface RotateOptions {
  /**
   * Rotate even though a key store that holds a copy of the current key is not reachable here (its copy is
   * dropped; it can re-add one later only if it can open the vault through another store). Default false:
   * refusing is the safe choice, since a dropped passphrase copy may be someone's only way in.
   */
  allowDroppingProviders?: boolean;
}

/**
 * Replaces `current` with a new data key: re-encrypts every secret and wraps the new key for every
 * `reachable` provider, then deletes the old key's copies. Must run inside ONE write transaction (the
 * caller's), so any failure — a secret that does not decrypt, a store that fails to wrap — changes nothing.
 */
export function rotateDataKey(
  deps: DataKeyDeps & { redactor: Redactor },
  current: DataKey,
  reachable: readonly KeyProvider[],
  options: RotateOptions,
): DataKey {
  const { store, clock, redactor } = deps;
  const keyId = crypto.randomUUID();
  const dek = randomKey();
  const context = { vaultId: current.vaultId, keyId };

  const failures: ProviderFailure[] = [];
  const wraps = wrapForAll(reachable, dek, context, failures);
  if (failures.length > 0 || wraps.length === 0) {
    throw noKeyStoreError(failures, { holders: [], configured: deps.providers.map((p) => p.kind) });
  }

  const dropped = store
    .keyRows(current.keyId)
    .map((row) => row.provider)
    .filter((kind) => !wraps.some((w) => w.provider.kind === kind));
  if (dropped.length > 0 && !options.allowDroppingProviders) {
    throw new SwitchboardError(
      'VAULT_UNAVAILABLE',
      `Rotating here would drop the copy of the vault key held by ${dropped.map(keyProviderLabel).join(' and ')}, ` +
        'which this process cannot reach. Rotate where every key store is reachable (e.g. the desktop app), or ' +
        'confirm that dropping it is intended',
      { details: { dropped } },
    );
  }

  for (const row of store.allSecrets()) {
    if (row.keyId !== current.keyId) {
      throw secretDecryptError(
        row.owner,
        row.name,
        'it was encrypted with a data key this vault no longer has',
      );
    }
    const plaintext = openAesGcm(
      current.dek,
      row.nonce,
      row.ciphertext,
      secretAssociatedData(row.owner, row.name, row.keyId),
    );
    if (!plaintext)
      throw secretDecryptError(
        row.owner,
        row.name,
        'the stored ciphertext was altered or belongs to another secret',
      );
    redactor.add(plaintext.toString('utf8'));
    const sealed = sealAesGcm(dek, plaintext, secretAssociatedData(row.owner, row.name, keyId));
    plaintext.fill(0);
    // updated_at stays: the value did not change, only its encryption.
    store.upsertSecret({ ...row, keyId, nonce: sealed.nonce, ciphertext: sealed.ciphertext });
  }

  const createdAt = iso(clock);
  for (const w of wraps)
    store.insertKeyRow({ keyId, provider: w.provider.kind, wrapped: w.wrapped, createdAt });
  store.deleteKeysExcept(keyId);
  const provider = wraps.find((w) => w.provider === current.provider)?.provider ?? wraps[0]!.provider;
  return { vaultId: current.vaultId, keyId, dek, provider };
}
