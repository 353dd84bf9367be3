import { ProtocolError } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../../main/lib/errors.ts';
import { silentLogger } from '../../../../main/lib/logger.ts';
import type { CallRecord } from '../../../../main/gateway/core/call-log-writer.ts';
import type { RoundOutcome } from '../../../../main/gateway/core/input-bridge.ts';
import type { ToolCallHook, ToolResult } from '../../../../main/gateway/core/tool-call-hooks.ts';
import type { CallVerdict, SettleInput } from '../../../../main/gateway/core/tool-call-path.ts';
import {
  callLogRow,
  createProgressRelay,
  createToolCallPath,
  directly,
  settleRound,
  upstreamCallParams,
} from '../../../../main/gateway/core/tool-call-path.ts';
import { readSources } from '../../../../main/gateway/core/view-cache.ts';
import { server } from './core-fixtures.ts';

const target = { prefix: 'fs', name: 'read' };
const facts = { caller: { clientName: 'c' }, prefix: 'fs', serverId: 1, tool: 'read' };
const input = (over: Partial<SettleInput> = {}): SettleInput => ({
  target,
  facts,
  hooks: [],
  rewriteUris: false,
  cancelled: false,
  findings: [],
  ...over,
});
const text = (t: string, extra: Record<string, unknown> = {}): ToolResult => ({
  content: [{ type: 'text', text: t }],
  ...extra,
});
const link = { content: [{ type: 'resource_link', uri: 'file:///a', name: 'a' }] };
const marker: ToolCallHook = {
  name: 'marker',
  afterCall: (_f, r) =>
    JSON.stringify(r).includes('sk-live')
      ? { action: 'replace', value: text('[secret]'), findings: [{ kind: 'api-key', count: 1 }] }
      : { action: 'pass' },
};
const blocker: ToolCallHook = {
  name: 'blocker',
  afterCall: () => ({
    action: 'block',
    message: 'The result held a secret.',
    errorCode: 'LEAK_BLOCKED',
    findings: [],
  }),
};

describe('settleRound', () => {
  const cases: {
    name: string;
    round: RoundOutcome<ToolResult>;
    over?: Partial<SettleInput>;
    expected: Partial<Extract<CallVerdict, { kind: 'final' }>> | { kind: 'input'; result: unknown };
  }[] = [
    {
      name: 'a result',
      round: { kind: 'done', value: text('hi') },
      expected: { result: text('hi'), outcome: 'ok', answered: true, failed: false },
    },
    {
      name: 'a tool error',
      round: { kind: 'done', value: text('bad', { isError: true }) },
      expected: { outcome: 'tool_error', answered: true, failed: false },
    },
    {
      name: 'a result in the aggregate scope',
      round: { kind: 'done', value: link },
      over: { rewriteUris: true },
      expected: {
        result: { content: [{ type: 'resource_link', uri: 'switchboard://fs/file:///a', name: 'a' }] },
        outcome: 'ok',
      },
    },
    {
      name: 'a timeout',
      round: {
        kind: 'failed',
        error: new SwitchboardError('UPSTREAM_TIMEOUT', 'fs did not answer within 1s'),
      },
      expected: { outcome: 'timeout', errorCode: 'UPSTREAM_TIMEOUT', answered: false, failed: true },
    },
    {
      name: 'a cancellation',
      round: { kind: 'failed', error: new Error('aborted') },
      over: { cancelled: true },
      expected: {
        result: { content: [{ type: 'text', text: 'The call to read on fs was cancelled.' }], isError: true },
        outcome: 'cancelled',
        errorCode: 'CANCELLED',
      },
    },
    {
      name: 'a JSON-RPC error of the upstream',
      round: { kind: 'failed', error: new ProtocolError(-32602, 'bad params') },
      expected: { outcome: 'error', errorCode: 'JSONRPC_-32602' },
    },
    {
      name: 'a disabled server',
      round: { kind: 'failed', error: new SwitchboardError('UPSTREAM_UNAVAILABLE', 'fs is disabled') },
      expected: { outcome: 'unavailable', errorCode: 'UPSTREAM_UNAVAILABLE' },
    },
    {
      name: 'a question for the client',
      round: { kind: 'input', requestState: 'st', inputRequests: { i1: { method: 'roots/list' } } },
      expected: {
        kind: 'input',
        result: {
          resultType: 'input_required',
          inputRequests: { i1: { method: 'roots/list' } },
          requestState: 'st',
        },
      },
    },
    {
      name: 'a result a hook redacted',
      round: { kind: 'done', value: text('token sk-live-1') },
      over: { hooks: [marker] },
      expected: { result: text('[secret]'), outcome: 'ok' },
    },
    {
      name: 'a result a hook blocked',
      round: { kind: 'done', value: text('x') },
      over: { hooks: [blocker] },
      expected: {
        result: { content: [{ type: 'text', text: 'The result held a secret.' }], isError: true },
        outcome: 'error',
        errorCode: 'LEAK_BLOCKED',
        answered: true,
        failed: false,
      },
    },
    {
      name: 'a result a hook failed on',
      round: { kind: 'done', value: text('x') },
      over: {
        hooks: [
          {
            name: 'broken',
            afterCall: () => {
              throw new Error('no');
            },
          },
        ],
      },
      expected: { outcome: 'error', errorCode: 'INTERNAL', failed: true },
    },
  ];
  for (const c of cases) {
    it(`settles ${c.name}`, () => {
      expect(settleRound(c.round, input(c.over))).toMatchObject({ kind: 'final', ...c.expected });
    });
  }

  it('collects what the hooks found', () => {
    const findings: SettleInput['findings'] = [];
    settleRound({ kind: 'done', value: text('sk-live') }, input({ hooks: [marker], findings }));
    expect(findings).toEqual([{ kind: 'api-key', count: 1 }]);
  });
});

