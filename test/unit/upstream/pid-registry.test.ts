import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPidRegistry, decideReap } from '../../../main/upstream/pid-registry.ts';

describe('decideReap', () => {
  it('kills the group when the leader is still ours', () => {
    expect(decideReap({ identity: 'linux:1' }, { leaderIdentity: 'linux:1', groupAlive: true })).toBe(
      'kill-group',
    );
  });

  it('leaves a recycled pid alone', () => {
    expect(decideReap({ identity: 'linux:1' }, { leaderIdentity: 'linux:2', groupAlive: true })).toBe(
      'recycled',
    );
    expect(decideReap({}, { leaderIdentity: 'linux:2', groupAlive: true })).toBe('recycled');
  });

  it("leaves a group alone whose leader is gone: the id may be another program group's now (12.5)", () => {
    expect(decideReap({ identity: 'linux:1' }, { leaderIdentity: undefined, groupAlive: true })).toBe(
      'unproven',
    );
    expect(decideReap({}, { leaderIdentity: undefined, groupAlive: true })).toBe('unproven');
  });

  it('never kills on an entry without an identity', () => {
    expect(decideReap({}, { leaderIdentity: 'linux:1', groupAlive: true })).toBe('recycled');
  });

  it('does nothing when everything is gone', () => {
    expect(decideReap({ identity: 'linux:1' }, { leaderIdentity: undefined, groupAlive: false })).toBe(
      'gone',
    );
  });
});

describe('createPidRegistry (file bookkeeping)', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const tmpFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-pids-'));
    dirs.push(dir);
    return path.join(dir, 'upstream-pids.json');
  };

  it('records and forgets entries under its own owner', async () => {
    const file = tmpFile();
    const registry = createPidRegistry({
      file,
      ownerPid: 111,
      readIdentity: async (pid) => (pid === 111 ? 'me' : undefined),
    });
    await registry.reapOrphans();
    registry.add({ prefix: 'a', pid: 5, identity: 'x', command: 'node a', startedAt: 't' });
    registry.add({ prefix: 'b', pid: 6, command: 'node b', startedAt: 't' });
    registry.remove(5);
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(content.owners['111'].identity).toBe('me');
    expect(content.owners['111'].entries.map((e: { pid: number }) => e.pid)).toEqual([6]);
  });

  it("keeps a live hub's entries and drops a dead hub's", async () => {
    const file = tmpFile();
    fs.writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        owners: {
          '200': {
            identity: 'alive-hub',
            entries: [{ prefix: 'x', pid: 2_000_001, identity: 'gone', command: 'c', startedAt: 't' }],
          },
          '300': {
            identity: 'dead-hub',
            entries: [{ prefix: 'y', pid: 2_000_002, identity: 'gone', command: 'c', startedAt: 't' }],
          },
        },
      }),
    );
    const identities: Record<number, string> = {
      111: 'me',
      200: 'alive-hub',
      300: 'recycled-as-something-else',
    };
    const registry = createPidRegistry({
      file,
      ownerPid: 111,
      platform: 'linux',
      readIdentity: async (pid) => identities[pid],
    });
    const report = await registry.reapOrphans();
    expect(report.killed).toEqual([]);
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(content.owners).sort()).toEqual(['111', '200']);
  });

  it('survives an unreadable file', async () => {
    const file = tmpFile();
    fs.writeFileSync(file, '{not json');
    const registry = createPidRegistry({ file, ownerPid: 111, readIdentity: async () => undefined });
    await expect(registry.reapOrphans()).resolves.toEqual({ killed: [], skipped: [] });
  });
});
