import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** catalog.*: the curated offline catalog of well-known servers. */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { catalog } = hub.useCases;
  return {
    'catalog.search': ({ text, category }) => catalog.search({ text, category }),
    'catalog.categories': () => catalog.categories().map((c) => c.category),
    'catalog.template': ({ id, prefix }) => catalog.template(id, prefix),
  };
}
