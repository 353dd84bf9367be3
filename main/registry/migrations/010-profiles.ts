import type { Migration } from '../migration.ts';

/**
 * Issue 13: profiles and tool search mode (docs/decisions/profiles-and-tool-search.md).
 *
 * - `profiles`: named selections; exactly one is the default (partial unique index), created here holding
 *   everything (`others = 'in'`, full listing) so nothing changes for existing clients. `others` decides servers
 *   without a rule of their own, servers added later included. `tool_mode` and the two budgets decide whether the
 *   profile's tools are listed or found through the search meta-tools.
 * - `profile_servers` / `profile_tools`: whole servers in or out, and single tools in, out or in-and-always-listed.
 *   Keyed by server id and cascading with the server row: a new server under a reused prefix starts with no rule.
 * - `client_profiles`: which client uses which profile, by client name (a client token's name, or "bridge" for
 *   the stdio bridge), NOT by token id: reconnecting a client makes a new token but keeps its profile. A client
 *   without a row uses the default; removing a profile moves its clients back to the default (cascade).
 * - change counter `profiles` (table from migration 009): moved by every write to these tables, whichever process
 *   made it, so a running hub notices a `switchboard profile …` from the CLI with one cheap read.
 * Append-only: once released, never edit this file; add a newer migration instead.
 */
export const migration: Migration = {
  version: 10,
  name: 'profiles',
  up(db) {
    db.exec(`
      CREATE TABLE profiles (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
        description   TEXT    NOT NULL DEFAULT '',
        is_default    INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
        others        TEXT    NOT NULL DEFAULT 'out' CHECK (others IN ('in', 'out')),
        tool_mode     TEXT    NOT NULL DEFAULT 'full' CHECK (tool_mode IN ('full', 'search', 'auto')),
        budget_tools  INTEGER NOT NULL DEFAULT 40 CHECK (budget_tools > 0),
        budget_tokens INTEGER NOT NULL DEFAULT 15000 CHECK (budget_tokens > 0),
        created_at    TEXT    NOT NULL,
        updated_at    TEXT    NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX profiles_one_default ON profiles (is_default) WHERE is_default = 1;

      CREATE TABLE profile_servers (
        profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        server_id  INTEGER NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
        included   INTEGER NOT NULL CHECK (included IN (0, 1)),
        PRIMARY KEY (profile_id, server_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE profile_tools (
        profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        server_id  INTEGER NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
        tool       TEXT    NOT NULL,                -- the upstream's own tool name
        rule       TEXT    NOT NULL CHECK (rule IN ('in', 'out', 'listed')),
        PRIMARY KEY (profile_id, server_id, tool)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX profile_tools_server ON profile_tools (server_id);
      CREATE INDEX profile_servers_server ON profile_servers (server_id);

      CREATE TABLE client_profiles (
        client     TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,
        profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        bound_at   TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX client_profiles_profile ON client_profiles (profile_id);

      INSERT INTO change_counters (name, version) VALUES ('profiles', 0);
    `);
    for (const table of ['profiles', 'profile_servers', 'profile_tools', 'client_profiles']) {
      for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
        db.exec(`CREATE TRIGGER ${table}_count_${event.toLowerCase()} AFTER ${event} ON ${table}
          BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'profiles'; END;`);
      }
    }
    db.exec(`
      INSERT INTO profiles (name, description, is_default, others, tool_mode, created_at, updated_at)
      VALUES ('default', 'Every server and tool: what every client saw before profiles existed.', 1, 'in', 'full',
              strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
    `);
  },
};
