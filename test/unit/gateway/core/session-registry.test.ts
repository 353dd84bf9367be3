import { describe, expect, it } from 'vitest';
import type { GatewayScope } from '../../../../main/gateway/gateway-core.ts';
import type { PendingChanges } from '../../../../main/gateway/core/list-change-debouncer.ts';
import { noChanges } from '../../../../main/gateway/core/list-change-debouncer.ts';
import type { Session } from '../../../../main/gateway/core/session-registry.ts';
import { createSessionRegistry, planListChanged } from '../../../../main/gateway/core/session-registry.ts';

const scope = (prefix?: string, tokenId?: string): GatewayScope =>
  prefix === undefined
    ? { kind: 'all', caller: { clientName: 'c', tokenId } }
    : { kind: 'server', prefix, caller: { clientName: 'c', tokenId } };

const batch = (over: Partial<PendingChanges>): PendingChanges => ({ ...noChanges(), tools: true, ...over });

describe('planListChanged', () => {
  const sessions = [
    { name: 'all', scope: scope() },
    { name: 'fs', scope: scope('fs') },
    { name: 'gh', scope: scope('gh') },
    { name: 'all-t1', scope: scope(undefined, 't1') },
  ];
  const cases: { name: string; changes: PendingChanges; hear: string[] }[] = [
    {
      name: 'one server changed',
      changes: batch({ prefixes: new Set(['fs']) }),
      hear: ['all', 'fs', 'all-t1'],
    },
    {
      name: 'two servers changed',
      changes: batch({ prefixes: new Set(['fs', 'gh']) }),
      hear: ['all', 'fs', 'gh', 'all-t1'],
    },
    {
      name: 'a server nobody is scoped to',
      changes: batch({ prefixes: new Set(['mem']) }),
      hear: ['all', 'all-t1'],
    },
    {
      name: "one token's view changed",
      changes: batch({ audiences: [(s) => s.caller.tokenId === 't1'] }),
      hear: ['all-t1'],
    },
    {
      name: 'every view changed',
      changes: batch({ audiences: [() => true] }),
      hear: ['all', 'fs', 'gh', 'all-t1'],
    },
    {
      name: 'a server and one token',
      changes: batch({
        prefixes: new Set(['gh']),
        audiences: [(s) => s.kind === 'server' && s.prefix === 'fs'],
      }),
      hear: ['all', 'fs', 'gh', 'all-t1'],
    },
    { name: 'nothing', changes: noChanges(), hear: [] },
  ];
  for (const c of cases) {
    it(`notifies the right sessions when ${c.name}`, () => {
      expect(planListChanged(sessions, c.changes).map((n) => n.session.name)).toEqual(c.hear);
    });
  }

  it('tells each session which lists changed', () => {
    const changes = batch({ tools: false, prompts: true, resources: true, prefixes: new Set(['fs']) });
    expect(planListChanged([sessions[1] as (typeof sessions)[number]], changes)).toEqual([
      { session: sessions[1], tools: false, prompts: true, resources: true },
    ]);
  });
});

describe('createSessionRegistry', () => {
  const fakeSession = (s: GatewayScope, sent: string[], name: string): Session =>
    ({
      key: name,
      scope: s,
      era: 'legacy',
      server: {
        sendToolListChanged: async () => void sent.push(`${name}:tools`),
        sendPromptListChanged: async () => void sent.push(`${name}:prompts`),
        sendResourceListChanged: async () => {
          sent.push(`${name}:resources`);
          throw new Error('closed meanwhile');
        },
      },
    }) as unknown as Session;

  it('counts sessions, sends what the plan says, and forgets removed ones', async () => {
    const sent: string[] = [];
    const registry = createSessionRegistry();
    const removeA = registry.add(fakeSession(scope(), sent, 'a'));
    registry.add(fakeSession(scope('fs'), sent, 'b'));
    expect(registry.count()).toBe(2);
    registry.notifyListChanged(batch({ resources: true, prefixes: new Set(['gh']) }));
    await Promise.resolve();
    expect(sent).toEqual(['a:tools', 'a:resources']);
    removeA();
    expect(registry.count()).toBe(1);
    registry.clear();
    expect(registry.count()).toBe(0);
  });
});
