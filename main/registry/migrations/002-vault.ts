import type { Migration } from '../migration.ts';

/**
 * The vault: envelope-encrypted secrets. Append-only: once released, never edit this file.
 * No CHECK on `provider` or blob sizes: SQLite cannot relax a CHECK without rebuilding the table, and a newer
 * app may add key stores or formats; the vault validates rows when it reads them.
 */
export const migration: Migration = {
  version: 2,
  name: 'vault',
  up(db) {
    db.exec(`
      -- One row, written with the first data key: the vault's random id names its OS keyring entry
      -- ("vault-kek:<id>") and is bound into every wrapped key, so two data directories never share a key
      -- by accident and a key copy cannot be moved between vaults.
      CREATE TABLE vault_meta (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        vault_id   TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      -- The data key, wrapped once per key store (keyring, safe-storage, passphrase): the desktop app and
      -- the CLI open the same vault through whichever store they can reach. Only one key_id exists at a time
      -- (rotation swaps it in one transaction).
      CREATE TABLE vault_keys (
        key_id     TEXT NOT NULL,
        provider   TEXT NOT NULL,
        wrapped    BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (key_id, provider)
      ) STRICT, WITHOUT ROWID;

      -- AES-256-GCM ciphertext (tag appended) of each value; the associated data binds it to (owner, name,
      -- key_id), so a row copied onto another name fails to decrypt. Names are plaintext on purpose: listing
      -- and "is it set?" must work without any key store.
      CREATE TABLE secrets (
        owner      TEXT NOT NULL,
        name       TEXT NOT NULL,
        key_id     TEXT NOT NULL,
        nonce      BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (owner, name)
      ) STRICT;
    `);
  },
};
