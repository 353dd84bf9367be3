import { describe, expect, it } from 'vitest';
import { sanitizePrefix, uniquePrefix } from '../../../main/clients/prefix.ts';
import { convertReferences, toEnvName } from '../../../main/clients/references.ts';
import { isSecretPair, looksSecretName, looksSecretValue } from '../../../main/lib/secret-detection.ts';
import { PrefixSchema } from '../../../preload/contract/server-definition.ts';

/** The small pure pieces the import plan is built from. */

describe('secret detection', () => {
  it('recognises credential names, but not PATH or KEYBOARD-like words', () => {
    for (const name of [
      'GITHUB_PERSONAL_ACCESS_TOKEN',
      'BRAVE_API_KEY',
      'apiKey',
      'DB_PASSWORD',
      'CLIENT_SECRET',
      'GITLAB_PAT',
      'X-Api-Key',
      'Authorization',
      'ACCESSTOKEN',
      'AWS_SECRET_ACCESS_KEY',
    ]) {
      expect(looksSecretName(name), name).toBe(true);
    }
    for (const name of [
      'PATH',
      'NODE_PATH',
      'PYTHONPATH',
      'LOG_LEVEL',
      'HOME',
      'KEYBOARD_LAYOUT',
      'PASSTHROUGH_MODE',
      'Accept',
    ]) {
      expect(looksSecretName(name), name).toBe(false);
    }
  });

  it('recognises well-known token shapes and random-looking values', () => {
    for (const value of [
      'ghp_R8xk2LmQ9vT4pW7nZ1cY5sD3fG6hJ0aB2eK4',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnop',
      'sk-ant-api03-abcdefghijklmnopqrstuvwxyz',
      'xoxb-1234567890-abcdefghij',
      'AKIAIOSFODNN7EXAMPLE',
      'glpat-abcdefghij1234567890',
      'postgresql://ada:secret@localhost/db',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig',
      'Zx8Qw2Er5Ty7Ui9Op1As3Df6Gh',
    ]) {
      expect(looksSecretValue(value), value).toBe(true);
    }
    for (const value of [
      'metric',
      'info',
      'C:\\Users\\ada\\AppData\\Local\\Programs\\thing',
      '/usr/local/bin/node',
      'https://mcp.context7.com/mcp',
      'true',
      '8080',
      '',
    ]) {
      expect(looksSecretValue(value), value).toBe(false);
    }
  });

  it('does not call an obviously plain value a secret whatever its name', () => {
    expect(isSecretPair('GITHUB_AUTH_ENABLED', 'true')).toBe(false);
    expect(isSecretPair('TOKEN_LIMIT', '4096')).toBe(false);
    expect(isSecretPair('API_KEY', '')).toBe(false);
    expect(isSecretPair('API_KEY', 'abc')).toBe(true);
  });
});

describe('prefixes', () => {
  it('sanitizes any name into a valid prefix', () => {
    for (const [name, prefix] of [
      ['GitHub (work)', 'github-work'],
      ['brave_search', 'brave_search'],
      ['--x--', 'x'],
      ['a__b', 'a_b'],
      ['Crème Brûlée', 'creme-brulee'],
      ['!!!', 'server'],
      ['x'.repeat(30), 'x'.repeat(24)],
    ] as const) {
      expect(sanitizePrefix(name)).toBe(prefix);
      expect(PrefixSchema.safeParse(prefix).success).toBe(true);
    }
  });

  it('appends -2, -3 … and still fits the length limit', () => {
    expect(uniquePrefix('git', new Set(['git', 'git-2']))).toBe('git-3');
    const long = 'y'.repeat(24);
    expect(uniquePrefix(long, new Set([long]))).toBe(`${'y'.repeat(22)}-2`);
  });
});

describe('references', () => {
  it('converts every client syntax to ${NAME}', () => {
    expect(convertReferences('Bearer ${env:TOKEN}')).toEqual({
      value: 'Bearer ${TOKEN}',
      references: [{ name: 'TOKEN', original: '${env:TOKEN}' }],
    });
    expect(convertReferences('${input:api-key}')).toEqual({
      value: '${API_KEY}',
      references: [{ name: 'API_KEY', original: '${input:api-key}' }],
    });
    expect(convertReferences('${HOST:-localhost}:80')).toEqual({
      value: '${HOST}:80',
      references: [{ name: 'HOST', original: '${HOST:-localhost}', default: 'localhost' }],
    });
    expect(convertReferences('$MY_TOKEN')).toEqual({
      value: '${MY_TOKEN}',
      references: [{ name: 'MY_TOKEN', original: '$MY_TOKEN' }],
    });
    expect(convertReferences('%APPDATA%')).toEqual({
      value: '${APPDATA}',
      references: [{ name: 'APPDATA', original: '%APPDATA%' }],
    });
    expect(convertReferences('costs $5')).toEqual({ value: 'costs $5', references: [] });
  });

  it('makes variable names from any identifier', () => {
    expect(toEnvName('api-key')).toBe('API_KEY');
    expect(toEnvName('X-Goog-Api-Key')).toBe('X_GOOG_API_KEY');
    expect(toEnvName('githubToken')).toBe('GITHUB_TOKEN');
    expect(toEnvName('1st')).toBe('_1ST');
    expect(toEnvName('---')).toBe('VALUE');
  });
});
