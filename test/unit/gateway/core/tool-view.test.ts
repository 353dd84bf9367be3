import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../../main/lib/errors.ts';
import type { GatewayScope } from '../../../../main/gateway/gateway-core.ts';
import type { LocalTool, ScopeView, ViewPolicy } from '../../../../main/gateway/core/tool-view.ts';
import { defaultViewPolicy, resolveTool, serverBlocked } from '../../../../main/gateway/core/tool-view.ts';
import { readSources } from '../../../../main/gateway/core/view-cache.ts';
import { catalog, server } from './core-fixtures.ts';

const caller = { clientName: 'c', tokenId: 't1' };
const ALL: GatewayScope = { kind: 'all', caller };
const FS: GatewayScope = { kind: 'server', prefix: 'fs', caller };
const OFF: GatewayScope = { kind: 'server', prefix: 'off', caller };
const GONE: GatewayScope = { kind: 'server', prefix: 'gone', caller };

const sources = readSources(
  [server('gh', 1), server('fs', 2), server('off', 3, false)],
  [catalog('gh', 1, ['search']), catalog('fs', 2, ['read']), catalog('off', 3, ['hidden'])],
);

describe('defaultViewPolicy', () => {
  it('keys the aggregate and each server apart, whoever calls', () => {
    expect(defaultViewPolicy.keyOf(ALL)).toBe('*');
    expect(defaultViewPolicy.keyOf({ kind: 'all', caller: { clientName: 'other' } })).toBe('*');
    expect(defaultViewPolicy.keyOf(FS)).toBe('server:fs');
  });

  it('builds only from enabled servers: namespaced in the aggregate, original names per server', () => {
    expect(defaultViewPolicy.build(sources, ALL).tools.map((t) => t.name)).toEqual([
      'fs__read',
      'gh__search',
    ]);
    expect(defaultViewPolicy.build(sources, FS).tools.map((t) => t.name)).toEqual(['read']);
    expect(defaultViewPolicy.build(sources, OFF).tools).toEqual([]);
  });
});

describe('resolveTool', () => {
  const echo: LocalTool = { call: async () => ({ content: [] }) };
  const withExtras = (view: ScopeView): ScopeView => ({
    ...view,
    localTools: new Map([
      ['gh__search', echo],
      ['find', echo],
    ]),
    refusal: (name) =>
      name === 'secret__tool'
        ? {
            prefix: 'secret',
            error: new SwitchboardError('NOT_FOUND', 'secret__tool is not in your profile'),
          }
        : undefined,
  });
  const blocked = (prefix: string) => serverBlocked(sources.servers, prefix);
  const cases: { name: string; scope: GatewayScope; extras: boolean; exposed: string; expected: unknown }[] =
    [
      {
        name: 'a routed tool',
        scope: ALL,
        extras: false,
        exposed: 'fs__read',
        expected: { kind: 'upstream', target: { prefix: 'fs', name: 'read' } },
      },
      {
        name: 'an original name per server',
        scope: FS,
        extras: false,
        exposed: 'read',
        expected: { kind: 'upstream', target: { prefix: 'fs', name: 'read' } },
      },
      {
        name: 'a namespaced name per server',
        scope: FS,
        extras: false,
        exposed: 'fs__read',
        expected: { kind: 'unknown' },
      },
      { name: 'an unknown name', scope: ALL, extras: false, exposed: 'nope', expected: { kind: 'unknown' } },
      {
        name: 'a local tool, first',
        scope: ALL,
        extras: true,
        exposed: 'gh__search',
        expected: { kind: 'local', tool: echo },
      },
      {
        name: 'a local tool',
        scope: ALL,
        extras: true,
        exposed: 'find',
        expected: { kind: 'local', tool: echo },
      },
      {
        name: "the view's refusal",
        scope: ALL,
        extras: true,
        exposed: 'secret__tool',
        expected: {
          kind: 'refused',
          refusal: { prefix: 'secret', error: expect.objectContaining({ code: 'NOT_FOUND' }) },
        },
      },
      {
        name: 'a disabled server per server',
        scope: OFF,
        extras: false,
        exposed: 'hidden',
        expected: {
          kind: 'refused',
          refusal: { prefix: 'off', error: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }) },
        },
      },
      {
        name: 'a removed server per server',
        scope: GONE,
        extras: false,
        exposed: 'x',
        expected: {
          kind: 'refused',
          refusal: { prefix: 'gone', error: expect.objectContaining({ code: 'NOT_FOUND' }) },
        },
      },
      {
        name: "a disabled server's tool in the aggregate",
        scope: ALL,
        extras: false,
        exposed: 'off__hidden',
        expected: { kind: 'unknown' },
      },
    ];
  for (const c of cases) {
    it(`resolves ${c.name}`, () => {
      const base = defaultViewPolicy.build(sources, c.scope);
      expect(resolveTool(c.extras ? withExtras(base) : base, c.scope, c.exposed, blocked)).toEqual(
        c.expected,
      );
    });
  }
});

describe('serverBlocked', () => {
  it('says why a server cannot be called, and nothing for an enabled one', () => {
    expect(serverBlocked(sources.servers, 'fs')).toBeUndefined();
    expect(serverBlocked(sources.servers, 'off')?.message).toBe(
      'off is disabled: enable it in Switchboard to use it',
    );
    expect(serverBlocked(sources.servers, 'gone')?.message).toBe('no server has the prefix "gone"');
  });
});

describe('a decorated policy (the shape profiles take)', () => {
  // Token t1 may only use gh; everyone else sees everything.
  const profiles: ViewPolicy = {
    keyOf: (scope) =>
      `${scope.caller.tokenId === 't1' ? 'only-gh' : 'default'}|${defaultViewPolicy.keyOf(scope)}`,
    build: (src, scope) =>
      defaultViewPolicy.build(
        scope.caller.tokenId === 't1'
          ? { ...src, catalogs: src.catalogs.filter((c) => c.prefix === 'gh') }
          : src,
        scope,
      ),
  };

  it('narrows what one token lists and can call, and keeps the keys apart', () => {
    const other: GatewayScope = { kind: 'all', caller: { clientName: 'other', tokenId: 't2' } };
    expect(profiles.keyOf(ALL)).not.toBe(profiles.keyOf(other));
    const view = profiles.build(sources, ALL);
    expect(view.tools.map((t) => t.name)).toEqual(['gh__search']);
    expect(resolveTool(view, ALL, 'fs__read', () => undefined)).toEqual({ kind: 'unknown' });
    expect(profiles.build(sources, other).tools.map((t) => t.name)).toEqual(['fs__read', 'gh__search']);
  });
});
