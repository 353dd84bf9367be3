import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UpstreamCaller } from '../../../main/upstream/upstream-types.ts';
import type { HttpFixture } from '../../fixtures/servers/fixtures.ts';
import { FIXTURES, startHttpFixture } from '../../fixtures/servers/fixtures.ts';
import type { Restartable } from '../upstream-restarts/restartable.ts';
import { serverEverything } from '../upstream-restarts/restartable.ts';
import type { Harness } from './pool-harness.ts';
import { createHarness, firstText } from './pool-harness.ts';

/**
 * Issue 16, item 3: a server→client request (sampling, elicitation) must reach the downstream session whose call
 * caused it, or fail with an error saying why — never another client. Several fake callers with distinct
 * session keys call the same upstream at the same moment, 100 trials each. Every caller checks that what it is
 * asked carries its own key, and answers with its own key; every call must come back with its own caller's
 * answer or with the explanatory refusal.
 *
 * Where the transport says which call a request belongs to (Streamable HTTP: the response stream of the call's
 * POST; modern era: the call's own input_required result) every request must be routed. On stdio nothing says
 * so: with several sessions in flight the pool must refuse.
 */

const TRIALS = 100;
// 100 trials of up to five concurrent calls: generous on a loaded 2-core machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });
const REFUSAL = /cannot tell which client/;

interface Outcome {
  routed: number;
  refused: number;
  /** Requests a caller received that were meant for another caller, or answers that came back to the wrong call. */
  crossed: string[];
}

type Kind = 'sampling' | 'elicitation';

interface Target {
  prefix: string;
  /** The tool call that makes the upstream ask `kind` of the client, carrying `key` where the tool lets us. */
  call(kind: Kind, key: string): { name: string; arguments: Record<string, unknown> };
  /** True when the text the caller is asked shows the key (server-everything's elicitation text is fixed). */
  echoesKey(kind: Kind): boolean;
}

function fakeCaller(key: string, outcome: Outcome, kind: Kind, target: Target): UpstreamCaller {
  return {
    sessionKey: `session-${key}`,
    capabilities: { sampling: true, elicitation: true, roots: false },
    async request(method, params) {
      const asked = JSON.stringify(params ?? {});
      if (target.echoesKey(kind) && !asked.includes(`key-${key}:`)) {
        outcome.crossed.push(`caller ${key} was asked ${method} for another call: ${asked.slice(0, 200)}`);
      }
      if (method === 'sampling/createMessage')
        return { model: 'fake', role: 'assistant', content: { type: 'text', text: `answer-of-${key}` } };
      return { action: 'accept', content: { name: `answer-of-${key}` } };
    },
  };
}

async function trial(h: Harness, target: Target, callers: number, kind: Kind, n: number, outcome: Outcome) {
  const keys = Array.from({ length: callers }, (_, i) => `${String.fromCharCode(97 + i)}${n}`);
  await Promise.all(
    keys.map(async (key) => {
      const caller = fakeCaller(key, outcome, kind, target);
      try {
        const result = await h.pool.request(
          target.prefix,
          { method: 'tools/call', params: target.call(kind, key) },
          { caller },
        );
        const text = JSON.stringify(result);
        const answers = [...text.matchAll(/answer-of-([a-z]\d+)/g)].map((m) => m[1]);
        if (answers.length > 0 && answers.every((a) => a === key)) outcome.routed++;
        else if (REFUSAL.test(text) || (result.isError === true && REFUSAL.test(firstText(result))))
          outcome.refused++;
        else outcome.crossed.push(`call of ${key} came back with ${text.slice(0, 300)}`);
      } catch (error) {
        if (REFUSAL.test(String(error))) outcome.refused++;
        else outcome.crossed.push(`call of ${key} failed unexpectedly: ${String(error).slice(0, 300)}`);
      }
    }),
  );
}

async function run(h: Harness, target: Target, callers: number, kind: Kind): Promise<Outcome> {
  const outcome: Outcome = { routed: 0, refused: 0, crossed: [] };
  for (let n = 0; n < TRIALS; n++) await trial(h, target, callers, kind, n, outcome);
  return outcome;
}

