import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { toDbError } from '../registry/database.ts';
import { KEY_PROVIDER_KINDS } from './key-provider.ts';
import type { KeyProviderKind } from './key-provider.ts';

const BlobSchema = z.instanceof(Buffer);

const KeyRowSchema = z.object({
  key_id: z.string().min(1),
  provider: z.string(),
  wrapped: BlobSchema,
  created_at: z.string(),
});

const SecretRowSchema = z.object({
  owner: z.string(),
  name: z.string(),
  key_id: z.string(),
  nonce: BlobSchema,
  ciphertext: BlobSchema,
  updated_at: z.string(),
});

/** One wrapped copy of a data key, for one key store. */
export interface KeyRow {
  keyId: string;
  provider: KeyProviderKind;
  wrapped: Buffer;
  createdAt: string;
}

/** One encrypted secret as stored. */
export interface SecretRow {
  owner: string;
  name: string;
  keyId: string;
  nonce: Buffer;
  ciphertext: Buffer;
  updatedAt: string;
}

/** Every SQL statement of the vault, over the tables of migration 002; rows are parsed with zod. */
export interface VaultStore {
  /** The vault's id, undefined until the first key is created. */
  vaultId(): string | undefined;
  /** Records the vault id unless one exists; returns the one that is stored. */
  ensureVaultId(candidate: string, createdAt: string): string;
  /** Id of the current data key (the newest), undefined for an empty vault. */
  currentKeyId(): string | undefined;
  /** Wrapped copies of one key, for the key stores this app knows (rows of unknown kinds are skipped). */
  keyRows(keyId: string): KeyRow[];
  /** Adds a wrapped copy unless that key already has one for this store; true when inserted. */
  insertKeyRow(row: KeyRow): boolean;
  /** Removes every wrapped copy of every key except `keyId`. */
  deleteKeysExcept(keyId: string): void;
  getSecret(owner: string, name: string): SecretRow | undefined;
  hasSecret(owner: string, name: string): boolean;
  listSecrets(owner: string): Array<{ name: string; updatedAt: string }>;
  allSecrets(): SecretRow[];
  upsertSecret(row: SecretRow): void;
  deleteSecret(owner: string, name: string): boolean;
  deleteOwner(owner: string): number;
  countSecrets(): number;
  /** Runs `fn` in a write (IMMEDIATE) transaction, or a savepoint when one is already open. */
  write<T>(fn: () => T): T;
}

