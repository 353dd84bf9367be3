import type { Readable, Writable } from 'node:stream';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { BridgeTarget } from './bridge-target.ts';
import { createBridgeTarget } from './bridge-target.ts';
import { DEFAULT_GATEWAY_WAIT_MS } from './backoff.ts';
import { startBridgeRelay } from './bridge-relay.ts';
import type { UpstreamTransport } from './bridge-relay.ts';
import { waitForGateway } from './wait-for-gateway.ts';

export interface RunBridgeOptions {
  dataDir: string;
  prefix?: string;
  port?: number;
  /** How long to wait for the hub before failing a request (default 60 s). */
  waitMs?: number;
  stdin?: Readable;
  stdout?: Writable;
  /** Human messages; never stdout, which carries the protocol. */
  stderr?: Writable;
}

/**
 * `switchboard bridge`: a stdio MCP server for clients that only launch commands, relaying everything
 * to the local gateway. Resolves with the exit code once the client closes stdin.
 */
export async function runBridge(options: RunBridgeOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const say = (line: string) => stderr.write(line.endsWith('\n') ? line : `${line}\n`);
  const target = createBridgeTarget({
    dataDir: options.dataDir,
    ...(options.port !== undefined && { port: options.port }),
    ...(options.prefix !== undefined && { prefix: options.prefix }),
  });
  const waitMs = options.waitMs ?? DEFAULT_GATEWAY_WAIT_MS;
  let waitingSaid = false;

  const relay = await startBridgeRelay({
    downstream: new StdioServerTransport(options.stdin ?? process.stdin, options.stdout ?? process.stdout),
    createUpstream: () => createUpstream(target),
    waitForGateway: async () => {
      const up = await waitForGateway({
        target,
        totalMs: waitMs,
        onWaiting: (url) => {
          // One message per outage, not one per retry.
          if (waitingSaid) return;
          waitingSaid = true;
          say(
            `switchboard bridge: waiting for Switchboard at ${url.href} — start the Switchboard app or run ` +
              `\`switchboard serve\` (data directory ${options.dataDir})`,
          );
        },
      });
      if (up && waitingSaid) {
        waitingSaid = false;
        say('switchboard bridge: connected to Switchboard');
      }
      return up;
    },
    notify: say,
    unreachableMessage: () =>
      `Switchboard is not running (waited ${Math.round(waitMs / 1000)} s for ${target.url().href}): ` +
      'start the Switchboard app or run `switchboard serve`, then retry',
  });
  await relay.done;
  return 0;
}

function createUpstream(target: BridgeTarget): UpstreamTransport {
  return new StreamableHTTPClientTransport(target.url(), {
    // Read per request: the hub writes the token on first start, and may be restarted meanwhile.
    authProvider: { token: async () => target.token(), onUnauthorized: async () => {} },
    // Keep the GET stream coming back while the hub restarts (loopback, cheap); a 404 then tells the
    // relay to open a new session.
    reconnectionOptions: {
      initialReconnectionDelay: 500,
      maxReconnectionDelay: 5_000,
      reconnectionDelayGrowFactor: 1.5,
      maxRetries: Number.MAX_SAFE_INTEGER,
    },
  });
}
