import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveLoginShellEnv } from '../../../main/upstream/login-shell-env.ts';

/**
 * The PATH probe against real processes standing in for the user's login shell: one that answers, one whose
 * profile hangs (a stale lock, a prompt), one that fails. What the person reads in `doctor` and the hub's log is
 * one line that says what happened, never the shell's own noise.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-login-shell-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function shell(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

// An interactive shell without a terminal says this on stderr every time, whatever else goes wrong.
const NOISE =
  "echo 'bash: cannot set terminal process group (1): Inappropriate ioctl for device' >&2; " +
  "echo 'bash: no job control in this shell' >&2";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const env = (SHELL: string) => ({ SHELL, PATH: '/usr/bin:/bin', HOME: dir });

describe('resolveLoginShellEnv', () => {
  it("takes the login shell's PATH first when it answers", async () => {
    // Like bash -l -i -c CMD: run the command, with the profile's PATH.
    const good = shell('good', `${NOISE}; PATH=/opt/from-profile/bin:$PATH; export PATH; eval "$4"`);
    const resolved = await resolveLoginShellEnv({ env: env(good), platform: 'linux' });
    expect(resolved.source).toBe('login-shell');
    expect(resolved.path.split(':')[0]).toBe('/opt/from-profile/bin');
    expect(resolved.problem).toBeUndefined();
  });

  it('says the profile did not finish in time, and falls back, when the shell hangs', async () => {
    // Like pyenv's rehash: a lock file removed by a trap, while a child of the profile runs on.
    const lock = path.join(dir, 'rehash.lock');
    const childPid = path.join(dir, 'child.pid');
    const hangs = shell(
      'hangs',
      `${NOISE}; touch '${lock}'; trap "rm -f '${lock}'; exit 143" TERM; ` +
        `sleep 30 & echo $! > '${childPid}'; wait`,
    );
    const resolved = await resolveLoginShellEnv({ env: env(hangs), platform: 'linux', timeoutMs: 300 });
    expect(resolved.source).toBe('process');
    expect(resolved.path.split(':').slice(0, 2)).toEqual(['/usr/bin', '/bin']);
    expect(resolved.problem).toBe(
      `${hangs} -l -i did not finish within 0.3 s (a slow login profile, or one waiting for input)`,
    );
    // The whole probe was asked to stop: the profile cleaned up after itself, and nothing it started lives on.
    await expect.poll(() => fs.existsSync(lock), { timeout: 10_000 }).toBe(false);
    const pid = Number(fs.readFileSync(childPid, 'utf8'));
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
  });

  it("names the shell's exit and its own message, without the job-control noise", async () => {
    const fails = shell('fails', `${NOISE}; echo '.profile: line 3: nvm: command not found' >&2; exit 3`);
    const resolved = await resolveLoginShellEnv({ env: env(fails), platform: 'linux' });
    expect(resolved.source).toBe('process');
    expect(resolved.problem).toBe(
      `${fails} -l -i exited with code 3 without printing its environment: .profile: line 3: nvm: command not found`,
    );
    expect(resolved.problem).not.toMatch(/job control|ioctl|printf/);
  });
});
