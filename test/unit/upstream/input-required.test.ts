import { SdkError } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { runWithInputRounds } from '../../../main/upstream/input-required.ts';

const inputRequired = (inputRequests: Record<string, unknown> | undefined, requestState?: string) => ({
  resultType: 'input_required',
  inputRequests,
  requestState,
});

/** A scripted upstream: answers each leg with the next result, recording the params it got. */
function scripted(results: Record<string, unknown>[]) {
  const legs: (Record<string, unknown> | undefined)[] = [];
  return {
    legs,
    send: async (params: Record<string, unknown> | undefined) => {
      legs.push(params);
      const next = results.shift();
      if (!next) throw new Error('no more results');
      return next;
    },
  };
}

const base = {
  method: 'tools/call',
  params: { name: 'x', arguments: { a: 1 } },
  maxTotalTimeoutMs: 60_000,
  now: () => Date.now(),
};

describe('runWithInputRounds', () => {
  it('returns a complete result as is, asking nothing', async () => {
    const upstream = scripted([{ content: [{ type: 'text', text: 'done' }] }]);
    const asked: string[] = [];
    const result = await runWithInputRounds({
      ...base,
      send: upstream.send,
      ask: async (method) => {
        asked.push(method);
        return {};
      },
    });
    expect(result).toEqual({ content: [{ type: 'text', text: 'done' }] });
    expect(asked).toEqual([]);
  });

  it('answers every question of a round through the call’s own caller and retries with the answers and the state', async () => {
    const upstream = scripted([
      inputRequired(
        {
          s: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 5 } },
          q: { method: 'elicitation/create', params: { message: 'name?' } },
        },
        'opaque-1',
      ),
      { content: [{ type: 'text', text: 'final' }] },
    ]);
    const asked: string[] = [];
    const result = await runWithInputRounds({
      ...base,
      send: upstream.send,
      ask: async (method, params) => {
        asked.push(`${method} ${JSON.stringify(params)}`);
        return method === 'sampling/createMessage'
          ? { role: 'assistant', content: { type: 'text', text: 'hi' } }
          : { action: 'decline' };
      },
    });
    expect(result).toEqual({ content: [{ type: 'text', text: 'final' }] });
    expect(asked.sort()).toEqual([
      'elicitation/create {"message":"name?"}',
      'sampling/createMessage {"messages":[],"maxTokens":5}',
    ]);
    expect(upstream.legs[1]).toEqual({
      name: 'x',
      arguments: { a: 1 },
      inputResponses: {
        s: { role: 'assistant', content: { type: 'text', text: 'hi' } },
        q: { action: 'decline' },
      },
      requestState: 'opaque-1',
    });
  });

  it('echoes a state-only round after a pause, without asking', async () => {
    const upstream = scripted([inputRequired(undefined, 'busy'), { content: [] }]);
    const result = await runWithInputRounds({ ...base, send: upstream.send, ask: async () => ({}) });
    expect(result).toEqual({ content: [] });
    expect(upstream.legs[1]).toEqual({ name: 'x', arguments: { a: 1 }, requestState: 'busy' });
  });

  it('gives up after the round cap', async () => {
    const upstream = scripted(
      Array.from({ length: 5 }, () => inputRequired({ r: { method: 'roots/list' } })),
    );
    const error = await runWithInputRounds({
      ...base,
      maxRounds: 3,
      send: upstream.send,
      ask: async () => ({ roots: [] }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkError);
    expect(String(error)).toMatch(/still required input after 3 rounds/);
  });

  it('refuses an input request of an unknown kind', async () => {
    const upstream = scripted([inputRequired({ z: { method: 'tools/call' } })]);
    const error = await runWithInputRounds({ ...base, send: upstream.send, ask: async () => ({}) }).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/unknown method tools\/call/);
  });

  it('a failing answer withdraws its siblings and fails the call', async () => {
    const upstream = scripted([
      inputRequired({
        a: { method: 'elicitation/create', params: {} },
        b: { method: 'sampling/createMessage', params: {} },
      }),
    ]);
    let siblingAborted = false;
    const error = await runWithInputRounds({
      ...base,
      send: upstream.send,
      ask: (method, _params, signal) => {
        if (method === 'elicitation/create') return Promise.reject(new Error('user closed the dialog'));
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            siblingAborted = true;
            reject(new Error('withdrawn'));
          }),
        );
      },
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/user closed the dialog/);
    expect(siblingAborted).toBe(true);
  });

  it('bounds the whole flow by the total time', async () => {
    let t = 0;
    const upstream = scripted([inputRequired({ r: { method: 'roots/list' } }), { content: [] }]);
    const error = await runWithInputRounds({
      ...base,
      maxTotalTimeoutMs: 1000,
      now: () => t,
      send: upstream.send,
      ask: async () => {
        t += 5000;
        return { roots: [] };
      },
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/Maximum total timeout exceeded/);
  });
});
