import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { groupIsAlive } from '../../../main/upstream/process-tree.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';

const script = FIXTURES.echo.replace('echo-server.ts', 'stop-pool-and-exit.ts');

describe.runIf(process.platform !== 'win32')('shutdown', () => {
  it('finishes stopAll before Node exits, even when nothing else keeps the process alive', async () => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [script], { timeout: 30_000 }, (error, out) =>
        error ? reject(error) : resolve(out),
      ),
    );
    expect(stdout).toContain('stopped');
    const pgid = Number(/GROUP (\d+)/.exec(stdout)?.[1]);
    expect(pgid).toBeGreaterThan(0);
    expect(groupIsAlive(pgid)).toBe(false);
  });
});
