import type { Database } from 'better-sqlite3';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Vault } from '../vault/vault.ts';
import type { VaultSecret } from './secret-scanner.ts';

/**
 * Every secret the vault holds, decrypted, with the server id it belongs to — what the leak guard searches
 * tool traffic for. Read when the hub starts and again whenever the vault changed (migration 009's
 * `secrets` change counter moves (registry/change-counters.ts) on every write of the `secrets` table, by any process), never per call. The
 * values stay in this process's memory, in main only.
 *
 * Owners map to servers as main/vault/server-owners.ts names them (`server:<id>`, `oauth-grant:<id>`,
 * `oauth-client-secret:<id>`), plus grants stored under a prefix before migration 008 (`legacy_secret_owners`).
 * An OAuth grant is a JSON record: its tokens and client secret are the secrets, not the record (the issuer
 * pointer is a URL, not a secret).
 */

export interface VaultSecretsRead {
  secrets: VaultSecret[];
  /** Secrets that could not be decrypted (no key store reachable, a damaged row). */
  unreadable: number;
  /** Why, when some could not be read (never a value). */
  problem?: string;
}

const OWNER = /^(?:server|oauth-grant|oauth-client-secret):(\d+)$/;
const TOKEN_FIELDS = new Set(['access_token', 'refresh_token', 'id_token', 'client_secret']);
const NOT_SECRET_NAMES = new Set(['issuer']);

/** Decrypts every secret of the vault. */
export function readVaultSecrets(db: Database, vault: Pick<Vault, 'get'>, log: Logger): VaultSecretsRead {
  const rows = db.prepare('SELECT owner, name FROM secrets ORDER BY owner, name').all() as {
    owner: string;
    name: string;
  }[];
  const legacy = new Map(
    (
      db.prepare('SELECT owner, server_id FROM legacy_secret_owners').all() as {
        owner: string;
        server_id: number;
      }[]
    ).map((r) => [r.owner, r.server_id]),
  );
  const secrets: VaultSecret[] = [];
  let unreadable = 0;
  let problem: string | undefined;
  for (const { owner, name } of rows) {
    if (NOT_SECRET_NAMES.has(name) && !owner.startsWith('server:')) continue;
    const match = OWNER.exec(owner);
    const serverId = match ? Number(match[1]) : legacy.get(owner);
    let value: string | undefined;
    try {
      value = vault.get(owner, name);
    } catch (error) {
      unreadable += 1;
      problem ??= errorMessage(error);
      continue;
    }
    if (value === undefined) continue;
    for (const secret of secretValuesOf(owner, value)) secrets.push({ value: secret, serverId });
  }
  if (unreadable > 0) {
    log.warn('the leak guard could not read some vault secrets; it still checks credential formats', {
      unreadable,
      problem,
    });
  }
  return { secrets, unreadable, problem };
}

/** The secret values inside one vault entry: a variable's value, or the tokens of an OAuth record. */
export function secretValuesOf(owner: string, value: string): string[] {
  const oauth =
    owner.startsWith('oauth-grant:') || owner.startsWith('oauth:') || owner.startsWith('oauth-client:');
  if (!oauth || !value.startsWith('{')) return [value];
  let record: unknown;
  try {
    record = JSON.parse(value);
  } catch {
    return [value];
  }
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        if (TOKEN_FIELDS.has(key) && typeof item === 'string') found.push(item);
        else walk(item);
      }
    }
  };
  walk(record);
  return found;
}
