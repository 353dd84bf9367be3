import crypto from 'node:crypto';
import type { Clock } from '../lib/clock.ts';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { KEY_BYTES, randomKey } from './aes-gcm.ts';
import type { KeyProvider, KeyProviderKind, WrapContext } from './key-provider.ts';
import type { ProviderFailure } from './vault-errors.ts';
import { noKeyStoreError } from './vault-errors.ts';
import type { VaultStore } from './vault-store.ts';

/** The unwrapped data key the vault encrypts with, and the key store that opened it. */
export interface DataKey {
  readonly vaultId: string;
  readonly keyId: string;
  readonly dek: Buffer;
  readonly provider: KeyProvider;
}

/** What the key lifecycle functions need. */
export interface DataKeyDeps {
  store: VaultStore;
  providers: readonly KeyProvider[];
  clock: Clock;
  log: Logger;
}

/**
 * Opens data key `keyId` with the first configured provider (in order) that holds a copy and can unwrap it.
 * Reads only; throws VAULT_UNAVAILABLE / VAULT_DECRYPT_FAILED naming every store tried when none works.
 */
export function unlockDataKey(deps: DataKeyDeps, keyId: string): DataKey {
  const { store, providers } = deps;
  const vaultId = store.vaultId();
  if (vaultId === undefined) {
    throw new SwitchboardError(
      'DB_ERROR',
      'The vault has keys but no vault id (vault_meta row missing): the database was altered',
    );
  }
  const rows = store.keyRows(keyId);
  const context: WrapContext = { vaultId, keyId };
  const failures: ProviderFailure[] = [];
  for (const provider of providers) {
    const row = rows.find((r) => r.provider === provider.kind);
    if (!row) continue;
    try {
      const dek = provider.unwrap(row.wrapped, context);
      if (dek.length !== KEY_BYTES)
        throw new SwitchboardError('VAULT_DECRYPT_FAILED', 'The unwrapped vault key has the wrong length');
      return { vaultId, keyId, dek, provider };
    } catch (error) {
      failures.push({ kind: provider.kind, error });
    }
  }
  throw noKeyStoreError(failures, { holders: rows.map((r) => r.provider), configured: kinds(providers) });
}

/**
 * Adds a wrapped copy of `key` for every configured provider that is reachable and lacks one, so the desktop
 * app (safeStorage + keyring) and the CLI (keyring) keep opening the same vault. Best effort: a store that
 * fails is logged and skipped, because the key is already open and nothing is lost.
 */
export function addMissingWraps(deps: DataKeyDeps, key: DataKey): void {
  const { store, providers, clock, log } = deps;
  const have = new Set(store.keyRows(key.keyId).map((r) => r.provider));
  // check() may show an OS unlock prompt: do it before taking the database write lock.
  const missing = providers.filter((p) => !have.has(p.kind) && isReachable(p, log));
  if (missing.length === 0) return;
  try {
    store.write(() => {
      if (store.currentKeyId() !== key.keyId) return; // rotated meanwhile by another process: its key, its copies
      for (const provider of missing) {
        try {
          const wrapped = provider.wrap(key.dek, { vaultId: key.vaultId, keyId: key.keyId });
          if (
            store.insertKeyRow({ keyId: key.keyId, provider: provider.kind, wrapped, createdAt: iso(clock) })
          ) {
            log.info('vault key copy added', { provider: provider.kind, keyId: key.keyId });
          }
        } catch (error) {
          log.warn('could not add a vault key copy', {
            provider: provider.kind,
            error: describeError(error),
          });
        }
      }
    });
  } catch (error) {
    // E.g. a database opened read-only because a newer app wrote it: reading secrets must still work.
    log.warn('could not store vault key copies', { error: describeError(error) });
  }
}

/**
 * Creates the vault's first data key, wrapped for every reachable provider, inside the caller's write
 * transaction. Returns undefined when another process created one first (the caller then unlocks that one).
 * Throws VAULT_UNAVAILABLE, having written nothing, when no provider can wrap.
 */
export function createFirstDataKey(deps: DataKeyDeps): DataKey | undefined {
  const { store, providers, clock } = deps;
  if (store.currentKeyId() !== undefined) return undefined;
  const failures: ProviderFailure[] = [];
  const reachable = providers.filter((p) => tryCheck(p, failures));
  if (reachable.length === 0) throw noKeyStoreError(failures, { holders: [], configured: kinds(providers) });

  const vaultId = store.vaultId() ?? crypto.randomUUID();
  const keyId = crypto.randomUUID();
  const dek = randomKey();
  const wraps = wrapForAll(reachable, dek, { vaultId, keyId }, failures);
  if (wraps.length === 0) throw noKeyStoreError(failures, { holders: [], configured: kinds(providers) });

  const createdAt = iso(clock);
  store.ensureVaultId(vaultId, createdAt);
  for (const w of wraps)
    store.insertKeyRow({ keyId, provider: w.provider.kind, wrapped: w.wrapped, createdAt });
  return { vaultId, keyId, dek, provider: wraps[0]!.provider };
}

/** Throws VAULT_UNAVAILABLE unless at least one provider is reachable now (used to open an empty vault). */
export function assertSomeProviderReachable(providers: readonly KeyProvider[]): void {
  const failures: ProviderFailure[] = [];
  if (!providers.some((p) => tryCheck(p, failures))) {
    throw noKeyStoreError(failures, { holders: [], configured: kinds(providers) });
  }
}

/** Wraps `dek` for each provider; providers that fail are recorded in `failures` and left out. */
export function wrapForAll(
  providers: readonly KeyProvider[],
  dek: Buffer,
  context: WrapContext,
  failures: ProviderFailure[],
): Array<{ provider: KeyProvider; wrapped: Buffer }> {
  const wraps: Array<{ provider: KeyProvider; wrapped: Buffer }> = [];
  for (const provider of providers) {
    try {
      wraps.push({ provider, wrapped: provider.wrap(dek, context) });
    } catch (error) {
      failures.push({ kind: provider.kind, error });
    }
  }
  return wraps;
}

/** Calls check(); records the failure instead of throwing. */
export function tryCheck(provider: KeyProvider, failures: ProviderFailure[]): boolean {
  try {
    provider.check();
    return true;
  } catch (error) {
    failures.push({ kind: provider.kind, error });
    return false;
  }
}

/** ISO-8601 timestamp from the injected clock (the registry stores times as TEXT). */
export function iso(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

function isReachable(provider: KeyProvider, log: Logger): boolean {
  const failures: ProviderFailure[] = [];
  if (tryCheck(provider, failures)) return true;
  log.debug('key store not reachable; no key copy added for it', {
    provider: provider.kind,
    error: describeError(failures[0]?.error),
  });
  return false;
}

function kinds(providers: readonly KeyProvider[]): KeyProviderKind[] {
  return providers.map((p) => p.kind);
}

function describeError(error: unknown): string {
  return errorMessage(error);
}
