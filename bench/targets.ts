import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as StreamableHTTPClientTransport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { FIXTURES, startHttpFixture } from '../test/fixtures/servers/fixtures.ts';
import type { DataDir } from '../test/integration/e2e/serve-harness.ts';
import { prepareDataDirWith } from './data-dir.ts';
import {
  e2eEnv,
  freePort,
  httpServer,
  stdioServer,
  waitFor,
  waitForTools,
} from '../test/integration/e2e/serve-harness.ts';

/**
 * The things benchmarked side by side, all in front of the SAME fixture echo server
 * (test/fixtures/servers/echo-server.ts) and all on 127.0.0.1: a connected SDK v2 client, the tool name to call,
 * the gateway process (for its memory), and a close that leaves nothing running.
 */

export interface Target {
  name: string;
  /** How the client reaches the echo server. */
  path: string;
  /** One tools/call of the echo tool (through whichever SDK the target's client is). */
  call(): Promise<{ isError?: boolean }>;
  tool: string;
  /** The gateway process, when there is one between client and server. */
  gatewayPid?: number;
  close(): Promise<void>;
}

const ECHO = FIXTURES.echo;

function newClient(name: string): Client {
  return new Client({ name: `bench-${name}`, version: '1.0.0' });
}

/** The one call every target makes: the echo tool (under the name the target exposes it). */
function echoCall(client: Client, tool: string): Promise<{ isError?: boolean }> {
  return client.callTool({ name: tool, arguments: { text: 'bench' } }) as Promise<{ isError?: boolean }>;
}

/** A peer gateway as a target: its client calls `tool`; closing stops the client, then the peer. */
function peerTarget(
  name: string,
  route: string,
  client: Client,
  tool: string,
  peer: ReturnType<typeof spawnPeer>,
  cleanup: () => void = () => {},
): Target {
  return {
    name,
    path: route,
    call: () => echoCall(client, tool),
    tool,
    gatewayPid: peer.child.pid!,
    close: async () => {
      await client.close().catch(() => {});
      await peer.stop();
      cleanup();
    },
  };
}

/** SDK client → echo over stdio (the floor for a stdio server). */
export async function directStdio(): Promise<Target> {
  const client = newClient('direct-stdio');
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [ECHO], stderr: 'ignore' }),
  );
  return {
    name: 'direct stdio',
    path: 'SDK v2 client → echo (stdio)',
    call: () => echoCall(client, 'echo'),
    tool: 'echo',
    close: () => client.close(),
  };
}

/** Which SDK the benchmark client is: v2 (this project's), or 1.x (what most desktop clients embed). */
export type ClientSdk = 'v2' | '1.x';

