import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openHub, type Hub } from '../../../main/hub.ts';
import type { Runtime } from '../../../main/hub-runtime.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { bridgeLaunchCommand } from '../../../main/bridge/launch-command.ts';
import { createHubDispatcher } from '../../../main/ipc/contract-handlers.ts';
import type { ContractDispatcher } from '../../../main/ipc/dispatcher.ts';
import type { IpcDeps } from '../../../main/ipc/handler-types.ts';
import type { GatewayRoute } from '../../../main/gateway/http/gateway-app.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A real hub in a temp data dir: real SQLite, memory key store, pool, gateway on a free port, health. */
export interface RealHub {
  dataDir: string;
  home: string;
  hub: Hub;
  runtime: Runtime;
  deps: IpcDeps;
  dispatch: ContractDispatcher;
  /** Stops every upstream, closes the database and removes the temp dirs. */
  close(): Promise<void>;
}

export interface RealHubOptions {
  mode?: 'desktop' | 'web';
  routes?: (runtime: Runtime, hub: Hub) => GatewayRoute[];
  health?: boolean;
}

/** Starts a real hub (see RealHub). */
export async function startRealHub(options: RealHubOptions = {}): Promise<RealHub> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-ipc-'));
  const dataDir = path.join(root, 'data');
  const home = path.join(root, 'home');
  fs.mkdirSync(home, { recursive: true });
  const hub = openHub({
    dataDir,
    env: {},
    keyProviders: [createMemoryKeyProviderForTests()],
    log: silentLogger,
    openBrowser: async () => undefined,
    clients: { platform: 'linux', home, env: {} },
    bridgeCommand: () =>
      bridgeLaunchCommand({
        runtime: process.execPath,
        cliEntry: path.join(ROOT, 'main/cli.ts'),
        dataDir,
        electron: false,
      }),
  });
  const runtime = await hub.start({
    port: 0,
    health: options.health ?? true,
    routes: options.routes && ((started) => options.routes?.(started, hub) ?? []),
  });
  const deps: IpcDeps = { hub, mode: options.mode ?? 'desktop', version: '0.0.0-test' };
  const dispatch = createHubDispatcher(deps);
  return {
    dataDir,
    home,
    hub,
    runtime,
    deps,
    dispatch,
    async close() {
      await hub.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The echo fixture as a stdio server definition. */
export function echoDefinition(
  prefix = 'echo',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    prefix,
    name: `Echo ${prefix}`,
    transport: 'stdio',
    command: process.execPath,
    args: [FIXTURES.echo],
    ...extra,
  };
}
