import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrivateKeyring } from '../../helpers/private-keyring.ts';
import {
  isolatedEnv,
  noKeyringEnv,
  privateKeyringSupport,
  runNode,
  startPrivateKeyring,
} from '../../helpers/private-keyring.ts';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'keyring-bus-probe.ts');
const support = privateKeyringSupport();

async function probe(addresses: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const run = await runNode([PROBE], { env, input: JSON.stringify(addresses) });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

describe.skipIf(!support.available)('private keyring helper (real gnome-keyring)', () => {
  let keyring: PrivateKeyring;
  beforeAll(async () => {
    keyring = await startPrivateKeyring();
  });
  afterAll(async () => {
    await keyring?.stop();
  });

  it('gives a child process a reachable, unlocked Secret Service', async () => {
    expect(keyring.env.DBUS_SESSION_BUS_ADDRESS).toMatch(/^unix:path=.*\/bus/);
    expect(await probe([keyring.env.DBUS_SESSION_BUS_ADDRESS!], keyring.childEnv())).toEqual(['reached']);
  });

  it('noKeyringEnv() leaves no session bus to reach', async () => {
    const [outcome] = await probe([noKeyringEnv().DBUS_SESSION_BUS_ADDRESS!], isolatedEnv(noKeyringEnv()));
    expect(outcome).toMatch(/^failed: .*Failed to connect to socket/);
  });

  it('documents the quirk: @napi-rs/keyring keeps the bus of its FIRST call for the whole process', async () => {
    const good = keyring.env.DBUS_SESSION_BUS_ADDRESS!;
    const bad = noKeyringEnv().DBUS_SESSION_BUS_ADDRESS!;
    // Changing process.env after the first call changes nothing, in either direction. This is why keyring
    // tests run in child processes. If this starts failing, the binding began honouring env changes.
    expect(await probe([bad, good], isolatedEnv({}))).toEqual([
      expect.stringMatching(/^failed/),
      expect.stringMatching(/^failed/),
    ]);
    expect(await probe([good, bad], isolatedEnv({}))).toEqual(['reached', 'reached']);
  });

  it('stop() ends the daemons and removes the directory', async () => {
    const extra = await startPrivateKeyring();
    const address = extra.env.DBUS_SESSION_BUS_ADDRESS!;
    await extra.stop();
    await extra.stop(); // twice is fine
    const [outcome] = await probe([address], isolatedEnv({}));
    expect(outcome).toMatch(/^failed/);
    expect(fs.existsSync(extra.dir)).toBe(false);
  });
});

if (!support.available) it.skip(`private keyring helper: ${support.reason}`, () => {});
