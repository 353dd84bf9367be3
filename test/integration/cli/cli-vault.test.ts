import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  isolatedEnv,
  noKeyringEnv,
  privateKeyringSupport,
  startPrivateKeyring,
  type PrivateKeyring,
} from '../../helpers/private-keyring.ts';
import { filesContaining, runCli, tempDir } from '../../helpers/cli.ts';
import { EXIT } from '../../../main/cli/exit-codes.ts';

// Each step spawns a CLI process (0.3-4 s on a busy two-core machine).
vi.setConfig({ testTimeout: 180_000 });

const support = privateKeyringSupport();
const CANARY = 'canary-7f3a9c21-do-not-leak-e0b4';

describe.skipIf(!support.available)('CLI secrets against a real gnome-keyring', () => {
  let keyring: PrivateKeyring;
  let data: { dir: string; cleanup: () => void };
  const outputs: string[] = [];

  beforeAll(async () => {
    keyring = await startPrivateKeyring();
    data = tempDir();
  });
  afterAll(async () => {
    await keyring?.stop();
    data?.cleanup();
  });

  const cli = async (args: string[], input?: string) => {
    const run = await runCli(data.dir, args, {
      env: keyring.childEnv(),
      ...(input === undefined ? {} : { input }),
    });
    outputs.push(run.stdout, run.stderr);
    return run;
  };

  it('sets, lists, exports and unsets a secret without ever showing or storing it in plaintext', async () => {
    expect(
      (await cli(['server', 'add', 'gh', '--secret-var', 'GITHUB_TOKEN', '--', 'node', 'server.js'])).code,
    ).toBe(0);

    const set = await cli(['secret', 'set', 'gh', 'GITHUB_TOKEN'], `${CANARY}\n`);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('set GITHUB_TOKEN for gh');

    const list = await cli(['--json', 'secret', 'list', 'gh']);
    expect(JSON.parse(list.stdout)).toEqual([
      { name: 'GITHUB_TOKEN', required: true, secret: true, isSet: true, hasDefault: false },
    ]);

    // Undeclared names are declared as optional secrets on first set.
    const other = await cli(['--json', 'secret', 'set', 'gh', 'EXTRA_KEY'], `${CANARY}-2`);
    expect(JSON.parse(other.stdout)).toMatchObject({ declared: true, secret: true, isSet: true });

    for (const args of [
      ['server', 'show', 'gh'],
      ['--json', 'server', 'list'],
      ['export'],
      ['vault', 'status'],
      ['doctor'],
    ]) {
      const run = await cli(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
    }

    const rotate = await cli(['--json', 'vault', 'rotate']);
    expect(JSON.parse(rotate.stdout)).toMatchObject({ secretCount: 2, holders: ['keyring'] });

    // The secret stays readable after rotation: unset reports it existed, and the list agrees.
    expect((await cli(['--json', 'secret', 'list', 'gh'])).stdout).toContain('"isSet": true');
    const unset = await cli(['--json', 'secret', 'unset', 'gh', 'EXTRA_KEY']);
    expect(JSON.parse(unset.stdout)).toMatchObject({ removed: true });

    // The canary is nowhere: not in any output, not in the database, its WAL, or any other file we wrote.
    for (const text of outputs) expect(text).not.toContain(CANARY);
    expect(filesContaining(data.dir, CANARY)).toEqual([]);
    expect(fs.existsSync(path.join(data.dir, 'switchboard.db'))).toBe(true);
  });

  it('refuses to take a secret from argv-like empty input', async () => {
    const run = await cli(['secret', 'set', 'gh', 'GITHUB_TOKEN'], '');
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('No secret value given');
  });
});

describe('CLI without any reachable keyring', () => {
  let data: { dir: string; cleanup: () => void };
  const env = isolatedEnv({ ...noKeyringEnv(), SWITCHBOARD_VAULT_PASSPHRASE: undefined });

  beforeAll(() => {
    data = tempDir();
  });
  afterAll(() => data?.cleanup());

  it('fails secret commands with VAULT_UNAVAILABLE, leaves the database untouched, keeps the rest working', async () => {
    expect((await runCli(data.dir, ['server', 'add', 'fs', '--', 'node', 'fs.js'], { env })).code).toBe(0);
    const dbFile = path.join(data.dir, 'switchboard.db');
    // Checkpoint so the comparison below sees every committed byte in the main file.
    const before = fs.readFileSync(dbFile);

    const set = await runCli(data.dir, ['secret', 'set', 'fs', 'API_KEY'], { env, input: CANARY });
    expect(set.code).toBe(EXIT.vault);
    expect(set.stderr).toContain('VAULT_UNAVAILABLE');
    expect(set.stderr).toMatch(/keyring|Secret Service/i);
    expect(set.stderr).toContain('SWITCHBOARD_VAULT_PASSPHRASE');
    expect(set.stderr + set.stdout).not.toContain(CANARY);

    const json = await runCli(data.dir, ['--json', 'secret', 'set', 'fs', 'API_KEY'], { env, input: CANARY });
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'VAULT_UNAVAILABLE' } });

    expect(fs.readFileSync(dbFile).equals(before)).toBe(true);
    expect(filesContaining(data.dir, CANARY)).toEqual([]);

    const list = await runCli(data.dir, ['--json', 'server', 'list'], { env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((s: { prefix: string }) => s.prefix)).toEqual(['fs']);
    expect((await runCli(data.dir, ['server', 'disable', 'fs'], { env })).code).toBe(0);

    const doctor = await runCli(data.dir, ['--json', 'doctor'], { env });
    expect(doctor.code).toBe(EXIT.internal);
    const report = JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.checks.find((c) => c.name === 'vault')).toMatchObject({ ok: false });
    expect(report.checks.find((c) => c.name === 'node')).toMatchObject({
      ok: true,
      detail: expect.stringContaining(process.version),
    });
  });

  it('works with an explicit passphrase instead of a keyring', async () => {
    const withPass = { ...env, SWITCHBOARD_VAULT_PASSPHRASE: 'correct horse battery staple' };
    const set = await runCli(data.dir, ['secret', 'set', 'fs', 'API_KEY'], { env: withPass, input: CANARY });
    expect(set.code, set.stderr).toBe(0);
    const wrong = { ...env, SWITCHBOARD_VAULT_PASSPHRASE: 'wrong' };
    const rotate = await runCli(data.dir, ['vault', 'rotate'], { env: wrong });
    expect(rotate.code).toBe(EXIT.vault);
    expect(filesContaining(data.dir, CANARY)).toEqual([]);
  });
});
