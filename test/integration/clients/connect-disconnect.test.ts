import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../../main/cli/exit-codes.ts';
import { gatewayInfoPath, writeGatewayInfo } from '../../../main/gateway/http/gateway-info-file.ts';
import { tempDir } from '../../helpers/cli.ts';
import {
  CLIENT_IDS,
  backupsOf,
  cliEnv,
  cliRunner,
  clientFileIn,
  clientFixture,
  setGatewayPort,
  writeFile,
  type TestClientId,
} from './clients-harness.ts';

/**
 * `switchboard connect` / `disconnect` / `clients` for every supported client, through the real CLI in child
 * processes, with every client's file under a fake home (SWITCHBOARD_CLIENT_HOME).
 */

interface ClientRow {
  id: string;
  detected: boolean;
  configPath: string;
  configExists: boolean;
  entry: string;
  problem?: string;
  restartHint: string;
}

// Every CLI call is a Node process (about a second on a busy two-core machine); these tests make dozens.
vi.setConfig({ testTimeout: 180_000 });

const POSIX = process.platform !== 'win32';
const HTTP_CLIENTS = CLIENT_IDS.filter((id) => id !== 'claude-desktop');
const byId = (rows: ClientRow[]) =>
  Object.fromEntries(rows.map((r) => [r.id, r])) as Record<string, ClientRow>;
const entries = (rows: ClientRow[]) => Object.fromEntries(rows.map((r) => [r.id, r.entry]));
const every = (entry: string, ids: readonly string[] = CLIENT_IDS) =>
  Object.fromEntries(ids.map((id) => [id, entry]));

