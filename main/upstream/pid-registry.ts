import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import { readProcessIdentity } from './process-identity.ts';
import { groupIsAlive, signalGroup, taskkillTree } from './process-tree.ts';

/**
 * The pid file: which stdio upstreams each running hub started, so the next start can reap what a crash (or a
 * SIGKILL of the hub) left behind. Entries are grouped by the hub that wrote them: a desktop app and a
 * `switchboard serve` sharing one data folder must never reap each other's live servers.
 */

export const PidEntrySchema = z.object({
  prefix: z.string(),
  pid: z.number().int().positive(),
  /** Start-time identity of the leader when it was spawned (see process-identity.ts). */
  identity: z.string().optional(),
  command: z.string(),
  startedAt: z.string(),
});
export type PidEntry = z.output<typeof PidEntrySchema>;

const PidFileSchema = z.object({
  version: z.literal(1),
  owners: z.record(
    z.string(),
    z.object({ identity: z.string().optional(), entries: z.array(PidEntrySchema) }),
  ),
});
type PidFile = z.output<typeof PidFileSchema>;

/** What to do with one recorded process at start-up. */
export type ReapDecision = 'kill-group' | 'recycled' | 'unproven' | 'gone';

/**
 * Pure rule: kill only what is proven ours — the leader still runs with the start-time identity recorded when
 * we spawned it → kill its group. A live leader with another identity holds a recycled pid → leave it alone.
 * The leader gone while a group of that id lives on is NOT proof: once our group died, the id could be taken
 * by another program's group whose leader has exited since. So it is left alone, and reported (`unproven`).
 * An entry without an identity proves nothing either.
 */
export function decideReap(
  entry: Pick<PidEntry, 'identity'>,
  now: { leaderIdentity: string | undefined; groupAlive: boolean },
): ReapDecision {
  if (now.leaderIdentity !== undefined) {
    return entry.identity !== undefined && now.leaderIdentity === entry.identity ? 'kill-group' : 'recycled';
  }
  return now.groupAlive ? 'unproven' : 'gone';
}

export interface PidRegistryOptions {
  file: string;
  log?: Logger;
  platform?: NodeJS.Platform;
  /** Our own pid (tests pretend to be another hub). */
  ownerPid?: number;
  readIdentity?: (pid: number) => Promise<string | undefined>;
}

export interface ReapReport {
  killed: PidEntry[];
  skipped: PidEntry[];
}

export interface PidRegistry {
  /** Reaps the servers of hubs that are no longer running, and registers this hub as an owner. */
  reapOrphans(): Promise<ReapReport>;
  /** Records a spawned leader. */
  add(entry: PidEntry): void;
  /** Forgets a leader once its tree is gone. */
  remove(pid: number): void;
}

/** The pid file of one hub process. */
export function createPidRegistry(options: PidRegistryOptions): PidRegistry {
  const log = options.log ?? silentLogger;
  const platform = options.platform ?? process.platform;
  const owner = String(options.ownerPid ?? process.pid);
  const readIdentity = options.readIdentity ?? ((pid: number) => readProcessIdentity(pid, platform));
  let ownerIdentity: string | undefined;
  const mine = new Map<number, PidEntry>();

  const update = (change: (file: PidFile) => void) => {
    const content = readFile(options.file, log);
    change(content);
    writeFile(options.file, content, log);
  };
  const writeMine = () =>
    update((content) => {
      content.owners[owner] = {
        ...(ownerIdentity === undefined ? {} : { identity: ownerIdentity }),
        entries: [...mine.values()],
      };
    });

  return {
    async reapOrphans() {
      ownerIdentity = await readIdentity(Number(owner));
      const content = readFile(options.file, log);
      const report: ReapReport = { killed: [], skipped: [] };
      for (const [ownerPid, record] of Object.entries(content.owners)) {
        if (ownerPid === owner) continue;
        const ownerNow = await readIdentity(Number(ownerPid));
        if (ownerNow !== undefined && ownerNow === record.identity) continue; // That hub still runs.
        for (const entry of record.entries) {
          const decision = decideReap(entry, {
            leaderIdentity: await readIdentity(entry.pid),
            groupAlive: platform !== 'win32' && groupIsAlive(entry.pid),
          });
          if (decision === 'kill-group') {
            if (platform === 'win32') await taskkillTree(entry.pid);
            else signalGroup(entry.pid, 'SIGKILL');
            report.killed.push(entry);
            log.warn('reaped an upstream server left running by a previous hub', {
              prefix: entry.prefix,
              pid: entry.pid,
            });
          } else if (decision === 'unproven') {
            report.skipped.push(entry);
            log.warn(
              'a process group from the pid file still runs, but its leader is gone, so it cannot be proven to be ' +
                'a server of a previous hub; left alone. Check it with `ps -g <pid>` and stop it yourself if it is',
              { prefix: entry.prefix, pid: entry.pid },
            );
          } else if (decision === 'recycled') {
            report.skipped.push(entry);
            log.info('pid from the pid file now belongs to another process; left alone', {
              prefix: entry.prefix,
              pid: entry.pid,
            });
          }
        }
        delete content.owners[ownerPid];
      }
      content.owners[owner] = {
        ...(ownerIdentity === undefined ? {} : { identity: ownerIdentity }),
        entries: [...mine.values()],
      };
      writeFile(options.file, content, log);
      return report;
    },
    add(entry) {
      mine.set(entry.pid, entry);
      writeMine();
    },
    remove(pid) {
      if (mine.delete(pid)) writeMine();
    },
  };
}

function readFile(file: string, log: Logger): PidFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { version: 1, owners: {} };
  }
  try {
    return PidFileSchema.parse(JSON.parse(text));
  } catch {
    log.warn('ignoring an unreadable pid file', { file });
    return { version: 1, owners: {} };
  }
}

// Write-then-rename, so a crash mid-write leaves either the old or the new file, never half of one.
function writeFile(file: string, content: PidFile, log: Logger): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(content, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (error) {
    // Losing the pid file only weakens orphan reaping; it must never stop a server from starting.
    log.warn('could not write the pid file', { file, error });
  }
}
