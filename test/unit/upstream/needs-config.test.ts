import { describe, expect, it } from 'vitest';
import { ServerDefinitionSchema } from '../../../preload/contract/server-definition.ts';
import { needsConfigError } from '../../../main/upstream/needs-config.ts';

const def = ServerDefinitionSchema.parse({
  prefix: 'github',
  name: 'GitHub',
  transport: 'stdio',
  command: 'npx',
  envVars: [{ name: 'GITHUB_TOKEN' }, { name: 'GITHUB_HOST', secret: false }],
});

describe('needsConfigError', () => {
  it('says which variable is missing and how to set it', () => {
    const error = needsConfigError(def, ['GITHUB_TOKEN']);
    expect(error.code).toBe('NEEDS_CONFIG');
    expect(error.message).toBe(
      'github needs GITHUB_TOKEN: run `switchboard secret set github GITHUB_TOKEN` or fill it in the Switchboard window',
    );
    expect(error.details).toEqual({ prefix: 'github', missing: ['GITHUB_TOKEN'] });
  });

  it('lists several variables, with `var set` for a plain one', () => {
    expect(needsConfigError(def, ['GITHUB_TOKEN', 'GITHUB_HOST']).message).toBe(
      'github needs GITHUB_TOKEN, GITHUB_HOST: run `switchboard secret set github GITHUB_TOKEN` and ' +
        '`switchboard var set github GITHUB_HOST <value>` or fill them in the Switchboard window',
    );
  });
});
