/**
 * The slice of the vault OAuth needs. The real vault (main/vault) satisfies it structurally; tests and
 * unsaved "try before saving" drafts use an in-memory one. Every method is synchronous: the vault encrypts
 * with a key it already holds, so a write is finished (durable) when the call returns.
 */
export interface OAuthVault {
  get(owner: string, name: string): string | undefined;
  set(owner: string, name: string, value: string): void;
  unset(owner: string, name: string): unknown;
  /** Removes every value of `owner` (used when present, so grants of earlier issuers go too). */
  clear?(owner: string): unknown;
}

/**
 * Saved servers keep their OAuth state under owners of their id (main/vault/server-owners.ts:
 * `oauth-grant:<id>`, `oauth-client-secret:<id>`), which the registry deletes with the row.
 */

/** Vault name of the client secret under `oauthClientSecretOwner(id)` (and a draft's secret owner). */
export const CLIENT_SECRET_NAME = 'client_secret';

/**
 * The owner grants had before migration 008, keyed by PREFIX (which another server can reuse). Read only
 * by the upgrade (legacy-owners.ts, through the migration's `legacy_secret_owners` list) and by tests that
 * build such a vault.
 */
export function legacyGrantOwner(prefix: string): string {
  return `oauth:${prefix}`;
}

/** The client-secret owner before migration 008 (by prefix); see legacyGrantOwner. */
export function legacyClientSecretOwner(prefix: string): string {
  return `oauth-client:${prefix}`;
}

/** An in-memory OAuthVault (tests, and drafts that must leave nothing behind when abandoned). */
export function createMemoryVault(): OAuthVault & { clear(owner: string): void; size(): number } {
  const values = new Map<string, string>();
  const key = (owner: string, name: string) => `${owner}\u0000${name}`;
  return {
    get: (owner, name) => values.get(key(owner, name)),
    set: (owner, name, value) => void values.set(key(owner, name), value),
    unset: (owner, name) => values.delete(key(owner, name)),
    clear(owner) {
      for (const k of [...values.keys()]) if (k.startsWith(`${owner}\u0000`)) values.delete(k);
    },
    size: () => values.size,
  };
}
