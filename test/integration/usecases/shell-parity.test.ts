import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/program.ts';
import { openHub, type Hub } from '../../../main/hub.ts';
import type { Runtime } from '../../../main/hub-runtime.ts';
import { createHubDispatcher } from '../../../main/ipc/contract-handlers.ts';
import type { ContractDispatcher } from '../../../main/ipc/dispatcher.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import {
  oauthClientSecretOwner,
  oauthGrantOwner,
  ownersOfServer,
} from '../../../main/vault/server-owners.ts';

/**
 * Every use-case through both shells: the CLI (in-process `runCli`, one command at a time, no hub running —
 * as a person types them) and the window's contract handlers (over a RUNNING hub, as the desktop app and the
 * web UI call them). Each shell works on its own fresh data directory with a real SQLite file and a real vault
 * (passphrase key store); after every step, both directories must hold the same registry, vault and client
 * files. The shells only translate: if one of them decided something on its own, the states would differ.
 */

const PASSPHRASE = 'parity-test-passphrase';
const SECRET = 'parity-secret-Zq8"\\x';

interface Side {
  root: string;
  dataDir: string;
  home: string;
}

function makeSide(name: string): Side {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `switchboard-parity-${name}-`));
  const side = { root, dataDir: path.join(root, 'data'), home: path.join(root, 'home') };
  fs.mkdirSync(side.home, { recursive: true });
  return side;
}

const envOf = (side: Side): NodeJS.ProcessEnv => ({
  SWITCHBOARD_VAULT_PASSPHRASE: PASSPHRASE,
  SWITCHBOARD_CLIENT_HOME: side.home,
  SWITCHBOARD_NO_BROWSER: '1',
});

async function cli(side: Side, argv: string[], input?: string): Promise<string> {
  const out: string[] = [];
  const sink = {
    write: (chunk: string) => (out.push(String(chunk)), true),
  } as unknown as NodeJS.WritableStream;
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
  (stdin as unknown as PassThrough).end(input ?? '');
  const code = await runCli({
    argv: ['--data-dir', side.dataDir, ...argv],
    env: envOf(side),
    stdin,
    stdout: sink,
    stderr: sink,
  });
  if (code !== 0) throw new Error(`switchboard ${argv.join(' ')} exited ${code}: ${out.join('')}`);
  return out.join('');
}

/** What the registry, the vault and the client files hold, without what differs by nature (times, tokens). */
function snapshot(side: Side, hub: Hub): Record<string, unknown> {
  const db = hub.registry.db.connection;
  const rows = (sql: string) => db.prepare(sql).all();
  const digest = (value: string | undefined) =>
    value === undefined ? null : createHash('sha256').update(value).digest('hex').slice(0, 16);
  const secrets = (
    rows('SELECT owner, name FROM secrets ORDER BY owner, name') as { owner: string; name: string }[]
  ).map((r) => ({ ...r, value: digest(hub.vault.get(r.owner, r.name)) }));
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(side.home, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.includes('switchboard-backup')) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(side.home, file)] = fs
      .readFileSync(file, 'utf8')
      .replace(/sbt_[A-Za-z0-9_-]{43}/g, '<token>')
      .replaceAll(side.dataDir, '<data-dir>');
  }
  return {
    servers: hub.registry.servers.list().map(({ createdAt: _c, updatedAt: _u, ...server }) => server),
    envValues: rows('SELECT server_id, name, value FROM env_values ORDER BY server_id, name'),
    secrets,
    disabledTools: rows('SELECT server_id, tool FROM disabled_tools ORDER BY server_id, tool'),
    catalogs: rows('SELECT server_id FROM upstream_catalog ORDER BY server_id'),
    health: rows('SELECT server_id, status FROM health_history ORDER BY id'),
    tokens: rows('SELECT name FROM client_tokens ORDER BY name'),
    settings: rows('SELECT key, value FROM settings ORDER BY key'),
    files,
  };
}

/** Something both sides hold that no shell can create on its own: a fetched catalog and a health result. */
function seedFetchedState(hub: Hub, prefix: string): void {
  const { id } = hub.registry.servers.get(prefix);
  hub.registry.catalog.save(id, {
    capabilities: { tools: {} },
    tools: [{ name: 'echo', inputSchema: { type: 'object' } }],
    prompts: [],
    resources: [],
    resourceTemplates: [],
    definitionHash: 'seeded',
    refreshedAt: 1,
  });
  hub.registry.healthHistory.record(id, {
    status: 'healthy',
    latencyMs: 1,
    error: null,
    errorCode: null,
    checkedAt: 1,
  });
}

interface Step {
  name: string;
  cli: string[];
  stdin?: string;
  /** The window's command and input. */
  ipc: [string, Record<string, unknown>];
  /** Run on both sides before the step (the same state a real hub would have produced). */
  before?: (hub: Hub) => void;
  /** Checked on both sides after the step: what it must have done (equal but wrong states would pass). */
  after?: (hub: Hub) => void;
}

