import { describe, expect, it } from 'vitest';
import type { StoredServer } from '../../../../preload/contract/server-definition.ts';
import type { StoredCatalog } from '../../../../main/registry/upstream-catalog-repository.ts';
import type { GatewayScope } from '../../../../main/gateway/gateway-core.ts';
import type { ViewPolicy } from '../../../../main/gateway/core/tool-view.ts';
import { defaultViewPolicy } from '../../../../main/gateway/core/tool-view.ts';
import {
  createViewCache,
  keptAsIsForLegacy,
  legacyToolsListBytes,
  readSources,
} from '../../../../main/gateway/core/view-cache.ts';
import { catalog, server } from './core-fixtures.ts';

const caller = { clientName: 'c' };
const ALL: GatewayScope = { kind: 'all', caller };
const A: GatewayScope = { kind: 'server', prefix: 'a', caller };

describe('readSources', () => {
  it('keeps every server but only the catalogs of enabled ones, sorted by prefix', () => {
    const sources = readSources(
      [server('b', 2), server('a', 1), server('off', 3, false)],
      [catalog('off', 3, ['x']), catalog('b', 2, ['y']), catalog('a', 1, ['z']), catalog('orphan', 9, ['w'])],
    );
    expect([...sources.servers.keys()]).toEqual(['b', 'a', 'off']);
    expect(sources.catalogs.map((c) => c.prefix)).toEqual(['a', 'b']);
  });
});

describe('legacyToolsListBytes', () => {
  const cases: { name: string; outputSchema?: unknown; kept: boolean }[] = [
    { name: 'no output schema', kept: true },
    { name: 'an object output schema', outputSchema: { type: 'object' }, kept: true },
    { name: 'an array output schema', outputSchema: { type: 'array' }, kept: false },
    { name: 'a schema without a type', outputSchema: { anyOf: [] }, kept: false },
    { name: 'a non-object schema', outputSchema: true, kept: false },
  ];
  for (const c of cases) {
    it(`${c.kept ? 'serializes' : 'leaves to the Server'} a tool with ${c.name}`, () => {
      expect(keptAsIsForLegacy({ outputSchema: c.outputSchema })).toBe(c.kept);
      const tools = [{ name: 't', inputSchema: { type: 'object' }, outputSchema: c.outputSchema }];
      const bytes = legacyToolsListBytes(tools);
      if (c.kept) expect(JSON.parse(Buffer.from(bytes as Uint8Array).toString('utf8'))).toEqual({ tools });
      else expect(bytes).toBeNull();
    });
  }
});

describe('createViewCache', () => {
  const setup = (policy: ViewPolicy = defaultViewPolicy) => {
    const state = {
      servers: [server('a', 1), server('b', 2)] as StoredServer[],
      catalogs: [catalog('a', 1, ['one']), catalog('b', 2, ['two'])] as StoredCatalog[],
      reads: 0,
      builds: [] as string[],
    };
    const counted: ViewPolicy = {
      keyOf: (scope) => policy.keyOf(scope),
      build: (sources, scope) => {
        state.builds.push(policy.keyOf(scope));
        return policy.build(sources, scope);
      },
    };
    const cache = createViewCache({
      servers: {
        list: () => {
          state.reads++;
          return state.servers;
        },
      },
      catalogs: { list: () => state.catalogs },
      policy: counted,
    });
    return { cache, state };
  };

  it('builds each key once and reads the registry once until invalidated', () => {
    const { cache, state } = setup();
    expect(cache.view(ALL).tools.map((t) => t.name)).toEqual(['a__one', 'b__two']);
    cache.view(ALL);
    cache.view({ kind: 'all', caller: { clientName: 'someone else' } });
    cache.view(A);
    cache.toolsListBytes(A);
    expect(state.builds).toEqual(['*', 'server:a']);
    expect(state.reads).toBe(1);
    state.catalogs = [catalog('a', 1, ['one', 'new'])];
    expect(cache.view(ALL).tools.map((t) => t.name)).toEqual(['a__one', 'b__two']);
    cache.invalidate();
    expect(cache.view(ALL).tools.map((t) => t.name)).toEqual(['a__one', 'a__new']);
    expect(state.reads).toBe(2);
  });

  it('keeps the tools/list bytes with their view and drops them with it', () => {
    const { cache, state } = setup();
    const first = cache.toolsListBytes(ALL);
    expect(cache.toolsListBytes(ALL)).toBe(first);
    const decode = (b: Uint8Array | undefined) => JSON.parse(Buffer.from(b as Uint8Array).toString('utf8'));
    expect(decode(first)).toEqual({ tools: cache.view(ALL).tools });
    state.catalogs = [catalog('a', 1, ['other'])];
    cache.invalidate();
    expect(decode(cache.toolsListBytes(ALL)).tools.map((t: { name: string }) => t.name)).toEqual([
      'a__other',
    ]);
  });

  it('answers no bytes when the SDK would rewrite a tool', () => {
    const { cache, state } = setup();
    state.catalogs = [
      catalog('a', 1, [], {
        tools: [{ name: 'arr', inputSchema: { type: 'object' }, outputSchema: { type: 'array' } as never }],
      }),
    ];
    expect(cache.toolsListBytes(A)).toBeUndefined();
    expect(cache.view(A).tools.map((t) => t.name)).toEqual(['arr']);
  });

  it('caches per policy key, so two profiles get their own bytes', () => {
    const byToken: ViewPolicy = {
      keyOf: (scope) => `${scope.caller.tokenId ?? '-'}|${defaultViewPolicy.keyOf(scope)}`,
      build: (sources, scope) =>
        defaultViewPolicy.build(
          scope.caller.tokenId === 'narrow'
            ? { ...sources, catalogs: sources.catalogs.slice(0, 1) }
            : sources,
          scope,
        ),
    };
    const { cache } = setup(byToken);
    const narrow: GatewayScope = { kind: 'all', caller: { clientName: 'c', tokenId: 'narrow' } };
    expect(cache.view(narrow).tools.map((t) => t.name)).toEqual(['a__one']);
    expect(cache.view(ALL).tools.map((t) => t.name)).toEqual(['a__one', 'b__two']);
    expect(cache.toolsListBytes(narrow)).not.toEqual(cache.toolsListBytes(ALL));
  });
});
