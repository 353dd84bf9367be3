import crypto from 'node:crypto';
import fs from 'node:fs';
import { openDatabase } from '../../../main/registry/database.ts';

/** Creates a fully migrated registry database at `file` and closes it. */
export function createMigratedDatabase(file: string): void {
  openDatabase({ file }).close();
}

/** SHA-256 of the database file and of its -wal / -shm companions (undefined when absent). */
export function fingerprintDatabase(file: string): Record<string, string | undefined> {
  const hash = (f: string) =>
    fs.existsSync(f) ? crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex') : undefined;
  return { db: hash(file), wal: hash(`${file}-wal`), shm: hash(`${file}-shm`) };
}

/** Which of the database's files contain `needle` (as UTF-8 or UTF-16LE bytes). */
export function filesContaining(file: string, needle: string): string[] {
  const patterns = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')];
  return [file, `${file}-wal`].filter(
    (f) => fs.existsSync(f) && patterns.some((p) => fs.readFileSync(f).includes(p)),
  );
}
