import { definitionFromCatalog } from '../catalog/catalog-definition.ts';
import type { CatalogCategory } from '../catalog/catalog-entry.ts';
import { catalogCategories, searchCatalog } from '../catalog/catalog-search.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** catalog.*: the curated offline catalog of well-known servers. */
export function register(_deps: IpcDeps): PartialHandlerTable {
  return {
    'catalog.search': ({ text, category }) =>
      searchCatalog({
        ...(text === undefined ? {} : { text }),
        ...(category === undefined ? {} : { category: category as CatalogCategory }),
      }).map((e) => ({
        id: e.id,
        name: e.name,
        description: e.description,
        category: e.category,
        homepage: e.homepage,
        authKind: e.authKind,
        transport: e.template.transport,
      })),
    'catalog.categories': () => catalogCategories().map((c) => c.category),
    'catalog.template': ({ id, prefix }) =>
      ({ ...definitionFromCatalog(id, prefix) }) as Record<string, unknown>,
  };
}