const echoFixture = (prefix: string): Target => ({
  prefix,
  call: (kind, key) =>
    kind === 'sampling'
      ? { name: 'sample', arguments: { prompt: `key-${key}: write a haiku` } }
      : { name: 'elicit', arguments: { message: `key-${key}: your name?` } },
  echoesKey: () => true,
});

const everything = (prefix: string): Target => ({
  prefix,
  call: (kind, key) =>
    kind === 'sampling'
      ? {
          name: 'trigger-sampling-request',
          arguments: { prompt: `key-${key}: write a haiku`, maxTokens: 20 },
        }
      : { name: 'trigger-elicitation-request', arguments: {} },
  echoesKey: (kind) => kind === 'sampling',
});

describe('server→client requests reach their own caller or fail saying why', () => {
  let h: Harness;
  let legacyHttp: HttpFixture;
  let modernHttp: HttpFixture;
  let everythingHttp: Restartable;

  beforeAll(async () => {
    legacyHttp = await startHttpFixture(FIXTURES.echo, '--http-legacy', 600_000);
    modernHttp = await startHttpFixture(FIXTURES.echo, '--http', 600_000);
    everythingHttp = await serverEverything('streamableHttp');
    await everythingHttp.start();
    h = createHarness({ requestTimeoutMs: 30_000 });
    h.addStdio('stdio', FIXTURES.echo, [], { keepRunning: true });
    h.addRemote('legacy', legacyHttp.url);
    h.addRemote('modern', modernHttp.url);
    h.addRemote('everything', everythingHttp.url);
    await h.pool.sync();
    await Promise.all(['stdio', 'legacy', 'modern', 'everything'].map((p) => h.pool.start(p)));
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([legacyHttp?.close(), modernHttp?.close(), everythingHttp?.close()]);
  });

  const cases: { name: string; target: () => Target; associated: boolean }[] = [
    { name: 'stdio', target: () => echoFixture('stdio'), associated: false },
    { name: 'Streamable HTTP, legacy era', target: () => echoFixture('legacy'), associated: true },
    { name: 'Streamable HTTP, modern era', target: () => echoFixture('modern'), associated: true },
    {
      name: 'server-everything over Streamable HTTP',
      target: () => everything('everything'),
      associated: true,
    },
  ];

  it('stdio: five concurrent calls of ONE session are all answered (by that session)', async () => {
    const asked: string[] = [];
    const caller: UpstreamCaller = {
      sessionKey: 'only-session',
      capabilities: { sampling: true, elicitation: true, roots: false },
      async request(method, params) {
        asked.push(method);
        const prompt = JSON.stringify(params ?? {});
        return {
          model: 'fake',
          role: 'assistant',
          content: { type: 'text', text: `echo ${/key-(\w+):/.exec(prompt)?.[1]}` },
        };
      },
    };
    for (let n = 0; n < 20; n++) {
      const results = await Promise.all(
        [0, 1, 2, 3, 4].map((i) =>
          h.pool.request(
            'stdio',
            { method: 'tools/call', params: { name: 'sample', arguments: { prompt: `key-c${n}x${i}: hi` } } },
            { caller },
          ),
        ),
      );
      // Same client: any of its calls may be the one asked; every call still gets an answer from that client.
      for (const result of results) expect(firstText(result)).toMatch(/^sampled: echo c\d+x\d$/);
    }
    expect(asked).toHaveLength(100);
  });

  for (const { name, target, associated } of cases) {
    for (const callers of [1, 2, 5]) {
      for (const kind of ['sampling', 'elicitation'] as const) {
        it(`${name}: ${callers} concurrent caller(s), ${kind}`, async () => {
          const outcome = await run(h, target(), callers, kind);
          expect(outcome.crossed).toEqual([]);
          expect(outcome.routed + outcome.refused).toBe(TRIALS * callers);
          // With one session, or where the transport names the call, nothing may be refused.
          if (callers === 1 || associated) expect(outcome.refused).toBe(0);
        });
      }
    }
  }
});
