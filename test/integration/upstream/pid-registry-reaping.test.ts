import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPidRegistry } from '../../../main/upstream/pid-registry.ts';
import { listGroupMembers, readProcessIdentity } from '../../../main/upstream/process-identity.ts';
import { groupIsAlive, signalGroup } from '../../../main/upstream/process-tree.ts';

const DEAD_HUB = 2 ** 22 + 11; // above the default pid_max: no such process

describe.runIf(process.platform === 'linux')('orphan reaping at start-up', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => cleanup.splice(0).forEach((fn) => fn()));

  const tmpFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-reap-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return path.join(dir, 'upstream-pids.json');
  };

  // A detached leader with a child in its group, like `npx` → `node server.js`, left behind by a crashed hub.
  const orphanTree = async () => {
    const leader = spawn(
      process.execPath,
      [
        '-e',
        "require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }); setTimeout(() => {}, 60000)",
      ],
      { detached: true, stdio: 'ignore' },
    );
    leader.unref();
    const pid = leader.pid as number;
    cleanup.push(() => signalGroup(pid, 'SIGKILL'));
    // Wait until the child exists too (slow machines take a while to start a second node).
    for (let i = 0; i < 200 && (listGroupMembers(pid)?.length ?? 0) < 2; i++)
      await new Promise((r) => setTimeout(r, 25));
    return pid;
  };

  it('kills the process groups a dead hub left behind', async () => {
    const pid = await orphanTree();
    const identity = await readProcessIdentity(pid);
    const file = tmpFile();
    fs.writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        owners: {
          [DEAD_HUB]: {
            identity: 'x',
            entries: [{ prefix: 'fs', pid, identity, command: 'node', startedAt: 't' }],
          },
        },
      }),
    );
    const report = await createPidRegistry({ file }).reapOrphans();
    expect(report.killed.map((e) => e.pid)).toEqual([pid]);
    for (let i = 0; i < 40 && groupIsAlive(pid); i++) await new Promise((r) => setTimeout(r, 25));
    expect(groupIsAlive(pid)).toBe(false);
  });

  // Issue 12.5: a group whose leader is gone may be another program's, whose group took the id after ours died.
  it('leaves a live group alone when its recorded leader is gone: it cannot be proven ours', async () => {
    const pid = await orphanTree();
    const identity = await readProcessIdentity(pid);
    process.kill(pid, 'SIGKILL'); // only the leader: its child lives on in the group
    for (let i = 0; i < 40 && (await readProcessIdentity(pid)) !== undefined; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(groupIsAlive(pid)).toBe(true);
    const file = tmpFile();
    fs.writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        owners: {
          [DEAD_HUB]: { entries: [{ prefix: 'fs', pid, identity, command: 'node', startedAt: 't' }] },
        },
      }),
    );
    const report = await createPidRegistry({ file }).reapOrphans();
    expect(report.killed).toEqual([]);
    expect(report.skipped.map((e) => e.pid)).toEqual([pid]);
    await new Promise((r) => setTimeout(r, 200));
    expect(groupIsAlive(pid)).toBe(true);
  });

  // Issue 12.5 as reported: an upstream that exited at once left an entry with no identity; its pid is now the
  // id of another program's live group, whose leader has exited. The next start must not kill it.
  it('never kills a live group whose id matches a stale entry without identity', async () => {
    const pid = await orphanTree();
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 40 && (await readProcessIdentity(pid)) !== undefined; i++)
      await new Promise((r) => setTimeout(r, 25));
    const file = tmpFile();
    fs.writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        owners: { [DEAD_HUB]: { entries: [{ prefix: 'fs', pid, command: 'node', startedAt: 't' }] } },
      }),
    );
    const report = await createPidRegistry({ file }).reapOrphans();
    expect(report.killed).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(groupIsAlive(pid)).toBe(true);
  });

  it('never kills a process that merely inherited a recorded pid', async () => {
    const pid = await orphanTree();
    const file = tmpFile();
    fs.writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        owners: {
          [DEAD_HUB]: {
            entries: [{ prefix: 'fs', pid, identity: 'linux:1', command: 'node', startedAt: 't' }],
          },
        },
      }),
    );
    const report = await createPidRegistry({ file }).reapOrphans();
    expect(report.skipped.map((e) => e.pid)).toEqual([pid]);
    expect(groupIsAlive(pid)).toBe(true);
  });
});