describe('callLogRow and upstreamCallParams', () => {
  it('writes who, what, how long and how it ended — never arguments — and the findings', () => {
    const state = {
      caller: { clientName: 'cursor', tokenId: 'tok' },
      target,
      rewriteUris: false,
      started: 1000,
      progress: createProgressRelay(),
      findings: [{ kind: 'api-key', count: 2 }],
    };
    const verdict = settleRound({ kind: 'done', value: text('x') }, input());
    if (verdict.kind !== 'final') throw new Error('expected a final verdict');
    expect(callLogRow(state, verdict, 1250, 7)).toEqual({
      at: 1000,
      clientName: 'cursor',
      tokenId: 'tok',
      server: 'fs',
      serverId: 7,
      tool: 'read',
      durationMs: 250,
      outcome: 'ok',
      findings: [{ kind: 'api-key', count: 2 }],
    });
    expect(callLogRow({ ...state, findings: [] }, verdict, 1000, undefined).findings).toBeUndefined();
  });

  it('sends the name, the arguments and a non-empty _meta', () => {
    expect(JSON.parse(JSON.stringify(upstreamCallParams('read', { p: 1 }, {})))).toEqual({
      name: 'read',
      arguments: { p: 1 },
    });
    expect(upstreamCallParams('read', undefined, { trace: 'x' })).toEqual({
      name: 'read',
      arguments: undefined,
      _meta: { trace: 'x' },
    });
  });
});

describe('createProgressRelay', () => {
  it('delivers in order to the current target and drains', async () => {
    const got: string[] = [];
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    const relay = createProgressRelay(async (p) => {
      if (p.progress === 1) await slow;
      got.push(`a${p.progress}`);
    });
    relay.push({ progress: 1 });
    relay.retarget((p) => void got.push(`b${p.progress}`));
    relay.push({ progress: 2 });
    relay.retarget(undefined);
    relay.push({ progress: 3 });
    let drained = false;
    const done = relay.drained().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    release();
    await done;
    expect(got).toEqual(['a1', 'b2']);
  });

  it('survives a target that fails', async () => {
    const relay = createProgressRelay(() => Promise.reject(new Error('closed')));
    relay.push({ progress: 1 });
    await expect(relay.drained()).resolves.toBeUndefined();
  });
});

