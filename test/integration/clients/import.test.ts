import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../../main/cli/exit-codes.ts';
import { filesContaining, tempDir } from '../../helpers/cli.ts';
import { runNode } from '../../helpers/private-keyring.ts';
import {
  E2E_FIXTURES,
  backupsOf,
  cliEnv,
  cliRunner,
  clientFileIn,
  clientFixture,
  writeFile,
} from './clients-harness.ts';

/**
 * `switchboard clients import claude-desktop` on a realistic config: six servers, two of them duplicates,
 * secrets in env and in an argument. Definitions land in the registry, secret values only in the vault.
 */

vi.setConfig({ testTimeout: 180_000 });

const FIXTURE = fs.readFileSync(path.join(E2E_FIXTURES, 'claude_desktop_config.json'), 'utf8');
const SECRETS = [
  'ghp_E2eCanary7Qx4mPl3T0k3nAbCdEfGhIjKlMn',
  'BSAe2eCanary9kX2mN9pL4vR8tW1yZ3c',
  'E2e-canary-Pa55w0rd',
  'postgresql://ada:E2e-canary-Pa55w0rd@localhost:5432/shop',
];
const PASSPHRASE = 'e2e vault passphrase, not a secret under test';

const DRY_RUN = `4 servers to add, 0 entries skipped, 3 secrets to store in the vault

+ filesystem-2 (stdio) from filesystem
    command: npx -y @modelcontextprotocol/server-filesystem /Users/ada/Documents /Users/ada/Desktop

+ github (stdio) from github, GitHub (work laptop)
    command: npx -y @modelcontextprotocol/server-github
    secrets to the vault: GITHUB_PERSONAL_ACCESS_TOKEN
    note: merged duplicate entries: github, GitHub (work laptop)

+ brave-search (stdio) from brave-search, brave
    command: npx -y @brave/brave-search-mcp-server
    env BRAVE_MCP_LOG_LEVEL=info
    secrets to the vault: BRAVE_API_KEY
    note: merged duplicate entries: brave-search, brave

+ postgres (stdio) from postgres
    command: npx -y @modelcontextprotocol/server-postgres "\${POSTGRES_URL}"
    secrets to the vault: POSTGRES_URL
    note: moved a credential in argument 3 to the vault (the server still gets it on its command line, which other local users can read: use an environment variable if it takes one)
`;

interface StoredServer {
  prefix: string;
  name: string;
  description?: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  envVars: { name: string; secret: boolean; required: boolean }[];
}

const secretVar = (name: string) => expect.objectContaining({ name, secret: true, required: true });

