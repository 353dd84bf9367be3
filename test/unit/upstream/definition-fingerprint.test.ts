import { describe, expect, it } from 'vitest';
import type { ServerDefinition } from '../../../preload/contract/server-definition.ts';
import { ServerDefinitionSchema } from '../../../preload/contract/server-definition.ts';
import { definitionHash, runtimeFingerprint } from '../../../main/upstream/definition-fingerprint.ts';

const def = (over: Record<string, unknown> = {}): ServerDefinition =>
  ServerDefinitionSchema.parse({
    prefix: 'gh',
    name: 'GitHub',
    transport: 'stdio',
    command: 'npx',
    args: ['-y', 'server-github'],
    env: { A: '1', B: '2' },
    envVars: [{ name: 'GITHUB_TOKEN' }],
    ...over,
  });

describe('definitionHash', () => {
  it('ignores display fields and the order of env entries', () => {
    expect(definitionHash(def({ name: 'Other', description: 'x', keepRunning: true }))).toBe(
      definitionHash(def()),
    );
    expect(definitionHash(def({ env: { B: '2', A: '1' } }))).toBe(definitionHash(def()));
  });

  it('changes with the command, args, cwd, env or URL', () => {
    const base = definitionHash(def());
    expect(definitionHash(def({ command: 'uvx' }))).not.toBe(base);
    expect(definitionHash(def({ args: ['-y'] }))).not.toBe(base);
    expect(definitionHash(def({ cwd: '/tmp' }))).not.toBe(base);
    expect(definitionHash(def({ env: { A: '1' } }))).not.toBe(base);
    const remote = (url: string) =>
      definitionHash(ServerDefinitionSchema.parse({ prefix: 'r', name: 'r', transport: 'http', url }));
    expect(remote('https://a.example/mcp')).not.toBe(remote('https://b.example/mcp'));
  });
});

describe('runtimeFingerprint', () => {
  it('changes when a value changes, not when an undeclared value does', () => {
    const base = runtimeFingerprint(def(), { GITHUB_TOKEN: 'one' });
    expect(runtimeFingerprint(def(), { GITHUB_TOKEN: 'one', OTHER: 'x' })).toBe(base);
    expect(runtimeFingerprint(def(), { GITHUB_TOKEN: 'two' })).not.toBe(base);
    expect(runtimeFingerprint(def(), {})).not.toBe(base);
  });
});
