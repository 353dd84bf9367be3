import { execFile } from 'node:child_process';
import { listGroupMembers } from './process-identity.ts';
import { sleep } from './timeouts.ts';

/**
 * Killing a whole process tree. `npx foo` is npm → sh → node: signalling only the direct child (what the SDK's
 * StdioClientTransport does) leaves the real server orphaned. We spawn every stdio upstream as the leader of
 * its own process group (POSIX `detached`), so one signal to `-pgid` reaches every descendant that did not
 * deliberately leave the group. Windows has no groups: `taskkill /T /F` walks the tree by parent pid.
 */

export type KillSignal = 'SIGTERM' | 'SIGKILL';

/** Sends `signal` to the process group led by `pgid`; false when no such group exists any more. */
export function signalGroup(pgid: number, signal: KillSignal | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // EPERM: the group exists but holds a process we may not signal (setuid helper): report it as alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while any process of the group led by `pgid` exists (zombies included). */
export function groupExists(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

/** Sends `signal` to one process; false when it is gone. */
export function signalProcess(pid: number, signal: KillSignal | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Force-kills a Windows process and its descendants with `taskkill /T /F`; resolves when taskkill returned. */
export function taskkillTree(pid: number): Promise<void> {
  return new Promise((resolve) => {
    execFile('taskkill', ['/T', '/F', '/PID', String(pid)], { windowsHide: true, timeout: 10_000 }, () =>
      resolve(),
    );
  });
}

export interface TerminateOptions {
  /** Milliseconds between SIGTERM and SIGKILL. */
  graceMs: number;
  platform?: NodeJS.Platform;
  /** Polling period while waiting for the group to disappear. */
  pollMs?: number;
}

/**
 * Terminates the tree led by `pid` (POSIX: its process group): SIGTERM, then SIGKILL for whatever is still
 * there after `graceMs`. Resolves once the group is gone or SIGKILL was sent (SIGKILL cannot be refused).
 */
export async function terminateTree(pid: number, options: TerminateOptions): Promise<void> {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32') {
    await taskkillTree(pid);
    return;
  }
  if (!signalGroup(pid, 'SIGTERM')) return;
  const poll = options.pollMs ?? 50;
  const deadline = Date.now() + options.graceMs;
  while (Date.now() < deadline) {
    await sleep(poll);
    if (!groupIsAlive(pid)) return;
  }
  signalGroup(pid, 'SIGKILL');
}

// Zombies keep a group "existing" until their parent reaps them (in containers PID 1 may never do so); a group
// of zombies only is dead for our purposes. Where /proc is missing, fall back to the signal-0 probe.
/** True while the group led by `pgid` has a member that is not a zombie. */
export function groupIsAlive(pgid: number): boolean {
  if (!groupExists(pgid)) return false;
  const members = listGroupMembers(pgid);
  return members === undefined || members.length > 0;
}
