import { describe, expect, it } from 'vitest';
import { CLIENT_ADAPTERS } from '../../../main/clients/client-registry.ts';
import { httpEntry, bridgeEntry } from '../../../main/clients/switchboard-entry.ts';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { entryFor, fixtureCases, GATEWAY_URL } from './client-fixtures.ts';

/**
 * The fixture contract every client module honours, run against every fixture file of every client:
 * exact output text, exact restoration on disconnect, idempotence, status, and refusal of unreadable files.
 */

function caughtError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe.each(CLIENT_ADAPTERS.map((adapter) => [adapter.id, adapter] as const))('%s', (_id, adapter) => {
  const entry = entryFor(adapter);
  const cases = fixtureCases(adapter.id);
  const readable = cases.filter((c) => c.connected !== undefined);
  const invalid = cases.filter((c) => c.name.startsWith('invalid'));
  const fresh = readable.filter((c) => !c.name.startsWith('existing'));

  it('has fixtures for the required shapes', () => {
    const names = cases.map((c) => c.name);
    for (const required of ['full', 'bom', 'crlf', 'empty', 'existing-outdated', 'invalid'])
      expect(names).toContain(required);
    expect(cases.find((c) => c.name === 'bom')?.input.startsWith('\uFEFF')).toBe(true);
    expect(cases.find((c) => c.name === 'crlf')?.input).toContain('\r\n');
    expect(cases.find((c) => c.name === 'empty')?.input).toBe('');
  });

  it.each(readable.map((c) => [c.name, c] as const))(
    'connects %s to exactly the expected text',
    (_name, c) => {
      expect(adapter.writeEntry(c.input, entry)).toBe(c.connected);
    },
  );

  it.each(fresh.map((c) => [c.name, c] as const))(
    'disconnecting %s restores the original text exactly',
    (_name, c) => {
      expect(adapter.removeEntry(c.connected as string, entry.name)).toBe(c.input);
    },
  );

  it.each(readable.map((c) => [c.name, c] as const))(
    'writing the same entry to %s twice changes nothing',
    (_name, c) => {
      const once = adapter.writeEntry(c.input, entry);
      expect(adapter.writeEntry(once, entry)).toBe(once);
    },
  );

  it.each(readable.map((c) => [c.name, c] as const))(
    'reports the status of %s before and after',
    (name, c) => {
      expect(adapter.entryStatus(c.input, entry)).toBe(name.startsWith('existing') ? 'outdated' : 'absent');
      expect(adapter.entryStatus(c.connected as string, entry)).toBe('current');
    },
  );

  it('sees a changed token or gateway address as outdated, and rewrites only our entry', () => {
    const full = readable.find((c) => c.name === 'full');
    if (full === undefined) throw new Error('missing full fixture');
    const changed = adapter.supportsHttp
      ? httpEntry('http://127.0.0.1:18000/mcp', 'sbt_rotated_token')
      : bridgeEntry({ command: '/opt/switchboard/node', args: ['/opt/switchboard/bridge.js', 'bridge'] });
    const connected = full.connected as string;
    expect(adapter.entryStatus(connected, changed)).toBe('outdated');
    const rewritten = adapter.writeEntry(connected, changed);
    expect(adapter.entryStatus(rewritten, changed)).toBe('current');
    expect(adapter.readServers(rewritten).filter((s) => s.name !== entry.name)).toEqual(
      adapter.readServers(full.input).filter((s) => s.name !== entry.name),
    );
  });

  it('leaves a file without our entry untouched on disconnect', () => {
    for (const c of fresh) expect(adapter.removeEntry(c.input, entry.name)).toBe(c.input);
  });

  it.each(invalid.map((c) => [c.name, c] as const))(
    'refuses the unreadable file %s, naming it and the position',
    (_name, c) => {
      for (const attempt of [
        () => adapter.writeEntry(c.input, entry, c.inputPath),
        () => adapter.removeEntry(c.input, entry.name, c.inputPath),
        () => adapter.readServers(c.input, c.inputPath),
        () => adapter.entryStatus(c.input, entry, c.inputPath),
      ]) {
        const error = caughtError(attempt);
        expect(isSwitchboardError(error, 'CLIENT_CONFIG_UNREADABLE')).toBe(true);
        expect((error as Error).message).toContain(c.inputPath);
      }
      const message = (caughtError(() => adapter.writeEntry(c.input, entry, c.inputPath)) as Error).message;
      expect(message).toMatch(/at line \d+, column \d+/);
    },
  );

  it('reads back the entry it wrote as a server', () => {
    const connected = adapter.writeEntry('', entry);
    const ours = adapter.readServers(connected).find((s) => s.name === entry.name);
    if (adapter.supportsHttp) {
      expect(ours).toMatchObject({ transport: 'http', url: GATEWAY_URL });
    } else {
      expect(ours).toMatchObject({ transport: 'stdio', args: entry.kind === 'stdio' ? entry.args : [] });
    }
  });
});

describe('error messages', () => {
  const byId = (id: string) => {
    const adapter = CLIENT_ADAPTERS.find((a) => a.id === id);
    if (adapter === undefined) throw new Error(id);
    return adapter;
  };

  it('say what is wrong and where, in the client’s terms', () => {
    const desktop = byId('claude-desktop');
    const [comments] = fixtureCases('claude-desktop').filter((c) => c.name === 'invalid-comments');
    expect(
      (caughtError(() => desktop.writeEntry(comments?.input ?? '', entryFor(desktop), '/cfg.json')) as Error)
        .message,
    ).toBe(
      '/cfg.json cannot be read at line 2, column 3: comments are not allowed (Claude Desktop reads this file as plain JSON). ' +
        'Fix the file (or move it away) and try again; it was not changed.',
    );
    const cursor = byId('cursor');
    const [trailing] = fixtureCases('cursor').filter((c) => c.name === 'invalid');
    expect(
      (caughtError(() => cursor.writeEntry(trailing?.input ?? '', entryFor(cursor), 'mcp.json')) as Error)
        .message,
    ).toContain(
      'mcp.json cannot be read at line 3, column 56: a trailing comma is not allowed (Cursor rejects it)',
    );
    const gemini = byId('gemini-cli');
    const [servers] = fixtureCases('gemini-cli').filter((c) => c.name === 'invalid-servers-type');
    expect(
      (caughtError(() => gemini.readServers(servers?.input ?? '', 'settings.json')) as Error).message,
    ).toContain(
      'settings.json cannot be read at line 2, column 17: "mcpServers" must be an object of servers',
    );
    const codex = byId('codex');
    const [toml] = fixtureCases('codex').filter((c) => c.name === 'invalid');
    expect(
      (caughtError(() => codex.writeEntry(toml?.input ?? '', entryFor(codex), 'config.toml')) as Error)
        .message,
    ).toMatch(/^config\.toml cannot be read at line 4, column \d+: invalid TOML: /);
  });

  it('carry the position in the error details', () => {
    const error = caughtError(() =>
      byId('vscode').readServers('{\n\t"servers": {\n\t\t"a": [\n}', 'mcp.json'),
    );
    expect(isSwitchboardError(error, 'CLIENT_CONFIG_UNREADABLE')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({
      file: 'mcp.json',
      line: expect.any(Number),
    });
  });
});
