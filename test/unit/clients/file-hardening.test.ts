import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeLaunchCommand } from '../../../main/bridge/launch-command.ts';
import { BACKUP_INFIX, listBackups } from '../../../main/clients/backups.ts';
import { createClientService, type ClientService } from '../../../main/clients/client-service.ts';
import { createServerVariables } from '../../../main/env/server-secrets.ts';
import type { Clock } from '../../../main/lib/clock.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import {
  createClientTokenRepository,
  type ClientTokenRepository,
} from '../../../main/registry/client-token-repository.ts';
import { openRegistry, type Registry } from '../../../main/registry/index.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import { createLazyVault } from '../../../main/vault/vault.ts';

/**
 * Issue 12 (items 2 and 10, client files), each written first against the code as it was:
 * - a bearer token written into a group/world-readable client file, or kept in readable backups;
 * - a dangling symlink replaced by a regular file;
 * - a read-only (0444) file overwritten;
 * - two `"switchboard"` entries (the client uses the last, ours was the first) reported "connected";
 * - a person's own entry named `switchboard` overwritten (or removed) without a word.
 */

const POSIX = process.platform !== 'win32';
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const clock: Clock = { now: () => NOW };

let root: string;
let home: string;
let registry: Registry;
let tokens: ClientTokenRepository;
let service: ClientService;

const cursorFile = () => path.join(home, '.cursor', 'mcp.json');
const codexFile = () => path.join(home, '.codex', 'config.toml');
const claudeDesktopFile = () =>
  path.join(
    home,
    ...(process.platform === 'darwin' ? ['Library', 'Application Support'] : ['.config']),
    'Claude',
    'claude_desktop_config.json',
  );
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

function write(file: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.chmodSync(file, mode);
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-client-hardening-'));
  home = path.join(root, 'home');
  fs.mkdirSync(home);
  registry = openRegistry(path.join(root, 'data'), { clock, log: silentLogger });
  tokens = createClientTokenRepository(registry.db, { clock });
  const vault = createLazyVault({
    db: registry.db.connection,
    providers: [createMemoryKeyProviderForTests()],
    redactor: new Redactor(),
    clock,
    log: silentLogger,
  });
  service = createClientService({
    servers: registry.servers,
    transaction: (fn) => registry.write(fn),
    tokens,
    vault,
    variables: createServerVariables({ registry, vault }),
    settings: registry.settings,
    clock,
    bridgeCommand: () =>
      bridgeLaunchCommand({
        runtime: process.execPath,
        cliEntry: '/opt/switchboard/main/cli.ts',
        dataDir: path.join(root, 'data'),
        electron: false,
      }),
    platform: process.platform,
    homedir: path.join(root, 'real-home-never-used'),
    env: { SWITCHBOARD_CLIENT_HOME: home, XDG_CONFIG_HOME: path.join(root, 'xdg-never-used') },
  });
});

