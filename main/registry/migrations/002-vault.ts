import type { Migration } from '../migration.ts';

/** PLACEHOLDER written by the registry work so the list compiles; the vault work replaces this file. */
export const migration: Migration = {
  version: 2,
  name: 'vault',
  up() {
    /* tables added by the vault work */
  },
};
