import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { ServerDefinition } from '../../preload/contract/server-definition.ts';
import { isSwitchboardError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Vault } from '../vault/vault.ts';
import { oauthClientSecretOwner, oauthGrantOwner } from '../vault/server-owners.ts';
import { canonicalResource } from './grant-fit.ts';

/**
 * Moves OAuth secrets stored before migration 008 — under the server's PREFIX (`oauth:<prefix>`,
 * `oauth-client:<prefix>`) — to the owners of its id. The migration could not do it: the vault binds every
 * ciphertext to its owner, so moving one means decrypting it, and a migration must not ask the OS key
 * store for the data key. It listed them instead (`legacy_secret_owners`); this runs on the first use of a
 * server's grant or client secret, when the key is needed anyway, and moves everything of that server in ONE
 * transaction (a crash leaves either the old rows and their list entry, or the new rows and neither).
 */
export interface LegacyOwners {
  /** Moves `server`'s legacy entries, if it has any; afterwards its grant and secret live under its id. */
  upgrade(server: Pick<ServerDefinition, 'prefix' | 'transport'> & { id: number; url?: string }): void;
}

export interface LegacyOwnersDeps {
  /** The registry's connection (the vault's rows are in the same database). */
  db: Database;
  /** One IMMEDIATE transaction (registry.write): the list is re-read under the write lock. */
  write<T>(fn: () => T): T;
  vault: Pick<Vault, 'get' | 'set' | 'has' | 'listNames' | 'clear'>;
  log: Logger;
}

const RowsSchema = z.array(
  z.object({ owner: z.string(), kind: z.enum(['oauth-grant', 'oauth-client-secret']) }),
);

/** Creates the upgrade over the registry database and the vault. */
export function createLegacyOwners(deps: LegacyOwnersDeps): LegacyOwners {
  const log = deps.log.child({ component: 'oauth-legacy' });
  // Ids never come back and only the migration adds rows, so an id found without rows stays without.
  const settled = new Set<number>();
  let select: ReturnType<Database['prepare']> | undefined;
  let remove: ReturnType<Database['prepare']> | undefined;
  const rowsOf = (serverId: number) => {
    select ??= deps.db.prepare(
      'SELECT owner, kind FROM legacy_secret_owners WHERE server_id = ? ORDER BY owner',
    );
    return RowsSchema.parse(select.all(serverId));
  };

  return {
    upgrade(server) {
      if (settled.has(server.id)) return;
      if (rowsOf(server.id).length === 0) {
        settled.add(server.id);
        return;
      }
      const moved = deps.write(() => {
        let count = 0;
        // Re-read under the write lock: another process (the CLI next to the app) may have moved them.
        for (const row of rowsOf(server.id)) {
          const target =
            row.kind === 'oauth-grant' ? oauthGrantOwner(server.id) : oauthClientSecretOwner(server.id);
          for (const { name } of deps.vault.listNames(row.owner)) {
            // A value written under the id since (a new Connect or secret) is newer than the legacy one.
            if (deps.vault.has(target, name)) continue;
            const value = readOrSkip(row.owner, name);
            if (value === undefined) continue;
            deps.vault.set(
              target,
              name,
              row.kind === 'oauth-grant' ? stampResource(name, value, server) : value,
            );
            count += 1;
          }
          deps.vault.clear(row.owner);
          remove ??= deps.db.prepare('DELETE FROM legacy_secret_owners WHERE owner = ?');
          remove.run(row.owner);
        }
        return count;
      });
      settled.add(server.id);
      log.info('moved OAuth secrets stored by prefix to the server id', {
        prefix: server.prefix,
        serverId: server.id,
        entries: moved,
      });
    },
  };

  /** A row that no longer decrypts is lost either way; anything else (no key store) aborts the move. */
  function readOrSkip(owner: string, name: string): string | undefined {
    try {
      return deps.vault.get(owner, name);
    } catch (error) {
      if (isSwitchboardError(error) && error.code === 'VAULT_DECRYPT_FAILED') {
        log.warn('dropping a legacy OAuth entry that no longer decrypts', { owner, name });
        return undefined;
      }
      throw error;
    }
  }
}

/**
 * A legacy grant without `resource` was obtained without a resource indicator (the SDK sets one whenever
 * the server has protected-resource metadata): bind it to the server's current URL, and keep omitting
 * the parameter on refresh as before. Anything unreadable is moved as it is (the grant store reads it as
 * absent).
 */
function stampResource(name: string, value: string, server: { transport: string; url?: string }): string {
  if (!name.startsWith('grant:') || server.transport === 'stdio' || server.url === undefined) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return value;
  const record = parsed as Record<string, unknown>;
  if (record.resource !== undefined) return value;
  const resource = canonicalResource(server.url);
  return resource === undefined ? value : JSON.stringify({ ...record, resource, resourceOmitted: true });
}
