import type { CallToolResult } from '@modelcontextprotocol/client';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, InMemoryTransport } from '@modelcontextprotocol/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeners } from '../../../main/lib/listeners.ts';
import { systemClock } from '../../../main/lib/clock.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import type { GatewayCore, GatewayScope } from '../../../main/gateway/gateway-core.ts';
import type { CallRecord } from '../../../main/gateway/core/call-log-writer.ts';
import { catalogSourceOf } from '../../../main/gateway/core/catalog-source.ts';
import type { GatewayCoreDeps } from '../../../main/gateway/core/create-gateway-core.ts';
import { createGatewayCore } from '../../../main/gateway/core/create-gateway-core.ts';
import type { ToolCallHook } from '../../../main/gateway/core/tool-call-hooks.ts';
import type { ViewChange, ViewPolicy } from '../../../main/gateway/core/tool-view.ts';
import { defaultViewPolicy } from '../../../main/gateway/core/tool-view.ts';
import { SwitchboardError } from '../../../main/lib/errors.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import type { Harness } from '../upstream/pool-harness.ts';
import { createHarness } from '../upstream/pool-harness.ts';

/**
 * The core's extension points against real upstreams (the echo and slow fixtures over stdio): Switchboard's own
 * calls through the client call path, call hooks (the leak guard's seam), and a view policy shaped like profiles
 * plus a search mode's meta-tool. The policies and hooks here are test doubles; the seams are the real ones.
 */

let h: Harness;
beforeAll(async () => {
  h = createHarness();
  h.addStdio('echo', FIXTURES.echo);
  h.addStdio('slow', FIXTURES.slow);
  await h.syncAndList();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const cores: GatewayCore[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  await Promise.all(cores.splice(0).map((c) => c.close()));
});

function makeCore(over: Partial<GatewayCoreDeps> = {}): { core: GatewayCore; rows: CallRecord[] } {
  const rows: CallRecord[] = [];
  const core = createGatewayCore({
    pool: h.pool,
    catalog: catalogSourceOf(h.catalog, h.pool),
    servers: h.servers,
    log: silentLogger,
    clock: systemClock,
    callLog: { record: (row) => void rows.push(row), flush: () => {} },
    listChangedDebounceMs: 20,
    ...over,
  });
  cores.push(core);
  return { core, rows };
}

async function connect(core: GatewayCore, scope: GatewayScope): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await core.createServer(scope, 'legacy').connect(serverSide);
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: { sampling: {} } });
  client.setRequestHandler('sampling/createMessage', async () => ({
    model: 'm',
    role: 'assistant',
    content: { type: 'text', text: 'SAMPLED' },
  }));
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

const call = (client: Client, name: string, args: Record<string, unknown> = {}) =>
  client.request({ method: 'tools/call', params: { name, arguments: args } }) as Promise<CallToolResult>;
const textOf = (result: Record<string, unknown>) =>
  (result.content as { text?: string }[] | undefined)?.[0]?.text ?? '';
const ui = { clientName: 'switchboard-ui' };
const scopeFor = (tokenId: string): GatewayScope => ({
  kind: 'all',
  caller: { clientName: tokenId, tokenId },
});

describe('callTool: Switchboard’s own calls take the client call path', () => {
  it('calls, relays progress, logs one row with the server id, and classifies failures', async () => {
    const { core, rows } = makeCore();
    expect(
      await core.callTool({ caller: ui, prefix: 'echo', tool: 'echo', arguments: { text: 'hi' } }),
    ).toEqual({
      content: [{ type: 'text', text: 'hi' }],
    });
    const progress: number[] = [];
    const slept = await core.callTool({
      caller: ui,
      prefix: 'slow',
      tool: 'sleep',
      arguments: { ms: 200, steps: 2 },
      onprogress: (p) => progress.push(p.progress),
    });
    expect(textOf(slept)).toBe('slept 200ms');
    expect(progress).toEqual([1, 2]);
    // No downstream session: the upstream's question is refused, and the call says so.
    const sampled = await core.callTool({
      caller: ui,
      prefix: 'echo',
      tool: 'sample',
      arguments: { prompt: 'x' },
    });
    expect(sampled.isError).toBe(true);
    const missing = await core.callTool({ caller: ui, prefix: 'nope', tool: 'x', arguments: {} });
    expect(textOf(missing)).toBe('no server has the prefix "nope"');
    const echoId = h.servers.find('echo')?.id;
    expect(rows.map((r) => [r.clientName, r.server, r.serverId, r.tool, r.outcome])).toEqual([
      ['switchboard-ui', 'echo', echoId, 'echo', 'ok'],
      ['switchboard-ui', 'slow', h.servers.find('slow')?.id, 'sleep', 'ok'],
      ['switchboard-ui', 'echo', echoId, 'sample', 'tool_error'],
      ['switchboard-ui', 'nope', undefined, 'x', 'error'],
    ]);
  });
});