afterEach(() => {
  registry.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe.runIf(POSIX)('12.2: a file or backup that holds a token is readable by its owner only', () => {
  const CURSOR = '{\n  "mcpServers": {\n    "tools": { "command": "/usr/bin/true" }\n  }\n}\n';

  it('Cursor: an existing 0644 mcp.json becomes 0600 once the token is in it, and so is its backup', async () => {
    write(cursorFile(), CURSOR, 0o644);
    const result = await service.connect('cursor');
    expect(result.changed).toBe(true);
    expect(fs.readFileSync(cursorFile(), 'utf8')).toMatch(/Bearer sbt_/);
    expect(modeOf(cursorFile())).toBe(0o600);
    expect(modeOf(result.backupPath as string)).toBe(0o600);
  });

  it('Codex: an existing 0644 config.toml becomes 0600, and so is its backup', async () => {
    write(codexFile(), 'model = "o3"\n', 0o644);
    const result = await service.connect('codex');
    expect(fs.readFileSync(codexFile(), 'utf8')).toMatch(/Bearer sbt_/);
    expect(modeOf(codexFile())).toBe(0o600);
    expect(modeOf(result.backupPath as string)).toBe(0o600);
  });

  it('a file already connected but left 0644 (and its old 0644 backups) are tightened on the next connect', async () => {
    write(cursorFile(), CURSOR, 0o600);
    await service.connect('cursor');
    fs.chmodSync(cursorFile(), 0o644);
    const old = `${cursorFile()}${BACKUP_INFIX}2020-01-01T00-00-00.000Z`;
    fs.writeFileSync(old, fs.readFileSync(cursorFile()));
    fs.chmodSync(old, 0o644);

    expect((await service.connect('cursor')).changed).toBe(false);
    expect(modeOf(cursorFile())).toBe(0o600);
    for (const backup of await listBackups(cursorFile())) expect(modeOf(backup), backup).toBe(0o600);
  });

  it('import --replace into a 0644 mcp.json: the token it writes leaves the file 0600, and says so', async () => {
    write(cursorFile(), CURSOR, 0o644);
    const result = await service.importServers('cursor', { replace: true });
    expect(fs.readFileSync(cursorFile(), 'utf8')).toMatch(/Bearer sbt_/);
    expect(modeOf(cursorFile())).toBe(0o600);
    expect(result.replaced?.modeTightened).toEqual({ from: 0o644, to: 0o600 });
    expect(modeOf(result.replaced?.backupPath as string)).toBe(0o600);
  });

  it('connect reports the narrowing it did, and nothing when the mode was already owner-only', async () => {
    write(cursorFile(), CURSOR, 0o644);
    expect((await service.connect('cursor')).modeTightened).toEqual({ from: 0o644, to: 0o600 });
    expect((await service.connect('cursor')).modeTightened).toBeUndefined();
  });

  it('Claude Desktop (the bridge, no token) keeps its mode, but its backup is still owner-only', async () => {
    write(claudeDesktopFile(), '{ "mcpServers": {} }\n', 0o644);
    const result = await service.connect('claude-desktop');
    expect(modeOf(claudeDesktopFile())).toBe(0o644);
    expect(modeOf(result.backupPath as string)).toBe(0o600);
  });
});

describe.runIf(POSIX)('12.10: client files Switchboard must not clobber', () => {
  it('a dangling symlink is refused, with the link and where it points, and left a link', async () => {
    const target = path.join(root, 'dotfiles', 'cursor', 'mcp.json');
    fs.mkdirSync(path.dirname(cursorFile()), { recursive: true });
    fs.symlinkSync(target, cursorFile());

    const error = await caught(service.connect('cursor'));
    expect(isSwitchboardError(error, 'CLIENT_CONFIG_UNREADABLE')).toBe(true);
    expect(error.message).toMatch(/^.*mcp\.json is a symbolic link to .*dotfiles.*, which does not exist/);
    expect(error.message).toMatch(/create .* or remove the link/i);
    expect(fs.lstatSync(cursorFile()).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(target)).toBe(false);
    expect(tokens.list()).toEqual([]);
  });

  it('a symlink to an existing file is written through: the link stays, the target is updated', async () => {
    const target = path.join(root, 'dotfiles', 'mcp.json');
    write(target, '{}\n', 0o600);
    fs.mkdirSync(path.dirname(cursorFile()), { recursive: true });
    fs.symlinkSync(target, cursorFile());
    await service.connect('cursor');
    expect(fs.lstatSync(cursorFile()).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toMatch(/Bearer sbt_/);
  });

  it('a read-only (0444) file is refused with how to make it writable, unchanged, and no token is left', async () => {
    const text = '{ "mcpServers": {} }\n';
    write(cursorFile(), text, 0o444);
    const error = await caught(service.connect('cursor'));
    expect(isSwitchboardError(error, 'CLIENT_CONFIG_UNREADABLE')).toBe(true);
    expect(error.message).toMatch(/^.*mcp\.json is read-only/);
    expect(error.message).toContain(`chmod u+w`);
    expect(fs.readFileSync(cursorFile(), 'utf8')).toBe(text);
    expect(modeOf(cursorFile())).toBe(0o444);
    expect(tokens.list()).toEqual([]);
    expect(await listBackups(cursorFile())).toEqual([]);
  });

  it('two "switchboard" entries: not reported connected; connect refuses and says which one the client uses', async () => {
    await service.connect('cursor');
    const ours = fs.readFileSync(cursorFile(), 'utf8');
    // The person pasted a second copy of their own; JSON readers keep the LAST one.
    const doubled = ours.replace(
      /\n {2}}\n}\n$/,
      ',\n    "switchboard": { "url": "https://hub.example.com/mcp" }\n  }\n}\n',
    );
    expect(doubled).not.toBe(ours);
    fs.writeFileSync(cursorFile(), doubled);

    const row = (await service.listClients()).find((r) => r.id === 'cursor');
    expect(row?.entry).toBe('conflict');
    expect(row?.problem).toMatch(/two entries named "switchboard"/);

    const error = await caught(service.connect('cursor'));
    expect(isSwitchboardError(error, 'CONFLICT')).toBe(true);
    expect(error.message).toMatch(/^.*mcp\.json has two entries named "switchboard"/);
    expect(error.message).toMatch(/uses the last/);
    expect(fs.readFileSync(cursorFile(), 'utf8')).toBe(doubled);
  });

  it("a person's own entry named switchboard is neither overwritten nor removed, and is importable", async () => {
    const theirs =
      '{\n  "mcpServers": {\n    "switchboard": { "command": "npx", "args": ["-y", "switchboard-mcp"] }\n  }\n}\n';
    write(cursorFile(), theirs, 0o600);

    const row = (await service.listClients()).find((r) => r.id === 'cursor');
    expect(row?.entry).toBe('conflict');
    expect(row?.problem).toMatch(/not Switchboard's/);

    for (const attempt of [() => service.connect('cursor'), () => service.disconnect('cursor')]) {
      const error = await caught(attempt());
      expect(isSwitchboardError(error, 'CONFLICT')).toBe(true);
      expect(error.message).toMatch(
        /^.*mcp\.json already has an entry named "switchboard" that is not Switchboard's/,
      );
      expect(error.message).toMatch(/rename/i);
    }
    expect(fs.readFileSync(cursorFile(), 'utf8')).toBe(theirs);
    expect(tokens.list()).toEqual([]);

    const preview = await service.importPreview('cursor');
    expect(preview.plan.add.map((a) => a.fromNames)).toEqual([['switchboard']]);
  });
});