describe('createToolCallPath', () => {
  const setup = (hooks: ToolCallHook[] = []) => {
    const requests: { prefix: string; params: unknown; timeoutMs?: number }[] = [];
    const rows: CallRecord[] = [];
    let now = 100;
    const sources = readSources([server('fs', 1), server('off', 2, false)], []);
    const path = createToolCallPath({
      pool: {
        request: async (prefix, request, options) => {
          requests.push({ prefix, params: request.params, timeoutMs: options?.timeoutMs });
          options?.onprogress?.({ progress: 1, total: 2 });
          now += 5;
          return text(`answer from ${prefix}`);
        },
      },
      clock: { now: () => now },
      log: silentLogger,
      callLog: { record: (row) => void rows.push(row), flush: () => {} },
      hooks,
      servers: () => sources.servers,
      toolTimeoutMs: 1234,
    });
    return { path, requests, rows };
  };
  const caller = { clientName: 'switchboard-ui' };

  it('calls the upstream once, relays progress before the result, and logs one row', async () => {
    const { path, requests, rows } = setup();
    const progress: number[] = [];
    const state = path.begin(caller, target, false, (p) => void progress.push(p.progress));
    const result = await path.run(
      state,
      { kind: 'start', arguments: { p: 1 }, execute: directly(undefined, undefined) },
      undefined,
    );
    expect(result).toEqual(text('answer from fs'));
    expect(progress).toEqual([1]);
    expect(requests).toEqual([
      { prefix: 'fs', params: { name: 'read', arguments: { p: 1 }, _meta: undefined }, timeoutMs: 1234 },
    ]);
    expect(rows).toMatchObject([
      { server: 'fs', serverId: 1, tool: 'read', outcome: 'ok', durationMs: 5, clientName: 'switchboard-ui' },
    ]);
  });

  it('refuses a disabled or unknown server without calling it, and logs why', async () => {
    const { path, requests, rows } = setup();
    const off = await path.run(
      path.begin(caller, { prefix: 'off', name: 'x' }, false),
      { kind: 'start', arguments: {}, execute: directly(undefined, undefined) },
      undefined,
    );
    expect(off).toEqual({
      content: [
        {
          type: 'text',
          text: "off is disabled: enable it in Switchboard to use it. Check off's status and logs in Switchboard.",
        },
      ],
      isError: true,
    });
    await path.run(
      path.begin(caller, { prefix: 'gone', name: 'x' }, false),
      { kind: 'start', arguments: {}, execute: directly(undefined, undefined) },
      undefined,
    );
    expect(requests).toEqual([]);
    expect(rows.map((r) => [r.server, r.serverId, r.outcome, r.errorCode])).toEqual([
      ['off', 2, 'unavailable', 'UPSTREAM_UNAVAILABLE'],
      ['gone', undefined, 'error', 'NOT_FOUND'],
    ]);
  });

  it('lets an argument hook rewrite or block the call, recording its findings', async () => {
    const guard: ToolCallHook = {
      name: 'exfiltration',
      beforeCall: (_f, args) =>
        args?.q === 'leak'
          ? {
              action: 'block',
              message: 'The arguments held another server’s secret.',
              errorCode: 'EXFIL_BLOCKED',
              findings: [{ kind: 'vault-secret', count: 1 }],
            }
          : { action: 'replace', value: { q: '[redacted]' }, findings: [{ kind: 'jwt', count: 1 }] },
    };
    const { path, requests, rows } = setup([guard]);
    const run = (q: string) =>
      path.run(
        path.begin(caller, target, false),
        { kind: 'start', arguments: { q }, execute: directly(undefined, undefined) },
        undefined,
      );
    expect(await run('leak')).toMatchObject({ isError: true });
    expect(await run('eyJ...')).toEqual(text('answer from fs'));
    expect(requests.map((r) => r.params)).toEqual([
      { name: 'read', arguments: { q: '[redacted]' }, _meta: undefined },
    ]);
    expect(rows.map((r) => [r.outcome, r.errorCode, r.findings])).toEqual([
      ['error', 'EXFIL_BLOCKED', [{ kind: 'vault-secret', count: 1 }]],
      ['ok', undefined, [{ kind: 'jwt', count: 1 }]],
    ]);
  });

  it('logs a multi-round call once, at its last round, with the findings of every round', async () => {
    const { path, rows } = setup([marker]);
    const state = path.begin(caller, target, false);
    const asked = await path.run(
      state,
      {
        kind: 'start',
        arguments: {},
        execute: async () => ({
          kind: 'input',
          requestState: 's',
          inputRequests: { i1: { method: 'roots/list' } },
        }),
      },
      undefined,
    );
    expect(asked).toMatchObject({ resultType: 'input_required', requestState: 's' });
    expect(rows).toEqual([]);
    const final = await path.run(
      state,
      { kind: 'continue', execute: async () => ({ kind: 'done', value: text('sk-live') }) },
      undefined,
    );
    expect(final).toEqual(text('[secret]'));
    expect(rows).toMatchObject([{ outcome: 'ok', findings: [{ kind: 'api-key', count: 1 }] }]);
  });

  it('classifies a cancelled call by its signal', async () => {
    const { path, rows } = setup();
    const abort = new AbortController();
    abort.abort('stop');
    const result = await path.run(
      path.begin(caller, target, false),
      { kind: 'continue', execute: async () => ({ kind: 'failed', error: new Error('aborted') }) },
      abort.signal,
    );
    expect(result).toMatchObject({
      isError: true,
      content: [{ text: 'The call to read on fs was cancelled.' }],
    });
    expect(rows.map((r) => r.outcome)).toEqual(['cancelled']);
  });
});
