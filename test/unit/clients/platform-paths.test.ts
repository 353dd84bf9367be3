import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getClientAdapter } from '../../../main/clients/client-registry.ts';
import {
  CLIENT_HOME_ENV,
  CLIENT_LOCATION_ENV,
  clientPathContext,
} from '../../../main/clients/platform-paths.ts';

/** clientPathContext: the real home and environment, or $SWITCHBOARD_CLIENT_HOME alone when it is set. */

const MOVED = {
  XDG_CONFIG_HOME: '/elsewhere/xdg',
  APPDATA: 'D:\\elsewhere\\appdata',
  CLAUDE_CONFIG_DIR: '/elsewhere/claude',
  CODEX_HOME: '/elsewhere/codex',
  GEMINI_CLI_HOME: '/elsewhere/gemini',
};

const userFile = (id: string, ctx: ReturnType<typeof clientPathContext>) =>
  getClientAdapter(id)
    .configPaths(ctx)
    .find((l) => l.scope === 'user')?.path;

describe('clientPathContext', () => {
  it('without SWITCHBOARD_CLIENT_HOME is the real home and the environment as given', () => {
    const env = { ...MOVED, PATH: '/usr/bin' };
    const ctx = clientPathContext({ platform: 'linux', homedir: '/home/ada', env });
    expect(ctx).toEqual({ platform: 'linux', home: '/home/ada', env });
    expect(ctx.env).toBe(env);
    expect(userFile('claude-desktop', ctx)).toBe('/elsewhere/xdg/Claude/claude_desktop_config.json');
    expect(userFile('codex', ctx)).toBe('/elsewhere/codex/config.toml');
  });

  it('treats an empty SWITCHBOARD_CLIENT_HOME as unset', () => {
    const ctx = clientPathContext({
      platform: 'darwin',
      homedir: '/Users/ada',
      env: { [CLIENT_HOME_ENV]: '' },
    });
    expect(ctx.home).toBe('/Users/ada');
  });

  it('with SWITCHBOARD_CLIENT_HOME puts every client under it and ignores the location variables', () => {
    const env = { ...MOVED, PATH: '/usr/bin', [CLIENT_HOME_ENV]: '/tmp/fake-home' };
    const ctx = clientPathContext({ platform: 'linux', homedir: '/home/ada', env });
    expect(ctx.home).toBe('/tmp/fake-home');
    for (const name of CLIENT_LOCATION_ENV) expect(ctx.env[name], name).toBeUndefined();
    expect(ctx.env.PATH).toBe('/usr/bin');
    // The caller's environment is left alone.
    expect(env.XDG_CONFIG_HOME).toBe(MOVED.XDG_CONFIG_HOME);
    expect(userFile('claude-desktop', ctx)).toBe('/tmp/fake-home/.config/Claude/claude_desktop_config.json');
    expect(userFile('claude-code', ctx)).toBe('/tmp/fake-home/.claude.json');
    expect(userFile('codex', ctx)).toBe('/tmp/fake-home/.codex/config.toml');
    expect(userFile('gemini-cli', ctx)).toBe('/tmp/fake-home/.gemini/settings.json');
  });

  it('resolves the fake home with the target platform rules (Windows: no APPDATA, so under the fake home)', () => {
    const ctx = clientPathContext({
      platform: 'win32',
      homedir: 'C:\\Users\\ada',
      env: { ...MOVED, [CLIENT_HOME_ENV]: 'C:\\fake\\..\\fake-home' },
    });
    expect(ctx.home).toBe('C:\\fake-home');
    expect(userFile('claude-desktop', ctx)).toBe(
      'C:\\fake-home\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
    );
    const mac = clientPathContext({
      platform: 'darwin',
      homedir: '/Users/ada',
      env: { [CLIENT_HOME_ENV]: '/tmp/fake-home/' },
    });
    expect(userFile('claude-desktop', mac)).toBe(
      '/tmp/fake-home/Library/Application Support/Claude/claude_desktop_config.json',
    );
  });

  it('makes a relative fake home absolute', () => {
    const ctx = clientPathContext({
      platform: 'linux',
      homedir: '/home/ada',
      env: { [CLIENT_HOME_ENV]: 'relative/home' },
    });
    expect(path.posix.isAbsolute(ctx.home)).toBe(true);
    expect(ctx.home.endsWith('/relative/home')).toBe(true);
  });

  it('passes the project folder through, with or without a fake home', () => {
    for (const env of [{}, { [CLIENT_HOME_ENV]: '/tmp/fake-home' }]) {
      const ctx = clientPathContext({
        platform: 'linux',
        homedir: '/home/ada',
        env,
        projectDir: '/work/app',
      });
      expect(ctx.projectDir).toBe('/work/app');
      expect(
        getClientAdapter('cursor')
          .configPaths(ctx)
          .find((l) => l.scope === 'project')?.path,
      ).toBe('/work/app/.cursor/mcp.json');
    }
    expect('projectDir' in clientPathContext({ platform: 'linux', homedir: '/h', env: {} })).toBe(false);
  });
});
