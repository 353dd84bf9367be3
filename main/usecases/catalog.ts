import type { CatalogEntry as CatalogEntrySummary } from '../../preload/contract/models.ts';
import { definitionFromCatalog } from '../catalog/catalog-definition.ts';
import type { CatalogCategory, CatalogEntry } from '../catalog/catalog-entry.ts';
import { CATALOG_CATEGORIES } from '../catalog/catalog-entry.ts';
import { catalogCategories, searchCatalog } from '../catalog/catalog-search.ts';
import { SwitchboardError } from '../lib/errors.ts';

/** The curated offline catalog of well-known servers (adding one is `servers.addFromCatalog`). */
export interface CatalogUseCases {
  search(query: { text?: string; category?: string }): CatalogEntrySummary[];
  categories(): { category: CatalogCategory; label: string; count: number }[];
  /** A definition prefilled from the catalog, for the person to complete in the add form. */
  template(id: string, prefix: string): Record<string, unknown>;
}

/** The catalog use-cases (pure: the catalog ships with the app). */
export function catalogUseCases(): CatalogUseCases {
  return {
    search: ({ text, category }) =>
      searchCatalog({
        text: text?.trim() || undefined,
        category: category === undefined ? undefined : parseCategory(category),
      }).map(summaryOf),
    categories: () => catalogCategories(),
    template: (id, prefix) => ({ ...definitionFromCatalog(id, prefix) }) as Record<string, unknown>,
  };
}

/** What a person must still do after adding a catalog server: set the values it needs, or sign in. */
export function nextSteps(
  entry: CatalogEntry,
  prefix: string,
  envVars: readonly { name: string; required: boolean; secret: boolean; default?: string }[],
): string[] {
  const steps = envVars
    .filter((v) => v.required && v.default === undefined)
    .map((v) => setValueHint(prefix, v.name, v.secret));
  if (entry.authKind === 'oauth') steps.push(`switchboard auth connect ${prefix}   (sign in in the browser)`);
  return steps;
}

/** The command that sets a variable: secrets from stdin (`secret set`), settings on the command line (`var set`). */
export function setValueHint(prefix: string, name: string, secret: boolean): string {
  return secret
    ? `switchboard secret set ${prefix} ${name}`
    : `switchboard var set ${prefix} ${name} <value>`;
}

function summaryOf(entry: CatalogEntry): CatalogEntrySummary {
  return {
    id: entry.id,
    name: entry.name,
    description: entry.description,
    category: entry.category,
    homepage: entry.homepage,
    authKind: entry.authKind,
    transport: entry.template.transport,
  };
}

function parseCategory(value: string): CatalogCategory {
  if (Object.hasOwn(CATALOG_CATEGORIES, value)) return value as CatalogCategory;
  throw new SwitchboardError(
    'USAGE',
    `unknown category "${value}"; categories: ${Object.keys(CATALOG_CATEGORIES).join(', ')}`,
  );
}
