import { CATALOG } from './catalog-data.ts';
import { CATALOG_CATEGORIES, type CatalogCategory, type CatalogEntry } from './catalog-entry.ts';

export interface CatalogQuery {
  /** Words to find (case-insensitive) in the name, id, description or category; every word must match. */
  text?: string;
  category?: CatalogCategory;
}

/** Catalog entries matching a query, best first: name matches, then id, category, description; ties by name. */
export function searchCatalog(
  query: CatalogQuery = {},
  catalog: readonly CatalogEntry[] = CATALOG,
): CatalogEntry[] {
  const words = (query.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const scored: { entry: CatalogEntry; score: number }[] = [];
  for (const entry of catalog) {
    if (query.category !== undefined && entry.category !== query.category) continue;
    let score = 0;
    let all = true;
    for (const word of words) {
      const s = wordScore(entry, word);
      if (s === 0) all = false;
      score += s;
    }
    if (all) scored.push({ entry, score });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.entry.name.localeCompare(b.entry.name))
    .map((s) => s.entry);
}

/** Every category with its label and how many entries it has, in display order. */
export function catalogCategories(
  catalog: readonly CatalogEntry[] = CATALOG,
): { category: CatalogCategory; label: string; count: number }[] {
  return (Object.keys(CATALOG_CATEGORIES) as CatalogCategory[])
    .map((category) => ({
      category,
      label: CATALOG_CATEGORIES[category],
      count: catalog.filter((e) => e.category === category).length,
    }))
    .filter((c) => c.count > 0);
}

function wordScore(entry: CatalogEntry, word: string): number {
  const name = entry.name.toLowerCase();
  if (name.startsWith(word)) return 100;
  if (name.includes(word)) return 80;
  if (entry.id.includes(word)) return 60;
  if (entry.category.includes(word) || CATALOG_CATEGORIES[entry.category].toLowerCase().includes(word))
    return 40;
  if (entry.description.toLowerCase().includes(word)) return 20;
  return 0;
}
