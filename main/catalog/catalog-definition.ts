import {
  ServerDefinitionSchema,
  describeIssues,
  type ServerDefinitionInput,
} from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';
import { CATALOG } from './catalog-data.ts';
import type { CatalogEntry } from './catalog-entry.ts';

/** The catalog entry with this id; NOT_FOUND otherwise. */
export function getCatalogEntry(id: string, catalog: readonly CatalogEntry[] = CATALOG): CatalogEntry {
  const entry = catalog.find((e) => e.id === id);
  if (entry === undefined) throw new SwitchboardError('NOT_FOUND', `no catalog entry "${id}"`);
  return entry;
}

/** A ready-to-add definition from a catalog entry under the given prefix; VALIDATION if the prefix is not valid. */
export function definitionFromCatalog(
  id: string,
  prefix: string,
  catalog: readonly CatalogEntry[] = CATALOG,
): ServerDefinitionInput {
  const entry = getCatalogEntry(id, catalog);
  // A deep copy: callers may edit the result, the catalog must stay as shipped.
  const definition = { prefix, ...structuredClone(entry.template) } as ServerDefinitionInput;
  const parsed = ServerDefinitionSchema.safeParse(definition);
  if (!parsed.success) {
    throw new SwitchboardError(
      'VALIDATION',
      `cannot add "${entry.name}" as "${prefix}": ${describeIssues(parsed.error).join('; ')}`,
      {
        details: describeIssues(parsed.error),
      },
    );
  }
  return definition;
}
