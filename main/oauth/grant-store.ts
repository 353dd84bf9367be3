import { createHash } from 'node:crypto';
import type { Logger } from '../lib/logger.ts';
import type { GrantRecord } from './grant-record.ts';
import { GrantRecordSchema } from './grant-record.ts';
import type { OAuthVault } from './oauth-vault.ts';

/**
 * The grants of ONE vault owner (a saved server's `oauth-grant:<id>`, or a draft's temporary owner), keyed by
 * issuer inside: name `grant:<issuer>`, plus a pointer `issuer` naming the authorization server the server
 * currently uses. A server re-pointed to another authorization server therefore never sends one issuer's
 * tokens to another. Dynamic registrations live beside them (`client:<issuer>`), so a reconnect reuses the
 * client id instead of registering again. The store is bound to its owner so no caller can hand it the
 * wrong key (the defect of keying by prefix was exactly that).
 */
export interface GrantStore {
  /** The current grant, or undefined (absent, unreadable or for another issuer). Not checked for fit. */
  read(): GrantRecord | undefined;
  /** Stores `record` as the current grant in one vault write per name; the grant goes first, then the pointer. */
  write(record: GrantRecord): void;
  /** Drops the tokens of the current grant (keeps the client registration). */
  clearTokens(): void;
  /** Forgets everything OAuth stored under this owner. */
  forget(): void;
  /** A dynamic/metadata-document client registration remembered for `issuer`. */
  readClient(issuer: string): GrantRecord['client'] | undefined;
  writeClient(issuer: string, client: GrantRecord['client']): void;
}

/** Vault name of the issuer pointer. */
export const ISSUER_POINTER = 'issuer';
// Vault names are at most 200 characters; an issuer that long is keyed by its hash instead.
const keyed = (kind: string, issuer: string) =>
  kind.length + 1 + issuer.length <= 200
    ? `${kind}:${issuer}`
    : `${kind}:sha256:${createHash('sha256').update(issuer).digest('hex')}`;
/** Vault name of the grant of `issuer`. */
export const grantName = (issuer: string): string => keyed('grant', issuer);
const clientName = (issuer: string) => keyed('client', issuer);

export interface GrantStoreOptions {
  /**
   * Runs before every write: throws when the owner no longer belongs to a live server (removed while a
   * sign-in or refresh was in flight), so nothing is written under an id that will never be read again.
   */
  beforeWrite?(): void;
}

/** A GrantStore over `owner` in `vault`; unreadable records are logged (without content) and read as absent. */
export function createGrantStore(
  vault: OAuthVault,
  owner: string,
  log: Logger,
  options: GrantStoreOptions = {},
): GrantStore {
  const guard = () => options.beforeWrite?.();
  const readJson = (name: string): unknown => {
    const raw = vault.get(owner, name);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      log.warn('ignoring an unreadable OAuth record', { owner, name });
      return undefined;
    }
  };

  const store: GrantStore = {
    read() {
      const issuer = vault.get(owner, ISSUER_POINTER);
      if (issuer === undefined) return undefined;
      const parsed = GrantRecordSchema.safeParse(readJson(grantName(issuer)));
      if (!parsed.success) return undefined;
      return parsed.data.issuer === issuer ? parsed.data : undefined;
    },
    write(record) {
      guard();
      // Grant first: a crash between the two writes leaves the old pointer on the old (still whole) grant.
      vault.set(owner, grantName(record.issuer), JSON.stringify(GrantRecordSchema.parse(record)));
      if (vault.get(owner, ISSUER_POINTER) !== record.issuer) vault.set(owner, ISSUER_POINTER, record.issuer);
    },
    clearTokens() {
      const current = store.read();
      if (!current) return;
      guard();
      const { tokens: _dropped, expiresAt: _e, ...rest } = current;
      vault.set(owner, grantName(current.issuer), JSON.stringify(rest));
    },
    forget() {
      const issuer = vault.get(owner, ISSUER_POINTER);
      if (issuer !== undefined) {
        vault.unset(owner, grantName(issuer));
        vault.unset(owner, clientName(issuer));
      }
      vault.unset(owner, ISSUER_POINTER);
      vault.clear?.(owner);
    },
    readClient(issuer) {
      const parsed = GrantRecordSchema.shape.client.safeParse(readJson(clientName(issuer)));
      return parsed.success ? parsed.data : undefined;
    },
    writeClient(issuer, client) {
      guard();
      vault.set(owner, clientName(issuer), JSON.stringify(client));
    },
  };
  return store;
}
