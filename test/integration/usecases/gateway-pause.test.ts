import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/cli.ts';
import { isolatedEnv, noKeyringEnv } from '../../helpers/private-keyring.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';
import { startTestHub, waitFor, type TestHub } from '../readiness/readiness-hub.ts';
import { startServe, type ServeProcess } from '../readiness/serve-process.ts';

/**
 * The gateway's state is the truth: `running`, `paused` or `stopped`, and the number of MCP sessions really
 * open. Paused means listening but refusing every MCP request (so the window, OAuth callbacks and `resume`
 * keep working), from the window, the tray (same command) and the CLI alike.
 */

async function connectClient(url: string, token: string): Promise<{ client: Client; end(): Promise<void> }> {
  const client = new Client({ name: 'pause-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return {
    client,
    // A well-behaved client ends its session (DELETE) when it goes.
    async end() {
      await transport.terminateSession().catch(() => {});
      await client.close().catch(() => {});
    },
  };
}

describe('pause and resume in the hub process (window and tray)', () => {
  let h: TestHub;
  beforeAll(async () => {
    h = await startTestHub({ health: false });
    await h.hub.useCases.servers.add({
      prefix: 'echo',
      name: 'echo',
      transport: 'stdio',
      command: process.execPath,
      args: [FIXTURES.echo],
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('counts the sessions actually open', async () => {
    const { gateway } = h.hub.useCases;
    const before = gateway.status().sessions ?? 0;
    const clients = await Promise.all([1, 2, 3].map(() => connectClient(h.url, h.token)));
    try {
      expect(gateway.status()).toMatchObject({ state: 'running', sessions: before + 3 });
      await clients[0]?.end();
      await waitFor(() => gateway.status().sessions === before + 2, 10_000, 'one session fewer');
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('pausing refuses MCP requests with the way to resume, ends open sessions; resuming serves again', async () => {
    const { gateway } = h.hub.useCases;
    const { client, end } = await connectClient(h.url, h.token);
    await waitFor(async () => (await client.listTools()).tools.length > 0, 30_000, 'echo tools listed');

    const paused = await gateway.setPaused(true);
    expect(paused).toMatchObject({ state: 'paused', sessions: 0 });
    const refused = await fetch(h.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/paused.*resume/i);
    await end();

    expect(await gateway.setPaused(false)).toMatchObject({ state: 'running' });
    const again = await connectClient(h.url, h.token);
    try {
      expect((await again.client.listTools()).tools.map((t) => t.name)).toContain('echo__echo');
    } finally {
      await again.end();
    }
  });
});

describe('pause and resume from the CLI while `serve` runs in another process', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;
  let serve: ServeProcess;
  let token: string;

  beforeAll(async () => {
    dir = tempDir('switchboard-pause-');
    env = isolatedEnv({ ...noKeyringEnv(), HOME: dir.dir, SWITCHBOARD_VAULT_PASSPHRASE: 'pause-test' });
    const created = await runCli(dir.dir, ['--json', 'token', 'create', 'pause-test'], { env });
    token = (JSON.parse(created.stdout) as { token: string }).token;
    serve = await startServe(dir.dir, env);
  });
  afterAll(async () => {
    await serve?.stop();
    dir?.cleanup();
  });

  const ping = () =>
    fetch(`${serve.origin}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'p', version: '1' } },
      }),
    }).then((r) => r.status);

  it('`switchboard pause` reaches the running hub, `gateway` says so, `resume` undoes it', async () => {
    expect(await ping()).toBe(200);
    const paused = await runCli(dir.dir, ['pause'], { env });
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/paused: gateway paused at http:\/\/127\.0\.0\.1:\d+\/mcp/);
    await waitFor(async () => (await ping()) === 503, 15_000, 'the running serve refuses while paused');
    const status = await runCli(dir.dir, ['--json', 'gateway'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'paused', port: serve.port });

    expect((await runCli(dir.dir, ['resume'], { env })).code).toBe(0);
    await waitFor(async () => (await ping()) === 200, 15_000, 'the running serve serves again');
  });

  it('`gateway` says stopped, and where it will listen, when no hub runs', async () => {
    await serve.stop();
    const status = await runCli(dir.dir, ['gateway'], { env });
    expect(status.stdout).toMatch(/gateway stopped \(it will listen on http:\/\/127\.0\.0\.1:17517\/mcp/);
  });
});