const STDIO_DEFINITION = {
  prefix: 'fs',
  name: 'Files',
  transport: 'stdio',
  // Never started for real: the window's running hub tries, fails at once, and stores nothing.
  command: '/bin/false',
  args: ['--root', '/tmp'],
  env: { ROOT: '/tmp' },
  envVars: [{ name: 'TOKEN', required: true, secret: true }],
  enabled: true,
  keepRunning: false,
};

const EXPORT = JSON.stringify({
  format: 'switchboard-servers',
  version: 1,
  servers: [{ prefix: 'imported', name: 'imported', transport: 'http', url: 'https://example.com/mcp' }],
});

const CLAUDE_CONFIG = JSON.stringify({
  mcpServers: {
    memory: { command: 'no-such-command-for-parity', args: ['--serve'], env: { API_KEY: SECRET } },
  },
});

const STEPS: Step[] = [
  {
    name: 'add a stdio server',
    cli: [
      'server',
      'add',
      'fs',
      '--name',
      'Files',
      '--env',
      'ROOT=/tmp',
      '--secret-var',
      'TOKEN',
      '--',
      STDIO_DEFINITION.command,
      ...STDIO_DEFINITION.args,
    ],
    ipc: ['servers.add', { definition: STDIO_DEFINITION }],
  },
  {
    name: 'add a remote server',
    cli: ['server', 'add', 'notes', '--url', 'https://notes.example.com/mcp'],
    ipc: [
      'servers.add',
      {
        definition: {
          prefix: 'notes',
          name: 'notes',
          transport: 'http',
          url: 'https://notes.example.com/mcp',
          headers: {},
          envVars: [],
          enabled: true,
          keepRunning: false,
        },
      },
    ],
  },
  {
    name: 'set a secret',
    cli: ['secret', 'set', 'fs', 'TOKEN'],
    stdin: SECRET,
    ipc: ['variables.set', { prefix: 'fs', name: 'TOKEN', value: SECRET }],
  },
  {
    name: 'declare and set a new secret',
    cli: ['secret', 'set', 'fs', 'EXTRA'],
    stdin: 'x1',
    ipc: ['variables.set', { prefix: 'fs', name: 'EXTRA', value: 'x1' }],
  },
  {
    name: 'unset a secret',
    cli: ['secret', 'unset', 'fs', 'EXTRA'],
    ipc: ['variables.unset', { prefix: 'fs', name: 'EXTRA' }],
  },
  {
    name: 'switch a tool off',
    cli: ['tools', 'disable', 'fs', 'echo'],
    ipc: ['tools.setEnabled', { prefix: 'fs', tool: 'echo', enabled: false }],
    before: (hub) => seedFetchedState(hub, 'fs'),
  },
  {
    name: 'switch it on again',
    cli: ['tools', 'enable', 'fs', 'echo'],
    ipc: ['tools.setEnabled', { prefix: 'fs', tool: 'echo', enabled: true }],
  },
  {
    name: 'switch it off for good',
    cli: ['tools', 'disable', 'fs', 'echo'],
    ipc: ['tools.setEnabled', { prefix: 'fs', tool: 'echo', enabled: false }],
  },
  {
    name: 'disable a server',
    cli: ['server', 'disable', 'notes'],
    ipc: ['servers.setEnabled', { prefix: 'notes', enabled: false }],
  },
  {
    name: 'enable it again',
    cli: ['server', 'enable', 'notes'],
    ipc: ['servers.setEnabled', { prefix: 'notes', enabled: true }],
  },
  {
    name: 'rename a server (its secrets and switches stay with its id)',
    cli: ['server', 'rename', 'fs', 'files'],
    ipc: [
      'servers.update',
      {
        prefix: 'fs',
        definition: {
          ...STDIO_DEFINITION,
          prefix: 'files',
          envVars: [...STDIO_DEFINITION.envVars, { name: 'EXTRA', required: false, secret: true }],
        },
      },
    ],
  },
  {
    name: 'disconnect a signed-in server (its grant goes, nothing else)',
    // A stored sign-in, as Connect would leave it; the issuer is unreachable, so revocation is best-effort.
    before: (hub) => {
      const { id } = hub.registry.servers.get('notes');
      hub.vault.set(
        oauthGrantOwner(id),
        'grant:https://issuer.invalid',
        '{"issuer":"https://issuer.invalid"}',
      );
    },
    cli: ['auth', 'disconnect', 'notes'],
    ipc: ['auth.disconnect', { prefix: 'notes' }],
    after: (hub) => {
      const { id } = hub.registry.servers.get('notes');
      expect(hub.vault.listNames(oauthGrantOwner(id))).toEqual([]);
      expect(hub.registry.servers.get('notes')).toMatchObject({ url: 'https://notes.example.com/mcp' });
    },
  },
  {
    name: 'create a client token',
    cli: ['token', 'create', 'my-app'],
    ipc: ['tokens.create', { name: 'my-app' }],
  },
  { name: 'revoke it', cli: ['token', 'revoke', 'my-app'], ipc: ['tokens.revoke', { name: 'my-app' }] },
  {
    name: 'change a setting',
    cli: ['settings', 'health.intervalSeconds', '300'],
    ipc: ['settings.set', { healthIntervalSeconds: 300 }],
  },
  { name: 'pause the gateway', cli: ['pause'], ipc: ['gateway.setPaused', { paused: true }] },
  { name: 'resume it', cli: ['resume'], ipc: ['gateway.setPaused', { paused: false }] },
  {
    name: 'import an export file',
    cli: ['import', '<export-file>'],
    ipc: ['transfer.import', { text: EXPORT }],
  },
  { name: 'connect Cursor', cli: ['connect', 'cursor'], ipc: ['clients.connect', { id: 'cursor' }] },
  {
    name: 'disconnect Cursor (its token goes too)',
    cli: ['disconnect', 'cursor'],
    ipc: ['clients.disconnect', { id: 'cursor' }],
  },
  {
    name: "import Claude Desktop's servers (the secret goes to the vault)",
    cli: ['import', 'claude-desktop'],
    ipc: ['clients.import', { id: 'claude-desktop' }],
  },
  {
    name: 'clear every value of a server',
    cli: ['var', 'clear', 'memory'],
    ipc: ['variables.clear', { prefix: 'memory' }],
  },
  {
    name: 'remove a server and everything it owns',
    // A sign-in and a client secret, as Connect would have stored them: removing the server must take them.
    before: (hub) => {
      const { id } = hub.registry.servers.get('files');
      hub.vault.set(
        oauthGrantOwner(id),
        'grant:https://issuer.example',
        '{"issuer":"https://issuer.example"}',
      );
      hub.vault.set(oauthClientSecretOwner(id), 'client_secret', 'client-secret-canary');
      hub.registry.write(() =>
        hub.registry.toolPins.pin(id, [{ tool: 't', hash: 'h', definition: '{}' }], 1),
      );
    },
    cli: ['server', 'remove', 'files'],
    ipc: ['servers.remove', { prefix: 'files' }],
  },
];

