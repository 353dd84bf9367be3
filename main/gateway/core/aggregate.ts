import type { Prompt, Resource, ResourceTemplateType, Tool } from '@modelcontextprotocol/client';
import type { UpstreamCatalog } from '../../registry/upstream-catalog-repository.ts';
import type { NameIndex } from './tool-names.ts';
import { buildNameIndex } from './tool-names.ts';
import { wrapUri } from './resource-uris.ts';

/**
 * What one downstream scope sees, built purely from cached catalogs: the lists it answers and the maps that
 * route a call back to its server. Input schemas and every other field are passed through verbatim; only
 * names and URIs change, and only in the aggregate scope.
 */

/** One enabled server's catalog, as the aggregate is built from it. */
export interface AggregateInput {
  prefix: string;
  catalog: UpstreamCatalog;
}

export type AggregateScope = { kind: 'all' } | { kind: 'server'; prefix: string };

export interface Aggregate {
  tools: Tool[];
  prompts: Prompt[];
  resources: Resource[];
  resourceTemplates: ResourceTemplateType[];
  /** Exposed tool name → server and original name. */
  toolRoutes: NameIndex;
  /** Exposed prompt name → server and original name. */
  promptRoutes: NameIndex;
  /** A per-server scope's server instructions (relayed at initialize); none in the aggregate scope. */
  instructions?: string;
}

/** Builds the lists and routes of `scope` from the catalogs of the ENABLED servers in `sources`. */
export function buildAggregate(sources: readonly AggregateInput[], scope: AggregateScope): Aggregate {
  if (scope.kind === 'server') {
    const source = sources.find((s) => s.prefix === scope.prefix);
    const catalog = source?.catalog;
    const identity = (names: { name: string }[]): NameIndex => {
      const set = new Set(names.map((n) => n.name));
      return {
        exposedOf: (prefix, name) => (prefix === scope.prefix && set.has(name) ? name : undefined),
        targetOf: (exposed) => (set.has(exposed) ? { prefix: scope.prefix, name: exposed } : undefined),
      };
    };
    return {
      tools: catalog?.tools ?? [],
      prompts: catalog?.prompts ?? [],
      resources: catalog?.resources ?? [],
      resourceTemplates: catalog?.resourceTemplates ?? [],
      toolRoutes: identity(catalog?.tools ?? []),
      promptRoutes: identity(catalog?.prompts ?? []),
      instructions: catalog?.instructions,
    };
  }

  const ordered = [...sources].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  const toolIndex = buildNameIndex(
    ordered.flatMap((s) => s.catalog.tools.map((t) => ({ prefix: s.prefix, name: t.name }))),
  );
  const promptIndex = buildNameIndex(
    ordered.flatMap((s) => s.catalog.prompts.map((p) => ({ prefix: s.prefix, name: p.name }))),
  );
  const tools: Tool[] = [];
  const prompts: Prompt[] = [];
  const resources: Resource[] = [];
  const resourceTemplates: ResourceTemplateType[] = [];
  for (const { prefix, catalog } of ordered) {
    for (const tool of catalog.tools) {
      const name = toolIndex.exposedOf(prefix, tool.name);
      if (name !== undefined) tools.push({ ...tool, name });
    }
    for (const prompt of catalog.prompts) {
      const name = promptIndex.exposedOf(prefix, prompt.name);
      if (name !== undefined) prompts.push({ ...prompt, name });
    }
    for (const resource of catalog.resources)
      resources.push({ ...resource, uri: wrapUri(prefix, resource.uri) });
    for (const template of catalog.resourceTemplates) {
      resourceTemplates.push({ ...template, uriTemplate: wrapUri(prefix, template.uriTemplate) });
    }
  }
  return { tools, prompts, resources, resourceTemplates, toolRoutes: toolIndex, promptRoutes: promptIndex };
}
