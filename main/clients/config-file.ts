import fs from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { SwitchboardError } from '../lib/errors.ts';
import { pruneBackups, writeBackup } from './backups.ts';
import type { ClientAdapter, FsLike } from './client-adapter.ts';
import { unreadableConfig } from './config-errors.ts';
import { SWITCHBOARD_ENTRY_NAME, type SwitchboardEntry } from './switchboard-entry.ts';
import { isBlank, splitBom } from './text-format.ts';

/**
 * The file-level half of connecting a client: read (a missing file reads as empty), let the adapter compute
 * the new text, and only if it differs back the file up and replace it atomically with the same permissions.
 * A file the adapter cannot parse is never touched.
 */

export interface ConfigChangeResult {
  path: string;
  changed: boolean;
  /** The copy made before changing an existing file. */
  backupPath?: string;
  /** True when the change left nothing in the file, so it was deleted instead of left empty. */
  removed?: boolean;
  restartHint: string;
}

export interface ConfigFileOptions {
  /** Clock for backup names (tests pass a fixed one). */
  now?: () => Date;
}

interface ConfigText {
  text: string;
  exists: boolean;
  mode: number;
}

/** Mode for a file Switchboard creates: it will hold a bearer token, so only its owner may read it. */
const NEW_FILE_MODE = 0o600;

/** Re-reads before replacing; a client rewriting its file at the same moment makes us start over this often. */
const ATTEMPTS = 3;

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
  return updateConfigFile(
    file,
    adapter.restartHint,
    (text) => adapter.writeEntry(text, entry, file),
    options,
  );
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

/** Reads a client file as UTF-8 text; a missing file is empty text. Bytes that are not UTF-8 are refused. */
export async function readConfigText(file: string): Promise<ConfigText> {
  let bytes: Buffer;
  let mode: number;
  try {
    [bytes, mode] = await Promise.all([fs.readFile(file), fs.stat(file).then((s) => s.mode & 0o7777)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { text: '', exists: false, mode: NEW_FILE_MODE };
    throw error;
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
    if (next === before.text) return { path: file, changed: false, restartHint };

    const backupPath = before.exists ? await writeBackup(file, before.mode, now()) : undefined;
    // The client may have rewritten its file while we computed (Claude Code rewrites ~/.claude.json often).
    const again = await readConfigText(file);
    if (again.text !== before.text || again.exists !== before.exists) continue;

    const backup = backupPath === undefined ? {} : { backupPath };
    if (isBlank(splitBom(next).body)) {
      // Nothing left: an empty file is a syntax error for every strict JSON client, a missing one is not.
      await fs.rm(file, { force: true });
      await pruneBackups(file);
      return { path: file, changed: true, removed: true, restartHint, ...backup };
    }
    if (!before.exists) await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, next, { mode: before.mode, encoding: 'utf8' });
    await pruneBackups(file);
    return { path: file, changed: true, restartHint, ...backup };
  }
  throw new SwitchboardError(
    'CONFLICT',
    `${file} kept changing while Switchboard was updating it; close the app that writes it and try again`,
  );
}
