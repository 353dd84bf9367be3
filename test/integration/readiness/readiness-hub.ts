import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { openHub, type Hub } from '../../../main/hub.ts';
import { createLogger } from '../../../main/lib/logger.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import type { Runtime, RuntimeOptions } from '../../../main/hub-runtime.ts';
import type { OpenBrowser } from '../../../main/oauth/browser-opener.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import { makeTempDir } from '../../fixtures/registry/temp-registry.ts';

/**
 * The whole hub in this process (registry file, vault with an in-memory key, pool, gateway on 127.0.0.1:0,
 * health monitor, OAuth), with every log line captured so tests can look for secrets in them.
 */
export interface TestHub {
  dataDir: string;
  hub: Hub;
  runtime: Runtime;
  logs: string[];
  /** A client token for the gateway. */
  token: string;
  /** http://127.0.0.1:<port>/mcp */
  url: string;
  /** An SDK client connected to the aggregate endpoint (closed by close()). */
  client(): Promise<Client>;
  close(): Promise<void>;
}

export async function startTestHub(
  options: RuntimeOptions & {
    openBrowser?: OpenBrowser;
    dataDir?: string;
    /** Use a passphrase vault (so CLI child processes can share it) instead of an in-memory key. */
    vaultPassphrase?: string;
    before?(hub: Hub): void;
  } = {},
): Promise<TestHub> {
  const dataDir = options.dataDir ?? makeTempDir('readiness');
  const logs: string[] = [];
  const redactor = new Redactor();
  const log = createLogger({ redactor, level: 'debug', write: (line) => logs.push(line) });
  const hub =
    options.vaultPassphrase === undefined
      ? openHub({ dataDir, env: {}, keyProviders: [createMemoryKeyProviderForTests()], log, redactor })
      : openHub({ dataDir, env: { SWITCHBOARD_VAULT_PASSPHRASE: options.vaultPassphrase }, log, redactor });
  options.before?.(hub);
  const { before: _before, dataDir: _dir, vaultPassphrase: _pass, openBrowser, ...rest } = options;
  const runtime = await hub.start({
    port: 0,
    openBrowser: openBrowser ?? (async () => {}),
    watchRegistry: false,
    ...rest,
    healthSettings: {
      intervalMs: 10 * 60_000,
      startSpreadMs: 0,
      probeTimeoutMs: 15_000,
      ...rest.healthSettings,
    },
  });
  const token = hub.useCases.tokens.create('readiness-test').token;
  const url = runtime.front()?.url ?? '';
  const clients: Client[] = [];
  return {
    dataDir,
    hub,
    runtime,
    logs,
    token,
    url,
    async client() {
      const client = new Client({ name: 'readiness-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => {})));
      await hub.close();
    },
  };
}

/** Polls `check` every 50 ms until it returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what: string | (() => string) = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const described = typeof what === 'function' ? what() : what;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${described} (last: ${JSON.stringify(last)})`);
}

/** The text of a tool result's first content block. */
export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('\n');
}
