import type { Migration } from '../migration.ts';

/**
 * What each upstream last told us about itself, so `tools/list` is answered without starting anything:
 * its tools, prompts, resources and templates, its capabilities and identity, and which protocol era and wire
 * it spoke (so the next connect skips the probe). One row per server; it disappears with the server.
 * Append-only: once released, never edit this file; add 00N-*.ts instead.
 */
export const migration: Migration = {
  version: 3,
  name: 'upstream-catalog',
  up(db) {
    db.exec(`
      -- Lists are JSON arrays exactly as the upstream sent them (input schemas re-exposed verbatim).
      -- definition_hash ties the row to the connection-relevant part of the definition: after the command or
      -- URL changes, the row is stale and the pool reconnects in the background.
      CREATE TABLE upstream_catalog (
        server_id          INTEGER PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
        definition_hash    TEXT    NOT NULL,
        era                TEXT    CHECK (era IN ('legacy', 'modern')),
        wire               TEXT    CHECK (wire IN ('stdio', 'streamable-http', 'sse')),
        protocol_version   TEXT,
        discover           TEXT    CHECK (discover IS NULL OR json_valid(discover)),
        era_checked_at     TEXT,
        capabilities       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(capabilities)),
        server_info        TEXT    CHECK (server_info IS NULL OR json_valid(server_info)),
        instructions       TEXT,
        tools              TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(tools) AND json_type(tools) = 'array'),
        prompts            TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(prompts) AND json_type(prompts) = 'array'),
        resources          TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(resources) AND json_type(resources) = 'array'),
        resource_templates TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(resource_templates) AND json_type(resource_templates) = 'array'),
        refreshed_at       TEXT    NOT NULL
      ) STRICT;
    `);
  },
};