describe('connect, then disconnect, gives every client its original file back', () => {
  let home: { dir: string; cleanup: () => void };
  let data: { dir: string; cleanup: () => void };
  let cli: ReturnType<typeof cliRunner>;
  const originals = new Map<TestClientId, Buffer>();
  const file = (id: TestClientId) => clientFileIn(home.dir, id);

  beforeAll(() => {
    home = tempDir('sb-clients-home-');
    data = tempDir('sb-clients-data-');
    cli = cliRunner(
      data.dir,
      cliEnv(home.dir, {
        XDG_CONFIG_HOME: '/nonexistent-xdg',
        APPDATA: '/nonexistent-appdata',
        CLAUDE_CONFIG_DIR: '/nonexistent-claude',
        CODEX_HOME: '/nonexistent-codex',
        GEMINI_CLI_HOME: '/nonexistent-gemini',
      }),
    );
    for (const id of CLIENT_IDS) {
      writeFile(file(id), clientFixture(id, 'full'));
      originals.set(id, fs.readFileSync(file(id)));
    }
  });
  afterAll(() => {
    home?.cleanup();
    data?.cleanup();
  });

  it('lists every client under the fake home (XDG_CONFIG_HOME, CODEX_HOME … ignored there) with no entry', async () => {
    const rows = byId(await cli.json<ClientRow[]>(['clients']));
    for (const id of CLIENT_IDS) {
      expect(rows[id]).toMatchObject({
        detected: true,
        configPath: file(id),
        configExists: true,
        entry: 'absent',
      });
      expect(rows[id]?.restartHint).toMatch(/\S/);
    }
  });

  it('connect writes the entry (backup of the original kept) and `clients` reports it current', async () => {
    for (const id of CLIENT_IDS) {
      if (POSIX) fs.chmodSync(file(id), 0o644);
      const run = await cli.run(['--json', 'connect', id]);
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as {
        changed: boolean;
        path: string;
        backupPath: string;
        modeTightened?: { from: string; to: string };
      };
      expect(result).toMatchObject({ changed: true, path: file(id) });
      // A file that now holds a token is narrowed to its owner, and says so; the bridge's file keeps its mode.
      if (POSIX) {
        expect(result.modeTightened, id).toEqual(
          id === 'claude-desktop' ? undefined : { from: '0644', to: '0600' },
        );
      }
      expect(fs.readFileSync(result.backupPath)).toEqual(originals.get(id));
      expect(backupsOf(file(id))).toEqual([result.backupPath]);
      expect(fs.readFileSync(file(id), 'utf8')).toContain('switchboard');
    }
    expect(entries(await cli.json<ClientRow[]>(['clients']))).toEqual(every('current'));
    const tokens = await cli.json<{ name: string }[]>(['token', 'list']);
    expect(tokens.map((t) => t.name).sort()).toEqual([...HTTP_CLIENTS].sort());
  });

  it('connecting again changes nothing: same token, no new backup', async () => {
    for (const id of ['claude-desktop', 'cursor', 'codex'] as const) {
      const before = fs.readFileSync(file(id));
      expect((await cli.json<{ changed: boolean }>(['connect', id])).changed).toBe(false);
      expect(fs.readFileSync(file(id))).toEqual(before);
      expect(backupsOf(file(id))).toHaveLength(1);
    }
  });

  it.runIf(POSIX)(
    'a connected file made readable again is narrowed on the next connect, and says so',
    async () => {
      fs.chmodSync(file('cursor'), 0o644);
      const run = await cli.run(['connect', 'cursor']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`${file('cursor')} was already up to date`);
      expect(run.stdout).toContain(`made ${file('cursor')} readable by you only (mode 0644 -> 0600)`);
      expect(fs.statSync(file('cursor')).mode & 0o777).toBe(0o600);
    },
  );

  it('reports outdated entries: a revoked token, another gateway port, another data directory', async () => {
    expect((await cli.run(['token', 'revoke', 'cursor'])).code).toBe(0);
    expect(entries(await cli.json<ClientRow[]>(['clients']))).toEqual({
      ...every('current'),
      cursor: 'outdated',
    });

    // Reconnecting replaces the dead token with a new one.
    const tokenBefore = fs.readFileSync(file('cursor'), 'utf8');
    expect((await cli.json<{ changed: boolean }>(['connect', 'cursor'])).changed).toBe(true);
    expect(fs.readFileSync(file('cursor'), 'utf8')).not.toBe(tokenBefore);
    expect(entries(await cli.json<ClientRow[]>(['clients']))).toEqual(every('current'));

    // Every URL entry names the configured port; the bridge finds the port itself.
    setGatewayPort(data.dir, 17600);
    expect(entries(await cli.json<ClientRow[]>(['clients']))).toEqual({
      ...every('outdated'),
      'claude-desktop': 'current',
    });
    setGatewayPort(data.dir, 17517);

    // Another data directory: its tokens are not these, and the bridge command names the data directory.
    const other = tempDir('sb-clients-other-');
    try {
      const elsewhere = cliRunner(other.dir, cliEnv(home.dir));
      expect(entries(await elsewhere.json<ClientRow[]>(['clients']))).toEqual(every('outdated'));
    } finally {
      other.cleanup();
    }
  });

  it('disconnect restores the original bytes and revokes the client token', async () => {
    for (const id of CLIENT_IDS) {
      const run = await cli.run(['--json', 'disconnect', id]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        changed: true,
        revokedToken: id === 'claude-desktop' ? null : id,
      });
      expect(fs.readFileSync(file(id)), `${id} after disconnect`).toEqual(originals.get(id));
      expect(backupsOf(file(id)).length).toBeGreaterThanOrEqual(2);
    }
    expect(await cli.json(['token', 'list'])).toEqual([]);
    expect(entries(await cli.json<ClientRow[]>(['clients']))).toEqual(every('absent'));
  });
});

