import type { Client, Prompt, Resource, ResourceTemplateType, Tool } from '@modelcontextprotocol/client';
import type { UpstreamCatalog } from '../registry/upstream-catalog-repository.ts';

/**
 * Reading an upstream's lists page by page with raw requests. The SDK's listTools() caches results and validates
 * output schemas; a proxy wants the items exactly as sent. Pages are bounded so a server that keeps handing out
 * cursors cannot keep us busy forever.
 */

export type ListKind = 'tools' | 'prompts' | 'resources' | 'resourceTemplates';

const METHOD: Record<
  ListKind,
  'tools/list' | 'prompts/list' | 'resources/list' | 'resources/templates/list'
> = {
  tools: 'tools/list',
  prompts: 'prompts/list',
  resources: 'resources/list',
  resourceTemplates: 'resources/templates/list',
};

export const MAX_LIST_PAGES = 64;

/** True when the server's capabilities say it has lists of `kind`. */
export function offers(capabilities: Record<string, unknown> | undefined, kind: ListKind): boolean {
  const key = kind === 'resourceTemplates' ? 'resources' : kind;
  return capabilities?.[key] !== undefined;
}

/** Every item of one list, following cursors (at most MAX_LIST_PAGES pages; a repeated cursor ends the walk). */
export async function fetchList(client: Client, kind: ListKind, timeoutMs: number): Promise<unknown[]> {
  const items: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const result = (await client.request(
      { method: METHOD[kind], params: cursor === undefined ? {} : { cursor } },
      { timeout: timeoutMs },
    )) as Record<string, unknown>;
    const pageItems = result[kind];
    if (Array.isArray(pageItems)) items.push(...pageItems);
    const next = result.nextCursor;
    if (typeof next !== 'string' || next === '' || seen.has(next)) break;
    seen.add(next);
    cursor = next;
  }
  return items;
}

/** Fetches the lists named in `kinds` (the rest is taken from `previous`), plus identity and capabilities. */
export async function fetchCatalog(
  client: Client,
  kinds: readonly ListKind[],
  previous: UpstreamCatalog | undefined,
  timeoutMs: number,
): Promise<UpstreamCatalog> {
  const capabilities = (client.getServerCapabilities() ?? {}) as Record<string, unknown>;
  const read = async <T>(kind: ListKind, old: T[] | undefined): Promise<T[]> => {
    if (!offers(capabilities, kind)) return [];
    if (!kinds.includes(kind)) return old ?? [];
    return (await fetchList(client, kind, timeoutMs)) as T[];
  };
  const [tools, prompts, resources, resourceTemplates] = await Promise.all([
    read<Tool>('tools', previous?.tools),
    read<Prompt>('prompts', previous?.prompts),
    read<Resource>('resources', previous?.resources),
    // Servers that list resources without templates answer -32601; that is an empty list, not a failure.
    read<ResourceTemplateType>('resourceTemplates', previous?.resourceTemplates).catch(
      () => previous?.resourceTemplates ?? [],
    ),
  ]);
  const serverInfo = client.getServerVersion() as UpstreamCatalog['serverInfo'];
  const instructions = client.getInstructions();
  return {
    capabilities,
    ...(serverInfo === undefined ? {} : { serverInfo }),
    ...(instructions === undefined ? {} : { instructions }),
    tools,
    prompts,
    resources,
    resourceTemplates,
  };
}

/** Which aggregate lists differ between two catalogs (templates count as resources). */
export function diffCatalogs(
  before: UpstreamCatalog | undefined,
  after: UpstreamCatalog,
): { tools: boolean; prompts: boolean; resources: boolean } {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return {
    tools: !same(before?.tools ?? [], after.tools),
    prompts: !same(before?.prompts ?? [], after.prompts),
    resources:
      !same(before?.resources ?? [], after.resources) ||
      !same(before?.resourceTemplates ?? [], after.resourceTemplates),
  };
}
