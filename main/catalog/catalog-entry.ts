import type { ServerDefinitionInput } from '../../preload/contract/server-definition.ts';

/** The catalog's categories with the labels the UI shows, in display order. */
export const CATALOG_CATEGORIES = {
  files: 'Files',
  'dev-tools': 'Developer tools',
  data: 'Databases & data',
  browser: 'Browser automation',
  productivity: 'Productivity',
  search: 'Search & web',
  cloud: 'Cloud platforms',
  design: 'Design',
  payments: 'Payments',
  ai: 'AI & models',
  knowledge: 'Memory & reasoning',
  utilities: 'Utilities',
} as const;

export type CatalogCategory = keyof typeof CATALOG_CATEGORIES;

/**
 * How a server gets its credentials: `none`, an API key or token the person pastes (`env`, stored as a secret
 * variable), or a browser sign-in to the remote server (`oauth`, the Connect button).
 */
export type CatalogAuthKind = 'none' | 'env' | 'oauth';

/** `Omit` that keeps a union a union (plain `Omit` would merge the stdio and remote shapes). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A server definition without its prefix: the person picks the prefix when adding. */
export type CatalogTemplate = DistributiveOmit<ServerDefinitionInput, 'prefix'>;

export interface CatalogEntry {
  /** Stable id (`github`, `brave-search`). */
  id: string;
  name: string;
  description: string;
  category: CatalogCategory;
  /** Where a person reads about the server (its repository or official documentation). */
  homepage: string;
  authKind: CatalogAuthKind;
  template: CatalogTemplate;
}