describe('shell parity: the CLI and the window do the same thing for every use-case', () => {
  let viaCli: Side;
  let viaWindow: Side;
  let windowHub: Hub;
  let runtime: Runtime;
  let dispatch: ContractDispatcher;
  let cliHub: Hub;

  beforeAll(async () => {
    viaCli = makeSide('cli');
    viaWindow = makeSide('window');
    for (const side of [viaCli, viaWindow]) {
      const file = path.join(side.home, 'Library/Application Support/Claude/claude_desktop_config.json');
      const linux = path.join(side.home, '.config/Claude/claude_desktop_config.json');
      for (const target of [file, linux]) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, CLAUDE_CONFIG);
      }
      fs.mkdirSync(path.join(side.home, '.cursor'), { recursive: true });
      fs.writeFileSync(path.join(side.root, 'export.json'), EXPORT);
    }
    windowHub = openHub({ dataDir: viaWindow.dataDir, env: envOf(viaWindow), log: silentLogger });
    runtime = await windowHub.start({ port: 0, health: false, watchRegistry: false });
    dispatch = createHubDispatcher({ hub: windowHub, mode: 'desktop', version: 'test' });
    // The CLI side is inspected through a hub of its own that never starts anything.
    cliHub = openHub({ dataDir: viaCli.dataDir, env: envOf(viaCli), log: silentLogger });
  }, 120_000);

  afterAll(async () => {
    await windowHub?.close();
    await cliHub?.close();
    for (const side of [viaCli, viaWindow]) if (side) fs.rmSync(side.root, { recursive: true, force: true });
  });

  for (const step of STEPS) {
    it(step.name, async () => {
      step.before?.(cliHub);
      step.before?.(windowHub);
      const argv = step.cli.map((a) => (a === '<export-file>' ? path.join(viaCli.root, 'export.json') : a));
      await cli(viaCli, argv, step.stdin);
      const result = await dispatch(step.ipc[0], step.ipc[1]);
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      expect(snapshot(viaWindow, windowHub)).toEqual(snapshot(viaCli, cliHub));
      step.after?.(cliHub);
      step.after?.(windowHub);
    });
  }

  it('after remove, nothing of that server id is left on either side', () => {
    for (const hub of [cliHub, windowHub]) {
      const db = hub.registry.db.connection;
      const id = 1; // `fs`, renamed to `files`: the first server added
      const count = (sql: string, ...args: unknown[]) =>
        db
          .prepare(sql)
          .pluck()
          .get(...args) as number;
      expect(hub.registry.servers.findById(id)).toBeUndefined();
      for (const owner of ownersOfServer(id)) {
        expect(count('SELECT count(*) FROM secrets WHERE owner = ?', owner)).toBe(0);
      }
      for (const table of [
        'env_values',
        'upstream_catalog',
        'disabled_tools',
        'health_history',
        'legacy_secret_owners',
        'tool_pins',
        'tool_pin_sets',
      ]) {
        expect(count(`SELECT count(*) FROM ${table} WHERE server_id = ?`, id)).toBe(0);
      }
    }
    expect(runtime.pool.status('files')).toBeUndefined();
  });
});
