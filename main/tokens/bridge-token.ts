import fs from 'node:fs';
import path from 'node:path';
import { SwitchboardError } from '../lib/errors.ts';
import { generateToken, looksLikeToken } from './token-crypto.ts';

/**
 * The bridge token lives in `<dataDir>/bridge-token` (mode 0600), never in a client's config: the bridge
 * is launched by AI clients whose config files are often shared or synced, so it reads the token from
 * the data directory at run time instead of from argv or env.
 */

/** File name of the bridge token inside the data directory. */
export const BRIDGE_TOKEN_FILE = 'bridge-token';

/** Path of the bridge token file for a data directory. */
export function bridgeTokenPath(dataDir: string): string {
  return path.join(dataDir, BRIDGE_TOKEN_FILE);
}

/** Reads the bridge token; undefined when the file does not exist yet (the hub has never run). */
export function readBridgeToken(dataDir: string): string | undefined {
  const file = bridgeTokenPath(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SwitchboardError(
      'INTERNAL',
      `cannot read the bridge token ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const token = text.trim();
  if (!looksLikeToken(token)) {
    throw new SwitchboardError(
      'VALIDATION',
      `the bridge token file ${file} is damaged; delete it and restart Switchboard to create a new one`,
    );
  }
  return token;
}

/** Returns the bridge token, creating it (mode 0600, atomically) on first use. Called when the hub starts. */
export function ensureBridgeToken(dataDir: string): string {
  const file = bridgeTokenPath(dataDir);
  const existing = readExistingOrReplaceDamaged(file, dataDir);
  if (existing !== undefined) {
    tightenMode(file);
    return existing;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = generateToken();
  // Write to a private temp file, then link it into place: a concurrent reader never sees a half-written
  // token, and if another process won the race its token is kept (link fails with EEXIST).
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temp, token + '\n', { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readBridgeToken(dataDir);
    if (winner !== undefined) return winner;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return token;
}

function readExistingOrReplaceDamaged(file: string, dataDir: string): string | undefined {
  try {
    return readBridgeToken(dataDir);
  } catch (error) {
    if (error instanceof SwitchboardError && error.code === 'VALIDATION') {
      // A damaged token file only locks the bridge out; replacing it is the fix the message would ask for.
      fs.rmSync(file, { force: true });
      return undefined;
    }
    throw error;
  }
}

function tightenMode(file: string): void {
  if (process.platform === 'win32') return; // NTFS ACLs, not mode bits, protect the profile folder there.
  const mode = fs.statSync(file).mode & 0o777;
  if (mode !== 0o600) fs.chmodSync(file, 0o600);
}
