import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayCore, GatewayScope } from '../../../main/gateway/gateway-core.ts';
import { catalogSourceOf } from '../../../main/gateway/core/catalog-source.ts';
import { createGatewayCore } from '../../../main/gateway/core/create-gateway-core.ts';
import type { ProfileViewPolicy } from '../../../main/gateway/core/profile-view-policy.ts';
import { withProfiles } from '../../../main/gateway/core/profile-view-policy.ts';
import { defaultViewPolicy } from '../../../main/gateway/core/tool-view.ts';
import { systemClock } from '../../../main/lib/clock.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import type { ProfileRepository } from '../../../main/registry/profile-repository.ts';
import { createProfileRepository } from '../../../main/registry/profile-repository.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import type { Harness } from '../upstream/pool-harness.ts';
import { createHarness } from '../upstream/pool-harness.ts';

/**
 * Issue 13, everything besides tools: the real gateway core with the real profile policy over a real registry
 * (SQLite) and two real echo fixtures (prompts, resources, a template, subscriptions, completion, instructions).
 * A server the client's profile leaves out contributes nothing — not listed on /mcp or /mcp/<prefix>, not readable
 * by URI, not promptable or completable by name, no subscription, no updates, no instructions — and every attempt
 * is refused naming the profile and the command that adds the server. A server with one tool in the profile keeps
 * its prompts, resources and instructions (the rule of docs/decisions/profiles-and-tool-search.md).
 */

const ECHO_INSTRUCTIONS = 'echo: repeats what you give it';
const OTHER_INSTRUCTIONS = 'other: another echo';

