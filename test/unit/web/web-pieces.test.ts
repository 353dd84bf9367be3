import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStaticFile } from '../../../main/web/static-files.ts';
import { createUiToken, uiTokenMatches } from '../../../main/web/ui-token.ts';
import { parseBearerToken as bearerTokenOf } from '../../../main/tokens/bearer.ts';
import { cspHeader } from '../../../main/web/content-security-policy.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-static-'));
fs.writeFileSync(path.join(root, 'index.html'), 'hi');
fs.writeFileSync(path.join(os.tmpdir(), 'switchboard-outside.txt'), 'secret');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('UI token', () => {
  it('is random, URL-safe and long', () => {
    const a = createUiToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createUiToken()).not.toBe(a);
  });
  it('matches only itself', () => {
    expect(uiTokenMatches('abc', 'abc')).toBe(true);
    expect(uiTokenMatches('abd', 'abc')).toBe(false);
    expect(uiTokenMatches('ab', 'abc')).toBe(false);
    expect(uiTokenMatches('', 'abc')).toBe(false);
    expect(uiTokenMatches(undefined, 'abc')).toBe(false);
    expect(bearerTokenOf('Bearer xyz')).toBe('xyz');
    expect(bearerTokenOf('Basic xyz')).toBeUndefined();
    expect(bearerTokenOf(null)).toBeUndefined();
  });
});

describe('readStaticFile', () => {
  it('serves files inside the root with their content type', async () => {
    expect(await readStaticFile(root, 'index.html')).toMatchObject({
      contentType: 'text/html; charset=utf-8',
    });
  });
  it('never leaves the root', async () => {
    for (const p of [
      '../switchboard-outside.txt',
      '..%2Fswitchboard-outside.txt',
      '%2e%2e/switchboard-outside.txt',
      '/etc/passwd',
      'a\0b',
      '%E0%A4%A',
    ]) {
      const file = await readStaticFile(root, p);
      expect(file, p).toBeUndefined();
    }
  });
});

describe('CSP', () => {
  it('allows only our own scripts and nothing framed', () => {
    const csp = cspHeader();
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-eval/);
  });
});
