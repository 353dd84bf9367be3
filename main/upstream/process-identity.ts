import { execFile } from 'node:child_process';
import fs from 'node:fs';

/**
 * "Is pid 4242 still the process we started?" Pids are recycled, so a pid alone must never be killed after a
 * restart of the hub. The start time of a process is its identity: the same pid with the same start time is
 * the same process. Linux reads /proc (no fork), macOS and other Unixes ask `ps`, Windows asks PowerShell.
 */

/** Fields of /proc/<pid>/stat we use; undefined when the text is not a stat line. */
export function parseProcStat(text: string): { state: string; pgid: number; startTime: string } | undefined {
  // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state), rest[2] field 5 (pgrp), rest[19] field 22 (starttime in clock ticks since boot).
  const state = rest[0];
  const pgid = Number(rest[2]);
  const startTime = rest[19];
  if (!state || !Number.isInteger(pgid) || !startTime) return undefined;
  return { state, pgid, startTime };
}

/** The identity (start time) of a live process, or undefined when there is no such (non-zombie) process. */
export async function readProcessIdentity(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): Promise<string | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (platform === 'linux') {
    try {
      const stat = parseProcStat(await fs.promises.readFile(`/proc/${pid}/stat`, 'utf8'));
      return stat && stat.state !== 'Z' ? `linux:${stat.startTime}` : undefined;
    } catch {
      return undefined;
    }
  }
  if (platform === 'win32') {
    const script = `(Get-Process -Id ${pid} -ErrorAction Stop).StartTime.ToUniversalTime().ToString('o')`;
    const out = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script]);
    return out ? `win32:${out}` : undefined;
  }
  const out = await run('ps', ['-o', 'lstart=', '-p', String(pid)]);
  return out ? `ps:${out}` : undefined;
}

/** Live (non-zombie) members of a process group, from /proc; undefined where /proc does not exist. */
export function listGroupMembers(pgid: number): number[] | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat && stat.pgid === pgid && stat.state !== 'Z') members.push(Number(entry));
    } catch {
      // The process exited between readdir and read.
    }
  }
  return members;
}

function run(file: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 5000, encoding: 'utf8', windowsHide: true }, (error, stdout) => {
      const text = stdout.trim();
      resolve(error || !text ? undefined : text);
    });
  });
}