/** A VaultStore over a better-sqlite3 connection migrated to at least schema 2. */
export function createVaultStore(db: Database): VaultStore {
  let q: ReturnType<typeof prepare>;
  try {
    q = prepare(db);
  } catch (error) {
    // Typically "no such table": the database was not migrated to schema 2.
    throw asDbError(error, db);
  }

  const toSecret = (raw: unknown): SecretRow => {
    const r = SecretRowSchema.parse(raw);
    return {
      owner: r.owner,
      name: r.name,
      keyId: r.key_id,
      nonce: r.nonce,
      ciphertext: r.ciphertext,
      updatedAt: r.updated_at,
    };
  };

  return {
    vaultId: () =>
      z
        .object({ vault_id: z.string().min(1) })
        .optional()
        .parse(q.vaultId.get())?.vault_id,
    ensureVaultId(candidate, createdAt) {
      q.insertVaultId.run(candidate, createdAt);
      const stored = z.object({ vault_id: z.string().min(1) }).parse(q.vaultId.get());
      return stored.vault_id;
    },
    currentKeyId: () =>
      z
        .object({ key_id: z.string().min(1) })
        .optional()
        .parse(q.currentKeyId.get())?.key_id,
    keyRows(keyId) {
      const rows: KeyRow[] = [];
      for (const raw of q.keyRows.all(keyId)) {
        const r = KeyRowSchema.parse(raw);
        // A newer app may add key stores this one does not know; their copies are none of our business.
        if (!isKnownKind(r.provider)) continue;
        rows.push({ keyId: r.key_id, provider: r.provider, wrapped: r.wrapped, createdAt: r.created_at });
      }
      return rows;
    },
    insertKeyRow: (row) =>
      q.insertKeyRow.run(row.keyId, row.provider, row.wrapped, row.createdAt).changes > 0,
    deleteKeysExcept: (keyId) => void q.deleteKeysExcept.run(keyId),
    getSecret(owner, name) {
      const raw = q.getSecret.get(owner, name);
      return raw === undefined ? undefined : toSecret(raw);
    },
    hasSecret: (owner, name) => q.hasSecret.get(owner, name) !== undefined,
    listSecrets: (owner) =>
      z
        .array(z.object({ name: z.string(), updated_at: z.string() }))
        .parse(q.listSecrets.all(owner))
        .map((r) => ({ name: r.name, updatedAt: r.updated_at })),
    allSecrets: () => q.allSecrets.all().map(toSecret),
    upsertSecret: (row) =>
      void q.upsertSecret.run(row.owner, row.name, row.keyId, row.nonce, row.ciphertext, row.updatedAt),
    deleteSecret: (owner, name) => q.deleteSecret.run(owner, name).changes > 0,
    deleteOwner: (owner) => q.deleteOwner.run(owner).changes,
    countSecrets: () => z.object({ n: z.number().int() }).parse(q.countSecrets.get()).n,
    write<T>(fn: () => T): T {
      try {
        return db.transaction(fn).immediate();
      } catch (error) {
        throw asDbError(error, db);
      }
    },
  };
}

function prepare(db: Database) {
  return {
    vaultId: db.prepare('SELECT vault_id FROM vault_meta WHERE id = 1'),
    insertVaultId: db.prepare('INSERT OR IGNORE INTO vault_meta (id, vault_id, created_at) VALUES (1, ?, ?)'),
    currentKeyId: db.prepare('SELECT key_id FROM vault_keys ORDER BY created_at DESC, key_id DESC LIMIT 1'),
    keyRows: db.prepare('SELECT key_id, provider, wrapped, created_at FROM vault_keys WHERE key_id = ?'),
    insertKeyRow: db.prepare(
      'INSERT OR IGNORE INTO vault_keys (key_id, provider, wrapped, created_at) VALUES (?, ?, ?, ?)',
    ),
    deleteKeysExcept: db.prepare('DELETE FROM vault_keys WHERE key_id <> ?'),
    getSecret: db.prepare(
      'SELECT owner, name, key_id, nonce, ciphertext, updated_at FROM secrets WHERE owner = ? AND name = ?',
    ),
    hasSecret: db.prepare('SELECT 1 FROM secrets WHERE owner = ? AND name = ?'),
    listSecrets: db.prepare('SELECT name, updated_at FROM secrets WHERE owner = ? ORDER BY name'),
    allSecrets: db.prepare('SELECT owner, name, key_id, nonce, ciphertext, updated_at FROM secrets'),
    upsertSecret: db.prepare(
      `INSERT INTO secrets (owner, name, key_id, nonce, ciphertext, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (owner, name) DO UPDATE SET key_id = excluded.key_id, nonce = excluded.nonce,
         ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
    ),
    deleteSecret: db.prepare('DELETE FROM secrets WHERE owner = ? AND name = ?'),
    deleteOwner: db.prepare('DELETE FROM secrets WHERE owner = ?'),
    countSecrets: db.prepare('SELECT count(*) AS n FROM secrets'),
  };
}

// Only SQLite's own errors become DB_ERROR / DB_READ_ONLY; anything else (a SwitchboardError from a key
// store, a bug) passes through unchanged.
function asDbError(error: unknown, db: Database): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? toDbError(error, db.name) : error;
}

function isKnownKind(value: string): value is KeyProviderKind {
  return (KEY_PROVIDER_KINDS as readonly string[]).includes(value);
}
