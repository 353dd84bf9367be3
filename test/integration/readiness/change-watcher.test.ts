import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { applyExternalChange, watchRegistryChanges } from '../../../main/registry/change-watcher.ts';
import { makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';

const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  removeTempDirs();
});

function twoConnections() {
  const file = path.join(makeTempDir('change-watcher'), 'test.db');
  const mine = new Database(file);
  mine.pragma('journal_mode = WAL');
  mine.exec('CREATE TABLE t (v INTEGER)');
  const other = new Database(file);
  open.push(mine, other);
  return { mine, other };
}

describe('registry change watcher (PRAGMA data_version)', () => {
  it('sees commits of another connection, never its own', async () => {
    const { mine, other } = twoConnections();
    let changes = 0;
    const watcher = watchRegistryChanges({
      connection: mine,
      onChange: () => void changes++,
      intervalMs: 60_000,
    });
    try {
      mine.prepare('INSERT INTO t VALUES (1)').run();
      expect(await watcher.poll()).toBe(false);
      other.prepare('INSERT INTO t VALUES (2)').run();
      expect(await watcher.poll()).toBe(true);
      expect(await watcher.poll()).toBe(false);
      other.transaction(() => {
        other.prepare('INSERT INTO t VALUES (3)').run();
        other.prepare('INSERT INTO t VALUES (4)').run();
      })();
      expect(await watcher.poll()).toBe(true);
      expect(changes).toBe(2);
    } finally {
      watcher.stop();
    }
  });

  it('polls on its own timer, and a failing reaction does not stop it', async () => {
    const { mine, other } = twoConnections();
    let calls = 0;
    const watcher = watchRegistryChanges({
      connection: mine,
      intervalMs: 50,
      onChange: () => {
        calls++;
        throw new Error('reaction failed');
      },
    });
    try {
      other.prepare('INSERT INTO t VALUES (1)').run();
      await waitUntil(() => calls === 1);
      other.prepare('INSERT INTO t VALUES (2)').run();
      await waitUntil(() => calls === 2);
    } finally {
      watcher.stop();
    }
  });

  it('applyExternalChange re-announces exactly the servers the pool saw added, removed or changed', async () => {
    let listener: ((e: { added: string[]; removed: string[]; changed: string[] }) => void) | undefined;
    const calls: (string | undefined)[] = [];
    await applyExternalChange({
      pool: {
        on: (_event, l) => {
          listener = l;
          return () => (listener = undefined);
        },
      },
      serversChanged: async (prefix) => {
        calls.push(prefix);
        if (prefix === undefined) listener?.({ added: ['new'], removed: ['gone'], changed: ['edited'] });
      },
    });
    expect(calls).toEqual([undefined, 'new', 'gone', 'edited']);
    expect(listener).toBeUndefined();
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
