import { describe, expect, it } from 'vitest';
import { claudeCode } from '../../../main/clients/claude-code.ts';
import { cursor } from '../../../main/clients/cursor.ts';
import { vscode } from '../../../main/clients/vscode.ts';
import { windsurf } from '../../../main/clients/windsurf.ts';
import { httpEntry } from '../../../main/clients/switchboard-entry.ts';
import { HTTP_ENTRY } from './client-fixtures.ts';

/** Layouts the fixtures do not cover, as exact input → output strings. */

const OURS =
  '{"url": "http://127.0.0.1:17517/mcp", "headers": {"Authorization": "Bearer sbt_test_0123456789abcdef"}}';

describe('JSON edits', () => {
  it('keeps a one-line file on one line', () => {
    const input = '{"mcpServers": {"a": {"command": "x"}}}';
    const output = cursor.writeEntry(input, HTTP_ENTRY);
    expect(output).toBe(
      '{"mcpServers": {"a": {"command": "x"}, "switchboard": {"url":"http://127.0.0.1:17517/mcp","headers":{"Authorization":"Bearer sbt_test_0123456789abcdef"}}}}',
    );
    expect(cursor.removeEntry(output, 'switchboard')).toBe(input);
  });

  it('puts the comma right after the value when a comment ends the last line', () => {
    const input = '{\n  "mcpServers": {\n    "a": { "command": "x" } // the only one\n  }\n}\n';
    const output = cursor.writeEntry(input, HTTP_ENTRY);
    expect(output).toBe(
      '{\n  "mcpServers": {\n    "a": { "command": "x" }, // the only one\n    "switchboard": {\n      "url": "http://127.0.0.1:17517/mcp",\n' +
        '      "headers": {\n        "Authorization": "Bearer sbt_test_0123456789abcdef"\n      }\n    }\n  }\n}\n',
    );
    expect(cursor.removeEntry(output, 'switchboard')).toBe(input);
  });

  it('writes into an object that holds only comments', () => {
    const input = '{\n  "mcpServers": {\n    // nothing yet\n  }\n}\n';
    const output = cursor.writeEntry(input, HTTP_ENTRY);
    expect(output).toBe(
      '{\n  "mcpServers": {\n    // nothing yet\n    "switchboard": {\n      "url": "http://127.0.0.1:17517/mcp",\n      "headers": {\n' +
        '        "Authorization": "Bearer sbt_test_0123456789abcdef"\n      }\n    }\n  }\n}\n',
    );
    expect(cursor.removeEntry(output, 'switchboard')).toBe(input);
  });

  it('keeps a pre-existing empty servers object that is not the last key', () => {
    const input = '{\n  "mcpServers": {},\n  "numStartups": 3\n}\n';
    const output = claudeCode.writeEntry(input, HTTP_ENTRY);
    expect(claudeCode.removeEntry(output, 'switchboard')).toBe(input);
  });

  it('cannot tell an empty servers object in last place from none at all, and removes it (documented)', () => {
    // Both texts connect to the same bytes, so disconnecting picks the smaller original; either is harmless.
    const withEmpty = '{\n  "theme": "dark",\n  "mcpServers": {}\n}\n';
    const without = '{\n  "theme": "dark"\n}\n';
    expect(cursor.writeEntry(withEmpty, HTTP_ENTRY)).toBe(cursor.writeEntry(without, HTTP_ENTRY));
    expect(cursor.removeEntry(cursor.writeEntry(withEmpty, HTTP_ENTRY), 'switchboard')).toBe(without);
  });

  it('removes an entry a person moved into the middle, with its own line only', () => {
    const input =
      '{\n  "mcpServers": {\n    "switchboard": ' +
      OURS +
      ', // ours\n    // about b\n    "b": { "command": "y" }\n  }\n}\n';
    expect(cursor.removeEntry(input, 'switchboard')).toBe(
      '{\n  "mcpServers": {\n    // about b\n    "b": { "command": "y" }\n  }\n}\n',
    );
  });

  it('after hand edits, removes just the entry and keeps an emptied servers object as {}', () => {
    const input =
      '{\n  "mcpServers": {\n    "switchboard": {"url": "http://elsewhere/mcp"}\n  },\n  "x": 1\n}\n';
    expect(cursor.removeEntry(input, 'switchboard')).toBe('{\n  "mcpServers": {},\n  "x": 1\n}\n');
  });

  it('updates our keys in place and keeps keys and comments a person added', () => {
    const input =
      '{\n  "mcpServers": {\n    "switchboard": {\n      "serverUrl": "http://127.0.0.1:1/mcp", // old port\n' +
      '      "headers": { "Authorization": "Bearer old" },\n      "disabledTools": ["x"]\n    }\n  }\n}\n';
    expect(windsurf.writeEntry(input, HTTP_ENTRY)).toBe(
      '{\n  "mcpServers": {\n    "switchboard": {\n      "serverUrl": "http://127.0.0.1:17517/mcp", // old port\n' +
        '      "headers": {\n        "Authorization": "Bearer sbt_test_0123456789abcdef"\n      },\n      "disabledTools": ["x"]\n    }\n  }\n}\n',
    );
  });

  it('replaces an entry that is not an object', () => {
    const input = '{\n  "servers": {\n    "switchboard": "broken"\n  }\n}\n';
    const output = vscode.writeEntry(input, httpEntry('http://127.0.0.1:17517/mcp', 'tok'));
    expect(output).toBe(
      '{\n  "servers": {\n    "switchboard": {\n      "type": "http",\n      "url": "http://127.0.0.1:17517/mcp",\n' +
        '      "headers": {\n        "Authorization": "Bearer tok"\n      }\n    }\n  }\n}\n',
    );
  });

  it('refuses a top level that is not an object', () => {
    expect(() => cursor.writeEntry('[1, 2]', HTTP_ENTRY, 'mcp.json')).toThrow(
      'mcp.json cannot be read at line 1, column 1: the top level must be a JSON object',
    );
  });

  it('keeps a name with characters that need escaping', () => {
    const entry = { ...HTTP_ENTRY, name: 'switch "board"' };
    const output = cursor.writeEntry('{}', entry);
    expect(output).toContain('"switch \\"board\\"": {');
    expect(cursor.removeEntry(output, entry.name)).toBe('{}');
  });
});
