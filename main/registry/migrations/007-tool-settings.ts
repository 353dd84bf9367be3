import type { Migration } from '../migration.ts';

/**
 * Per-tool on/off switches. Only tools the person switched OFF have a row, so a tool an upstream adds later
 * is on by default. Keyed by server id: a rename keeps the switches, removing the server removes them.
 * Append-only: once released, never edit this file; add a newer migration instead.
 */
export const migration: Migration = {
  version: 7,
  name: 'tool-settings',
  up(db) {
    db.exec(`
      CREATE TABLE disabled_tools (
        server_id  INTEGER NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
        tool       TEXT    NOT NULL,
        PRIMARY KEY (server_id, tool)
      ) STRICT;
    `);
  },
};
