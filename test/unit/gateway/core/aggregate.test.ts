import { describe, expect, it } from 'vitest';
import type { UpstreamCatalog } from '../../../../main/registry/upstream-catalog-repository.ts';
import { buildAggregate } from '../../../../main/gateway/core/aggregate.ts';

const catalog = (tools: string[], extra: Partial<UpstreamCatalog> = {}): UpstreamCatalog => ({
  capabilities: { tools: {} },
  tools: tools.map((name) => ({
    name,
    description: `${name} tool`,
    inputSchema: { type: 'object', properties: { q: { type: 'string' } }, additionalProperties: false },
  })),
  prompts: [],
  resources: [],
  resourceTemplates: [],
  ...extra,
});

const sources = [
  {
    prefix: 'gh',
    catalog: catalog(['search'], {
      prompts: [{ name: 'review' }],
      resources: [{ uri: 'repo://a', name: 'a' }],
      resourceTemplates: [{ uriTemplate: 'repo://{name}', name: 'repo' }],
    }),
  },
  { prefix: 'fs', catalog: catalog(['search', 'read file']) },
];

describe('buildAggregate (all)', () => {
  const agg = buildAggregate(sources, { kind: 'all' });

  it('namespaces tools, sorted by server, and keeps schemas verbatim', () => {
    expect(agg.tools.map((t) => t.name)).toEqual([
      'fs__search',
      expect.stringMatching(/^fs__read_file_[0-9a-f]{8}$/),
      'gh__search',
    ]);
    expect(agg.tools[2]).toEqual({ ...(sources[0]?.catalog.tools[0] ?? {}), name: 'gh__search' });
  });

  it('routes exposed names back to server and original name', () => {
    for (const tool of agg.tools) expect(agg.toolRoutes.targetOf(tool.name)).toBeDefined();
    expect(agg.toolRoutes.targetOf(agg.tools[1]?.name as string)).toEqual({
      prefix: 'fs',
      name: 'read file',
    });
    expect(agg.toolRoutes.targetOf('search')).toBeUndefined();
    expect(agg.promptRoutes.targetOf('gh__review')).toEqual({ prefix: 'gh', name: 'review' });
  });

  it('wraps resource URIs and templates', () => {
    expect(agg.resources).toEqual([{ uri: 'switchboard://gh/repo://a', name: 'a' }]);
    expect(agg.resourceTemplates).toEqual([{ uriTemplate: 'switchboard://gh/repo://{name}', name: 'repo' }]);
  });

  it('does not mutate the catalogs', () => {
    expect(sources[0]?.catalog.tools[0]?.name).toBe('search');
  });
});

describe('buildAggregate (server)', () => {
  it('uses original names and URIs of that server only', () => {
    const agg = buildAggregate(sources, { kind: 'server', prefix: 'gh' });
    expect(agg.tools.map((t) => t.name)).toEqual(['search']);
    expect(agg.resources[0]?.uri).toBe('repo://a');
    expect(agg.toolRoutes.targetOf('search')).toEqual({ prefix: 'gh', name: 'search' });
    expect(agg.toolRoutes.targetOf('gh__search')).toBeUndefined();
  });

  it('is empty for a server without a catalog', () => {
    const agg = buildAggregate(sources, { kind: 'server', prefix: 'new' });
    expect(agg.tools).toEqual([]);
    expect(agg.toolRoutes.targetOf('x')).toBeUndefined();
  });
});
