import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { openHub, type Hub } from '../../../main/hub.ts';
import type { Runtime } from '../../../main/hub-runtime.ts';
import { createLogger } from '../../../main/lib/logger.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import { randomKey } from '../../../main/vault/aes-gcm.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';

/**
 * A real hub for issue 14's integration tests: real SQLite in a temp folder, an in-memory key store that
 * survives a restart of the hub (same key-encryption key), the gateway on a free loopback port, and every log
 * line kept so a test can assert that no secret reached one. `restart()` closes the hub and opens a new one on
 * the same data folder, as quitting and starting the app would.
 */
export interface GuardHub {
  root: string;
  dataDir: string;
  hub: Hub;
  runtime: Runtime;
  /** Every log line so far (all hubs of this harness). */
  logs: string[];
  /** The gateway's aggregate endpoint. */
  url(): string;
  /** A client token for the gateway (created once). */
  token(): string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startGuardHub(options: { watchRegistryMs?: number } = {}): Promise<GuardHub> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-guard-'));
  const dataDir = path.join(root, 'data');
  const home = path.join(root, 'home');
  fs.mkdirSync(home, { recursive: true });
  const kek = randomKey();
  const logs: string[] = [];
  let clientToken: string | undefined;

  const open = async () => {
    const redactor = new Redactor();
    const hub = openHub({
      dataDir,
      env: {},
      keyProviders: [createMemoryKeyProviderForTests({ kek })],
      redactor,
      log: createLogger({ redactor, level: 'debug', write: (line) => void logs.push(line) }),
      openBrowser: async () => undefined,
      clients: { platform: 'linux', home, env: {} },
    });
    const runtime = await hub.start({
      port: 0,
      health: false,
      watchRegistry: options.watchRegistryMs === undefined ? false : { intervalMs: options.watchRegistryMs },
    });
    return { hub, runtime };
  };

  let current = await open();
  const harness: GuardHub = {
    root,
    dataDir,
    get hub() {
      return current.hub;
    },
    get runtime() {
      return current.runtime;
    },
    logs,
    url: () => `http://127.0.0.1:${current.runtime.front()!.port}/mcp`,
    token() {
      clientToken ??= current.hub.useCases.tokens.create('guard-test').token;
      return clientToken;
    },
    async restart() {
      await current.hub.close();
      current = await open();
    },
    async close() {
      await current.hub.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return harness;
}

/** An SDK client on the gateway (session era), counting tools/list_changed notifications. */
export async function connectClient(
  h: GuardHub,
): Promise<{ client: Client; listChanged: () => number; close(): Promise<void> }> {
  const transport = new StreamableHTTPClientTransport(new URL(h.url()), {
    requestInit: { headers: { authorization: `Bearer ${h.token()}` } },
  });
  const client = new Client({ name: 'guard-test', version: '1.0.0' });
  let changed = 0;
  client.setNotificationHandler('notifications/tools/list_changed', () => void changed++);
  await client.connect(transport, { timeout: 20_000 });
  return { client, listChanged: () => changed, close: () => client.close().catch(() => undefined) };
}

export async function toolNames(client: Client): Promise<string[]> {
  const { tools } = await client.listTools(undefined, { timeout: 20_000, cacheMode: 'bypass' });
  return tools.map((t) => t.name).sort();
}

export function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return client.callTool({ name, arguments: args }, { timeout: 30_000 }) as Promise<CallToolResult>;
}

export function textOf(result: { content?: unknown }): string {
  return ((result.content as { type: string; text?: string }[] | undefined) ?? [])
    .map((c) => c.text ?? '')
    .join('\n');
}

/** Polls `probe` until it returns something truthy (generous bound for a loaded two-core machine). */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms = 30_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
