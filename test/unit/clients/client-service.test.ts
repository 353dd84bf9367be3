import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeLaunchCommand } from '../../../main/bridge/launch-command.ts';
import { backupPathFor, listBackups } from '../../../main/clients/backups.ts';
import {
  createClientService,
  hasProjectFile,
  projectTokenName,
  type ClientService,
  type ClientServiceDeps,
} from '../../../main/clients/client-service.ts';
import { parseInstallLink } from '../../../main/clients/deep-links.ts';
import { createServerVariables, type ServerVariables } from '../../../main/env/server-secrets.ts';
import { findTokenMatch } from '../../../main/tokens/token-crypto.ts';
import type { Clock } from '../../../main/lib/clock.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import {
  createClientTokenRepository,
  type ClientTokenRepository,
} from '../../../main/registry/client-token-repository.ts';
import { openRegistry, type Registry } from '../../../main/registry/index.ts';
import {
  createMemoryKeyProviderForTests,
  type MemoryKeyProviderForTests,
} from '../../../main/vault/memory-key-provider.ts';
import { createLazyVault } from '../../../main/vault/vault.ts';
import { CLIENT_IDS } from '../../helpers/client-ids.ts';

/**
 * The client service against real files in a temp home (via SWITCHBOARD_CLIENT_HOME), a real temp SQLite
 * registry and a vault over an in-memory key store.
 */

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const clock: Clock = { now: () => NOW };
const SECRET = 'ghp_UnitCanary0123456789abcdefABCDEF';
const CURSOR_FILE = {
  mcpServers: {
    github: {
      url: 'https://api.githubcopilot.com/mcp/',
      headers: { Authorization: 'Bearer ${env:GITHUB_TOKEN}' },
    },
    tools: { command: '/usr/bin/node', args: ['/opt/tools/server.js'], env: { LOG_LEVEL: 'debug' } },
  },
  experimental: { telemetry: false },
};
const CLAUDE_FILE = {
  mcpServers: {
    github: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github'],
      env: { GITHUB_TOKEN: SECRET },
    },
    weather: { command: '/usr/bin/python3', args: ['/opt/weather.py'] },
  },
  globalShortcut: 'Alt+Space',
};

let root: string;
let home: string;
let dataDir: string;
let registry: Registry;
let tokens: ClientTokenRepository;
let keys: MemoryKeyProviderForTests;
let variables: ServerVariables;
let service: ClientService;

/** Where a client's user file is below the fake home, written out by hand (Linux and macOS layouts). */
function userFile(id: 'cursor' | 'claude-code' | 'claude-desktop' | 'windsurf'): string {
  const appData = process.platform === 'darwin' ? ['Library', 'Application Support'] : ['.config'];
  const relative = {
    cursor: ['.cursor', 'mcp.json'],
    'claude-code': ['.claude.json'],
    'claude-desktop': [...appData, 'Claude', 'claude_desktop_config.json'],
    windsurf: ['.codeium', 'windsurf', 'mcp_config.json'],
  }[id];
  return path.join(home, ...relative);
}

function write(file: string, content: unknown): string {
  const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return text;
}

function makeService(overrides: Partial<ClientServiceDeps> = {}): ClientService {
  const vault = createLazyVault({
    db: registry.db.connection,
    providers: [keys],
    redactor: new Redactor(),
    clock,
    log: silentLogger,
  });
  const transaction = <T>(fn: () => T): T => registry.write(fn);
  variables = createServerVariables({ registry, vault });
  return createClientService({
    servers: registry.servers,
    transaction,
    tokens,
    vault,
    variables,
    settings: registry.settings,
    clock,
    bridgeCommand: () =>
      bridgeLaunchCommand({
        runtime: process.execPath,
        cliEntry: '/opt/switchboard/main/cli.ts',
        dataDir,
        electron: false,
      }),
    platform: process.platform,
    // The real home must never be looked at: every client file sits under the fake one.
    homedir: path.join(root, 'real-home-never-used'),
    env: { SWITCHBOARD_CLIENT_HOME: home, XDG_CONFIG_HOME: path.join(root, 'xdg-never-used') },
    ...overrides,
  });
}

