import { describe, expect, it } from 'vitest';
import type { ConfigPathContext, FsLike } from '../../../main/clients/client-adapter.ts';
import { CLIENT_ADAPTERS, getClientAdapter, isClientId } from '../../../main/clients/client-registry.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { CLIENT_IDS } from '../../helpers/client-ids.ts';

/** Where each client keeps its file on macOS, Windows and Linux, and how detection picks one. */

const mac: ConfigPathContext = { platform: 'darwin', home: '/Users/ada', env: {} };
const win: ConfigPathContext = {
  platform: 'win32',
  home: 'C:\\Users\\ada',
  env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
};
const linux: ConfigPathContext = { platform: 'linux', home: '/home/ada', env: {} };

function userPaths(id: string, ctx: ConfigPathContext): string[] {
  return getClientAdapter(id)
    .configPaths(ctx)
    .filter((l) => l.scope === 'user')
    .map((l) => l.path);
}

describe('configPaths', () => {
  it('Claude Desktop: the Claude folder under the app-data folder', () => {
    expect(userPaths('claude-desktop', mac)).toEqual([
      '/Users/ada/Library/Application Support/Claude/claude_desktop_config.json',
    ]);
    expect(userPaths('claude-desktop', win)).toEqual([
      'C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
    ]);
    expect(userPaths('claude-desktop', linux)).toEqual([
      '/home/ada/.config/Claude/claude_desktop_config.json',
    ]);
    expect(userPaths('claude-desktop', { ...linux, env: { XDG_CONFIG_HOME: '/cfg' } })).toEqual([
      '/cfg/Claude/claude_desktop_config.json',
    ]);
  });

  it('Cursor: ~/.cursor/mcp.json, and .cursor/mcp.json in a project', () => {
    expect(userPaths('cursor', mac)).toEqual(['/Users/ada/.cursor/mcp.json']);
    expect(userPaths('cursor', win)).toEqual(['C:\\Users\\ada\\.cursor\\mcp.json']);
    expect(getClientAdapter('cursor').configPaths({ ...linux, projectDir: '/home/ada/src/app' })).toEqual([
      { scope: 'user', path: '/home/ada/.cursor/mcp.json', label: 'global', markers: ['/home/ada/.cursor'] },
      { scope: 'project', path: '/home/ada/src/app/.cursor/mcp.json', label: 'project', markers: [] },
    ]);
  });

  it('VS Code: mcp.json in the Code/User profile folder (stable first, then Insiders), and .vscode/mcp.json', () => {
    expect(userPaths('vscode', mac)).toEqual([
      '/Users/ada/Library/Application Support/Code/User/mcp.json',
      '/Users/ada/Library/Application Support/Code - Insiders/User/mcp.json',
    ]);
    expect(userPaths('vscode', win)).toEqual([
      'C:\\Users\\ada\\AppData\\Roaming\\Code\\User\\mcp.json',
      'C:\\Users\\ada\\AppData\\Roaming\\Code - Insiders\\User\\mcp.json',
    ]);
    expect(userPaths('vscode', linux)[0]).toBe('/home/ada/.config/Code/User/mcp.json');
    const project = getClientAdapter('vscode')
      .configPaths({ ...win, projectDir: 'D:\\src\\app' })
      .find((l) => l.scope === 'project');
    expect(project?.path).toBe('D:\\src\\app\\.vscode\\mcp.json');
  });

  it('Claude Code: ~/.claude.json, or inside CLAUDE_CONFIG_DIR; .mcp.json for a project', () => {
    expect(userPaths('claude-code', mac)).toEqual(['/Users/ada/.claude.json']);
    expect(userPaths('claude-code', win)).toEqual(['C:\\Users\\ada\\.claude.json']);
    expect(
      userPaths('claude-code', { ...linux, env: { CLAUDE_CONFIG_DIR: '/home/ada/.config/claude' } }),
    ).toEqual(['/home/ada/.config/claude/.claude.json']);
    const project = getClientAdapter('claude-code')
      .configPaths({ ...linux, projectDir: '/p' })
      .find((l) => l.scope === 'project');
    expect(project?.path).toBe('/p/.mcp.json');
  });

  it('Windsurf: ~/.codeium/windsurf/mcp_config.json everywhere', () => {
    expect(userPaths('windsurf', mac)).toEqual(['/Users/ada/.codeium/windsurf/mcp_config.json']);
    expect(userPaths('windsurf', win)).toEqual(['C:\\Users\\ada\\.codeium\\windsurf\\mcp_config.json']);
    expect(userPaths('windsurf', linux)).toEqual(['/home/ada/.codeium/windsurf/mcp_config.json']);
  });

  it('Codex: ~/.codex/config.toml, or CODEX_HOME/config.toml; .codex/config.toml for a project', () => {
    expect(userPaths('codex', mac)).toEqual(['/Users/ada/.codex/config.toml']);
    expect(userPaths('codex', win)).toEqual(['C:\\Users\\ada\\.codex\\config.toml']);
    expect(userPaths('codex', { ...linux, env: { CODEX_HOME: '/srv/codex' } })).toEqual([
      '/srv/codex/config.toml',
    ]);
  });

  it('Gemini CLI: ~/.gemini/settings.json, with GEMINI_CLI_HOME as the home when set', () => {
    expect(userPaths('gemini-cli', mac)).toEqual(['/Users/ada/.gemini/settings.json']);
    expect(userPaths('gemini-cli', win)).toEqual(['C:\\Users\\ada\\.gemini\\settings.json']);
    expect(userPaths('gemini-cli', { ...linux, env: { GEMINI_CLI_HOME: '/alt' } })).toEqual([
      '/alt/.gemini/settings.json',
    ]);
  });

  it('every client has a user location first', () => {
    for (const adapter of CLIENT_ADAPTERS) {
      for (const ctx of [mac, win, linux])
        expect(adapter.configPaths({ ...ctx, projectDir: '/p' })[0]?.scope).toBe('user');
    }
  });
});

