import { describe, expect, it } from 'vitest';
import { codex } from '../../../main/clients/codex.ts';
import { bridgeEntry, httpEntry } from '../../../main/clients/switchboard-entry.ts';
import { scanToml } from '../../../main/clients/toml-scan.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { fixtureCases, HTTP_ENTRY } from './client-fixtures.ts';

/** Codex's TOML is edited as text: comments and layout everywhere outside our table must survive. */

const fixture = (name: string) => {
  const c = fixtureCases('codex').find((f) => f.name === name);
  if (c?.connected === undefined) throw new Error(name);
  return { input: c.input, connected: c.connected };
};

describe('Codex config.toml', () => {
  it('keeps every comment and line of the file before our table, byte for byte', () => {
    const { input, connected } = fixture('full');
    expect(connected.startsWith(input)).toBe(true);
    expect(connected.slice(input.length)).toBe(
      '\n[mcp_servers.switchboard]\nurl = "http://127.0.0.1:17517/mcp"\n' +
        'http_headers = { Authorization = "Bearer sbt_test_0123456789abcdef" }\n',
    );
    for (const comment of [
      '# Codex configuration',
      '# ask before running commands',
      '# pinned by npm',
      '# Remote servers',
    ]) {
      expect(connected).toContain(comment);
    }
  });

  it('updates our table in place, keeping comments and keys it does not own, dropping owned subtables', () => {
    const { connected } = fixture('existing-outdated');
    expect(connected).toBe(
      'model = "o3"\n\n[mcp_servers.switchboard]\n# managed by Switchboard\nurl = "http://127.0.0.1:17517/mcp"\n' +
        'http_headers = { Authorization = "Bearer sbt_test_0123456789abcdef" }\nstartup_timeout_sec = 30\n\n' +
        '[mcp_servers.time]\ncommand = "uvx"\nargs = ["mcp-server-time"]\n',
    );
  });

  it('removes our table from the middle of a file without leaving a double blank line', () => {
    const input =
      'a = 1\n\n[mcp_servers.switchboard]\nurl = "http://x/mcp"\n\n# next\n[mcp_servers.b]\ncommand = "b"\n';
    expect(codex.removeEntry(input, 'switchboard')).toBe('a = 1\n\n# next\n[mcp_servers.b]\ncommand = "b"\n');
  });

  it('switches our entry between HTTP and the bridge', () => {
    const bridge = bridgeEntry({
      command: 'C:\\Program Files\\Switchboard\\node.exe',
      args: ['C:\\Program Files\\Switchboard\\bridge.js', 'bridge'],
    });
    const text = codex.writeEntry(codex.writeEntry('', HTTP_ENTRY), bridge);
    expect(text).toBe(
      '[mcp_servers.switchboard]\ncommand = "C:\\\\Program Files\\\\Switchboard\\\\node.exe"\n' +
        'args = ["C:\\\\Program Files\\\\Switchboard\\\\bridge.js", "bridge"]\n',
    );
    expect(codex.readServers(text)).toEqual([
      {
        name: 'switchboard',
        transport: 'stdio',
        command: 'C:\\Program Files\\Switchboard\\node.exe',
        args: ['C:\\Program Files\\Switchboard\\bridge.js', 'bridge'],
        env: {},
      },
    ]);
  });

  it('quotes a table name that is not a bare key', () => {
    const entry = httpEntry('http://127.0.0.1:17517/mcp', 'tok', 'switch board');
    const text = codex.writeEntry('', entry);
    expect(text.split('\n')[0]).toBe('[mcp_servers."switch board"]');
    expect(codex.entryStatus(text, entry)).toBe('current');
    expect(codex.removeEntry(text, 'switch board')).toBe('');
  });

  it('refuses to edit an entry written as an inline table, and leaves reading alone', () => {
    const c = fixtureCases('codex').find((f) => f.name === 'uneditable-inline');
    if (c === undefined) throw new Error('fixture');
    expect(codex.readServers(c.input)).toEqual([
      { name: 'switchboard', transport: 'http', url: 'http://127.0.0.1:17517/mcp', headers: {} },
    ]);
    for (const attempt of [
      () => codex.writeEntry(c.input, HTTP_ENTRY, 'config.toml'),
      () => codex.removeEntry(c.input, 'switchboard', 'config.toml'),
    ]) {
      try {
        attempt();
        throw new Error('expected a refusal');
      } catch (error) {
        expect(isSwitchboardError(error, 'CLIENT_CONFIG_UNREADABLE')).toBe(true);
        expect((error as Error).message).toContain('is not written as a [mcp_servers.switchboard] table');
      }
    }
  });

  it('adds its table under servers defined with dotted keys, which TOML allows', () => {
    const input = 'mcp_servers.a.command = "a"\n';
    const output = codex.writeEntry(input, HTTP_ENTRY);
    expect(codex.readServers(output).map((s) => s.name)).toEqual(['a', 'switchboard']);
    expect(codex.removeEntry(output, 'switchboard')).toBe(input);
  });

  it('refuses, untouched, a layout it cannot add a table to (servers as one inline table)', () => {
    const input = 'mcp_servers = { a = { command = "a" } }\n';
    expect(() => codex.writeEntry(input, HTTP_ENTRY, 'config.toml')).toThrow(
      'config.toml cannot be read: Switchboard could not edit its entry without breaking the file',
    );
  });

  it('refuses an mcp_servers that is not a table', () => {
    expect(() => codex.readServers('mcp_servers = "none"\n', 'config.toml')).toThrow(
      '"mcp_servers" must be a table of servers',
    );
  });
});

describe('scanToml', () => {
  it('finds headers outside multi-line strings and arrays only', () => {
    const text = [
      'a = """',
      '[not.a.header]',
      '"""',
      'b = [',
      '  [1, 2],',
      '  "x", # [comment]',
      ']',
      '[ \'quoted key\' . "x.y" ] # trailing',
      '[[array.of.tables]]',
      'c = { d = [1] }',
      '',
    ].join('\n');
    const items = scanToml(text);
    expect(items.map((i) => i.kind)).toEqual(['keyvalue', 'keyvalue', 'header', 'header', 'keyvalue']);
    expect(items[2]).toMatchObject({ kind: 'header', path: ['quoted key', 'x.y'], array: false });
    expect(items[3]).toMatchObject({ kind: 'header', path: ['array', 'of', 'tables'], array: true });
    expect(items.map((i) => text.slice(i.start, i.end)).join('')).toBe(text);
  });

  it('handles CRLF and a last line without a line break', () => {
    const text = '[a]\r\nx = 1\r\n\r\ny = "z"';
    const items = scanToml(text);
    expect(items.map((i) => [i.kind, text.slice(i.start, i.end)])).toEqual([
      ['header', '[a]\r\n'],
      ['keyvalue', 'x = 1\r\n'],
      ['blank', '\r\n'],
      ['keyvalue', 'y = "z"'],
    ]);
  });
});
