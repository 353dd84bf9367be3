import type { Migration } from '../migration.ts';

/**
 * Everything a server owns belongs to its row id, and goes when the row goes.
 *
 * Before this step OAuth grants and client secrets lived in the vault under the server's PREFIX
 * (`oauth:<prefix>`, `oauth-client:<prefix>`), and only some ways of removing a server cleared them: a new
 * server under a reused prefix then inherited the old one's access token. Now:
 * - vault owners are `oauth-grant:<id>` and `oauth-client-secret:<id>` (beside the existing `server:<id>`);
 * - a trigger deletes every secret of a server in the same statement that deletes its row, whichever code
 *   path does it;
 * - secrets under a prefix that no server has any more are deleted now; the others are listed in
 *   `legacy_secret_owners` and re-encrypted under the id on first use (the vault binds each ciphertext to its
 *   owner, so a rename needs the data key, which a migration must not ask the OS key store for);
 * - call-log rows remember the server id, so a new server under an old prefix does not inherit its history.
 * Append-only: once released, never edit this file; add a newer migration instead.
 */
export const migration: Migration = {
  version: 8,
  name: 'server-identity',
  up(db) {
    db.exec(`
      CREATE TABLE legacy_secret_owners (
        owner      TEXT    NOT NULL PRIMARY KEY,
        server_id  INTEGER NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
        kind       TEXT    NOT NULL CHECK (kind IN ('oauth-grant', 'oauth-client-secret'))
      ) STRICT, WITHOUT ROWID;

      INSERT INTO legacy_secret_owners (owner, server_id, kind)
        SELECT DISTINCT sec.owner, s.id,
               CASE WHEN sec.owner LIKE 'oauth:%' THEN 'oauth-grant' ELSE 'oauth-client-secret' END
        FROM secrets sec JOIN servers s
          ON sec.owner = 'oauth:' || s.prefix OR sec.owner = 'oauth-client:' || s.prefix;

      DELETE FROM secrets
        WHERE (owner LIKE 'oauth:%' OR owner LIKE 'oauth-client:%')
          AND owner NOT IN (SELECT owner FROM legacy_secret_owners);

      -- Secret variables of a server that no longer exists (removed by a path that forgot them).
      DELETE FROM secrets
        WHERE owner LIKE 'server:%'
          AND CAST(substr(owner, 8) AS INTEGER) NOT IN (SELECT id FROM servers);

      -- BEFORE: the cascade that empties legacy_secret_owners runs with the row delete itself.
      CREATE TRIGGER servers_delete_secrets BEFORE DELETE ON servers
      BEGIN
        DELETE FROM secrets WHERE owner IN (
          'server:' || old.id, 'oauth-grant:' || old.id, 'oauth-client-secret:' || old.id
        ) OR owner IN (SELECT owner FROM legacy_secret_owners WHERE server_id = old.id);
      END;

      ALTER TABLE call_log ADD COLUMN server_id INTEGER;
      UPDATE call_log SET server_id = (SELECT id FROM servers s WHERE s.prefix = call_log.server);
      CREATE INDEX call_log_server_id_at ON call_log (server_id, at);
    `);
  },
};
