import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { FIXTURES, startHttpFixture } from '../test/fixtures/servers/fixtures.ts';
import {
  freePort,
  prepareDataDir,
  startServe,
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
  client: Client;
  tool: string;
  /** The gateway process, when there is one between client and server. */
  gatewayPid?: number;
  close(): Promise<void>;
}

const ECHO = FIXTURES.echo;

function newClient(name: string): Client {
  return new Client({ name: `bench-${name}`, version: '1.0.0' });
}

/** SDK client → echo over stdio (the floor for a stdio server). */
export async function directStdio(): Promise<Target> {
  const client = newClient('direct-stdio');
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [ECHO], stderr: 'ignore' }),
  );
  return {
    name: 'direct stdio',
    path: 'SDK client → echo (stdio)',
    client,
    tool: 'echo',
    close: () => client.close(),
  };
}

/** SDK client → echo over Streamable HTTP (the floor for an HTTP hop). */
export async function directHttp(): Promise<Target> {
  const fixture = await startHttpFixture(ECHO, '--http', 30 * 60_000);
  const client = newClient('direct-http');
  await client.connect(new StreamableHTTPClientTransport(new URL(fixture.url)));
  return {
    name: 'direct Streamable HTTP',
    path: 'SDK client → echo (Streamable HTTP)',
    client,
    tool: 'echo',
    close: async () => {
      await client.close();
      await fixture.close();
    },
  };
}

/** SDK client → `switchboard serve` (Streamable HTTP, bearer token) → echo (stdio). */
export async function switchboard(): Promise<Target> {
  const data = await prepareDataDir([stdioServer('echo', ECHO, { keepRunning: true })], 'bench');
  const serve = await startServe(data);
  const client = await serve.connect();
  await waitForTools(client, ['echo__echo']);
  return {
    name: 'Switchboard',
    path: 'SDK client → switchboard serve (Streamable HTTP) → echo (stdio)',
    client,
    tool: 'echo__echo',
    gatewayPid: serve.pid,
    close: async () => {
      await client.close();
      await serve.stop();
      data.cleanup();
    },
  };
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
    return {
      name: `supergateway ${version}`,
      path: 'SDK client → supergateway --stateful (Streamable HTTP) → echo (stdio)',
      client,
      tool: 'echo',
      gatewayPid: peer.child.pid!,
      close: async () => {
        await client.close().catch(() => {});
        await peer.stop();
      },
    };
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
    return {
      name: `mcp-hub ${version}`,
      path: 'SDK client → mcp-hub unified endpoint (HTTP+SSE) → echo (stdio)',
      client,
      tool: 'echo__echo',
      gatewayPid: peer.child.pid!,
      close: async () => {
        await client.close().catch(() => {});
        await peer.stop();
        fs.rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await peer.stop();
    throw error;
  }
}