describe('hooks: the leak guard’s seam', () => {
  const guard: ToolCallHook = {
    name: 'test-guard',
    beforeCall: (_facts, args) =>
      String(args?.text).includes('other-server-secret')
        ? {
            action: 'block',
            message: 'Switchboard stopped this call: its arguments held a secret of another server.',
            errorCode: 'EXFIL_BLOCKED',
            findings: [{ kind: 'vault-secret', count: 1 }],
          }
        : { action: 'pass' },
    afterCall: (facts, result) => {
      const text = JSON.stringify(result);
      if (facts.prefix !== 'echo' || !text.includes('AKIA')) return { action: 'pass' };
      return {
        action: 'replace',
        value: JSON.parse(text.replaceAll(/AKIA[A-Z0-9]{16}/g, '[aws-access-key]')) as Record<
          string,
          unknown
        >,
        findings: [{ kind: 'aws-access-key', count: 1 }],
      };
    },
  };

  it('redacts results and blocks arguments for clients and for Switchboard alike', async () => {
    const { core, rows } = makeCore({ hooks: [guard] });
    const client = await connect(core, scopeFor('t1'));
    expect(textOf(await call(client, 'echo__echo', { text: 'key AKIAABCDEFGHIJKLMNOP here' }))).toBe(
      'key [aws-access-key] here',
    );
    const blocked = await call(client, 'echo__echo', { text: 'other-server-secret' });
    expect(blocked).toEqual({
      content: [
        {
          type: 'text',
          text: 'Switchboard stopped this call: its arguments held a secret of another server.',
        },
      ],
      isError: true,
    });
    const own = await core.callTool({
      caller: ui,
      prefix: 'echo',
      tool: 'echo',
      arguments: { text: 'AKIAABCDEFGHIJKLMNOP' },
    });
    expect(textOf(own)).toBe('[aws-access-key]');
    expect(rows.map((r) => [r.clientName, r.outcome, r.errorCode, r.findings])).toEqual([
      ['t1', 'ok', undefined, [{ kind: 'aws-access-key', count: 1 }]],
      ['t1', 'error', 'EXFIL_BLOCKED', [{ kind: 'vault-secret', count: 1 }]],
      ['switchboard-ui', 'ok', undefined, [{ kind: 'aws-access-key', count: 1 }]],
    ]);
    expect(JSON.stringify(rows)).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });
});

