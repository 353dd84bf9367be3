import type { Migration } from '../migration.ts';
import { migration as initial } from './001-initial.ts';
import { migration as vault } from './002-vault.ts';

/** Every migration this app knows, oldest first. Append only; the migrator checks the numbering. */
export const MIGRATIONS: readonly Migration[] = [initial, vault];