/** The bearer token in our entry of a JSON client file. */
function tokenIn(file: string): string | undefined {
  return /Bearer (sbt_[^"]+)"/.exec(fs.readFileSync(file, 'utf8'))?.[1];
}

function isLive(token: string | undefined, name: string): boolean {
  if (token === undefined) return false;
  return findTokenMatch(token, tokens.activeTokens())?.name === name;
}

async function rows(options: { projectDir?: string } = {}) {
  return Object.fromEntries((await service.listClients(options)).map((r) => [r.id, r]));
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

/** Fills every backup name `config-file.ts` would try for NOW, so the next write of `file` fails. */
function blockBackups(file: string): void {
  const base = backupPathFor(file, new Date(NOW));
  for (let n = 1; n <= 101; n++) fs.writeFileSync(n === 1 ? base : `${base}-${n}`, '');
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-client-service-'));
  home = path.join(root, 'home');
  dataDir = path.join(root, 'data');
  fs.mkdirSync(home);
  registry = openRegistry(dataDir, { clock, log: silentLogger });
  registry.settings.set('gateway.port', 17517);
  tokens = createClientTokenRepository(registry.db, { clock });
  keys = createMemoryKeyProviderForTests();
  service = makeService();
});

afterEach(() => {
  registry.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('listClients', () => {
  it('lists every client under SWITCHBOARD_CLIENT_HOME, without install links', async () => {
    const list = await service.listClients();
    expect(list.map((r) => r.id)).toEqual(CLIENT_IDS);
    for (const row of list) {
      expect(row, row.id).toMatchObject({
        detected: false,
        configExists: false,
        entry: 'absent',
        scope: 'user',
      });
      expect(row.configPath?.startsWith(home + path.sep), row.id).toBe(true);
      expect(row.restartHint).toMatch(/\S/);
      expect('deepLink' in row).toBe(false);
    }
    expect((await rows()).cursor?.configPath).toBe(userFile('cursor'));
    expect((await rows())['claude-desktop']?.configPath).toBe(userFile('claude-desktop'));

    write(userFile('cursor'), CURSOR_FILE);
    expect((await rows()).cursor).toMatchObject({ detected: true, configExists: true, entry: 'absent' });
  });

  it('marks only the broken file unreadable, with the problem (redacted)', async () => {
    write(userFile('cursor'), '{ "mcpServers": { "x": ');
    write(userFile('windsurf'), CURSOR_FILE);
    service = makeService({ redact: (text) => text.replace('mcp.json', '[file]') });
    const all = await rows();
    expect(all.cursor).toMatchObject({ entry: 'unreadable', configExists: true, detected: true });
    expect(all.cursor?.problem).toContain('[file]');
    expect(all.cursor?.problem).toMatch(/line \d+, column \d+/);
    expect(all.windsurf).toMatchObject({ entry: 'absent', configExists: true });
  });

  it('refuses a project folder that does not exist', async () => {
    const error = await caught(service.listClients({ projectDir: path.join(root, 'nope') }));
    expect(isSwitchboardError(error, 'VALIDATION')).toBe(true);
    expect((error as { details: unknown }).details).toEqual({
      issues: [{ path: ['projectDir'], message: 'is not a folder' }],
    });
  });
});

describe('connect and disconnect', () => {
  it('writes the gateway URL and a token of its own, keeps it while live, and undoes it all', async () => {
    const original = write(userFile('cursor'), CURSOR_FILE);
    const first = await service.connect('cursor');
    expect(first).toMatchObject({
      client: 'cursor',
      path: userFile('cursor'),
      changed: true,
      backupPath: backupPathFor(userFile('cursor'), new Date(NOW)),
      kind: 'http',
      url: 'http://127.0.0.1:17517/mcp',
      tokenName: 'cursor',
      scope: 'user',
    });
    expect(fs.readFileSync(first.backupPath as string, 'utf8')).toBe(original);
    const token = tokenIn(userFile('cursor'));
    expect(isLive(token, 'cursor')).toBe(true);
    expect((await rows()).cursor?.entry).toBe('current');

    // Again: the live token is kept, nothing is written, no backup made.
    expect(await service.connect('cursor')).toMatchObject({ changed: false });
    expect(tokenIn(userFile('cursor'))).toBe(token);
    expect(tokens.list().map((t) => t.name)).toEqual(['cursor']);
    expect(await listBackups(userFile('cursor'))).toHaveLength(1);

    const disconnected = await service.disconnect('cursor');
    expect(disconnected).toMatchObject({ changed: true, revokedToken: 'cursor' });
    expect(fs.readFileSync(userFile('cursor'), 'utf8')).toBe(original);
    expect(tokens.list()).toEqual([]);
    expect((await rows()).cursor?.entry).toBe('absent');
  });

  it('reports a revoked token or another port as outdated, and reconnecting makes a new token', async () => {
    await service.connect('claude-code');
    const old = tokenIn(userFile('claude-code'));
    tokens.revoke('claude-code');
    expect((await rows())['claude-code']?.entry).toBe('outdated');
    expect(await service.connect('claude-code')).toMatchObject({ changed: true });
    const fresh = tokenIn(userFile('claude-code'));
    expect(fresh).not.toBe(old);
    expect(isLive(fresh, 'claude-code')).toBe(true);
    expect(tokens.list().map((t) => t.name)).toEqual(['claude-code']);

    registry.settings.set('gateway.port', 17600);
    expect((await rows())['claude-code']?.entry).toBe('outdated');
    expect(await service.connect('claude-code')).toMatchObject({
      changed: true,
      url: 'http://127.0.0.1:17600/mcp',
    });
    // The token was still live, so only the URL changed.
    expect(tokenIn(userFile('claude-code'))).toBe(fresh);
  });

  it('gives Claude Desktop the stdio bridge (no token, no empty env) and creates its file owner-only', async () => {
    const result = await service.connect('claude-desktop');
    expect(result).toMatchObject({ changed: true, kind: 'stdio', scope: 'user' });
    expect(result.backupPath).toBeUndefined();
    expect(result.tokenName).toBeUndefined();
    const config = JSON.parse(fs.readFileSync(userFile('claude-desktop'), 'utf8')) as {
      mcpServers: { switchboard: Record<string, unknown> };
    };
    expect(config.mcpServers.switchboard).toEqual({
      command: process.execPath,
      args: ['/opt/switchboard/main/cli.ts', '--data-dir', dataDir, 'bridge'],
    });
    if (process.platform !== 'win32')
      expect(fs.statSync(userFile('claude-desktop')).mode & 0o777).toBe(0o600);
    expect(tokens.list()).toEqual([]);
    expect((await rows())['claude-desktop']?.entry).toBe('current');

    expect(await service.disconnect('claude-desktop')).toMatchObject({
      changed: true,
      removed: true,
      revokedToken: null,
    });
    expect(fs.existsSync(userFile('claude-desktop'))).toBe(false);
  });

  it('refuses an unparseable file before any token changes, and leaves it untouched', async () => {
    await service.connect('cursor');
    const broken = '{ "mcpServers": { "switchboard": ';
    write(userFile('cursor'), broken);
    const before = tokens.activeTokens();
    // Thunks, so each promise is awaited as soon as it exists (no unhandled rejection in between).
    for (const attempt of [
      () => service.connect('cursor'),
      () => service.disconnect('cursor'),
      () => service.printLink('cursor'),
    ]) {
      const error = await caught(attempt());
      expect(isSwitchboardError(error, 'CLIENT_CONFIG_UNREADABLE')).toBe(true);
      expect((error as Error).message).toContain(userFile('cursor'));
    }
    expect(tokens.activeTokens()).toEqual(before);
    expect(fs.readFileSync(userFile('cursor'), 'utf8')).toBe(broken);
  });

  it('revokes a token it made when the write then fails (regression: no orphan tokens)', async () => {
    write(userFile('cursor'), CURSOR_FILE);
    blockBackups(userFile('cursor'));
    const error = await caught(service.connect('cursor'));
    expect(isSwitchboardError(error, 'CLIENT_CONFIG_UNREADABLE')).toBe(true);
    expect((error as Error).message).toContain(`could not write ${userFile('cursor')}`);
    expect(tokens.list()).toEqual([]);
    expect(JSON.parse(fs.readFileSync(userFile('cursor'), 'utf8'))).toEqual(CURSOR_FILE);
  });

  it('gives a project file a token of its own, leaving the user entry working', async () => {
    const project = path.join(root, 'src', 'my app');
    fs.mkdirSync(project, { recursive: true });
    await service.connect('cursor');
    const userToken = tokenIn(userFile('cursor'));

    const result = await service.connect('cursor', { projectDir: project });
    const projectFile = path.join(project, '.cursor', 'mcp.json');
    const tokenName = projectTokenName('cursor', project);
    expect(tokenName).toMatch(/^cursor\.my-app-[0-9a-f]{6}$/);
    expect(result).toMatchObject({ path: projectFile, scope: 'project', tokenName, changed: true });
    expect(isLive(tokenIn(projectFile), tokenName)).toBe(true);
    expect(isLive(userToken, 'cursor')).toBe(true);

    const inProject = await rows({ projectDir: project });
    expect(inProject.cursor).toMatchObject({ configPath: projectFile, scope: 'project', entry: 'current' });
    // Clients without a project file list their user file.
    expect(inProject.windsurf).toMatchObject({ configPath: userFile('windsurf'), scope: 'user' });
    expect((await rows()).cursor?.entry).toBe('current');

    expect(await service.disconnect('cursor', { projectDir: project })).toMatchObject({
      revokedToken: tokenName,
      removed: true,
    });
    expect(tokens.list().map((t) => t.name)).toEqual(['cursor']);
  });

  it('refuses a project folder for a client without a project file, and an unknown client', async () => {
    expect(hasProjectFile('windsurf')).toBe(false);
    expect(hasProjectFile('cursor')).toBe(true);
    const noProject = await caught(service.connect('windsurf', { projectDir: root }));
    expect(isSwitchboardError(noProject, 'VALIDATION')).toBe(true);
    expect((noProject as { details: unknown }).details).toMatchObject({ issues: [{ path: ['projectDir'] }] });
    const unknown = await caught(service.connect('notepad'));
    expect(isSwitchboardError(unknown, 'NOT_FOUND')).toBe(true);
    expect(fs.readdirSync(home)).toEqual([]);
    expect(tokens.list()).toEqual([]);
  });
});

describe('previewConnect and manualEntry', () => {
  it("shows the changed lines with a placeholder token, masks the person's keys, and makes nothing", async () => {
    const before = write(userFile('claude-code'), CLAUDE_FILE);
    service = makeService({ redactKnown: (text) => text.replaceAll('Alt+Space', '[KNOWN]') });
    const preview = await service.previewConnect('claude-code');
    expect(preview).toMatchObject({ changed: true, newToken: true, exists: true, kind: 'http' });
    const shown = preview.hunks.flatMap((h) => h.lines.map((l) => `${l.op}${l.text}`));
    expect(shown).toContain('+    "switchboard": {');
    expect(shown.join('\n')).toContain('Bearer <new-token-made-when-you-connect>');
    expect(preview.snippet).toContain('"url": "http://127.0.0.1:17517/mcp"');
    expect(JSON.stringify(preview)).not.toContain(SECRET);
    expect(fs.readFileSync(userFile('claude-code'), 'utf8')).toBe(before);
    expect(tokens.list()).toEqual([]);

    // Connected: the file's own live token is kept, so nothing would change and nothing shows it.
    await service.connect('claude-code');
    const token = tokenIn(userFile('claude-code'));
    const again = await service.previewConnect('claude-code');
    expect(again).toMatchObject({ changed: false, newToken: false, hunks: [] });
    expect(again.snippet).toContain('Bearer <the-token-already-in-this-file>');
    expect(JSON.stringify(again)).not.toContain(token);
  });

  it('an undetected client previews the file it would create', async () => {
    const preview = await service.previewConnect('windsurf');
    expect(preview).toMatchObject({
      exists: false,
      detected: false,
      changed: true,
      path: userFile('windsurf'),
    });
    expect(preview.hunks[0]?.lines.every((l) => l.op === '+')).toBe(true);
  });

  it('manualEntry makes a new token for the file (revoking the old one); pasted, the entry is current', async () => {
    await service.connect('cursor');
    const old = tokenIn(userFile('cursor'));
    const manual = await service.manualEntry('cursor');
    expect(manual.tokenName).toBe('cursor');
    expect(isLive(old, 'cursor')).toBe(false);
    fs.writeFileSync(userFile('cursor'), manual.snippet);
    expect(isLive(tokenIn(userFile('cursor')), 'cursor')).toBe(true);
    expect((await rows()).cursor?.entry).toBe('current');

    const bridge = await service.manualEntry('claude-desktop');
    expect(bridge.tokenName).toBeUndefined();
    expect(bridge.snippet).toContain('"bridge"');
  });
});

describe('printLink', () => {
  it('carries the token the file already has, or a new one; only Cursor and VS Code have links', async () => {
    await service.connect('cursor');
    const inFile = tokenIn(userFile('cursor'));
    const printed = await service.printLink('cursor');
    expect(printed).toMatchObject({ client: 'cursor', tokenName: 'cursor' });
    expect(parseInstallLink(printed.link)).toEqual({
      client: 'cursor',
      name: 'switchboard',
      config: { url: 'http://127.0.0.1:17517/mcp', headers: { Authorization: `Bearer ${inFile}` } },
    });

    const vscode = await service.printLink('vscode');
    const config = parseInstallLink(vscode.link)?.config as { headers: { Authorization: string } };
    expect(isLive(config.headers.Authorization.replace('Bearer ', ''), 'vscode')).toBe(true);
    expect(fs.existsSync(path.join(home, '.config', 'Code'))).toBe(false);

    const error = await caught(service.printLink('claude-code'));
    expect(isSwitchboardError(error, 'USAGE')).toBe(true);
    expect((error as Error).message).toContain('only Cursor and VS Code');
  });
});

describe('import', () => {
  it('previews without changing anything, and never shows a secret value', async () => {
    const original = write(userFile('claude-desktop'), CLAUDE_FILE);
    const preview = await service.importPreview('claude-desktop');
    expect(preview.source).toMatchObject({ path: userFile('claude-desktop'), exists: true });
    expect(preview.plan.add.map((a) => [a.prefix, a.secretNames])).toEqual([
      ['github', ['GITHUB_TOKEN']],
      ['weather', []],
    ]);
    expect(preview.text).toContain('+ github (stdio) from github');
    expect(JSON.stringify(preview)).not.toContain(SECRET);
    expect(registry.servers.list()).toEqual([]);
    expect(fs.readFileSync(userFile('claude-desktop'), 'utf8')).toBe(original);
  });

  it('adds nothing at all when the vault is unavailable', async () => {
    write(userFile('claude-desktop'), CLAUDE_FILE);
    keys.setUnavailable('locked for the test');
    const error = await caught(service.importServers('claude-desktop'));
    expect(isSwitchboardError(error, 'VAULT_UNAVAILABLE')).toBe(true);
    expect(registry.servers.list()).toEqual([]);
  });

  it('stores definitions and secrets in one go, under prefixes that do not clash', async () => {
    write(userFile('claude-desktop'), CLAUDE_FILE);
    registry.servers.add({ prefix: 'weather', name: 'Weather', transport: 'stdio', command: '/bin/true' });
    const result = await service.importServers('claude-desktop');
    expect(result).toMatchObject({
      imported: ['github', 'weather-2'],
      secrets: [{ prefix: 'github', name: 'GITHUB_TOKEN' }],
      needsValues: [],
      skipped: [],
    });
    expect(result.replaced).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(variables.values(registry.servers.get('github'))).toEqual({ GITHUB_TOKEN: SECRET });
    expect(JSON.stringify(registry.servers.get('github'))).not.toContain(SECRET);
    expect(JSON.parse(fs.readFileSync(userFile('claude-desktop'), 'utf8'))).toEqual(CLAUDE_FILE);
  });

  it('needs no vault for references, and says which values to set next', async () => {
    write(userFile('cursor'), CURSOR_FILE);
    keys.setUnavailable('not needed');
    const result = await service.importServers('cursor');
    expect(result.imported).toEqual(['github', 'tools']);
    expect(result.needsValues).toEqual([{ prefix: 'github', name: 'GITHUB_TOKEN', secret: true }]);
  });

  it('replace swaps the imported entries for ours (backup kept), and never imports Switchboard itself', async () => {
    const original = write(userFile('claude-desktop'), CLAUDE_FILE);
    const result = await service.importServers('claude-desktop', { replace: true });
    expect(result.replaced).toMatchObject({
      path: userFile('claude-desktop'),
      changed: true,
      removedEntries: ['github', 'weather'],
    });
    expect(fs.readFileSync(result.replaced?.backupPath as string, 'utf8')).toBe(original);
    const after = JSON.parse(fs.readFileSync(userFile('claude-desktop'), 'utf8')) as {
      mcpServers: Record<string, unknown>;
      globalShortcut: string;
    };
    expect(Object.keys(after.mcpServers)).toEqual(['switchboard']);
    expect(after.globalShortcut).toBe('Alt+Space');
    expect((await rows())['claude-desktop']?.entry).toBe('current');

    const again = await service.importServers('claude-desktop', { replace: true });
    expect(again).toMatchObject({
      imported: [],
      skipped: [{ name: 'switchboard', reason: 'it is Switchboard itself' }],
    });
    expect(again.text).toContain('0 servers to add');
  });

  it('replace that cannot write still keeps the import, says so, and revokes the token it made', async () => {
    write(userFile('cursor'), CURSOR_FILE);
    blockBackups(userFile('cursor'));
    const error = await caught(service.importServers('cursor', { replace: true }));
    expect((error as Error).message).toContain(
      `imported github, tools, but ${userFile('cursor')} was not changed`,
    );
    expect(registry.servers.list().map((s) => s.prefix)).toEqual(['github', 'tools']);
    expect(tokens.list()).toEqual([]);
    expect(JSON.parse(fs.readFileSync(userFile('cursor'), 'utf8'))).toEqual(CURSOR_FILE);
  });

  it('reads the project file when given a project folder; a missing file has nothing to import', async () => {
    const project = path.join(root, 'app');
    write(path.join(project, '.cursor', 'mcp.json'), CURSOR_FILE);
    const preview = await service.importPreview('cursor', { projectDir: project });
    expect(preview.plan.add.map((a) => a.fromNames)).toEqual([['github'], ['tools']]);
    const user = await service.importPreview('cursor');
    expect(user.source.exists).toBe(false);
    expect(user.plan.add).toEqual([]);
  });
});