describe('a client without a file', () => {
  let home: { dir: string; cleanup: () => void };
  let data: { dir: string; cleanup: () => void };
  beforeAll(() => {
    home = tempDir('sb-clients-empty-home-');
    data = tempDir('sb-clients-empty-data-');
  });
  afterAll(() => {
    home?.cleanup();
    data?.cleanup();
  });

  it('is created (owner-only) by connect and removed again by disconnect', async () => {
    const cli = cliRunner(data.dir, cliEnv(home.dir));
    const some = ['claude-desktop', 'vscode', 'codex'] as const;
    const rows = byId(await cli.json<ClientRow[]>(['clients']));
    for (const id of CLIENT_IDS) expect(rows[id]).toMatchObject({ detected: false, configExists: false });

    for (const id of some) {
      await cli.json(['connect', id]);
      const created = clientFileIn(home.dir, id);
      expect(fs.existsSync(created), id).toBe(true);
      if (process.platform !== 'win32') expect(fs.statSync(created).mode & 0o777).toBe(0o600);
      expect(backupsOf(created)).toEqual([]);
    }
    expect(entries(await cli.json<ClientRow[]>(['clients']))).toMatchObject(every('current', some));

    for (const id of some) {
      await cli.json(['disconnect', id]);
      expect(fs.existsSync(clientFileIn(home.dir, id)), id).toBe(false);
    }
  });
});

describe('an unparseable client file', () => {
  let home: { dir: string; cleanup: () => void };
  let data: { dir: string; cleanup: () => void };
  const originals = new Map<TestClientId, Buffer>();

  beforeAll(() => {
    home = tempDir('sb-clients-broken-home-');
    data = tempDir('sb-clients-broken-data-');
    for (const id of CLIENT_IDS) {
      writeFile(clientFileIn(home.dir, id), clientFixture(id, 'invalid'));
      originals.set(id, fs.readFileSync(clientFileIn(home.dir, id)));
    }
  });
  afterAll(() => {
    home?.cleanup();
    data?.cleanup();
  });

  it('is never touched: CLIENT_CONFIG_UNREADABLE naming the file, exit 4, no backup, no token', async () => {
    const cli = cliRunner(data.dir, cliEnv(home.dir));
    for (const id of CLIENT_IDS) {
      const file = clientFileIn(home.dir, id);
      const run = await cli.run(['connect', id]);
      expect(run.code, `${id}: ${run.stderr}`).toBe(EXIT.validation);
      expect(run.stderr).toContain('error (CLIENT_CONFIG_UNREADABLE)');
      expect(run.stderr).toContain(file);
      expect(run.stderr).toMatch(/line \d+, column \d+/);
      expect(fs.readFileSync(file), id).toEqual(originals.get(id));
      expect(backupsOf(file)).toEqual([]);
    }
    expect(await cli.json(['token', 'list'])).toEqual([]);
  });

  it('refuses disconnect and import too, and says so in --json', async () => {
    const cli = cliRunner(data.dir, cliEnv(home.dir));
    for (const id of ['claude-desktop', 'codex'] as const) {
      const file = clientFileIn(home.dir, id);
      const json = await cli.run(['--json', 'connect', id]);
      expect(json.code).toBe(EXIT.validation);
      expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'CLIENT_CONFIG_UNREADABLE' } });
      for (const args of [
        ['disconnect', id],
        ['clients', 'import', id, '--dry-run'],
      ]) {
        const run = await cli.run(args);
        expect(run.code, args.join(' ')).toBe(EXIT.validation);
        expect(run.stderr).toContain('CLIENT_CONFIG_UNREADABLE');
      }
      expect(fs.readFileSync(file), id).toEqual(originals.get(id));
      expect(backupsOf(file)).toEqual([]);
    }
  });

  it('shows as unreadable in `clients`, with the problem, while the others still list', async () => {
    const cli = cliRunner(data.dir, cliEnv(home.dir));
    fs.rmSync(clientFileIn(home.dir, 'cursor'));
    const rows = byId(await cli.json<ClientRow[]>(['clients']));
    for (const id of CLIENT_IDS.filter((c) => c !== 'cursor')) {
      expect(rows[id]).toMatchObject({ entry: 'unreadable', configExists: true });
      expect(rows[id]?.problem).toContain(path.basename(clientFileIn(home.dir, id)));
    }
    expect(rows.cursor).toMatchObject({ entry: 'absent', configExists: false });
    const text = await cli.run(['clients']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Claude Desktop \[claude-desktop\]: detected, Switchboard entry unreadable/);
  });
});

