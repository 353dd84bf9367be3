import { createHash } from 'node:crypto';
import type { Logger } from '../lib/logger.ts';
import type { GrantRecord } from './grant-record.ts';
import { GrantRecordSchema } from './grant-record.ts';
import type { OAuthVault } from './oauth-vault.ts';
import { grantOwner } from './oauth-vault.ts';

/**
 * Grants in the vault, keyed by server AND issuer: owner `oauth:<prefix>`, name `grant:<issuer>`, plus a
 * pointer `issuer` naming the authorization server the server currently uses. A server re-pointed to another
 * authorization server therefore never sends one issuer's tokens to another. Dynamic registrations live
 * beside them (`client:<issuer>`), so a reconnect reuses the client id instead of registering again.
 */
export interface GrantStore {
  /** The current grant of `prefix`, or undefined (absent, unreadable or for another issuer). */
  read(prefix: string): GrantRecord | undefined;
  /** Stores `record` as the current grant in one vault write per name; the grant goes first, then the pointer. */
  write(prefix: string, record: GrantRecord): void;
  /** Drops the tokens of the current grant (keeps the client registration). */
  clearTokens(prefix: string): void;
  /** Forgets everything OAuth stored for `prefix`. */
  forget(prefix: string): void;
  /** A dynamic/metadata-document client registration remembered for `issuer`. */
  readClient(prefix: string, issuer: string): GrantRecord['client'] | undefined;
  writeClient(prefix: string, issuer: string, client: GrantRecord['client']): void;
}

const ISSUER_POINTER = 'issuer';
// Vault names are at most 200 characters; an issuer that long is keyed by its hash instead.
const keyed = (kind: string, issuer: string) =>
  kind.length + 1 + issuer.length <= 200
    ? `${kind}:${issuer}`
    : `${kind}:sha256:${createHash('sha256').update(issuer).digest('hex')}`;
const grantName = (issuer: string) => keyed('grant', issuer);
const clientName = (issuer: string) => keyed('client', issuer);

/** A GrantStore over `vault`; unreadable records are logged (without content) and read as absent. */
export function createGrantStore(vault: OAuthVault, log: Logger): GrantStore {
  const readJson = (owner: string, name: string): unknown => {
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
    read(prefix) {
      const owner = grantOwner(prefix);
      const issuer = vault.get(owner, ISSUER_POINTER);
      if (issuer === undefined) return undefined;
      const parsed = GrantRecordSchema.safeParse(readJson(owner, grantName(issuer)));
      if (!parsed.success) return undefined;
      return parsed.data.issuer === issuer ? parsed.data : undefined;
    },
    write(prefix, record) {
      const owner = grantOwner(prefix);
      // Grant first: a crash between the two writes leaves the old pointer on the old (still whole) grant.
      vault.set(owner, grantName(record.issuer), JSON.stringify(GrantRecordSchema.parse(record)));
      if (vault.get(owner, ISSUER_POINTER) !== record.issuer) vault.set(owner, ISSUER_POINTER, record.issuer);
    },
    clearTokens(prefix) {
      const current = store.read(prefix);
      if (!current) return;
      const { tokens: _dropped, expiresAt: _e, ...rest } = current;
      vault.set(grantOwner(prefix), grantName(current.issuer), JSON.stringify(rest));
    },
    forget(prefix) {
      const owner = grantOwner(prefix);
      const issuer = vault.get(owner, ISSUER_POINTER);
      if (issuer !== undefined) {
        vault.unset(owner, grantName(issuer));
        vault.unset(owner, clientName(issuer));
      }
      vault.unset(owner, ISSUER_POINTER);
      vault.clear?.(owner);
    },
    readClient(prefix, issuer) {
      const parsed = GrantRecordSchema.shape.client.safeParse(
        readJson(grantOwner(prefix), clientName(issuer)),
      );
      return parsed.success ? parsed.data : undefined;
    },
    writeClient(prefix, issuer, client) {
      vault.set(grantOwner(prefix), clientName(issuer), JSON.stringify(client));
    },
  };
  return store;
}
