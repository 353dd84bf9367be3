import { Client, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { SwitchboardError } from '../lib/errors.ts';
import { buildChildEnv } from '../upstream/child-env.ts';
import { describe, httpStatusOf, networkCode } from '../upstream/upstream-errors.ts';
import { StdioProcessTransport } from '../upstream/stdio-process-transport.ts';
import type { ImportedServer } from './client-adapter.ts';
import type { ClientService, ClientServiceDeps } from './client-service-model.ts';
import type { ClientTargets } from './client-targets.ts';
import { SWITCHBOARD_ENTRY_NAME, bearerHeader } from './switchboard-entry.ts';

/**
 * "Test": lists the hub's tools through exactly the entry the client's file holds — its URL and headers, or
 * its command, arguments and environment — the way the client itself will, so a wrong port, a revoked token
 * or a bridge that cannot start shows here instead of in the client. The entry is read from the file, not
 * rebuilt: what is tested is what was written.
 */

/** Bounds each step (connect, list): a bridge starts Node, then the hub answers. */
const STEP_TIMEOUT_MS = 20_000;
const SAMPLE = 5;

export function createClientEntryCheck(
  deps: Pick<ClientServiceDeps, 'env' | 'platform'>,
  targets: ClientTargets,
  redact: (text: string) => string,
): Pick<ClientService, 'checkEntry'> {
  return {
    async checkEntry(id, options = {}) {
      const target = await targets.targetFor(id, options.projectDir);
      const { adapter } = target;
      const { servers } = await targets.readOwnedTarget(target, 'connect');
      const entry = servers.find((s) => s.name === SWITCHBOARD_ENTRY_NAME);
      if (entry === undefined || entry.transport === 'unsupported') {
        throw new SwitchboardError(
          'NOT_FOUND',
          `${target.path} has no Switchboard entry to test; connect ${adapter.displayName} first`,
        );
      }
      const where = entry.transport === 'stdio' ? [entry.command, ...entry.args].join(' ') : entry.url;
      try {
        const tools = await listThrough(transportFor(entry, deps));
        return {
          client: adapter.id,
          target: where,
          ok: true,
          toolCount: tools.length,
          sampleTools: tools.slice(0, SAMPLE),
        };
      } catch (error) {
        return {
          client: adapter.id,
          target: where,
          ok: false,
          problem: redact(explain(error, entry, adapter.displayName)),
        };
      }
    },
  };
}

function transportFor(
  entry: Exclude<ImportedServer, { transport: 'unsupported' }>,
  deps: Pick<ClientServiceDeps, 'env' | 'platform'>,
): Transport {
  if (entry.transport === 'stdio') {
    return new StdioProcessTransport({
      command: entry.command,
      args: entry.args,
      // The basics a desktop client passes on plus the entry's own variables, as every stdio child of the hub
      // gets: none of the hub's own secrets (a vault passphrase in its environment) goes to the child.
      env: buildChildEnv({
        resolved: entry.env,
        path: deps.env.PATH ?? deps.env.Path ?? '',
        processEnv: deps.env,
        platform: deps.platform,
      }),
      ...(entry.cwd === undefined ? {} : { cwd: entry.cwd }),
      platform: deps.platform,
    });
  }
  const headers = { ...entry.headers };
  const fromEnv = entry.bearerTokenEnvVar === undefined ? undefined : deps.env[entry.bearerTokenEnvVar];
  if (fromEnv !== undefined) headers.Authorization = bearerHeader(fromEnv);
  return new StreamableHTTPClientTransport(new URL(entry.url), { requestInit: { headers } });
}

async function listThrough(transport: Transport): Promise<string[]> {
  const client = new Client({ name: 'switchboard-entry-check', version: '1' });
  try {
    await client.connect(transport, { timeout: STEP_TIMEOUT_MS });
    const { tools } = await client.listTools(undefined, { timeout: STEP_TIMEOUT_MS });
    return tools.map((tool) => tool.name);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Cause first, then what to do; never the entry's headers or environment. */
function explain(
  error: unknown,
  entry: Exclude<ImportedServer, { transport: 'unsupported' }>,
  client: string,
): string {
  if (entry.transport === 'stdio') {
    return `the bridge command did not answer (${describe(error)}); check that Switchboard's data folder and runtime still exist, then connect ${client} again`;
  }
  const status = httpStatusOf(error);
  if (status === 401 || status === 403) {
    return `Switchboard refused the entry's token (HTTP ${status}): it was revoked or replaced; connect ${client} again`;
  }
  if (networkCode(error) === 'ECONNREFUSED') {
    return `nothing listens on ${entry.url}: start Switchboard, or set the Gateway port to the port it runs on and connect ${client} again`;
  }
  return `${entry.url} did not answer as Switchboard (${describe(error)}); connect ${client} again`;
}
