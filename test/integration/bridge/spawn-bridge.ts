import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** True once the real CLI (main/cli.ts → program.ts → hub.ts …) loads; until then the fixture entry runs. */
export const cliLoads = await import('../../../main/cli/program.ts').then(
  () => true,
  () => false,
);

/** The command line of `switchboard … bridge …` as an AI client would launch it: absolute paths, no npx. */
export function bridgeCommand(args: string[]): { command: string; args: string[] } {
  const entry = cliLoads
    ? path.join(ROOT, 'main/cli.ts')
    : path.join(ROOT, 'test/integration/bridge/fixtures/bridge-entry.ts');
  return { command: process.execPath, args: [entry, ...args] };
}

export interface SpawnedBridge {
  client: Client;
  transport: StdioClientTransport;
  /** Everything the bridge wrote on stderr so far. */
  stderr(): string;
  /** Resolves once the bridge process has ended (the client's transport closed). */
  exited: Promise<void>;
}

/** Launches the bridge as a child process; returns an SDK client speaking stdio to it (not yet connected). */
export function spawnBridge(options: {
  dataDir: string;
  server?: string;
  wait?: number;
  /** `--port`: where the bridge connects instead of gateway.json's / the setting's port. */
  port?: number;
  mode?: 'legacy' | 'auto';
}): SpawnedBridge {
  const args = ['--data-dir', options.dataDir, 'bridge'];
  if (options.server) args.push('--server', options.server);
  if (options.wait !== undefined) args.push('--wait', String(options.wait));
  if (options.port !== undefined) args.push('--port', String(options.port));
  const { command, args: fullArgs } = bridgeCommand(args);
  const transport = new StdioClientTransport({ command, args: fullArgs, stderr: 'pipe', cwd: ROOT });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client(
    { name: 'bridge-test', version: '1.0.0' },
    { versionNegotiation: { mode: options.mode ?? 'legacy' } },
  );
  const exited = new Promise<void>((resolve) => {
    client.onclose = () => resolve();
  });
  return { client, transport, stderr: () => stderr, exited };
}
