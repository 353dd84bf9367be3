import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/lib/clock.ts';
import type { RegistryDatabase } from '../../../main/registry/database.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import { createCallLogRepository } from '../../../main/registry/call-log-repository.ts';
import { createServerRepository } from '../../../main/registry/server-repository.ts';
import type { CatalogRecord } from '../../../main/registry/upstream-catalog-repository.ts';
import { createUpstreamCatalogRepository } from '../../../main/registry/upstream-catalog-repository.ts';

let dir: string;
let db: RegistryDatabase;
afterEach(() => {
  db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
const open = () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-repo-'));
  db = openDatabase({ file: path.join(dir, 'switchboard.db') });
  const servers = createServerRepository(db, { clock: systemClock });
  const gh = servers.add({ prefix: 'gh', name: 'GitHub', transport: 'http', url: 'https://example.com/mcp' });
  return {
    gh: gh.id,
    servers,
    catalog: createUpstreamCatalogRepository(db, { clock: systemClock }),
    calls: createCallLogRepository(db),
  };
};

const record: CatalogRecord = {
  definitionHash: 'h1',
  era: {
    era: 'modern',
    wire: 'streamable-http',
    protocolVersion: '2026-07-28',
    discover: { supportedVersions: ['2026-07-28'] },
    checkedAt: 1_700_000_000_000,
  },
  capabilities: { tools: { listChanged: true } },
  serverInfo: { name: 'gh', version: '2.0.0' },
  instructions: 'be nice',
  tools: [{ name: 'search', inputSchema: { type: 'object', 'x-vendor': { keep: true } } }],
  prompts: [],
  resources: [{ uri: 'repo://a', name: 'a' }],
  resourceTemplates: [{ uriTemplate: 'repo://{x}', name: 'x' }],
  refreshedAt: 1_700_000_001_000,
};

describe('upstream catalog repository', () => {
  it('round-trips a catalog verbatim, unknown fields included', () => {
    const { catalog, gh } = open();
    catalog.save(gh, record);
    expect(catalog.get(gh)).toEqual({ serverId: gh, prefix: 'gh', ...record });
    expect(catalog.list().map((c) => c.prefix)).toEqual(['gh']);
  });

  it('replaces on save, ignores unknown servers, and disappears with its server', () => {
    const { catalog, servers, gh } = open();
    catalog.save(gh, record);
    catalog.save(gh, { ...record, tools: [], era: undefined as never });
    expect(catalog.get(gh)?.tools).toEqual([]);
    expect(catalog.get(gh)?.era).toBeUndefined();
    catalog.save(gh + 1000, record);
    expect(catalog.get(gh + 1000)).toBeUndefined();
    servers.remove('gh');
    expect(catalog.list()).toEqual([]);
  });

  it('never files a late save under a new server that took the prefix', () => {
    const { catalog, servers, gh } = open();
    servers.remove('gh');
    const newcomer = servers.add({
      prefix: 'gh',
      name: 'Other',
      transport: 'http',
      url: 'https://other.example/mcp',
    });
    expect(newcomer.id).not.toBe(gh);
    catalog.save(gh, record);
    expect(catalog.get(newcomer.id)).toBeUndefined();
    expect(catalog.list()).toEqual([]);
  });

  it('follows a renamed server', () => {
    const { catalog, servers, gh } = open();
    catalog.save(gh, record);
    servers.update('gh', {
      prefix: 'github',
      name: 'GitHub',
      transport: 'http',
      url: 'https://example.com/mcp',
    });
    expect(catalog.get(gh)?.tools.map((t) => t.name)).toEqual(['search']);
    expect(catalog.get(gh)?.prefix).toBe('github');
  });

  it('skips a damaged row instead of failing the listing', () => {
    const { catalog, gh } = open();
    catalog.save(gh, record);
    db.connection.prepare(`UPDATE upstream_catalog SET tools = '[{"nameless": true}]'`).run();
    expect(catalog.list()).toEqual([]);
  });

  it('parses a row once while its text is unchanged, anew when another writer changed it', () => {
    const { catalog, gh } = open();
    catalog.save(gh, record);
    const first = catalog.list()[0]!;
    expect(catalog.list()[0]).toBe(first);
    expect(catalog.get(gh)).toBe(first);
    // Shared by every reader, so no reader can alter it for the others.
    expect(() => (first.tools as { name: string }[]).push({ name: 'x' })).toThrow(TypeError);
    expect(() => Object.assign(first.tools[0]!, { name: 'renamed' })).toThrow(TypeError);
    // Another process (another connection) rewrites the row: the next read sees the new text.
    const other = openDatabase({ file: db.file });
    other.connection.prepare(`UPDATE upstream_catalog SET tools = '[{"name": "fresh"}]'`).run();
    other.close();
    expect(catalog.list()[0]!.tools.map((t) => t.name)).toEqual(['fresh']);
    expect(catalog.serverIds()).toEqual(new Set([gh]));
    catalog.remove(gh);
    expect(catalog.list()).toEqual([]);
    expect(catalog.serverIds()).toEqual(new Set());
  });
});

describe('call log repository', () => {
  it('appends in one go, filters, pages and prunes', () => {
    const { calls } = open();
    calls.append([
      {
        at: 1000,
        clientName: 'cursor',
        tokenId: 't1',
        server: 'gh',
        tool: 'search',
        durationMs: 12.6,
        outcome: 'ok',
      },
      {
        at: 2000,
        clientName: 'cursor',
        server: 'fs',
        tool: 'read',
        durationMs: 3,
        outcome: 'timeout',
        errorCode: 'UPSTREAM_TIMEOUT',
      },
      { at: 3000, clientName: 'claude', server: 'gh', tool: 'create', durationMs: 40, outcome: 'tool_error' },
    ]);
    const all = calls.query();
    expect(all.map((r) => r.tool)).toEqual(['create', 'read', 'search']);
    expect(all[2]).toMatchObject({ tokenId: 't1', durationMs: 13 });
    expect(all[1]).toMatchObject({ errorCode: 'UPSTREAM_TIMEOUT' });
    expect(calls.query({ server: 'gh' }).map((r) => r.tool)).toEqual(['create', 'search']);
    expect(calls.query({ outcome: ['timeout', 'tool_error'] }).map((r) => r.tool)).toEqual([
      'create',
      'read',
    ]);
    expect(calls.query({ outcome: [] })).toEqual([]);
    expect(calls.query({ since: 2000 }).map((r) => r.tool)).toEqual(['create', 'read']);
    expect(calls.query({ limit: 1 }).map((r) => r.tool)).toEqual(['create']);
    const last = calls.query({ limit: 1 })[0]?.id as number;
    expect(calls.query({ beforeId: last, limit: 1 }).map((r) => r.tool)).toEqual(['read']);
    expect(calls.prune(2500)).toBe(2);
    expect(calls.query().map((r) => r.tool)).toEqual(['create']);
  });

  it('writes 10 000 rows in one transaction quickly', () => {
    const { calls } = open();
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      at: i,
      clientName: 'bench',
      server: 's',
      tool: 't',
      durationMs: 1,
      outcome: 'ok' as const,
    }));
    const started = performance.now();
    calls.append(rows);
    // Generous bound (a loaded 2-core machine): speed is measured in bench/, never asserted in tests.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(calls.query({ limit: 5000 })).toHaveLength(1000);
  });
});
