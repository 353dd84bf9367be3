import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../../main/lib/data-dir.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';

/**
 * Issue 12 item 9: a group/world-writable or foreign-owned data folder was accepted (`doctor` printed "ok … mode
 * 777"). Another local user who can write there can swap the database, the bridge token or the pid file.
 */
const made: string[] = [];
const temp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-datadir-'));
  made.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const posix = process.platform !== 'win32';
const root = posix && process.getuid?.() === 0;

describe.runIf(posix)('prepareDataDir', () => {
  it('creates a missing folder private to the user (0700)', () => {
    const dir = path.join(temp(), 'nested', 'Switchboard');
    prepareDataDir(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('tightens a folder of ours that others can read (nothing was planted: they could not write)', () => {
    const dir = temp();
    fs.chmodSync(dir, 0o755);
    prepareDataDir(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });

  it.each([0o777, 0o775, 0o757, 0o733])(
    'refuses a folder others can write to (mode %o), saying how to fix it',
    (mode) => {
      const dir = temp();
      fs.chmodSync(dir, mode);
      try {
        prepareDataDir(dir);
        expect.unreachable();
      } catch (error) {
        expect(isSwitchboardError(error, 'DATA_DIR_UNSAFE')).toBe(true);
        expect((error as Error).message).toMatch(/other users can write/);
        expect((error as Error).message).toContain(`chmod 700 ${dir}`);
      }
      // Nothing was changed: the person decides (someone may already have put files there).
      expect(fs.statSync(dir).mode & 0o777).toBe(mode);
    },
  );

  it.runIf(root)('refuses a folder owned by another user (needs root to chown one here)', () => {
    const dir = temp();
    fs.chmodSync(dir, 0o700);
    fs.chownSync(dir, 65534, 65534);
    expect(() => prepareDataDir(dir)).toThrow(/owned by another user \(uid 65534\)/);
  });

  it('refuses a data "folder" that is a file', () => {
    const file = path.join(temp(), 'not-a-dir');
    fs.writeFileSync(file, '');
    expect(() => prepareDataDir(file)).toThrow(/is not a folder/);
  });
});