let h: Harness;
let profiles: ProfileRepository;
beforeAll(async () => {
  h = createHarness();
  h.addStdio('echo', FIXTURES.echo, [`--instructions=${ECHO_INSTRUCTIONS}`]);
  h.addStdio('other', FIXTURES.echo, [`--instructions=${OTHER_INSTRUCTIONS}`]);
  await h.syncAndList();
  profiles = createProfileRepository(h.db, { clock: systemClock });
  const echoId = h.servers.find('echo')!.id;
  const otherId = h.servers.find('other')!.id;
  const otherOnly = profiles.create({ name: 'other-only' });
  profiles.setServer(otherOnly.id, otherId, true);
  // echo is out as a server, but one of its tools is in.
  const echoTool = profiles.create({ name: 'echo-tool' });
  profiles.setTool(echoTool.id, echoId, 'echo', 'in');
  profiles.bind('alpha', otherOnly.id);
  profiles.bind('beta', echoTool.id);
  profiles.bind('bridge', otherOnly.id);
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

function makeCore(): { core: GatewayCore; policy: ProfileViewPolicy } {
  const policy = withProfiles(defaultViewPolicy, { profiles, log: silentLogger });
  const core = createGatewayCore({
    pool: h.pool,
    catalog: catalogSourceOf(h.catalog, h.pool),
    servers: h.servers,
    log: silentLogger,
    clock: systemClock,
    viewPolicy: policy,
    listChangedDebounceMs: 20,
  });
  cores.push(core);
  return { core, policy };
}

/** A client token's caller, or the stdio bridge's (no token). */
const caller = (client: string) =>
  client === 'bridge' ? { clientName: 'bridge' } : { tokenId: `id-${client}`, clientName: client };
const all = (client: string): GatewayScope => ({ kind: 'all', caller: caller(client) });
const route = (client: string, prefix: string): GatewayScope => ({
  kind: 'server',
  prefix,
  caller: caller(client),
});

async function connect(core: GatewayCore, scope: GatewayScope, setup?: (c: Client) => void): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await core.createServer(scope, 'legacy').connect(serverSide);
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  setup?.(client);
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

interface Lists {
  prompts: string[];
  resources: string[];
  templates: string[];
}
async function lists(client: Client): Promise<Lists> {
  const prompts = (await client.request({ method: 'prompts/list', params: {} })) as {
    prompts: { name: string }[];
  };
  const resources = (await client.request({ method: 'resources/list', params: {} })) as {
    resources: { uri: string }[];
  };
  const templates = (await client.request({ method: 'resources/templates/list', params: {} })) as {
    resourceTemplates: { uriTemplate: string }[];
  };
  return {
    prompts: prompts.prompts.map((p) => p.name),
    resources: resources.resources.map((r) => r.uri),
    templates: templates.resourceTemplates.map((t) => t.uriTemplate),
  };
}

/** The message of the InvalidParams error `request` answers with (fails the test on any other answer). */
async function refusalOf(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    expect((error as { code?: unknown }).code).toBe(-32602);
    return (error as Error).message;
  }
  throw new Error('the request was not refused');
}

const read = (client: Client, uri: string) => client.request({ method: 'resources/read', params: { uri } });
const getPrompt = (client: Client, name: string) =>
  client.request({ method: 'prompts/get', params: { name, arguments: { name: 'Ada' } } });
const subscribe = (client: Client, uri: string) =>
  client.request({ method: 'resources/subscribe', params: { uri } });
const complete = (client: Client, ref: Record<string, unknown>) =>
  client.request({
    method: 'completion/complete',
    params: { ref, argument: { name: 'name', value: 'al' } },
  }) as Promise<{ completion: { values: string[] } }>;
const textOfRead = (result: unknown) => (result as { contents: { text?: string }[] }).contents[0]?.text;

/** The fix a refusal must name: the real CLI syntax (main/cli/profile-commands.ts). */
const fixFor = (profile: string, prefix: string) =>
  `add its server, ${prefix}, to that profile in Switchboard (Profiles) or run ` +
  `\`switchboard profile edit ${profile} --include ${prefix}\`, or move the client to another profile: ` +
  '`switchboard profile use <client> <profile>`';

describe('a server outside the profile, on /mcp', () => {
  it('is not listed: no prompts, resources or templates of it', async () => {
    const { core } = makeCore();
    const alpha = await connect(core, all('alpha'));
    expect(await lists(alpha)).toEqual({
      prompts: ['other__greet'],
      resources: ['switchboard://other/mem://greeting'],
      templates: ['switchboard://other/mem://items/{id}'],
    });
    // The unbound client (default profile) still sees both.
    const gamma = await connect(core, all('gamma'));
    expect((await lists(gamma)).prompts).toEqual(['echo__greet', 'other__greet']);
  });

  it('refuses reading, prompting, completing and subscribing by name or URI, naming the profile and the fix', async () => {
    const { core } = makeCore();
    const alpha = await connect(core, all('alpha'));
    expect(await refusalOf(read(alpha, 'switchboard://echo/mem://greeting'))).toBe(
      "The resource switchboard://echo/mem://greeting is not in this client's profile " +
        `"other-only": ${fixFor('other-only', 'echo')}`,
    );
    expect(await refusalOf(read(alpha, 'switchboard://echo/mem://items/7'))).toMatch(
      /^The resource switchboard:\/\/echo\/mem:\/\/items\/7 is not in this client's profile "other-only"/,
    );
    expect(await refusalOf(getPrompt(alpha, 'echo__greet'))).toBe(
      'The prompt echo__greet is not in this client\'s profile "other-only": ' + fixFor('other-only', 'echo'),
    );
    expect(await refusalOf(complete(alpha, { type: 'ref/prompt', name: 'echo__greet' }))).toMatch(
      /^The prompt echo__greet is not in this client's profile "other-only"/,
    );
    expect(
      await refusalOf(complete(alpha, { type: 'ref/resource', uri: 'switchboard://echo/mem://items/{id}' })),
    ).toMatch(/is not in this client's profile "other-only": add its server, echo, to that profile/);
    expect(await refusalOf(subscribe(alpha, 'switchboard://echo/mem://greeting'))).toMatch(
      /^The resource switchboard:\/\/echo\/mem:\/\/greeting is not in this client's profile/,
    );
    // What is in the profile works as before; an unknown server is still unknown.
    expect(textOfRead(await read(alpha, 'switchboard://other/mem://greeting'))).toBe('hello from echo');
    expect((await complete(alpha, { type: 'ref/prompt', name: 'other__greet' })).completion.values).toEqual([
      'alice',
      'albert',
    ]);
    expect(await refusalOf(read(alpha, 'switchboard://nope/mem://greeting'))).toMatch(/Unknown resource/);
    expect(await refusalOf(getPrompt(alpha, 'nope__greet'))).toMatch(/Unknown prompt: nope__greet/);
  });

  it('holds for the stdio bridge too (its own binding)', async () => {
    const { core } = makeCore();
    const bridge = await connect(core, all('bridge'));
    expect((await lists(bridge)).prompts).toEqual(['other__greet']);
    expect(await refusalOf(read(bridge, 'switchboard://echo/mem://greeting'))).toMatch(
      /not in this client's profile "other-only"/,
    );
    expect(await refusalOf(getPrompt(bridge, 'echo__greet'))).toMatch(
      /not in this client's profile "other-only"/,
    );
  });
});

describe('a server outside the profile, on /mcp/<prefix>', () => {
  it('offers no instructions, prompts, resources or templates, and refuses every use naming the profile', async () => {
    const { core } = makeCore();
    const alpha = await connect(core, route('alpha', 'echo'));
    expect(alpha.getInstructions()).toBeUndefined();
    expect(await lists(alpha)).toEqual({ prompts: [], resources: [], templates: [] });
    const routeFix =
      'The server echo is not in this client\'s profile "other-only": add it to that profile in ' +
      'Switchboard (Profiles) or run `switchboard profile edit other-only --include echo`, or move the client to ' +
      'another profile: `switchboard profile use <client> <profile>`';
    expect(await refusalOf(read(alpha, 'mem://greeting'))).toBe(routeFix);
    expect(await refusalOf(getPrompt(alpha, 'greet'))).toBe(routeFix);
    expect(await refusalOf(subscribe(alpha, 'mem://greeting'))).toBe(routeFix);
    expect(await refusalOf(complete(alpha, { type: 'ref/prompt', name: 'greet' }))).toBe(routeFix);
    expect(await refusalOf(complete(alpha, { type: 'ref/resource', uri: 'mem://items/{id}' }))).toBe(
      routeFix,
    );

    const own = await connect(core, route('alpha', 'other'));
    expect(own.getInstructions()).toBe(OTHER_INSTRUCTIONS);
    expect((await lists(own)).prompts).toEqual(['greet']);
    expect(textOfRead(await read(own, 'mem://greeting'))).toBe('hello from echo');
  });

  it('holds for the stdio bridge on a route', async () => {
    const { core } = makeCore();
    const bridge = await connect(core, route('bridge', 'echo'));
    expect(bridge.getInstructions()).toBeUndefined();
    expect(await refusalOf(read(bridge, 'mem://greeting'))).toMatch(
      /^The server echo is not in this client's profile "other-only"/,
    );
  });
});

describe('a server with some of its tools in the profile', () => {
  it('keeps its prompts, resources, templates and instructions, and only the tools picked', async () => {
    const { core } = makeCore();
    const beta = await connect(core, all('beta'));
    const tools = (await beta.request({ method: 'tools/list', params: {} })) as { tools: { name: string }[] };
    expect(tools.tools.map((t) => t.name)).toEqual(['echo__echo']);
    expect(await lists(beta)).toEqual({
      prompts: ['echo__greet'],
      resources: ['switchboard://echo/mem://greeting'],
      templates: ['switchboard://echo/mem://items/{id}'],
    });
    expect(textOfRead(await read(beta, 'switchboard://echo/mem://items/3'))).toBe('item 3');
    const onEcho = await connect(core, route('beta', 'echo'));
    expect(onEcho.getInstructions()).toBe(ECHO_INSTRUCTIONS);
    expect((await lists(onEcho)).resources).toEqual(['mem://greeting']);
    // The server it has nothing of is out entirely.
    expect(await refusalOf(read(beta, 'switchboard://other/mem://greeting'))).toMatch(
      /not in this client's profile "echo-tool": add its server, other, to that profile/,
    );
  });
});

describe('subscriptions follow the profile', () => {
  it('a client moved to a profile without the server hears no more updates of it', async () => {
    const { core, policy } = makeCore();
    const heard = { gamma: 0, delta: 0 };
    const uri = 'switchboard://echo/mem://items/42';
    const gamma = await connect(core, all('gamma'), (c) =>
      c.setNotificationHandler('notifications/resources/updated', () => void heard.gamma++),
    );
    const delta = await connect(core, all('delta'), (c) =>
      c.setNotificationHandler('notifications/resources/updated', () => void heard.delta++),
    );
    await subscribe(gamma, uri);
    await subscribe(delta, uri);
    // The fixture announces an update right after the upstream subscription (the first subscriber's).
    await waitUntil(() => heard.gamma > 0 && heard.delta > 0);
    const before = { ...heard };

    profiles.bind('gamma', profiles.find('other-only')!.id);
    expect(policy.recheck()).toBe(true);
    // A restarted upstream is subscribed again and announces an update, which goes to subscribers still allowed.
    await h.pool.restart('echo');
    await waitUntil(() => heard.delta > before.delta);
    await gamma.ping(); // anything sent to gamma before this answer has arrived
    expect(heard.gamma).toBe(before.gamma);
    profiles.bind('gamma', profiles.find('default')!.id);
  }, 30_000);
});

async function waitUntil(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
