import { describe, expect, it } from 'vitest';
import { ServerDefinitionSchema } from '../../../preload/contract/server-definition.ts';
import {
  effectiveValues,
  missingVariables,
  resolveDefinition,
  substitute,
} from '../../../main/env/resolve-definition.ts';

const stdio = ServerDefinitionSchema.parse({
  prefix: 'gh',
  name: 'GitHub',
  transport: 'stdio',
  command: 'npx',
  args: ['-y', 'server', '--host', '${HOST}', '--literal', '$${NOT_A_REF}'],
  env: { AUTH: 'token ${TOKEN}', MODE: 'fast' },
  envVars: [
    { name: 'TOKEN' },
    { name: 'HOST', secret: false, default: 'github.com' },
    { name: 'OPTIONAL', required: false },
  ],
});

const remote = ServerDefinitionSchema.parse({
  prefix: 'api',
  name: 'API',
  transport: 'http',
  url: 'https://${HOST}/mcp',
  headers: { Authorization: 'Bearer ${KEY}' },
  envVars: [{ name: 'KEY' }, { name: 'HOST', secret: false }],
});

describe('substitute', () => {
  it('replaces references, keeps unknown ones and unescapes $${', () => {
    expect(substitute('a ${X} b ${Y} c $${X}', { X: '1' })).toBe('a 1 b ${Y} c ${X}');
  });
});

describe('effectiveValues', () => {
  it("prefers the person's value over the definition's default", () => {
    expect(effectiveValues(stdio.envVars, { HOST: 'ghe.local' })).toEqual({
      TOKEN: undefined,
      HOST: 'ghe.local',
      OPTIONAL: undefined,
    });
    expect(effectiveValues(stdio.envVars, {}).HOST).toBe('github.com');
  });
});

describe('resolveDefinition', () => {
  it('lists exactly the missing required or referenced variables and resolves nothing', () => {
    expect(resolveDefinition(stdio, {})).toEqual({ ok: false, missing: ['TOKEN'] });
    expect(resolveDefinition(remote, { KEY: 'k' })).toEqual({ ok: false, missing: ['HOST'] });
    expect(missingVariables(remote, {})).toEqual(['KEY', 'HOST']);
  });

  it('substitutes stdio args and env, injects declared values by name and reports the secrets', () => {
    const result = resolveDefinition(stdio, { TOKEN: 'tok-123', OPTIONAL: 'opt' });
    expect(result).toEqual({
      ok: true,
      secrets: ['tok-123', 'opt'],
      server: {
        transport: 'stdio',
        command: 'npx',
        args: ['-y', 'server', '--host', 'github.com', '--literal', '${NOT_A_REF}'],
        env: { TOKEN: 'tok-123', HOST: 'github.com', OPTIONAL: 'opt', AUTH: 'token tok-123', MODE: 'fast' },
      },
    });
  });

  it('substitutes remote URL and headers', () => {
    const result = resolveDefinition(remote, { KEY: 'sk-1', HOST: 'example.test' });
    expect(result).toEqual({
      ok: true,
      secrets: ['sk-1'],
      server: {
        transport: 'http',
        url: 'https://example.test/mcp',
        headers: { Authorization: 'Bearer sk-1' },
      },
    });
  });
});