describe('detect', () => {
  const fakeFs = (existing: string[]): FsLike => ({ exists: async (p) => existing.includes(p) });

  it('prefers an existing file, then an existing client folder, else reports not installed', async () => {
    const vscode = getClientAdapter('vscode');
    const insiders = '/Users/ada/Library/Application Support/Code - Insiders/User/mcp.json';
    expect(await vscode.detect(fakeFs([insiders]), mac)).toEqual({
      installed: true,
      configPath: insiders,
      configExists: true,
    });
    expect(await vscode.detect(fakeFs(['/Users/ada/Library/Application Support/Code/User']), mac)).toEqual({
      installed: true,
      configPath: '/Users/ada/Library/Application Support/Code/User/mcp.json',
      configExists: false,
    });
    expect(await vscode.detect(fakeFs([]), mac)).toEqual({
      installed: false,
      configPath: '/Users/ada/Library/Application Support/Code/User/mcp.json',
      configExists: false,
    });
  });

  it('does not take the home folder itself as a sign of Claude Code', async () => {
    const claudeCode = getClientAdapter('claude-code');
    expect((await claudeCode.detect(fakeFs(['/home/ada']), linux)).installed).toBe(false);
    expect((await claudeCode.detect(fakeFs(['/home/ada/.claude']), linux)).installed).toBe(true);
  });

  it('ignores project files when deciding whether a client is installed', async () => {
    const cursor = getClientAdapter('cursor');
    const ctx = { ...linux, projectDir: '/p' };
    expect((await cursor.detect(fakeFs(['/p/.cursor/mcp.json']), ctx)).installed).toBe(false);
  });
});

describe('client registry', () => {
  it('knows the seven clients and refuses others with NOT_FOUND', () => {
    expect(CLIENT_ADAPTERS.map((a) => a.id)).toEqual(CLIENT_IDS);
    expect(isClientId('cursor')).toBe(true);
    expect(isClientId('zed')).toBe(false);
    try {
      getClientAdapter('zed');
      throw new Error('expected NOT_FOUND');
    } catch (error) {
      expect(isSwitchboardError(error, 'NOT_FOUND')).toBe(true);
    }
  });

  it('gives every client a restart hint, and only Claude Desktop needs the bridge', () => {
    for (const adapter of CLIENT_ADAPTERS) expect(adapter.restartHint).toMatch(/\.$/);
    expect(CLIENT_ADAPTERS.filter((a) => !a.supportsHttp).map((a) => a.id)).toEqual(['claude-desktop']);
  });
});
