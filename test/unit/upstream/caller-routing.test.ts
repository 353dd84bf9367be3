import { describe, expect, it } from 'vitest';
import type { InFlightCall, Route } from '../../../main/upstream/caller-routing.ts';
import { capabilityFor, routeServerRequest } from '../../../main/upstream/caller-routing.ts';
import type { ServerRequestMethod, UpstreamCaller } from '../../../main/upstream/upstream-types.ts';

const caller = (sessionKey: string, caps: Partial<UpstreamCaller['capabilities']> = {}): UpstreamCaller => ({
  sessionKey,
  capabilities: { sampling: true, elicitation: true, roots: true, ...caps },
  request: async () => ({}),
});

let ids = 0;
const call = (who: UpstreamCaller | undefined, method = 'tools/call'): InFlightCall => ({
  id: ++ids,
  method,
  caller: who,
});

const route = (
  method: ServerRequestMethod,
  inFlight: InFlightCall[],
  associatedCallId?: number,
): Route<InFlightCall> =>
  routeServerRequest({ prefix: 'gh', method, inFlight, associatedCallId, wire: 'stdio' });

/** `caller:<session>`, `empty-roots`, or `refuse:<reason>`. */
const outcome = (r: Route<InFlightCall>) =>
  r.kind === 'caller' ? `caller:${r.caller.sessionKey}` : r.kind === 'refuse' ? `refuse:${r.reason}` : r.kind;

describe('routeServerRequest', () => {
  const a = caller('A');
  const a2 = caller('A');
  const b = caller('B');
  const noSampling = caller('C', { sampling: false, roots: false });

  it.each<[string, ServerRequestMethod, InFlightCall[], string]>([
    ['the only call, its client can answer', 'sampling/createMessage', [call(a)], 'caller:A'],
    ['two calls of one session', 'elicitation/create', [call(a), call(a2)], 'caller:A'],
    [
      'two sessions: refused, never guessed',
      'sampling/createMessage',
      [call(a), call(b)],
      'refuse:ambiguous',
    ],
    ['two sessions, roots too', 'roots/list', [call(a), call(b)], 'refuse:ambiguous'],
    [
      'five sessions',
      'elicitation/create',
      ['1', '2', '3', '4', '5'].map((k) => call(caller(k))),
      'refuse:ambiguous',
    ],
    [
      "a call of Switchboard's own next to a client's",
      'sampling/createMessage',
      [call(a), call(undefined)],
      'refuse:ambiguous',
    ],
    [
      'a health check listing tools does not count',
      'sampling/createMessage',
      [call(a), call(undefined, 'tools/list'), call(b, 'ping')],
      'caller:A',
    ],
    ['nothing in flight: refused', 'sampling/createMessage', [], 'refuse:orphan'],
    ['only listings in flight: refused', 'elicitation/create', [call(a, 'tools/list')], 'refuse:orphan'],
    ['nothing in flight, roots: empty list', 'roots/list', [], 'empty-roots'],
    ['the client cannot sample', 'sampling/createMessage', [call(noSampling)], 'refuse:unsupported'],
    ['the client cannot list roots: empty list', 'roots/list', [call(noSampling)], 'empty-roots'],
    ["only Switchboard's own call", 'elicitation/create', [call(undefined)], 'refuse:unsupported'],
  ])('%s', (_name, method, inFlight, expected) => {
    expect(outcome(route(method, inFlight))).toBe(expected);
  });

  it('prefers, within one session, a call whose client declared the capability', () => {
    const plain = caller('A', { sampling: false });
    const able = caller('A');
    const r = route('sampling/createMessage', [call(able), call(plain)]);
    expect(r.kind === 'caller' && r.caller).toBe(able);
  });

  describe('when the transport names the call', () => {
    it.each<[string, () => [InFlightCall[], number], string]>([
      [
        'goes to that call whatever else runs',
        () => {
          const mine = call(b);
          return [[call(a), mine, call(caller('C'))], mine.id];
        },
        'caller:B',
      ],
      ['fails when that call already finished', () => [[call(a)], 99_999], 'refuse:orphan'],
      [
        'fails when that call cannot answer',
        () => {
          const mine = call(noSampling);
          return [[call(a), mine], mine.id];
        },
        'refuse:unsupported',
      ],
      [
        "fails when it is Switchboard's own call",
        () => {
          const mine = call(undefined);
          return [[call(a), mine], mine.id];
        },
        'refuse:unsupported',
      ],
    ])('%s', (_name, setup, expected) => {
      const [inFlight, id] = setup();
      expect(outcome(route('sampling/createMessage', inFlight, id))).toBe(expected);
    });
  });

  it('explains an ambiguous request: what, why, and what to do', () => {
    const r = route('sampling/createMessage', [call(a), call(b)]);
    expect(r.kind === 'refuse' && r.message).toMatch(
      /cannot tell which client gh's sampling\/createMessage is meant for: calls from 2 client sessions .* \(stdio\) .* retry when one client uses it at a time/,
    );
  });

  it('maps methods to capabilities', () => {
    expect(capabilityFor('sampling/createMessage')).toBe('sampling');
    expect(capabilityFor('elicitation/create')).toBe('elicitation');
    expect(capabilityFor('roots/list')).toBe('roots');
  });
});
