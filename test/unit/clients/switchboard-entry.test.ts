import { describe, expect, it } from 'vitest';
import { bridgeEntry, entryForClient, httpEntry } from '../../../main/clients/switchboard-entry.ts';
import { claudeDesktop } from '../../../main/clients/claude-desktop.ts';
import { cursor } from '../../../main/clients/cursor.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';

/** The entry we write: checked before it reaches any client file. */

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isSwitchboardError(error) ? error.code : 'OTHER';
  }
  return undefined;
}

describe('switchboard entry', () => {
  it('builds the HTTP entry and refuses bad URLs and tokens', () => {
    expect(httpEntry('http://127.0.0.1:17517/mcp', 'tok')).toEqual({
      name: 'switchboard',
      kind: 'http',
      url: 'http://127.0.0.1:17517/mcp',
      token: 'tok',
    });
    expect(code(() => httpEntry('not a url', 'tok'))).toBe('VALIDATION');
    expect(code(() => httpEntry('file:///x', 'tok'))).toBe('VALIDATION');
    expect(code(() => httpEntry('http://127.0.0.1/mcp', 'tok\r\nX-Evil: 1'))).toBe('VALIDATION');
    expect(code(() => httpEntry('http://127.0.0.1/mcp', ''))).toBe('VALIDATION');
  });

  it('builds the bridge entry from absolute paths only, POSIX or Windows', () => {
    expect(
      bridgeEntry({ command: 'C:\\Program Files\\Switchboard\\node.exe', args: ['C:\\b.js', 'bridge'] }).kind,
    ).toBe('stdio');
    expect(code(() => bridgeEntry({ command: 'node', args: ['bridge'] }))).toBe('VALIDATION');
  });

  it('gives HTTP clients the URL and stdio-only clients the bridge', () => {
    const options = {
      gatewayUrl: 'http://127.0.0.1:17517/mcp',
      token: 'tok',
      bridge: { command: '/opt/sb/node', args: ['/opt/sb/bridge.js', 'bridge'] },
    };
    expect(entryForClient(cursor, options).kind).toBe('http');
    expect(entryForClient(claudeDesktop, options)).toEqual({
      name: 'switchboard',
      kind: 'stdio',
      command: '/opt/sb/node',
      args: ['/opt/sb/bridge.js', 'bridge'],
    });
    expect(code(() => entryForClient(claudeDesktop, { gatewayUrl: options.gatewayUrl, token: 'tok' }))).toBe(
      'VALIDATION',
    );
    expect(code(() => claudeDesktop.writeEntry('', httpEntry(options.gatewayUrl, 'tok')))).toBe('VALIDATION');
  });
});
