import { describe, expect, it } from 'vitest';
import {
  listGroupMembers,
  parseProcStat,
  readProcessIdentity,
} from '../../../main/upstream/process-identity.ts';

describe('parseProcStat', () => {
  const line = (comm: string) =>
    `4242 (${comm}) S 1 4242 4242 0 -1 4194560 1210 0 0 0 3 1 0 0 20 0 1 0 987654 12345678 900 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 0 0 0 0 0 0`;

  it('reads state, process group and start time', () => {
    expect(parseProcStat(line('node'))).toEqual({ state: 'S', pgid: 4242, startTime: '987654' });
  });

  it('copes with spaces and parentheses in the command name', () => {
    expect(parseProcStat(line('my (weird) cmd'))).toEqual({ state: 'S', pgid: 4242, startTime: '987654' });
  });

  it('rejects text that is not a stat line', () => {
    expect(parseProcStat('garbage')).toBeUndefined();
    expect(parseProcStat('1 (x) S')).toBeUndefined();
  });
});

describe.runIf(process.platform === 'linux')('on Linux', () => {
  it('gives this process a stable identity and none to a missing pid', async () => {
    const a = await readProcessIdentity(process.pid);
    expect(a).toMatch(/^linux:\d+$/);
    expect(await readProcessIdentity(process.pid)).toBe(a);
    expect(await readProcessIdentity(2 ** 22 + 17)).toBeUndefined();
    expect(await readProcessIdentity(-1)).toBeUndefined();
  });

  it('lists the members of our own process group', () => {
    const pgid = Number(
      (process as unknown as { getpgid?: (pid: number) => number }).getpgid?.(process.pid) ?? 0,
    );
    if (pgid > 0) expect(listGroupMembers(pgid)).toContain(process.pid);
  });
});
