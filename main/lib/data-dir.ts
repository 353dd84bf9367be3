import fs from 'node:fs';
import { SwitchboardError } from './errors.ts';

/**
 * Makes sure the data folder exists and belongs to this user alone before anything is read from it: it holds
 * the database (encrypted secrets, token hashes), the bridge token and the pid file the hub kills by. A folder
 * another local user can write to could have any of them swapped, so it is refused, not repaired (files may
 * already have been planted). One that others can merely read is ours to tighten. Windows protects the
 * profile folder with ACLs instead of mode bits.
 */
export function prepareDataDir(dir: string, platform: NodeJS.Platform = process.platform): void {
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(dir);
  if (!stat.isDirectory()) {
    throw new SwitchboardError(
      'DATA_DIR_UNSAFE',
      `the data folder ${dir} is not a folder; choose another --data-dir`,
    );
  }
  if (platform === 'win32') return;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new SwitchboardError(
      'DATA_DIR_UNSAFE',
      `the data folder ${dir} is owned by another user (uid ${stat.uid}), who could change what Switchboard ` +
        'reads from it; use a folder of your own (--data-dir or SWITCHBOARD_HOME)',
    );
  }
  const mode = stat.mode & 0o777;
  if ((mode & 0o022) !== 0) {
    throw new SwitchboardError(
      'DATA_DIR_UNSAFE',
      `other users can write to the data folder ${dir} (mode ${mode.toString(8)}), so they could replace the ` +
        `database or the bridge token; check its files, then run \`chmod 700 ${dir}\``,
    );
  }
  if ((mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}
