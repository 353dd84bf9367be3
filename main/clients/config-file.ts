import fs from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { SwitchboardError } from '../lib/errors.ts';
import { pruneBackups, secureBackups, writeBackup } from './backups.ts';
import type { ClientAdapter, FsLike } from './client-adapter.ts';
import { danglingLink, readOnlyConfig, unreadableConfig } from './config-errors.ts';
import { SWITCHBOARD_ENTRY_NAME, type SwitchboardEntry } from './switchboard-entry.ts';
import { isBlank, splitBom } from './text-format.ts';

/**
 * The file-level half of connecting a client: read (a missing file reads as empty), let the adapter compute
 * the new text, and only if it differs back the file up and replace it atomically with the same permissions.
 * A file the adapter cannot parse is never touched. Also refused untouched: a read-only file (the person
 * made it so) and a symlink to nothing (replacing it would cut the person's link). A file that holds a
 * bearer token afterwards is made owner-only, and every backup is owner-only
 * (docs/decisions/client-file-modes.md).
 */

export interface ConfigChangeResult {
  path: string;
  changed: boolean;
  /** The copy made before changing an existing file. */
  backupPath?: string;
  /** True when the change left nothing in the file, so it was deleted instead of left empty. */
  removed?: boolean;
  /** The file held a token (or now does) but others could read it: its mode was narrowed to its owner. */
  modeTightened?: { from: number; to: number };
  restartHint: string;
}

export interface ConfigFileOptions {
  /** Clock for backup names (tests pass a fixed one). */
  now?: () => Date;
  /** The file holds a bearer token afterwards: it must end up readable by its owner only. */
  holdsToken?: boolean;
}

export interface ConfigText {
  text: string;
  exists: boolean;
  mode: number;
}

/** Mode for a file Switchboard creates: it will hold a bearer token, so only its owner may read it. */
const NEW_FILE_MODE = 0o600;

/** Re-reads before replacing; a client rewriting its file at the same moment makes us start over this often. */
const ATTEMPTS = 3;

/** Windows has no group or other permission bits to narrow (its ACLs are inherited from the folder). */
const POSIX_MODES = process.platform !== 'win32';

/** The mode without group and other bits: what a file or backup holding a token gets. */
export function ownerOnly(mode: number): number {
  return POSIX_MODES ? mode & ~0o077 : mode;
}

/** Answers `exists` with the real file system, for `ClientAdapter.detect`. */
export const nodeFsLike: FsLike = {
  exists: (p) =>
    fs.access(p).then(
      () => true,
      () => false,
    ),
};

/** Adds or updates our entry in a client's file. */
export function connectClientFile(
  file: string,
  adapter: ClientAdapter,
  entry: SwitchboardEntry,
  options: ConfigFileOptions = {},
): Promise<ConfigChangeResult> {
  return updateConfigFile(file, adapter.restartHint, (text) => adapter.writeEntry(text, entry, file), {
    ...options,
    holdsToken: options.holdsToken ?? entry.kind === 'http',
  });
}

/** Removes our entry from a client's file. */
export function disconnectClientFile(
  file: string,
  adapter: ClientAdapter,
  name = SWITCHBOARD_ENTRY_NAME,
  options: ConfigFileOptions = {},
): Promise<ConfigChangeResult> {
  return updateConfigFile(
    file,
    adapter.restartHint,
    (text) => adapter.removeEntry(text, name, file),
    options,
  );
}

/**
 * Reads a client file as UTF-8 text; a missing file is empty text. Bytes that are not UTF-8 are refused, and
 * so is a symlink to nothing: writing would replace the person's link with a file of our own.
 */
export async function readConfigText(file: string): Promise<ConfigText> {
  let bytes: Buffer;
  let mode: number;
  try {
    [bytes, mode] = await Promise.all([fs.readFile(file), fs.stat(file).then((s) => s.mode & 0o7777)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const link = await fs.readlink(file).catch(() => undefined);
    if (link !== undefined) throw danglingLink(file, path.resolve(path.dirname(file), link));
    return { text: '', exists: false, mode: NEW_FILE_MODE };
  }
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes),
      exists: true,
      mode,
    };
  } catch {
    throw unreadableConfig(file, 'it is not UTF-8 text (saved as UTF-16?)');
  }
}

/** Applies `compute` to a file's text and writes the result safely; see the module comment. */
export async function updateConfigFile(
  file: string,
  restartHint: string,
  compute: (text: string) => string,
  options: ConfigFileOptions = {},
): Promise<ConfigChangeResult> {
  const now = options.now ?? (() => new Date());
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = await readConfigText(file);
    const next = compute(before.text);
    const mode = options.holdsToken ? ownerOnly(before.mode) : before.mode;
    const tightened = before.exists && mode !== before.mode ? { from: before.mode, to: mode } : undefined;
    if (next === before.text) {
      // Nothing to write, but a token already in a file others can read is narrowed all the same.
      if (tightened !== undefined) await fs.chmod(file, mode);
      await secureBackups(file);
      return { path: file, changed: false, restartHint, modeTightened: tightened };
    }
    if (before.exists && isReadOnly(before.mode)) throw readOnlyConfig(file, before.mode);

    const backupPath = before.exists ? await writeBackup(file, ownerOnly(before.mode), now()) : undefined;
    // The client may have rewritten its file while we computed (Claude Code rewrites ~/.claude.json often).
    const again = await readConfigText(file);
    if (again.text !== before.text || again.exists !== before.exists) continue;

    const backup = backupPath === undefined ? {} : { backupPath };
    if (isBlank(splitBom(next).body)) {
      // Nothing left: an empty file is a syntax error for every strict JSON client, a missing one is not.
      await fs.rm(file, { force: true });
      await pruneBackups(file);
      await secureBackups(file);
      return { path: file, changed: true, removed: true, restartHint, ...backup };
    }
    if (!before.exists) await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, next, { mode, encoding: 'utf8' });
    await pruneBackups(file);
    await secureBackups(file);
    return { path: file, changed: true, restartHint, modeTightened: tightened, ...backup };
  }
  throw new SwitchboardError(
    'CONFLICT',
    `${file} kept changing while Switchboard was updating it; close the app that writes it and try again`,
  );
}

/** No write bit for anyone: the person (or their dotfiles manager) froze the file on purpose. */
function isReadOnly(mode: number): boolean {
  return (mode & 0o222) === 0;
}
