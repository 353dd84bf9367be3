import type { Readable, Writable } from 'node:stream';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { BridgeTarget } from './bridge-target.ts';
import { createBridgeTarget } from './bridge-target.ts';
import { DEFAULT_GATEWAY_WAIT_MS } from './backoff.ts';
import { startBridgeRelay } from './bridge-relay.ts';
import type { UpstreamTransport } from './bridge-relay.ts';
import type { HubCheck, ProvenFetch } from './proven-hub.ts';
import { createProvenFetch, describeCheck } from './proven-hub.ts';
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

type Failed = Exclude<HubCheck, { kind: 'proven' }>;

/**
 * `switchboard bridge`: a stdio MCP server for clients that only launch commands, relaying everything
 * to the local gateway. Resolves with the exit code once the client closes stdin.
 *
 * The bridge token is the most privileged credential there is, so it only ever travels on connections on
 * which the hub first proved it holds it (proven-hub.ts): a program of another user that took the port
 * while the hub was down gets a challenge, never the token.
 */
export async function runBridge(options: RunBridgeOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const say = (line: string) => stderr.write(line.endsWith('\n') ? line : `${line}\n`);
  const target = createBridgeTarget({
    dataDir: options.dataDir,
    port: options.port,
    prefix: options.prefix,
  });
  const tokenNow = () => {
    try {
      return target.token();
    } catch {
      return undefined;
    }
  };
  const proven = createProvenFetch({ token: tokenNow });
  const waitMs = options.waitMs ?? DEFAULT_GATEWAY_WAIT_MS;
  /** The kind of outage already announced (one line per outage and kind, not one per retry). */
  let said: Failed['kind'] | undefined;
  let last: { port: number; check: Failed } | undefined;

  const relay = await startBridgeRelay({
    downstream: new StdioServerTransport(options.stdin ?? process.stdin, options.stdout ?? process.stdout),
    createUpstream: () => createUpstream(target, proven),
    waitForGateway: async () => {
      const up = await waitForGateway({
        target,
        totalMs: waitMs,
        onWaiting: (url, check) => {
          last = { port: Number(url.port), check };
          const kind = check.kind === 'impostor' ? 'impostor' : 'absent';
          if (said === kind) return;
          said = kind;
          say(
            kind === 'impostor'
              ? `switchboard bridge: ${describeCheck(Number(url.port), check)}; waiting for Switchboard at ` +
                  `${url.href} (if it runs on another port, pass --port) — data directory ${options.dataDir}`
              : `switchboard bridge: waiting for Switchboard at ${url.href} — start the Switchboard app or run ` +
                  `\`switchboard serve\` (data directory ${options.dataDir})`,
          );
        },
      });
      if (up && said !== undefined) {
        said = undefined;
        last = undefined;
        say('switchboard bridge: connected to Switchboard');
      }
      return up;
    },
    notify: say,
    unreachableMessage: () => {
      const waited = `waited ${Math.round(waitMs / 1000)} s for ${target.url().href}`;
      if (last?.check.kind === 'impostor') {
        return (
          `Switchboard is not running on port ${last.port} (${waited}): ${describeCheck(last.port, last.check)}. ` +
          'Stop that program or change the gateway.port setting, then start Switchboard and retry'
        );
      }
      return `Switchboard is not running (${waited}): start the Switchboard app or run \`switchboard serve\`, then retry`;
    },
  });
  await relay.done;
  proven.close();
  return 0;
}

function createUpstream(target: BridgeTarget, proven: ProvenFetch): UpstreamTransport {
  return new StreamableHTTPClientTransport(target.url(), {
    // Read per request: the hub writes the token on first start, and may be restarted meanwhile.
    authProvider: { token: async () => target.token(), onUnauthorized: async () => {} },
    // Every request on a connection the hub proved first (never plain fetch: see proven-hub.ts).
    fetch: (input, init) => proven.fetch(input instanceof Request ? input.url : input, init),
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