describe('view policy: what a scope lists is what it may call', () => {
  /**
   * A profile-shaped policy: tokens bound to "echo-only" see only echo's tools, plus a `find_and_call` meta-tool
   * answered by the hub (the shape of search mode's call tool). Rebinding a token emits a change for its scopes.
   */
  const profilePolicy = () => {
    const bound = new Map<string, 'echo-only' | 'default'>([['t1', 'echo-only']]);
    const changes = createListeners<{ change: (change: ViewChange) => void }>(silentLogger);
    const profileOf = (scope: GatewayScope) => bound.get(scope.caller.tokenId ?? '') ?? 'default';
    const policy: ViewPolicy = {
      keyOf: (scope) => `${profileOf(scope)}|${defaultViewPolicy.keyOf(scope)}`,
      build(sources, scope) {
        if (profileOf(scope) === 'default') return defaultViewPolicy.build(sources, scope);
        const inside = { ...sources, catalogs: sources.catalogs.filter((c) => c.prefix === 'echo') };
        const view = defaultViewPolicy.build(inside, scope);
        const everything = defaultViewPolicy.build(sources, scope);
        return {
          ...view,
          tools: [
            ...view.tools,
            { name: 'find_and_call', description: 'Calls a tool by name', inputSchema: { type: 'object' } },
          ],
          localTools: new Map([
            [
              'find_and_call',
              {
                call: async (args, ctx) => {
                  const target = view.toolRoutes.targetOf(String(args?.name));
                  if (!target) return { content: [{ type: 'text', text: 'no such tool' }], isError: true };
                  return ctx.callUpstream(target, args?.arguments as Record<string, unknown>);
                },
              },
            ],
          ]),
          refusal: (exposed) =>
            everything.toolRoutes.targetOf(exposed)
              ? {
                  prefix: '',
                  error: new SwitchboardError(
                    'NOT_FOUND',
                    `${exposed} is not in this client's profile "echo-only"`,
                  ),
                }
              : undefined,
        };
      },
      onChange: (listener) => changes.on('change', listener),
    };
    const rebind = (tokenId: string, profile: 'echo-only' | 'default') => {
      bound.set(tokenId, profile);
      changes.emit('change', {
        lists: { tools: true, prompts: false, resources: false },
        affects: (scope) => scope.caller.tokenId === tokenId,
      });
    };
    return { policy, rebind };
  };

  it('lists, refuses and calls through the view, and rebinding notifies only that token', async () => {
    const { policy, rebind } = profilePolicy();
    const { core, rows } = makeCore({ viewPolicy: policy });
    const narrow = await connect(core, scopeFor('t1'));
    const wide = await connect(core, scopeFor('t2'));
    const names = async (c: Client) => (await c.listTools()).tools.map((t) => t.name);
    expect((await names(narrow)).every((n) => n.startsWith('echo__') || n === 'find_and_call')).toBe(true);
    expect(await names(narrow)).toContain('find_and_call');
    expect(await names(wide)).toContain('slow__sleep');
    expect(await names(wide)).not.toContain('find_and_call');

    // Not listed → not callable, with the view's reason.
    const refused = await call(narrow, 'slow__pid');
    expect(refused).toEqual({
      content: [{ type: 'text', text: `slow__pid is not in this client's profile "echo-only"` }],
      isError: true,
    });
    // The hub's own tool reaches the upstream through the call path, logged under the real tool's name.
    const viaMeta = await call(narrow, 'find_and_call', {
      name: 'echo__echo',
      arguments: { text: 'via meta' },
    });
    expect(textOf(viaMeta)).toBe('via meta');
    expect(rows.map((r) => [r.clientName, r.server, r.tool, r.outcome])).toEqual([
      ['t1', 'echo', 'echo', 'ok'],
    ]);

    // The serialized tools/list follows the view, per profile.
    const bytesOf = (tokenId: string) =>
      JSON.parse(
        Buffer.from(core.legacyToolsListResult?.(scopeFor(tokenId)) as Uint8Array).toString('utf8'),
      ) as {
        tools: { name: string }[];
      };
    expect(bytesOf('t1').tools.map((t) => t.name)).toEqual(await names(narrow));
    expect(bytesOf('t2').tools.map((t) => t.name)).toEqual(await names(wide));

    let wideHeard = false;
    wide.setNotificationHandler('notifications/tools/list_changed', () => {
      wideHeard = true;
    });
    const narrowHeard = new Promise<void>((resolve) =>
      narrow.setNotificationHandler('notifications/tools/list_changed', () => resolve()),
    );
    const modernHeard = new Promise<unknown>((resolve) => core.onListChanged(resolve));
    rebind('t1', 'default');
    await narrowHeard;
    expect(await modernHeard).toEqual({ tools: true, prompts: false, resources: false });
    expect(await names(narrow)).toContain('slow__sleep');
    expect(bytesOf('t1').tools.map((t) => t.name)).toContain('slow__sleep');
    expect(textOf(await call(narrow, 'slow__pid'))).toMatch(/^\d+$/);
    expect(wideHeard).toBe(false);
  });

  it('carries a hub tool’s upstream call across modern input_required rounds', async () => {
    const { policy } = profilePolicy();
    const { core, rows } = makeCore({ viewPolicy: policy });
    const handler = createMcpHandler(() => core.createServer(scopeFor('t1'), 'modern'), { legacy: 'reject' });
    const client = new Client(
      { name: 'modern-client', version: '1' },
      { versionNegotiation: { mode: 'auto' }, capabilities: { sampling: {} } },
    );
    client.setRequestHandler('sampling/createMessage', async () => ({
      model: 'm',
      role: 'assistant',
      content: { type: 'text', text: 'MODERN' },
    }));
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: (u, init) => handler.fetch(new Request(u, init)),
      }),
    );
    clients.push(client);
    const result = await call(client, 'find_and_call', { name: 'echo__sample', arguments: { prompt: 'x' } });
    expect(textOf(result)).toBe('sampled: MODERN');
    expect(rows.map((r) => [r.tool, r.outcome])).toEqual([['sample', 'ok']]);
    await handler.close();
  });
});
