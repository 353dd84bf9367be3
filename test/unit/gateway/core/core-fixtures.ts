import type { StoredServer } from '../../../../preload/contract/server-definition.ts';
import type { StoredCatalog } from '../../../../main/registry/upstream-catalog-repository.ts';

/** Small registry rows for the core's pure parts: only the fields the core reads are meaningful. */

export function server(prefix: string, id: number, enabled = true): StoredServer {
  return {
    prefix,
    id,
    enabled,
    name: prefix,
    transport: 'stdio',
    command: 'node',
    args: [],
  } as unknown as StoredServer;
}

export function catalog(
  prefix: string,
  serverId: number,
  tools: string[],
  extra: Partial<StoredCatalog> = {},
): StoredCatalog {
  return {
    prefix,
    serverId,
    definitionHash: 'h',
    refreshedAt: 0,
    capabilities: { tools: {} },
    tools: tools.map((name) => ({ name, inputSchema: { type: 'object' } })),
    prompts: [],
    resources: [],
    resourceTemplates: [],
    ...extra,
  };
}