describe('import from Claude Desktop', () => {
  let home: { dir: string; cleanup: () => void };
  let data: { dir: string; cleanup: () => void };
  let cli: ReturnType<typeof cliRunner>;
  let configFile: string;

  beforeAll(async () => {
    home = tempDir('sb-import-home-');
    data = tempDir('sb-import-data-');
    configFile = clientFileIn(home.dir, 'claude-desktop');
    writeFile(configFile, FIXTURE);
    cli = cliRunner(data.dir, cliEnv(home.dir, { SWITCHBOARD_VAULT_PASSPHRASE: PASSPHRASE }));
    // A server already called "filesystem": the imported one must not take its prefix.
    const existing = await cli.run(['server', 'add', 'filesystem', '--', 'npx', '-y', 'fs-server', '/srv']);
    expect(existing.code, existing.stderr).toBe(0);
  });
  afterAll(() => {
    home?.cleanup();
    data?.cleanup();
  });

  it('--dry-run prints the plan exactly and changes nothing', async () => {
    const run = await cli.run(['clients', 'import', 'claude-desktop', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(DRY_RUN);

    const preview = await cli.json<{ add: { prefix: string; fromNames: string[] }[]; text: string }>([
      'clients',
      'import',
      'claude-desktop',
      '--dry-run',
    ]);
    expect(preview.text).toBe(DRY_RUN);
    expect(preview.add.map((a) => [a.prefix, a.fromNames])).toEqual([
      ['filesystem-2', ['filesystem']],
      ['github', ['github', 'GitHub (work laptop)']],
      ['brave-search', ['brave-search', 'brave']],
      ['postgres', ['postgres']],
    ]);
    expect((await cli.json<StoredServer[]>(['server', 'list'])).map((s) => s.prefix)).toEqual(['filesystem']);
    expect(fs.readFileSync(configFile, 'utf8')).toBe(FIXTURE);
    expect(backupsOf(configFile)).toEqual([]);
  });

  it('adds nothing at all when the vault is unavailable', async () => {
    const noVault = cliRunner(data.dir, cliEnv(home.dir));
    const run = await noVault.run(['clients', 'import', 'claude-desktop']);
    expect(run.code, run.stderr).toBe(EXIT.vault);
    expect(run.stderr).toContain('VAULT_UNAVAILABLE');
    expect((await cli.json<StoredServer[]>(['server', 'list'])).map((s) => s.prefix)).toEqual(['filesystem']);
    for (const text of noVault.outputs) for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('adds the expected definitions in one go, with the secret values in the vault only', async () => {
    const run = await cli.run(['--json', 'clients', 'import', 'claude-desktop']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      imported: ['filesystem-2', 'github', 'brave-search', 'postgres'],
      secrets: [
        { prefix: 'github', name: 'GITHUB_PERSONAL_ACCESS_TOKEN' },
        { prefix: 'brave-search', name: 'BRAVE_API_KEY' },
        { prefix: 'postgres', name: 'POSTGRES_URL' },
      ],
      needsValues: [],
      skipped: [],
    });

    const servers = await cli.json<StoredServer[]>(['server', 'list']);
    const byPrefix = Object.fromEntries(servers.map((s) => [s.prefix, s]));
    expect(Object.keys(byPrefix).sort()).toEqual([
      'brave-search',
      'filesystem',
      'filesystem-2',
      'github',
      'postgres',
    ]);
    expect(byPrefix['filesystem-2']).toMatchObject({
      name: 'filesystem',
      description: 'Imported from Claude Desktop',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/ada/Documents', '/Users/ada/Desktop'],
      env: {},
      envVars: [],
    });
    expect(byPrefix.github).toMatchObject({
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github'],
      env: {},
      envVars: [secretVar('GITHUB_PERSONAL_ACCESS_TOKEN')],
    });
    expect(byPrefix['brave-search']).toMatchObject({
      args: ['-y', '@brave/brave-search-mcp-server'],
      env: { BRAVE_MCP_LOG_LEVEL: 'info' },
      envVars: [secretVar('BRAVE_API_KEY')],
    });
    expect(byPrefix.postgres).toMatchObject({
      args: ['-y', '@modelcontextprotocol/server-postgres', '${POSTGRES_URL}'],
      envVars: [secretVar('POSTGRES_URL')],
    });

    for (const [prefix, name] of [
      ['github', 'GITHUB_PERSONAL_ACCESS_TOKEN'],
      ['brave-search', 'BRAVE_API_KEY'],
      ['postgres', 'POSTGRES_URL'],
    ] as const) {
      const list = await cli.json<{ name: string; isSet: boolean; secret: boolean }[]>([
        'secret',
        'list',
        prefix,
      ]);
      expect(list).toEqual([expect.objectContaining({ name, isSet: true, secret: true })]);
    }

    // The vault holds exactly the imported values (compared by digest, so no value crosses stdout).
    const digests = await runNode(
      [
        path.join(E2E_FIXTURES, 'vault-digests.ts'),
        data.dir,
        'github:GITHUB_PERSONAL_ACCESS_TOKEN',
        'brave-search:BRAVE_API_KEY',
        'postgres:POSTGRES_URL',
      ],
      { env: cliEnv(home.dir, { SWITCHBOARD_VAULT_PASSPHRASE: PASSPHRASE }) },
    );
    expect(digests.code, digests.stderr).toBe(0);
    const sha = (value: string) => createHash('sha256').update(value).digest('hex');
    expect(JSON.parse(digests.stdout)).toEqual({
      'github:GITHUB_PERSONAL_ACCESS_TOKEN': sha(SECRETS[0] as string),
      'brave-search:BRAVE_API_KEY': sha(SECRETS[1] as string),
      'postgres:POSTGRES_URL': sha(SECRETS[3] as string),
    });

    // Nothing left the vault in plain text: not the database (WAL included), not any output.
    for (const secret of SECRETS) expect(filesContaining(data.dir, secret), secret).toEqual([]);
    for (const text of cli.outputs) for (const secret of SECRETS) expect(text).not.toContain(secret);
    // Without --replace the client's file stays as it was.
    expect(fs.readFileSync(configFile, 'utf8')).toBe(FIXTURE);
  });

  it('importing again adds the servers under new prefixes instead of clashing', async () => {
    const preview = await cli.json<{ add: { prefix: string }[] }>([
      'clients',
      'import',
      'claude-desktop',
      '--dry-run',
    ]);
    expect(preview.add.map((a) => a.prefix)).toEqual([
      'filesystem-3',
      'github-2',
      'brave-search-2',
      'postgres-2',
    ]);
  });
});

describe('import --replace', () => {
  let home: { dir: string; cleanup: () => void };
  let data: { dir: string; cleanup: () => void };
  beforeAll(() => {
    home = tempDir('sb-replace-home-');
    data = tempDir('sb-replace-data-');
  });
  afterAll(() => {
    home?.cleanup();
    data?.cleanup();
  });

  it("moves the servers out of the client's file and connects it to Switchboard (backup kept)", async () => {
    const configFile = clientFileIn(home.dir, 'claude-desktop');
    writeFile(configFile, FIXTURE);
    const cli = cliRunner(data.dir, cliEnv(home.dir, { SWITCHBOARD_VAULT_PASSPHRASE: PASSPHRASE }));

    const run = await cli.run(['--json', 'clients', 'import', 'claude-desktop', '--replace']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      imported: string[];
      replaced: { path: string; backupPath: string; removedEntries: string[] };
    };
    expect(result.imported).toEqual(['filesystem', 'github', 'brave-search', 'postgres']);
    expect(result.replaced.removedEntries).toEqual([
      'filesystem',
      'github',
      'GitHub (work laptop)',
      'brave-search',
      'brave',
      'postgres',
    ]);

    const after = JSON.parse(fs.readFileSync(configFile, 'utf8')) as {
      mcpServers: Record<string, { command: string; args: string[] }>;
      globalShortcut: string;
    };
    expect(Object.keys(after.mcpServers)).toEqual(['switchboard']);
    expect(after.mcpServers.switchboard?.command).toBe(process.execPath);
    expect(after.mcpServers.switchboard?.args.slice(1)).toEqual(['--data-dir', data.dir, 'bridge']);
    expect(after.globalShortcut).toBe('Alt+Space');
    expect(fs.readFileSync(result.replaced.backupPath, 'utf8')).toBe(FIXTURE);
    expect(backupsOf(configFile)).toEqual([result.replaced.backupPath]);

    // The secrets left the client's file (the backup is the person's own original and keeps them).
    for (const secret of SECRETS) {
      expect(filesContaining(home.dir, secret)).toEqual([result.replaced.backupPath]);
      expect(filesContaining(data.dir, secret)).toEqual([]);
    }
    for (const text of cli.outputs) for (const secret of SECRETS) expect(text).not.toContain(secret);

    const rows = await cli.json<{ id: string; entry: string }[]>(['clients']);
    expect(rows.find((r) => r.id === 'claude-desktop')?.entry).toBe('current');
  });
});

describe('import from a client that only refers to its secrets', () => {
  let home: { dir: string; cleanup: () => void };
  let data: { dir: string; cleanup: () => void };
  beforeAll(() => {
    home = tempDir('sb-import-refs-home-');
    data = tempDir('sb-import-refs-data-');
  });
  afterAll(() => {
    home?.cleanup();
    data?.cleanup();
  });

  it('needs no vault, and says which values to set next', async () => {
    // Cursor's file says `Bearer ${env:GITHUB_TOKEN}`: the value is not in the file, so nothing goes to the vault.
    writeFile(clientFileIn(home.dir, 'cursor'), clientFixture('cursor', 'full'));
    const cli = cliRunner(data.dir, cliEnv(home.dir));
    const run = await cli.run(['clients', 'import', 'cursor']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      'imported 2 servers: github, win-tools\nset next: switchboard secret set github GITHUB_TOKEN\n',
    );
    expect(await cli.json(['server', 'show', 'github'])).toMatchObject({
      transport: 'http',
      url: 'https://api.githubcopilot.com/mcp/',
      headers: { Authorization: 'Bearer ${GITHUB_TOKEN}' },
    });
  });

  it('reads the project file with --project, wherever the flag stands (regression)', async () => {
    const project = path.join(home.dir, 'work', 'app');
    writeFile(path.join(project, '.cursor', 'mcp.json'), clientFixture('cursor', 'full'));
    fs.rmSync(clientFileIn(home.dir, 'cursor'));
    const cli = cliRunner(data.dir, cliEnv(home.dir));
    for (const args of [
      ['clients', 'import', 'cursor', '--project', project, '--dry-run'],
      ['clients', 'import', '--project', project, 'cursor', '--dry-run'],
    ]) {
      const preview = await cli.json<{ add: { fromNames: string[] }[] }>(args);
      expect(
        preview.add.map((a) => a.fromNames),
        args.join(' '),
      ).toEqual([['github'], ['win-tools']]);
    }
  });
});

describe('switchboard import CLIENT', () => {
  let home: { dir: string; cleanup: () => void };
  let data: { dir: string; cleanup: () => void };
  beforeAll(() => {
    home = tempDir('sb-import-alias-home-');
    data = tempDir('sb-import-alias-data-');
  });
  afterAll(() => {
    home?.cleanup();
    data?.cleanup();
  });

  it('is `clients import` for a known client id, and a file import otherwise', async () => {
    writeFile(clientFileIn(home.dir, 'claude-desktop'), FIXTURE);
    const cli = cliRunner(data.dir, cliEnv(home.dir, { SWITCHBOARD_VAULT_PASSPHRASE: PASSPHRASE }));
    const dryRun = await cli.run(['import', 'claude-desktop', '--dry-run']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toBe(DRY_RUN.replace('filesystem-2', 'filesystem'));

    const both = await cli.run(['import', 'claude-desktop', '--dry-run', '--replace']);
    expect(both.code).toBe(EXIT.usage);

    const imported = await cli.json<{ imported: string[] }>(['import', 'claude-desktop']);
    expect(imported.imported).toEqual(['filesystem', 'github', 'brave-search', 'postgres']);

    // Anything that is not a client id is a file; the client-only flags are a usage error there.
    const file = path.join(home.dir, 'servers.json');
    fs.writeFileSync(file, JSON.stringify({ format: 'switchboard-servers', version: 1, servers: [] }));
    for (const flag of ['--dry-run', '--replace']) {
      const run = await cli.run(['import', file, flag]);
      expect(run.code, flag).toBe(EXIT.usage);
      expect(run.stderr).toContain(`${flag} is only for importing from an AI client`);
    }
    expect(await cli.json(['import', file])).toEqual({ imported: [], profiles: [] });
    const missing = await cli.run(['import', 'notepad']);
    expect(missing.code).toBe(EXIT.validation);
    expect(missing.stderr).toContain('cannot read notepad');
  });
});
