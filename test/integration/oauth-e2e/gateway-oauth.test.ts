import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBridgeToken } from '../../../main/tokens/bridge-token.ts';
import { CLI_ENTRY, runCli } from '../../helpers/cli.ts';
import { isolatedEnv, noKeyringEnv } from '../../helpers/private-keyring.ts';
import { driveDevInteractions } from '../../fixtures/oauth/dev-interactions-driver.ts';
import type { OidcHarness } from '../../fixtures/oauth/oidc-harness.ts';
import { MACHINE_CLIENT_ID, startOidcHarness } from '../../fixtures/oauth/oidc-harness.ts';
import type { ProtectedServer } from '../../fixtures/oauth/protected-mcp-server.ts';
import { startProtectedServer } from '../../fixtures/oauth/protected-mcp-server.ts';
import { makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import type { TestHub } from '../readiness/readiness-hub.ts';
import { startTestHub, textOf, waitFor } from '../readiness/readiness-hub.ts';

/**
 * OAuth toward upstreams through the REAL gateway: a real oidc-provider, a protected MCP server that validates
 * JWTs, the hub's runtime in this process, `switchboard auth connect` in a child process (which asks the
 * running hub to run the Connect), and a scripted browser that signs in on the provider's real pages.
 */

const PASSPHRASE = 'oauth-e2e-passphrase';
const CANARY = 'CANARY-3b1d-machine-client-secret';
const env = isolatedEnv({
  ...noKeyringEnv(),
  SWITCHBOARD_VAULT_PASSPHRASE: PASSPHRASE,
  SWITCHBOARD_NO_BROWSER: '1',
});

let idp: OidcHarness;
let upstream: ProtectedServer;
let running: TestHub;
const cliOutput: string[] = [];

beforeAll(async () => {
  idp = await startOidcHarness({ machineSecret: CANARY });
  upstream = await startProtectedServer({ issuer: idp.issuer });
  idp.allowResource(upstream.resource);
  running = await startTestHub({ vaultPassphrase: PASSPHRASE, watchRegistry: { intervalMs: 200 } });
}, 60_000);

afterAll(async () => {
  await running?.close();
  await upstream?.close();
  await idp?.close();
  removeTempDirs();
});

/** Runs the CLI; while it runs, any "Open this page" URL it prints is signed in by the scripted browser. */
function cliWithBrowser(dataDir: string, args: string[], redirectUri: (url: URL) => string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; browsed: URL[] }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [CLI_ENTRY, '--data-dir', dataDir, ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const browsed: URL[] = [];
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
        const match = /sign in[^\n]*:\n\s+(http\S+)/.exec(stderr);
        if (match?.[1] && browsed.length === 0) {
          const url = new URL(match[1]);
          browsed.push(url);
          void driveDevInteractions(url, { redirectUri: redirectUri(url) })
            .then((callback) => fetch(callback))
            .then((page) => page.text())
            .catch((error: unknown) => (stderr += `\nBROWSER FAILED: ${String(error)}`));
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        cliOutput.push(stdout, stderr);
        resolve({ code, stdout, stderr, browsed });
      });
    },
  );
}

