import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bridgeTokenPath, ensureBridgeToken, readBridgeToken } from '../../../main/tokens/bridge-token.ts';
import { looksLikeToken } from '../../../main/tokens/token-crypto.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bridge-token-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('bridge token file', () => {
  it('is absent until the hub creates it, then stable', () => {
    const dir = tempDir();
    expect(readBridgeToken(dir)).toBeUndefined();
    const token = ensureBridgeToken(dir);
    expect(looksLikeToken(token)).toBe(true);
    expect(ensureBridgeToken(dir)).toBe(token);
    expect(readBridgeToken(dir)).toBe(token);
  });
  it.skipIf(process.platform === 'win32')(
    'is private to the user (0600), and gets tightened if loosened',
    () => {
      const dir = tempDir();
      ensureBridgeToken(dir);
      expect(fs.statSync(bridgeTokenPath(dir)).mode & 0o777).toBe(0o600);
      fs.chmodSync(bridgeTokenPath(dir), 0o644);
      ensureBridgeToken(dir);
      expect(fs.statSync(bridgeTokenPath(dir)).mode & 0o777).toBe(0o600);
    },
  );
  it('creates the data directory when needed', () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    expect(looksLikeToken(ensureBridgeToken(dir))).toBe(true);
  });
  it('replaces a damaged file on start, and reports it clearly when read', () => {
    const dir = tempDir();
    fs.writeFileSync(bridgeTokenPath(dir), 'garbage');
    expect(() => readBridgeToken(dir)).toThrow(/damaged/);
    const token = ensureBridgeToken(dir);
    expect(readBridgeToken(dir)).toBe(token);
  });
  it('leaves no temp files behind', () => {
    const dir = tempDir();
    ensureBridgeToken(dir);
    expect(fs.readdirSync(dir)).toEqual(['bridge-token']);
  });
});
