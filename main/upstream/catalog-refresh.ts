import type { Logger } from '../lib/logger.ts';
import type { Redactor } from '../lib/redactor.ts';
import type { CatalogRecord, UpstreamCatalogRepository } from '../registry/upstream-catalog-repository.ts';
import type { ListKind } from './catalog-fetch.ts';
import { diffCatalogs, fetchCatalog } from './catalog-fetch.ts';
import { definitionHash } from './definition-fingerprint.ts';
import type { LiveConnection, PoolEntry } from './pool-entry.ts';
import type { ListChanges } from './upstream-types.ts';

/**
 * Keeping an entry's cached catalog fresh: one refresh at a time per entry (announcements that arrive meanwhile
 * are batched into the next), stored under the server's id, and only while the connection it was read from is
 * still the entry's live one and the entry is still in the pool — a fetch that finishes after its server was
 * removed (or its prefix went to another server) must not land anywhere. Modern upstreams announce changes only
 * on a listen stream, which is opened here too.
 */

export const ALL_LISTS: readonly ListKind[] = ['tools', 'prompts', 'resources', 'resourceTemplates'];
const CATALOG_TIMEOUT_MS = 30_000;
/** A change stream that lived this long ended for a reason of its own, not because it cannot stay open. */
const LISTEN_STABLE_MS = 60_000;
const LISTEN_MAX_DELAY_MS = 60_000;

export interface CatalogRefreshDeps {
  catalog: Pick<UpstreamCatalogRepository, 'get' | 'save'>;
  log: Logger;
  redactor: Redactor;
  now(): number;
  /** True while the entry is the pool's entry for its prefix. */
  isCurrent(entry: PoolEntry): boolean;
  /** The catalog of `entry` was stored; `changed` when any list differs from before. */
  stored(entry: PoolEntry, changes: ListChanges): void;
}

export interface CatalogRefresher {
  /** Re-reads `kinds` of the entry's live connection; resolves when the queue is empty (never rejects). */
  schedule(entry: PoolEntry, kinds: readonly ListKind[]): Promise<void>;
  /** Opens a modern upstream's change stream, and reopens it (with the catalog read again) when it ends. */
  openListen(entry: PoolEntry, conn: LiveConnection): void;
}

/** Creates the refresher. */
export function createCatalogRefresher(deps: CatalogRefreshDeps): CatalogRefresher {
  const refresh = async (entry: PoolEntry, kinds: readonly ListKind[]) => {
    const conn = entry.conn;
    if (!conn) return;
    const server = entry.server;
    const previous = deps.catalog.get(server.id);
    const hash = definitionHash(server);
    // A catalog of another definition (command/URL changed) cannot be patched list by list.
    const base = previous?.definitionHash === hash ? previous : undefined;
    const fresh = await fetchCatalog(conn.client, base ? kinds : ALL_LISTS, base, CATALOG_TIMEOUT_MS);
    if (entry.conn !== conn || !deps.isCurrent(entry)) return;
    const record: CatalogRecord = { ...fresh, definitionHash: hash, era: conn.era, refreshedAt: deps.now() };
    deps.catalog.save(server.id, record);
    deps.stored(entry, diffCatalogs(previous, fresh));
  };

  const schedule: CatalogRefresher['schedule'] = (entry, kinds) => {
    for (const k of kinds) entry.refreshKinds.add(k);
    if (entry.refreshing) return entry.refreshing;
    const run = async () => {
      while (entry.refreshKinds.size > 0) {
        const batch = [...entry.refreshKinds];
        entry.refreshKinds.clear();
        await refresh(entry, batch);
      }
    };
    entry.refreshing = run()
      .catch((error: unknown) =>
        deps.log.warn('could not refresh the catalog', {
          prefix: entry.model.prefix,
          error: deps.redactor.redact(String(error)),
        }),
      )
      .finally(() => {
        entry.refreshing = undefined;
      });
    return entry.refreshing;
  };

  const openListen: CatalogRefresher['openListen'] = (entry, conn) => {
    const caps = (conn.client.getServerCapabilities() ?? {}) as Record<
      string,
      { listChanged?: boolean } | undefined
    >;
    const filter = {
      ...(caps.tools?.listChanged ? { toolsListChanged: true } : {}),
      ...(caps.prompts?.listChanged ? { promptsListChanged: true } : {}),
      ...(caps.resources?.listChanged ? { resourcesListChanged: true } : {}),
    };
    if (Object.keys(filter).length === 0) return;
    let quickEnds = 0;
    const open = () => {
      if (entry.conn !== conn) return;
      const openedAt = deps.now();
      conn.client.listen(filter).then(
        (subscription) => {
          if (entry.conn !== conn) return void subscription.close();
          entry.subscription = subscription;
          // Only a stream the server acknowledged and later ended says something happened (a restart, a proxy
          // cutting it); one refused from the start is merely unsupported and is not retried.
          void subscription.closed.then((cause) => {
            if (cause === 'local' || entry.conn !== conn) return;
            // A modern upstream keeps no session, so nothing needs reconnecting: whatever changed while nobody
            // listened is read now, and the stream reopened — later and later if it keeps ending at once.
            quickEnds = deps.now() - openedAt < LISTEN_STABLE_MS ? quickEnds + 1 : 0;
            const delay = Math.min(LISTEN_MAX_DELAY_MS, 1000 * 2 ** quickEnds);
            deps.log.info('change stream of upstream ended; reading its catalog again and reopening it', {
              prefix: entry.model.prefix,
              cause,
              delayMs: delay,
            });
            void schedule(entry, ALL_LISTS);
            setTimeout(open, delay).unref?.();
          });
        },
        (error: unknown) =>
          deps.log.debug('could not open a listen stream', {
            prefix: entry.model.prefix,
            error: String(error),
          }),
      );
    };
    open();
  };

  return { schedule, openListen };
}
