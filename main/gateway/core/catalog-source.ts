import type { StoredCatalog } from '../../registry/upstream-catalog-repository.ts';
import type { ListChanges } from '../../upstream/upstream-types.ts';

/** One server's lists changed. */
export interface CatalogChange {
  prefix: string;
  changes: ListChanges;
}

/**
 * Where the gateway core reads what upstreams offer: the cached catalogs, and a signal when one changed.
 * Policies over the catalog (tool switches, pinned definitions) are decorators of this one interface, so the
 * core never learns about them and every client sees the same result.
 */
export interface CatalogSource {
  list(): StoredCatalog[];
  onChange(listener: (change: CatalogChange) => void): () => void;
}

/** The plain source: the registry's cached catalogs, changed whenever the pool saved a new one. */
export function catalogSourceOf(
  catalogs: { list(): StoredCatalog[] },
  pool: { on(event: 'catalog', listener: (change: CatalogChange) => void): () => void },
): CatalogSource {
  return {
    list: () => catalogs.list(),
    onChange: (listener) => pool.on('catalog', listener),
  };
}
