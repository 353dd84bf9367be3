import { describe, expect, it } from 'vitest';
import type { UpstreamCatalog } from '../../../main/registry/upstream-catalog-repository.ts';
import { diffCatalogs, fetchList, MAX_LIST_PAGES, offers } from '../../../main/upstream/catalog-fetch.ts';
import type { Client } from '@modelcontextprotocol/client';

const catalog = (over: Partial<UpstreamCatalog> = {}): UpstreamCatalog => ({
  capabilities: {},
  tools: [{ name: 'a', inputSchema: { type: 'object' } }],
  prompts: [],
  resources: [],
  resourceTemplates: [],
  ...over,
});

describe('diffCatalogs', () => {
  it('reports which lists changed', () => {
    expect(diffCatalogs(catalog(), catalog())).toEqual({ tools: false, prompts: false, resources: false });
    expect(diffCatalogs(undefined, catalog())).toEqual({ tools: true, prompts: false, resources: false });
    expect(
      diffCatalogs(catalog(), catalog({ resourceTemplates: [{ name: 't', uriTemplate: 'x://{a}' }] })),
    ).toEqual({
      tools: false,
      prompts: false,
      resources: true,
    });
    expect(
      diffCatalogs(
        catalog(),
        catalog({ tools: [{ name: 'a', description: 'new', inputSchema: { type: 'object' } }] }),
      ).tools,
    ).toBe(true);
  });
});

describe('offers', () => {
  it('reads capabilities, templates riding on resources', () => {
    expect(offers({ tools: {} }, 'tools')).toBe(true);
    expect(offers({ tools: {} }, 'prompts')).toBe(false);
    expect(offers({ resources: {} }, 'resourceTemplates')).toBe(true);
    expect(offers(undefined, 'tools')).toBe(false);
  });
});

describe('fetchList', () => {
  const fakeClient = (pages: (cursor: string | undefined) => Record<string, unknown>) => {
    const calls: (string | undefined)[] = [];
    const client = {
      request: async (req: { params: { cursor?: string } }) => {
        calls.push(req.params.cursor);
        return pages(req.params.cursor);
      },
    } as unknown as Client;
    return { client, calls };
  };

  it('follows cursors until the last page', async () => {
    const { client, calls } = fakeClient((c) =>
      c === undefined ? { tools: [{ name: '1' }], nextCursor: 'p2' } : { tools: [{ name: '2' }] },
    );
    expect(await fetchList(client, 'tools', 1000)).toEqual([{ name: '1' }, { name: '2' }]);
    expect(calls).toEqual([undefined, 'p2']);
  });

  it('stops on a repeated cursor and after the page cap', async () => {
    const loop = fakeClient(() => ({ tools: [{ name: 'x' }], nextCursor: 'same' }));
    expect(await fetchList(loop.client, 'tools', 1000)).toHaveLength(2);
    let n = 0;
    const endless = fakeClient(() => ({ prompts: [{ name: String(n) }], nextCursor: `c${n++}` }));
    expect(await fetchList(endless.client, 'prompts', 1000)).toHaveLength(MAX_LIST_PAGES);
  });
});
