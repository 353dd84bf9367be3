import { describe, expect, it } from 'vitest';
import type { Profile, ProfileSnapshot, ToolRule } from '../../../main/profiles/profile-model.ts';
import {
  clientKeyOf,
  decideListing,
  narrowCatalogs,
  profileOfClient,
  profileSignature,
  toolIncluded,
  touchesServer,
} from '../../../main/profiles/profile-model.ts';
import { catalog } from '../gateway/core/core-fixtures.ts';

function profile(over: Partial<Profile> = {}): Profile {
  return {
    id: 2,
    name: 'work',
    description: '',
    isDefault: false,
    others: 'out',
    servers: new Map(),
    tools: new Map(),
    toolMode: 'full',
    budget: { tools: 40, tokens: 15_000 },
    ...over,
  };
}

describe('profile selection', () => {
  const catalogs = [
    catalog('a', 1, ['x', 'y'], { prompts: [{ name: 'p' }] }),
    catalog('b', 2, ['z', 'w'], { prompts: [{ name: 'q' }] }),
    catalog('c', 3, ['v']),
  ];

  it('keeps whole servers in, minus tools ruled out; of a server with single tools in, those tools and its prompts', () => {
    const p = profile({
      servers: new Map([[1, true]]),
      tools: new Map<number, Map<string, ToolRule>>([
        [1, new Map([['y', 'out']])],
        [2, new Map([['w', 'listed']])],
      ]),
    });
    const narrowed = narrowCatalogs(p, catalogs);
    expect(narrowed.map((c) => [c.prefix, c.tools.map((t) => t.name), c.prompts.length])).toEqual([
      ['a', ['x'], 1],
      ['b', ['w'], 1],
    ]);
    expect(toolIncluded(p, 1, 'y')).toBe(false);
    expect(toolIncluded(p, 2, 'w')).toBe(true);
    expect(touchesServer(p, 2)).toBe(true);
    expect(touchesServer(p, 3)).toBe(false);
    // Only tools ruled out: the server is not part of the profile, prompts and all.
    const outOnly = profile({ tools: new Map([[3, new Map([['v', 'out' as const]])]]) });
    expect(touchesServer(outOnly, 3)).toBe(false);
    expect(narrowCatalogs(outOnly, catalogs)).toEqual([]);
  });

  it('lets servers without a rule follow `others` (the default holds everything)', () => {
    const everything = profile({ others: 'in', servers: new Map([[3, false]]) });
    expect(narrowCatalogs(everything, catalogs).map((c) => c.prefix)).toEqual(['a', 'b']);
    const all = narrowCatalogs(profile({ others: 'in' }), catalogs);
    all.forEach((c, i) => expect(c).toBe(catalogs[i])); // untouched catalogs are passed on as they are
    expect(narrowCatalogs(profile(), catalogs)).toEqual([]);
  });
});

describe('listing decision', () => {
  it('follows the mode, and in auto searches past either budget', () => {
    expect(decideListing({ toolMode: 'full', budget: { tools: 1, tokens: 1 } }, 99, () => 99).mode).toBe(
      'full',
    );
    expect(decideListing({ toolMode: 'search', budget: { tools: 99, tokens: 99 } }, 1, () => 1).mode).toBe(
      'search',
    );
    const auto = { toolMode: 'auto' as const, budget: { tools: 10, tokens: 1000 } };
    expect(decideListing(auto, 11, () => 0)).toEqual({
      mode: 'search',
      reason: '11 tools exceed the budget of 10 (auto mode)',
    });
    expect(decideListing(auto, 5, () => 1001).mode).toBe('search');
    expect(decideListing(auto, 10, () => 1000).mode).toBe('full');
    let asked = false;
    decideListing(auto, 11, () => ((asked = true), 0));
    expect(asked).toBe(false);
  });
});

describe('clients and profiles', () => {
  const fallback = profile({ id: 1, name: 'default', isDefault: true, others: 'in' });
  const work = profile();
  const snapshot: ProfileSnapshot = {
    profiles: new Map([
      [1, fallback],
      [2, work],
    ]),
    defaultId: 1,
    bindings: new Map([
      ['cursor', 2],
      ['ghost', 99],
    ]),
  };

  it('binds token callers by name and the bridge as "bridge"; anyone else uses the default', () => {
    expect(clientKeyOf({ tokenId: '4', clientName: 'Cursor' })).toBe('cursor');
    expect(clientKeyOf({ clientName: 'bridge' })).toBe('bridge');
    expect(clientKeyOf({ clientName: 'switchboard-ui' })).toBeUndefined();
    expect(profileOfClient(snapshot, 'Cursor')).toBe(work);
    expect(profileOfClient(snapshot, 'ghost')).toBe(fallback);
    expect(profileOfClient(snapshot, undefined)).toBe(fallback);
  });

  it('signs what decides a view, whatever the order of the rules', () => {
    const one = profile({
      servers: new Map([
        [1, true],
        [2, false],
      ]),
    });
    const two = profile({
      servers: new Map([
        [2, false],
        [1, true],
      ]),
    });
    expect(profileSignature(one)).toBe(profileSignature(two));
    expect(profileSignature(one)).not.toBe(profileSignature(profile({ toolMode: 'search' })));
  });
});