describe('connect and disconnect edge cases', () => {
  let home: { dir: string; cleanup: () => void };
  let data: { dir: string; cleanup: () => void };
  beforeAll(() => {
    home = tempDir('sb-clients-edge-home-');
    data = tempDir('sb-clients-edge-data-');
  });
  afterAll(() => {
    home?.cleanup();
    data?.cleanup();
  });

  it('says NOT_FOUND for an unknown client and USAGE for a project file a client does not have', async () => {
    const cli = cliRunner(data.dir, cliEnv(home.dir));
    const unknown = await cli.run(['connect', 'notepad']);
    expect(unknown.code).toBe(EXIT.notFound);
    expect(unknown.stderr).toContain('known clients: claude-desktop, claude-code, cursor');
    const project = await cli.run(['connect', 'windsurf', '--project', home.dir]);
    expect(project.code).toBe(EXIT.usage);
    const missing = await cli.run(['connect', 'cursor', '--project', path.join(home.dir, 'nope')]);
    expect(missing.code).toBe(EXIT.validation);
    const link = await cli.run(['connect', 'claude-code', '--print-link']);
    expect(link.code).toBe(EXIT.usage);
    expect(link.stderr).toContain('only Cursor and VS Code');
  });

  it('says so when the hub runs on another port than the one the entry names', async () => {
    const cli = cliRunner(data.dir, cliEnv(home.dir));
    // A hub of this data directory running with `serve --port 45123` (this test process stands in for it).
    writeGatewayInfo(gatewayInfoPath(data.dir), {
      port: 45123,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    });
    try {
      const connected = await cli.run(['connect', 'windsurf']);
      expect(connected.code, connected.stderr).toBe(0);
      expect(connected.stderr).toContain(
        'Switchboard runs on port 45123 right now, but the entry names the Gateway port setting (17517): Windsurf ' +
          'reaches it once Switchboard runs on 17517 — or set the setting to this port ' +
          '(`switchboard settings gateway.port 45123`) and connect Windsurf again',
      );
    } finally {
      fs.rmSync(gatewayInfoPath(data.dir), { force: true });
    }
    const again = await cli.run(['connect', 'windsurf']);
    expect(again.stderr).not.toContain('right now');
    expect((await cli.run(['disconnect', 'windsurf'])).code).toBe(0);
  });

  it('gives a project file its own token, so the user-level entry keeps working', async () => {
    const cli = cliRunner(data.dir, cliEnv(home.dir));
    const project = path.join(home.dir, 'src', 'my app');
    fs.mkdirSync(project, { recursive: true });
    await cli.json(['connect', 'cursor']);
    const connected = await cli.run(['--json', 'connect', 'cursor', '--project', project]);
    expect(connected.code, connected.stderr).toBe(0);
    expect(connected.stderr).toContain('.gitignore');
    const { tokenName, path: written } = JSON.parse(connected.stdout) as { tokenName: string; path: string };
    expect(written).toBe(path.join(project, '.cursor', 'mcp.json'));
    expect(tokenName).toMatch(/^cursor\.my-app-[0-9a-f]{6}$/);

    const names = (await cli.json<{ name: string }[]>(['token', 'list'])).map((t) => t.name).sort();
    expect(names).toEqual(['cursor', tokenName]);
    const rows = byId(await cli.json<ClientRow[]>(['clients', '--project', project]));
    expect(rows.cursor).toMatchObject({ entry: 'current', configPath: written });
    expect(rows.windsurf?.configPath).toBe(clientFileIn(home.dir, 'windsurf'));
    expect(byId(await cli.json<ClientRow[]>(['clients'])).cursor?.entry).toBe('current');

    await cli.json(['disconnect', 'cursor', '--project', project]);
    expect(fs.existsSync(written)).toBe(false);
    expect((await cli.json<{ name: string }[]>(['token', 'list'])).map((t) => t.name)).toEqual(['cursor']);
  });
});