/** A connected Streamable HTTP client of either SDK (session era), reduced to one call and a close. */
export async function httpClient(
  sdk: ClientSdk,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ call(tool: string): Promise<{ isError?: boolean }>; close(): Promise<void> }> {
  if (sdk === '1.x') {
    const client = new Client1({ name: 'bench-sdk1', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport1(new URL(url), { requestInit: { headers } }));
    return {
      call: (tool) =>
        client.callTool({ name: tool, arguments: { text: 'bench' } }) as Promise<{ isError?: boolean }>,
      close: () => client.close(),
    };
  }
  const client = new Client(
    { name: 'bench-sdk2', version: '1.0.0' },
    { capabilities: {}, versionNegotiation: { mode: 'legacy' } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return { call: (tool) => echoCall(client, tool), close: () => client.close() };
}

/** SDK client → echo over Streamable HTTP (the floor for an HTTP hop). */
export async function directHttp(sdk: ClientSdk = 'v2'): Promise<Target> {
  const fixture = await startHttpFixture(ECHO, '--http', 30 * 60_000);
  try {
    const client = await httpClient(sdk, fixture.url);
    return {
      name: `direct Streamable HTTP (SDK ${sdk})`,
      path: `SDK ${sdk} client → echo (Streamable HTTP)`,
      call: () => client.call('echo'),
      tool: 'echo',
      close: async () => {
        await client.close();
        await fixture.close();
      },
    };
  } catch (error) {
    await fixture.close();
    throw error;
  }
}

/** Which Switchboard build a target runs (see builds.ts): its CLI entry and how the table names it. */
export interface SwitchboardBuild {
  /** e.g. "Switchboard" or "Switchboard (baseline 2017e4f)". */
  name: string;
  /** The CLI entry run with this Node: main/cli.ts of a checkout, or the bundle. */
  entry: string;
  /** How it runs, for the path column: "sources" or "bundle". */
  label: string;
}

/** `switchboard serve` from `entry` over `dataDir`, listening on a free port; stop() leaves nothing running. */
export async function startServeAt(
  entry: string,
  data: DataDir,
  options: { nodeArgs?: string[] } = {},
): Promise<{
  pid: number;
  url: string;
  connect(): Promise<Client>;
  connectWith(sdk: ClientSdk): ReturnType<typeof httpClient>;
  stop(): Promise<void>;
}> {
  const args = [...(options.nodeArgs ?? []), entry, '--data-dir', data.dir, 'serve', '--port', '0'];
  const child = spawn(process.execPath, args, {
    cwd: path.dirname(path.dirname(entry)),
    env: e2eEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const upstreamGroups = () => {
    try {
      const doc = JSON.parse(fs.readFileSync(path.join(data.dir, 'upstream-pids.json'), 'utf8')) as {
        owners: Record<string, { entries: { pid: number }[] }>;
      };
      return (doc.owners[String(child.pid)]?.entries ?? []).map((e) => e.pid);
    } catch {
      return [];
    }
  };
  const clients: { close(): Promise<void> }[] = [];
  const stop = async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    const groups = upstreamGroups();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    for (const pid of groups) {
      try {
        process.kill(-pid, 'SIGKILL'); // Whatever of an upstream's group outlived serve.
      } catch {
        // Gone already, as it should be.
      }
    }
  };
  try {
    const port = await waitFor(
      `serve (${entry}) to listen`,
      () => {
        if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${stderr}`);
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr);
        return match ? Number(match[1]) : undefined;
      },
      30_000,
      25,
    );
    const url = `http://127.0.0.1:${port}/mcp`;
    return {
      pid: child.pid!,
      url,
      async connect() {
        const client = new Client(
          { name: 'bench-switchboard', version: '1.0.0' },
          { capabilities: {}, versionNegotiation: { mode: 'legacy' } },
        );
        await client.connect(
          new StreamableHTTPClientTransport(new URL(url), {
            requestInit: { headers: { authorization: `Bearer ${data.token}` } },
          }),
        );
        clients.push(client);
        return client;
      },
      async connectWith(sdk) {
        const client = await httpClient(sdk, url, { authorization: `Bearer ${data.token}` });
        clients.push(client);
        return client;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** SDK client → `switchboard serve` (Streamable HTTP, bearer token) → echo (stdio), from one build. */
export async function switchboard(
  build: SwitchboardBuild,
  options: { nodeArgs?: string[]; sdk?: ClientSdk; upstream?: 'stdio' | 'http' } = {},
): Promise<Target> {
  const sdk = options.sdk ?? 'v2';
  const fixture =
    options.upstream === 'http' ? await startHttpFixture(ECHO, '--http', 30 * 60_000) : undefined;
  let data: DataDir;
  try {
    data = await prepareDataDirWith(
      build.entry,
      [fixture ? httpServer('echo', fixture.url) : stdioServer('echo', ECHO, { keepRunning: true })],
      'bench',
    );
  } catch (error) {
    await fixture?.close();
    throw error;
  }
  const cleanup = async () => {
    data.cleanup();
    await fixture?.close();
  };
  let serve;
  try {
    serve = await startServeAt(build.entry, data, options);
  } catch (error) {
    await cleanup();
    throw error;
  }
  try {
    await waitForTools(await serve.connect(), ['echo__echo']);
    const client = await serve.connectWith(sdk);
    const upstream = fixture ? 'Streamable HTTP' : 'stdio';
    return {
      name: `${build.name} (SDK ${sdk}${fixture ? ', HTTP upstream' : ''})`,
      path: `SDK ${sdk} client → switchboard serve, ${build.label} (Streamable HTTP) → echo (${upstream})`,
      call: () => client.call('echo__echo'),
      tool: 'echo__echo',
      gatewayPid: serve.pid,
      close: async () => {
        await serve.stop();
        await cleanup();
      },
    };
  } catch (error) {
    await serve.stop();
    await cleanup();
    throw error;
  }
}

/** A peer gateway process in its own process group, so stopping it takes its stdio child too. */
function spawnPeer(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(process.execPath, [entry, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
  child.stderr?.resume();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // Gone already.
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }, 3000);
    await exited;
    clearTimeout(timer);
    try {
      process.kill(-child.pid!, 'SIGKILL'); // Children that ignored SIGTERM.
    } catch {
      // Gone already.
    }
  };
  return { child, stop };
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** SDK client → supergateway (stdio → Streamable HTTP, stateful: one echo per session) → echo (stdio). */
export async function supergateway(entry: string, version: string): Promise<Target> {
  const port = await freePort();
  const peer = spawnPeer(
    entry,
    [
      '--stdio',
      `${process.execPath} ${ECHO}`,
      '--outputTransport',
      'streamableHttp',
      '--stateful',
      '--port',
      String(port),
      '--logLevel',
      'none',
    ],
    process.env,
  );
  try {
    await waitFor('supergateway to listen', () => portOpen(port), 20_000, 50);
    const client = newClient('supergateway');
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    return peerTarget(
      `supergateway ${version}`,
      'SDK v2 client → supergateway --stateful (Streamable HTTP) → echo (stdio)',
      client,
      'echo',
      peer,
    );
  } catch (error) {
    await peer.stop();
    throw error;
  }
}

/** SDK client → mcp-hub's unified endpoint (legacy HTTP+SSE: GET /mcp, POST /messages) → echo (stdio). */
export async function mcpHub(entry: string, version: string, workDir: string): Promise<Target> {
  const port = await freePort();
  const home = path.join(workDir, `mcp-hub-home-${port}`);
  fs.mkdirSync(home, { recursive: true });
  const config = path.join(home, 'mcp-hub.json');
  fs.writeFileSync(
    config,
    JSON.stringify({ mcpServers: { echo: { command: process.execPath, args: [ECHO] } } }),
  );
  // Its workspace cache and logs go to XDG folders: keep them in the throwaway home.
  const env = {
    ...process.env,
    HOME: home,
    XDG_STATE_HOME: path.join(home, 'state'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
  };
  const peer = spawnPeer(entry, ['--port', String(port), '--config', config], env);
  try {
    await waitFor(
      'mcp-hub to connect its server',
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
        if (!response?.ok) return false;
        const health = (await response.json()) as { servers?: { status?: string }[] };
        return health.servers?.some((s) => s.status === 'connected') ?? false;
      },
      30_000,
      100,
    );
    const client = newClient('mcp-hub');
    await client.connect(new SSEClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    return peerTarget(
      `mcp-hub ${version}`,
      'SDK v2 client → mcp-hub unified endpoint (HTTP+SSE) → echo (stdio)',
      client,
      'echo__echo',
      peer,
      () => fs.rmSync(home, { recursive: true, force: true }),
    );
  } catch (error) {
    await peer.stop();
    throw error;
  }
}

/** SDK client → mcp-proxy (stdio → Streamable HTTP, /mcp) → echo (stdio). */
export async function mcpProxy(entry: string, version: string): Promise<Target> {
  const port = await freePort();
  const peer = spawnPeer(entry, ['--port', String(port), '--', process.execPath, ECHO], process.env);
  try {
    await waitFor('mcp-proxy to listen', () => portOpen(port), 20_000, 50);
    const client = newClient('mcp-proxy');
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    return peerTarget(
      `mcp-proxy ${version}`,
      'SDK v2 client → mcp-proxy (Streamable HTTP) → echo (stdio)',
      client,
      'echo',
      peer,
    );
  } catch (error) {
    await peer.stop();
    throw error;
  }
}
