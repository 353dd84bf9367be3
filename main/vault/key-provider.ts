/** Every kind of key store that can hold a copy of the vault's data key; also the `vault_keys.provider` values. */
export const KEY_PROVIDER_KINDS = ['keyring', 'safe-storage', 'passphrase', 'memory'] as const;

export type KeyProviderKind = (typeof KEY_PROVIDER_KINDS)[number];

/**
 * What a wrapped data key belongs to. Providers bind their blob to it (as AES-GCM associated data, or inside
 * the encrypted payload) so a wrapped key copied onto another key id or into another vault fails to unwrap,
 * and the keyring provider names its OS keyring entry after the vault.
 */
export interface WrapContext {
  /** Random id of this vault (one per database), stored in `vault_meta`. */
  readonly vaultId: string;
  /** Id of the data key being wrapped; changes at every rotation. */
  readonly keyId: string;
}

/**
 * A key store that protects (wraps) the vault's 256-bit data key. Synchronous because the OS keyring binding
 * and Electron's safeStorage are; the vault calls it only when it opens, creates or rotates its key.
 *
 * Every failure to reach the store throws SwitchboardError VAULT_UNAVAILABLE with a message that says how to
 * fix it; a blob this store cannot authenticate throws VAULT_DECRYPT_FAILED (or VAULT_UNAVAILABLE when the
 * key material itself is gone, e.g. a deleted keyring entry).
 */
export interface KeyProvider {
  readonly kind: KeyProviderKind;
  /** A short human description for status output, e.g. "OS keyring (Secret Service)". */
  describe(): string;
  /** Encrypts `dek` for this store; the result is stored as `vault_keys.wrapped`. */
  wrap(dek: Buffer, context: WrapContext): Buffer;
  /** Reverses `wrap`; throws when the blob was altered, belongs elsewhere, or the store is unreachable. */
  unwrap(blob: Buffer, context: WrapContext): Buffer;
  /** Throws VAULT_UNAVAILABLE (with the fix) unless the store is reachable and unlocked right now. */
  check(): void;
}
