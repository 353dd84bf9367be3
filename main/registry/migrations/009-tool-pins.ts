import type { Migration } from '../migration.ts';

/**
 * Issue 14: pinned tool definitions, the leak guard's findings in the call log, and a counter of vault writes.
 *
 * - `tool_pin_sets`: one row per server whose tools the hub has seen (pinned then, even with no tools), so a
 *   tool that appears later is NEW rather than pinned on sight;
 * - `tool_pins`: the approved wire definition of each tool (canonical JSON) and its sha256. Both are keyed by
 *   server id and cascade with the server row: removing a server removes its pins, and a new server under a
 *   reused prefix starts with none;
 * - `call_log.findings`: what the leak guard found in a call, as JSON `[{ "kind", "count" }]` — never a value;
 * - `change_counters`: counters that every insert, update and delete of `secrets` (`secrets`) and of the pin
 *   tables (`tool_pins`) moves (triggers), whichever process and code path wrote, so the running hub can tell
 *   cheaply whether the secrets it scans for and the tools it withholds are still current.
 * Append-only: once released, never edit this file; add a newer migration instead.
 */
export const migration: Migration = {
  version: 9,
  name: 'tool-pins',
  up(db) {
    db.exec(`
      CREATE TABLE tool_pin_sets (
        server_id  INTEGER NOT NULL PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
        pinned_at  INTEGER NOT NULL                  -- epoch ms when the server's tools were first seen
      ) STRICT;

      CREATE TABLE tool_pins (
        server_id   INTEGER NOT NULL REFERENCES tool_pin_sets (server_id) ON DELETE CASCADE,
        tool        TEXT    NOT NULL,                -- the upstream's own tool name
        hash        TEXT    NOT NULL,                -- sha256:<hex> of the canonical definition
        definition  TEXT    NOT NULL,                -- the approved definition, canonical JSON
        pinned_at   INTEGER NOT NULL,                -- epoch ms when pinned or approved
        PRIMARY KEY (server_id, tool)
      ) STRICT;

      ALTER TABLE call_log ADD COLUMN findings TEXT;

      -- Cheap "did it change?" tests for state kept in memory (the guard's secrets, the withheld tools).
      CREATE TABLE change_counters (
        name     TEXT    NOT NULL PRIMARY KEY,
        version  INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      INSERT INTO change_counters (name, version) VALUES ('secrets', 0), ('tool_pins', 0);
      CREATE TRIGGER secrets_count_insert AFTER INSERT ON secrets
        BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'secrets'; END;
      CREATE TRIGGER secrets_count_update AFTER UPDATE ON secrets
        BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'secrets'; END;
      CREATE TRIGGER secrets_count_delete AFTER DELETE ON secrets
        BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'secrets'; END;
      CREATE TRIGGER tool_pins_count_insert AFTER INSERT ON tool_pins
        BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'tool_pins'; END;
      CREATE TRIGGER tool_pins_count_update AFTER UPDATE ON tool_pins
        BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'tool_pins'; END;
      CREATE TRIGGER tool_pins_count_delete AFTER DELETE ON tool_pins
        BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'tool_pins'; END;
      CREATE TRIGGER tool_pin_sets_count_insert AFTER INSERT ON tool_pin_sets
        BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'tool_pins'; END;
      CREATE TRIGGER tool_pin_sets_count_update AFTER UPDATE ON tool_pin_sets
        BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'tool_pins'; END;
      CREATE TRIGGER tool_pin_sets_count_delete AFTER DELETE ON tool_pin_sets
        BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'tool_pins'; END;
    `);
  },
};
