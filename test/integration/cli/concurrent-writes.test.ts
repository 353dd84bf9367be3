import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHub, type Hub } from '../../../main/hub.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { runCli, tempDir } from '../../helpers/cli.ts';
import { isolatedEnv, noKeyringEnv } from '../../helpers/private-keyring.ts';

/**
 * Issue 12 item 4: two `var set` processes at once both exited 0 and printed "set", yet one value and its
 * declaration were gone (the server was read outside the transaction, and the update that declared one name
 * pruned the other as "undeclared"). Every read-modify-write now runs in one immediate transaction: every
 * acknowledged write must be there afterwards.
 */
const ROUNDS = 50;

describe('concurrent CLI writes to one data directory', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = tempDir('switchboard-concurrent-');
    env = isolatedEnv({ ...noKeyringEnv(), HOME: dir.dir, SWITCHBOARD_VAULT_PASSPHRASE: 'concurrent-test' });
    const added = await runCli(dir.dir, ['server', 'add', 'srv', '--', 'node', 'server.js'], { env });
    expect(added.code, added.stderr).toBe(0);
  });
  afterAll(() => dir?.cleanup());

  it(`keeps every acknowledged value over ${ROUNDS} rounds of a var set and a secret set at once`, async () => {
    const acknowledged: { name: string; secret: boolean; value: string }[] = [];
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const plain = { name: `PLAIN_${round}`, secret: false, value: `value-${round}` };
      const secret = { name: `SECRET_${round}`, secret: true, value: `secret-${round}-Zq8` };
      const [a, b] = await Promise.all([
        runCli(dir.dir, ['var', 'set', 'srv', plain.name, plain.value], { env, timeoutMs: 120_000 }),
        runCli(dir.dir, ['secret', 'set', 'srv', secret.name], {
          env,
          input: secret.value,
          timeoutMs: 120_000,
        }),
      ]);
      for (const [run, write] of [
        [a, plain],
        [b, secret],
      ] as const) {
        // A refusal must say why; only a success counts as acknowledged.
        if (run.code === 0) acknowledged.push(write);
        else {
          expect(run.stderr.trim(), `round ${round}: exit ${run.code} without a message`).not.toBe('');
          failures.push(`round ${round} ${write.name}: exit ${run.code}: ${run.stderr.trim()}`);
        }
      }
    }
    // Busy waits are generous (5 s); on this machine nothing should be refused at all.
    expect(failures).toEqual([]);

    const hub: Hub = openHub({ dataDir: dir.dir, env, log: silentLogger });
    try {
      const server = hub.registry.servers.get('srv');
      const values = hub.variables.values(server);
      const declared = new Map(server.envVars.map((v) => [v.name, v.secret]));
      for (const write of acknowledged) {
        expect(declared.get(write.name), `${write.name} is declared`).toBe(write.secret);
        expect(values[write.name], `${write.name} has its value`).toBe(write.value);
      }
      expect(acknowledged).toHaveLength(2 * ROUNDS);
    } finally {
      await hub.close();
    }
  }, 900_000);
});
