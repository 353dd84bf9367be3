import { describe, expect, it } from 'vitest';
import { buildChildEnv } from '../../../main/upstream/child-env.ts';

describe('buildChildEnv', () => {
  const hub = {
    HOME: '/home/ada',
    USER: 'ada',
    LANG: 'en_GB.UTF-8',
    LC_TIME: 'de_DE.UTF-8',
    PATH: '/usr/bin',
    AWS_SECRET_ACCESS_KEY: 'hub-secret',
    SWITCHBOARD_PASSPHRASE: 'pw',
    GITHUB_TOKEN: 'ghp_hub',
    BASH_FUNC_x: '() { echo; }',
    TERM: '() { evil; }',
  };

  it('inherits only the basics, never the hub secrets', () => {
    const env = buildChildEnv({
      resolved: {},
      path: '/login/bin:/usr/bin',
      processEnv: hub,
      platform: 'linux',
    });
    expect(env).toEqual({
      HOME: '/home/ada',
      USER: 'ada',
      LANG: 'en_GB.UTF-8',
      LC_TIME: 'de_DE.UTF-8',
      PATH: '/login/bin:/usr/bin',
    });
  });

  it('lets the definition override everything, PATH included', () => {
    const env = buildChildEnv({
      resolved: { GITHUB_TOKEN: 'ghp_user', HOME: '/tmp/h', PATH: '/custom' },
      path: '/login/bin',
      processEnv: hub,
      platform: 'darwin',
    });
    expect(env.GITHUB_TOKEN).toBe('ghp_user');
    expect(env.HOME).toBe('/tmp/h');
    expect(env.PATH).toBe('/custom');
  });

  it('reads Windows variables case-insensitively and keeps a single Path', () => {
    const env = buildChildEnv({
      resolved: { PATH: 'C:\\tools' },
      path: 'C:\\Windows',
      processEnv: {
        SystemRoot: 'C:\\Windows',
        Path: 'C:\\x',
        APPDATA: 'C:\\a',
        SECRET: 's',
        PathExt: '.EXE;.CMD',
      },
      platform: 'win32',
    });
    expect(env).toEqual({
      SYSTEMROOT: 'C:\\Windows',
      APPDATA: 'C:\\a',
      PATHEXT: '.EXE;.CMD',
      PATH: 'C:\\tools',
    });
  });

  it('gives Windows children the login path as Path', () => {
    const env = buildChildEnv({ resolved: {}, path: 'C:\\bin', processEnv: {}, platform: 'win32' });
    expect(env).toEqual({ Path: 'C:\\bin' });
  });
});
