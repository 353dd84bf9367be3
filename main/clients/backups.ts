import fs from 'node:fs/promises';
import path from 'node:path';

/** Backups sit next to the file they protect: `<file>.switchboard-backup-<timestamp>`. */
export const BACKUP_INFIX = '.switchboard-backup-';

/** How many backups of one file are kept; older ones are deleted after each successful write. */
export const BACKUPS_KEPT = 5;

/**
 * The backup name for a moment: an ISO-8601 UTC timestamp with `:` replaced by `-`, because Windows file
 * names cannot contain `:`. Names sort in time order, which pruning relies on.
 */
export function backupPathFor(file: string, now: Date): string {
  return file + BACKUP_INFIX + now.toISOString().replace(/:/g, '-');
}

/**
 * Copies the current file to a new backup (never overwriting one) with the given permissions; callers pass
 * the original's mode narrowed to its owner (backups are ours, and may hold tokens the person forgot about).
 */
export async function writeBackup(file: string, mode: number, now: Date): Promise<string> {
  const base = backupPathFor(file, now);
  for (let n = 1; ; n++) {
    const target = n === 1 ? base : `${base}-${n}`;
    try {
      await fs.copyFile(file, target, fs.constants.COPYFILE_EXCL);
      // The copy may hold tokens: it is never more readable than `mode`.
      await fs.chmod(target, mode);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n > 100) throw error;
    }
  }
}

/** Backups of a file, newest first. */
export async function listBackups(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const prefix = path.basename(file) + BACKUP_INFIX;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names
    .filter((name) => name.startsWith(prefix))
    .sort()
    .reverse()
    .map((name) => path.join(dir, name));
}

/** Deletes all but the newest `keep` backups; returns the deleted paths. */
export async function pruneBackups(file: string, keep = BACKUPS_KEPT): Promise<string[]> {
  const old = (await listBackups(file)).slice(keep);
  for (const backup of old) await fs.rm(backup, { force: true });
  return old;
}

/**
 * Narrows every backup of a file to its owner (backups made by older versions kept the original's mode, so a
 * 0644 file left 0644 copies of its token behind). Windows has no such bits: nothing to do there.
 */
export async function secureBackups(file: string): Promise<void> {
  if (process.platform === 'win32') return;
  for (const backup of await listBackups(file)) {
    const stat = await fs.stat(backup).catch(() => undefined);
    if (stat === undefined || (stat.mode & 0o077) === 0) continue;
    await fs.chmod(backup, stat.mode & 0o700);
  }
}
