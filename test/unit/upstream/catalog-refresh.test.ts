import { describe, expect, it } from 'vitest';
import type { StoredServer } from '../../../preload/contract/server-definition.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import type { CatalogRecord } from '../../../main/registry/upstream-catalog-repository.ts';
import { ALL_LISTS, createCatalogRefresher } from '../../../main/upstream/catalog-refresh.ts';
import type { LiveConnection, PoolEntry } from '../../../main/upstream/pool-entry.ts';
import { newPoolEntry } from '../../../main/upstream/pool-entry.ts';
import type { ListChanges } from '../../../main/upstream/upstream-types.ts';

const server = (id: number) =>
  ({
    id,
    prefix: 'gh',
    name: 'gh',
    enabled: true,
    keepRunning: false,
    transport: 'http',
    url: 'https://example.com/mcp',
    headers: {},
    envVars: [],
    createdAt: '',
    updatedAt: '',
  }) as unknown as StoredServer;

/** A fake upstream client whose tools/list answers only when the test releases it. */
function fakeConnection(tools: string[]) {
  const waiting: (() => void)[] = [];
  const client = {
    getServerCapabilities: () => ({ tools: {} }),
    getServerVersion: () => ({ name: 'fake', version: '1' }),
    getInstructions: () => undefined,
    request: (req: { method: string }) =>
      new Promise((resolve) => {
        waiting.push(() =>
          resolve(
            req.method === 'tools/list' ? { tools: tools.map((name) => ({ name, inputSchema: {} })) } : {},
          ),
        );
      }),
  };
  const conn = {
    client,
    transport: {},
    era: { era: 'legacy', wire: 'streamable-http', checkedAt: 0 },
  } as unknown as LiveConnection;
  return {
    conn,
    fetches: () => waiting.length,
    release: async () => {
      while (waiting.length > 0) waiting.shift()?.();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

function setup() {
  const saves: { id: number; tools: string[] }[] = [];
  const stored: { prefix: string; changes: ListChanges }[] = [];
  let current = true;
  const records = new Map<number, CatalogRecord>();
  const refresher = createCatalogRefresher({
    catalog: {
      get: (id) => {
        const record = records.get(id);
        return record && { ...record, serverId: id, prefix: 'gh' };
      },
      save: (id, record) => {
        records.set(id, record);
        saves.push({ id, tools: record.tools.map((t) => t.name) });
      },
    },
    log: silentLogger,
    redactor: new Redactor(),
    now: () => 1234,
    isCurrent: () => current,
    stored: (entry: PoolEntry, changes) => stored.push({ prefix: entry.model.prefix, changes }),
  });
  return { refresher, saves, stored, setCurrent: (value: boolean) => void (current = value) };
}

describe('catalog refresher', () => {
  it('stores the catalog under the server id and says what changed', async () => {
    const { refresher, saves, stored } = setup();
    const entry = newPoolEntry(server(7), 0);
    const upstream = fakeConnection(['search']);
    entry.conn = upstream.conn;
    const done = refresher.schedule(entry, ALL_LISTS);
    await upstream.release();
    await done;
    expect(saves).toEqual([{ id: 7, tools: ['search'] }]);
    expect(stored).toEqual([{ prefix: 'gh', changes: { tools: true, prompts: false, resources: false } }]);
  });

  it('never saves a fetch that finishes after its entry left the pool (server removed, prefix reused)', async () => {
    const { refresher, saves, stored, setCurrent } = setup();
    const entry = newPoolEntry(server(7), 0);
    const upstream = fakeConnection(['old-tool']);
    entry.conn = upstream.conn;
    const done = refresher.schedule(entry, ALL_LISTS);
    setCurrent(false);
    await upstream.release();
    await done;
    expect(saves).toEqual([]);
    expect(stored).toEqual([]);
  });

  it('never saves a fetch read from a connection that is no longer the live one', async () => {
    const { refresher, saves } = setup();
    const entry = newPoolEntry(server(7), 0);
    const upstream = fakeConnection(['stale']);
    entry.conn = upstream.conn;
    const done = refresher.schedule(entry, ALL_LISTS);
    entry.conn = fakeConnection(['fresh']).conn;
    await upstream.release();
    await done;
    expect(saves).toEqual([]);
  });

  it('batches announcements that arrive during a fetch into one more fetch', async () => {
    const { refresher, saves } = setup();
    const entry = newPoolEntry(server(7), 0);
    const upstream = fakeConnection(['a']);
    entry.conn = upstream.conn;
    const first = refresher.schedule(entry, ['tools']);
    const second = refresher.schedule(entry, ['tools']);
    const third = refresher.schedule(entry, ['prompts']);
    expect(second).toBe(first);
    expect(third).toBe(first);
    await upstream.release(); // first round
    await upstream.release(); // the batched round
    await first;
    expect(saves).toHaveLength(2);
  });
});
