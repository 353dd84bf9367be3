import { describe, expect, it } from 'vitest';
import { capabilityFor, pickCaller } from '../../../main/upstream/caller-routing.ts';
import type { UpstreamCaller } from '../../../main/upstream/upstream-types.ts';

const caller = (sessionKey: string, caps: Partial<UpstreamCaller['capabilities']>): UpstreamCaller => ({
  sessionKey,
  capabilities: { sampling: false, elicitation: false, roots: false, ...caps },
  request: async () => ({}),
});

describe('pickCaller', () => {
  it('routes to the only call in flight when its client can answer', () => {
    const call = { caller: caller('a', { sampling: true }), startedAt: 1 };
    expect(pickCaller([call], 'sampling/createMessage')).toBe(call);
  });

  it('skips calls whose client lacks the capability', () => {
    const noSampling = { caller: caller('a', { roots: true }), startedAt: 5 };
    const sampling = { caller: caller('b', { sampling: true }), startedAt: 1 };
    expect(pickCaller([noSampling, sampling], 'sampling/createMessage')).toBe(sampling);
    expect(pickCaller([noSampling, sampling], 'roots/list')).toBe(noSampling);
  });

  it('prefers the most recently started call among several candidates', () => {
    const older = { caller: caller('a', { elicitation: true }), startedAt: 1 };
    const newer = { caller: caller('b', { elicitation: true }), startedAt: 2 };
    expect(pickCaller([newer, older], 'elicitation/create')).toBe(newer);
    expect(pickCaller([older, newer], 'elicitation/create')).toBe(newer);
  });

  it('returns undefined when nobody can answer (or nothing is in flight)', () => {
    expect(pickCaller([], 'roots/list')).toBeUndefined();
    expect(pickCaller([{ startedAt: 1 }], 'roots/list')).toBeUndefined();
    expect(pickCaller([{ caller: caller('a', {}), startedAt: 1 }], 'elicitation/create')).toBeUndefined();
  });

  it('maps methods to capabilities', () => {
    expect(capabilityFor('sampling/createMessage')).toBe('sampling');
    expect(capabilityFor('elicitation/create')).toBe('elicitation');
    expect(capabilityFor('roots/list')).toBe('roots');
  });
});
