import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKUP_INFIX, backupPathFor, listBackups } from '../../../main/clients/backups.ts';
import { claudeDesktop } from '../../../main/clients/claude-desktop.ts';
import { codex } from '../../../main/clients/codex.ts';
import { cursor } from '../../../main/clients/cursor.ts';
import {
  connectClientFile,
  disconnectClientFile,
  nodeFsLike,
  updateConfigFile,
} from '../../../main/clients/config-file.ts';
import { vscode } from '../../../main/clients/vscode.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { BRIDGE_ENTRY, HTTP_ENTRY, fixtureCases } from './client-fixtures.ts';

/** The file-level operation against real files in a temporary folder. */

let dir: string;
let tick: number;
const clock = () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, tick++));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-clients-'));
  tick = 0;
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const fixture = (client: string, name: string) => {
  const c = fixtureCases(client).find((f) => f.name === name);
  if (c?.connected === undefined) throw new Error(`${client}/${name}`);
  return c;
};
const mode = (file: string) => fs.statSync(file).mode & 0o777;
const backupsOf = (file: string) =>
  fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith(path.basename(file) + BACKUP_INFIX));

describe('connectClientFile / disconnectClientFile', () => {
  it('creates a missing file (and its folder) readable only by its owner, without a backup', async () => {
    const file = path.join(dir, 'Claude', 'claude_desktop_config.json');
    const result = await connectClientFile(file, claudeDesktop, BRIDGE_ENTRY, { now: clock });
    expect(result).toEqual({
      path: file,
      changed: true,
      restartHint: 'Quit and reopen Claude Desktop to load it.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe(fixture('claude-desktop', 'empty').connected);
    expect(mode(file)).toBe(0o600);
    expect(backupsOf(file)).toEqual([]);
  });

  it('merges into an existing file, backs it up first, keeps its permissions and makes the backup private', async () => {
    const { input, connected } = fixture('claude-desktop', 'full');
    const file = path.join(dir, 'claude_desktop_config.json');
    fs.writeFileSync(file, input, { mode: 0o640 });
    fs.chmodSync(file, 0o640);

    const result = await connectClientFile(file, claudeDesktop, BRIDGE_ENTRY, { now: clock });

    expect(fs.readFileSync(file, 'utf8')).toBe(connected);
    expect(mode(file)).toBe(0o640);
    expect(result.backupPath).toBe(`${file}.switchboard-backup-2026-01-02T03-04-05.000Z`);
    expect(fs.readFileSync(result.backupPath as string, 'utf8')).toBe(input);
    // A backup is Switchboard's own copy, and an earlier connect may have put a token in it: owner-only always.
    expect(mode(result.backupPath as string)).toBe(0o600);
  });

  it('does nothing when the entry is already current', async () => {
    const file = path.join(dir, 'mcp.json');
    await connectClientFile(file, vscode, HTTP_ENTRY, { now: clock });
    const before = fs.readFileSync(file);
    const result = await connectClientFile(file, vscode, HTTP_ENTRY, { now: clock });
    expect(result).toEqual({ path: file, changed: false, restartHint: vscode.restartHint });
    expect(fs.readFileSync(file)).toEqual(before);
    expect(backupsOf(file)).toEqual([]);
  });

  it('connect then disconnect gives back the original bytes (BOM and CRLF included)', async () => {
    for (const [client, adapter, entry] of [
      ['vscode', vscode, HTTP_ENTRY],
      ['codex', codex, HTTP_ENTRY],
      ['claude-desktop', claudeDesktop, BRIDGE_ENTRY],
    ] as const) {
      for (const name of ['bom', 'crlf', 'full']) {
        const { input } = fixture(client, name);
        const file = path.join(dir, `${client}-${name}`);
        fs.writeFileSync(file, input);
        await connectClientFile(file, adapter, entry, { now: clock });
        const result = await disconnectClientFile(file, adapter, 'switchboard', { now: clock });
        expect(result.changed).toBe(true);
        expect(fs.readFileSync(file)).toEqual(Buffer.from(input, 'utf8'));
      }
    }
  });

  it('leaves an unreadable file untouched, byte for byte, and makes no backup', async () => {
    const invalid = fixtureCases('cursor').find((c) => c.name === 'invalid');
    if (invalid === undefined) throw new Error('fixture');
    const file = path.join(dir, 'mcp.json');
    fs.copyFileSync(invalid.inputPath, file);
    const bytes = fs.readFileSync(file);
    const mtime = fs.statSync(file).mtimeMs;

    const failure = await connectClientFile(file, cursor, HTTP_ENTRY, { now: clock }).catch(
      (e: unknown) => e,
    );
    expect(isSwitchboardError(failure, 'CLIENT_CONFIG_UNREADABLE')).toBe(true);
    expect((failure as Error).message).toContain(file);
    expect((failure as Error).message).toMatch(/line 3, column \d+/);

    expect(fs.readFileSync(file)).toEqual(bytes);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    expect(backupsOf(file)).toEqual([]);
  });

  it('refuses a file that is not UTF-8 (a UTF-16 file from PowerShell) without touching it', async () => {
    const file = path.join(dir, 'settings.json');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"mcpServers": {}}', 'utf16le')]);
    fs.writeFileSync(file, utf16);
    const error = await connectClientFile(file, vscode, HTTP_ENTRY).catch((e: unknown) => e);
    expect(isSwitchboardError(error, 'CLIENT_CONFIG_UNREADABLE')).toBe(true);
    expect((error as Error).message).toContain('not UTF-8');
    expect(fs.readFileSync(file)).toEqual(utf16);
  });

  it('keeps only the newest five backups', async () => {
    const file = path.join(dir, 'config.toml');
    fs.writeFileSync(file, 'model = "o3"\n');
    for (let i = 0; i < 4; i++) {
      await connectClientFile(file, codex, HTTP_ENTRY, { now: clock });
      await disconnectClientFile(file, codex, 'switchboard', { now: clock });
    }
    const backups = await listBackups(file);
    expect(backups).toHaveLength(5);
    expect(backups.map((b) => path.basename(b))).toEqual(
      [7, 6, 5, 4, 3].map((ms) =>
        path.basename(backupPathFor(file, new Date(Date.UTC(2026, 0, 2, 3, 4, 5, ms)))),
      ),
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('model = "o3"\n');
  });

  it('deletes the file, keeping a backup, when disconnecting leaves nothing in it', async () => {
    const file = path.join(dir, 'mcp_config.json');
    await connectClientFile(file, vscode, HTTP_ENTRY, { now: clock });
    const result = await disconnectClientFile(file, vscode, 'switchboard', { now: clock });
    expect(result.removed).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(result.backupPath as string, 'utf8')).toContain('"switchboard"');
  });

  it('disconnecting a missing file is a no-op', async () => {
    const file = path.join(dir, 'nothing.json');
    expect(await disconnectClientFile(file, vscode)).toEqual({
      path: file,
      changed: false,
      restartHint: vscode.restartHint,
    });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('writes through a symlinked config file and keeps the link', async () => {
    const target = path.join(dir, 'dotfiles-mcp.json');
    const link = path.join(dir, 'mcp.json');
    fs.writeFileSync(target, '{\n  "servers": {}\n}\n');
    fs.symlinkSync(target, link);
    await connectClientFile(link, vscode, HTTP_ENTRY, { now: clock });
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toContain('"switchboard"');
  });

  it('starts over when the client rewrites its file meanwhile, and gives up with CONFLICT if it never stops', async () => {
    const file = path.join(dir, 'claude.json');
    fs.writeFileSync(file, '{}');
    let writes = 0;
    const busyClient = (text: string) => {
      fs.writeFileSync(file, `{"numStartups": ${++writes}}`);
      return text + ' ';
    };
    const error = await updateConfigFile(file, 'hint', busyClient, { now: clock }).catch((e: unknown) => e);
    expect(isSwitchboardError(error, 'CONFLICT')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"numStartups": 3}');

    let once = false;
    const result = await updateConfigFile(
      file,
      'hint',
      (text) => {
        if (!once) {
          once = true;
          fs.writeFileSync(file, '{"numStartups": 4}');
        }
        return `${text} `;
      },
      { now: clock },
    );
    expect(result.changed).toBe(true);
    // Our change was computed again from the client's newer text, not from the stale one.
    expect(fs.readFileSync(file, 'utf8')).toBe('{"numStartups": 4} ');
  });
});

describe('nodeFsLike', () => {
  it('answers whether a path exists', async () => {
    expect(await nodeFsLike.exists(dir)).toBe(true);
    expect(await nodeFsLike.exists(path.join(dir, 'missing'))).toBe(false);
  });
});