describe('OAuth upstreams through the gateway', () => {
  it('auth connect (CLI, another process) signs in through the running hub; tools then work via /mcp', async () => {
    const { hub, runtime } = running;
    hub.registry.servers.add({
      prefix: 'notes',
      name: 'Notes',
      transport: 'http',
      url: upstream.url,
      auth: { kind: 'oauth', flow: 'authorization_code' },
    });
    await runtime.serversChanged('notes');
    await waitFor(() => runtime.health.status('notes')?.status === 'needs_auth', 10_000, 'notes needs_auth');

    const port = runtime.front()!.port;
    const run = await cliWithBrowser(
      running.dataDir,
      ['auth', 'connect', 'notes'],
      () => `http://127.0.0.1:${port}/oauth/callback`,
    );
    expect(run.stderr).toContain('the running Switchboard waits for it');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('connected notes');
    expect(run.browsed[0]?.searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/oauth/callback`);
    expect(run.browsed[0]?.searchParams.get('resource')).toBe(upstream.resource);

    await waitFor(() => runtime.health.status('notes')?.status === 'healthy', 10_000, 'notes healthy');
    const client = await running.client();
    await waitFor(
      async () => (await client.listTools()).tools.some((t) => t.name === 'notes__whoami'),
      10_000,
      'tools',
    );
    const who = await client.callTool({ name: 'notes__whoami', arguments: {} });
    expect(JSON.parse(textOf(who))).toMatchObject({ sub: 'alice' });
    expect(upstream.seenAuthorization.at(-1)).toMatch(/^Bearer eyJ/);
    expect(upstream.lastClaims).toMatchObject({ iss: idp.issuer, aud: upstream.resource });

    // Step-up: a 403 insufficient_scope is an actionable error, and status shows the scope to ask for.
    const write = await client.callTool({ name: 'notes__write_note', arguments: {} });
    expect(write.isError).toBe(true);
    expect(textOf(write)).toMatch(
      /needs more permission.*switchboard auth connect notes --scope "mcp:read mcp:write"/,
    );
    expect(runtime.oauth.status('notes').requiredScopes).toEqual(expect.arrayContaining(['mcp:write']));

    const status = await runCli(running.dataDir, ['--json', 'auth', 'status', 'notes'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({
      prefix: 'notes',
      hasCredential: true,
      flow: 'authorization_code',
    });
    expect(status.stdout).not.toMatch(/eyJ/);
  });

  it('a client-credentials upstream added with the CLI works through the gateway; its secret leaks nowhere', async () => {
    const { runtime, logs, hub } = running;
    const added = await runCli(
      running.dataDir,
      [
        'server',
        'add',
        'machine',
        '--url',
        upstream.url,
        '--oauth-flow',
        'client_credentials',
        '--oauth-client-id',
        MACHINE_CLIENT_ID,
        '--oauth-token-url',
        `${idp.issuer}/token`,
        '--oauth-scope',
        'mcp:read',
        '--oauth-resource',
        upstream.resource,
        '--oauth-client-secret-stdin',
      ],
      { env, input: CANARY },
    );
    cliOutput.push(added.stdout, added.stderr);
    expect(added.code, added.stderr).toBe(0);
    // The running hub notices the CLI's commit by itself.
    await waitFor(() => runtime.health.status('machine')?.status === 'healthy', 15_000, 'machine healthy');
    const client = await running.client();
    await waitFor(
      async () => (await client.listTools()).tools.some((t) => t.name === 'machine__whoami'),
      10_000,
      'tools',
    );
    const who = await client.callTool({ name: 'machine__whoami', arguments: {} });
    expect(JSON.parse(textOf(who))).toMatchObject({ sub: MACHINE_CLIENT_ID });
    expect(upstream.seenAuthorization.at(-1)).toMatch(/^Bearer /);
    const denied = await client.callTool({ name: 'machine__write_note', arguments: {} });
    expect(denied.isError).toBe(true);

    await new Promise((r) => setTimeout(r, 400)); // call log flush
    const rows = hub.registry.db.connection.prepare('SELECT * FROM call_log').all();
    expect(rows.length).toBeGreaterThan(0);
    const show = await runCli(running.dataDir, ['server', 'show', 'machine'], { env });
    for (const text of [
      ...logs,
      ...cliOutput,
      show.stdout,
      show.stderr,
      JSON.stringify(rows),
      textOf(denied),
      JSON.stringify(runtime.oauth.status('machine')),
      JSON.stringify(runtime.health.all()),
    ]) {
      expect(text).not.toContain(CANARY);
    }
    expect(runtime.oauth.status('machine')).toMatchObject({
      flow: 'client_credentials',
      hasCredential: true,
    });
  });

  it('pass-through: metadata names the upstream issuer, and the relay forwards the client token unchanged', async () => {
    const { hub, runtime } = running;
    hub.registry.servers.add({
      prefix: 'delegate',
      name: 'Delegate',
      transport: 'http',
      url: upstream.url,
      passThrough: true,
    });
    await runtime.serversChanged('delegate');
    const origin = `http://127.0.0.1:${runtime.front()!.port}`;
    const bridgeToken = readBridgeToken(running.dataDir)!;

    for (const path of [
      '/.well-known/oauth-protected-resource/mcp/delegate/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.json()).toMatchObject({
        resource: `${origin}/mcp/delegate/mcp`,
        authorization_servers: [idp.issuer],
      });
    }
    const asMeta = await fetch(`${origin}/.well-known/oauth-authorization-server/mcp/delegate/mcp`);
    expect(((await asMeta.json()) as { issuer: string }).issuer).toBe(idp.issuer);

    const initialize = (headers: Record<string, string>) =>
      fetch(`${origin}/mcp/delegate/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 't', version: '1' },
          },
        }),
      });
    expect((await initialize({})).status).toBe(401); // no gateway token
    const challenge = await initialize({ 'x-switchboard-token': bridgeToken });
    expect(challenge.status).toBe(401); // the upstream's own challenge, kept
    expect(challenge.headers.get('www-authenticate')).toContain(
      `resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp/delegate/mcp"`,
    );

    // A token the client got from the upstream's provider on its own.
    const tokenResponse = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${MACHINE_CLIENT_ID}:${CANARY}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'mcp:read',
        resource: upstream.resource,
      }),
    });
    const { access_token: clientToken } = (await tokenResponse.json()) as { access_token: string };
    const ok = await initialize({
      'x-switchboard-token': bridgeToken,
      authorization: `Bearer ${clientToken}`,
    });
    expect(ok.status).toBe(200);
    expect(upstream.seenAuthorization.at(-1)).toBe(`Bearer ${clientToken}`);
    await ok.body?.cancel();
  });

  it('auth connect with no hub running binds the callback on the gateway port itself', async () => {
    const dataDir = makeTempDir('oauth-e2e-local');
    const port = await freePort();
    const setup = `
      import { openHub } from ${JSON.stringify(new URL('../../../main/hub.ts', import.meta.url).href)};
      const hub = openHub({ dataDir: ${JSON.stringify(dataDir)}, env: process.env });
      hub.registry.settings.set('gateway.port', ${port});
      hub.registry.servers.add({ prefix: 'solo', name: 'solo', transport: 'http', url: ${JSON.stringify(upstream.url)},
        auth: { kind: 'oauth', flow: 'authorization_code' } });
      hub.close();`;
    const prepared = await (
      await import('../../helpers/private-keyring.ts')
    ).runNode(['--input-type=module', '-e', setup], { env });
    expect(prepared.code, prepared.stderr).toBe(0);

    const run = await cliWithBrowser(
      dataDir,
      ['auth', 'connect', 'solo'],
      () => `http://127.0.0.1:${port}/oauth/callback`,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('connected solo');
    expect(run.browsed[0]?.searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/oauth/callback`);
    const status = await runCli(dataDir, ['--json', 'auth', 'status', 'solo'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ hasCredential: true, issuer: idp.issuer });
    // The port is free again afterwards.
    expect(await freePort(port)).toBe(port);
  });
});

/** A free TCP port on 127.0.0.1 (or checks that `want` is free). */
function freePort(want = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(want, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
