import crypto from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KEYRING_SERVICE, keyringAccount } from '../../../main/vault/keyring-key-provider.ts';
import { makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import type { PrivateKeyring } from '../../helpers/private-keyring.ts';
import {
  isolatedEnv,
  noKeyringEnv,
  privateKeyringSupport,
  startPrivateKeyring,
} from '../../helpers/private-keyring.ts';
import { runVaultDriver, values } from './run-vault-driver.ts';
import type { DriverOp, DriverRequest } from './vault-driver.ts';
import { createMigratedDatabase, filesContaining, fingerprintDatabase } from './vault-files.ts';

const support = privateKeyringSupport();
const CLI: DriverRequest['providers'] = ['keyring'];
const DESKTOP: DriverRequest['providers'] = ['safe-storage', 'keyring'];

describe.skipIf(!support.available)(
  'vault against a real gnome-keyring (each step in a fresh process)',
  () => {
    let keyring: PrivateKeyring;
    beforeAll(async () => {
      keyring = await startPrivateKeyring();
    });
    afterAll(async () => {
      await keyring?.stop();
    });
    afterEach(() => removeTempDirs());

    const newDb = () => path.join(makeTempDir('vault'), 'switchboard.db');
    const run = (
      db: string,
      providers: DriverRequest['providers'],
      ops: DriverOp[],
      env = keyring.childEnv(),
      extra: Partial<DriverRequest> = {},
    ) => runVaultDriver({ db, providers, ops, safeStorageSeed: 'this-os-user', ...extra }, env);

    it('round-trips set/get/unset, keeps the KEK in the keyring, and a new process reads the same secrets', async () => {
      const db = newDb();
      const [, got, status] = values(
        await run(db, CLI, [
          { op: 'set', owner: 'server:github', name: 'GITHUB_TOKEN', value: 'ghp_roundtrip_123' },
          { op: 'get', owner: 'server:github', name: 'GITHUB_TOKEN' },
          { op: 'status' },
        ]),
      );
      expect(got).toBe('ghp_roundtrip_123');
      expect(status).toMatchObject({ provider: 'keyring', secretCount: 1, holders: ['keyring'] });

      const vaultId = (
        new BetterSqlite3(db, { readonly: true }).prepare('SELECT vault_id FROM vault_meta').get() as {
          vault_id: string;
        }
      ).vault_id;
      const kek = await keyring.lookup(KEYRING_SERVICE, keyringAccount(vaultId));
      expect(Buffer.from(kek ?? '', 'base64')).toHaveLength(32);

      const [again, removed, gone, list] = values(
        await run(db, CLI, [
          { op: 'get', owner: 'server:github', name: 'GITHUB_TOKEN' },
          { op: 'unset', owner: 'server:github', name: 'GITHUB_TOKEN' },
          { op: 'get', owner: 'server:github', name: 'GITHUB_TOKEN' },
          { op: 'list', owner: 'server:github' },
        ]),
      );
      expect([again, removed, gone, list]).toEqual(['ghp_roundtrip_123', true, null, []]);
    });

    it('rotation keeps every secret readable and removes the old key id', async () => {
      const db = newDb();
      const sets: DriverOp[] = Array.from({ length: 12 }, (_, i) => ({
        op: 'set',
        owner: `server:${i % 4}`,
        name: `VAR_${i}`,
        value: `value-${i}-rotate`,
      }));
      const before = values(await run(db, CLI, [...sets, { op: 'status' }])).at(-1) as { keyId: string };
      const [after] = values(await run(db, CLI, [{ op: 'rotate' }])) as Array<{
        keyId: string;
        secretCount: number;
      }>;
      expect(after!.keyId).not.toBe(before.keyId);
      expect(after!.secretCount).toBe(12);
      const gets: DriverOp[] = Array.from({ length: 12 }, (_, i) => ({
        op: 'get',
        owner: `server:${i % 4}`,
        name: `VAR_${i}`,
      }));
      expect(values(await run(db, CLI, gets))).toEqual(
        Array.from({ length: 12 }, (_, i) => `value-${i}-rotate`),
      );
      const conn = new BetterSqlite3(db, { readonly: true });
      expect(conn.prepare('SELECT DISTINCT key_id FROM vault_keys').all()).toEqual([
        { key_id: after!.keyId },
      ]);
      expect(conn.prepare('SELECT DISTINCT key_id FROM secrets').all()).toEqual([{ key_id: after!.keyId }]);
      conn.close();
    });

    it('a flipped ciphertext byte and a swapped row both fail with VAULT_DECRYPT_FAILED naming the secret', async () => {
      const db = newDb();
      values(
        await run(db, CLI, [
          { op: 'set', owner: 'server:a', name: 'TAMPERED', value: 'tampered-value' },
          { op: 'set', owner: 'server:a', name: 'SOURCE', value: 'source-value' },
          { op: 'set', owner: 'server:a', name: 'VICTIM', value: 'victim-value' },
        ]),
      );
      const conn = new BetterSqlite3(db);
      const row = conn.prepare("SELECT ciphertext FROM secrets WHERE name = 'TAMPERED'").get() as {
        ciphertext: Buffer;
      };
      row.ciphertext[3]! ^= 0x01;
      conn.prepare("UPDATE secrets SET ciphertext = ? WHERE name = 'TAMPERED'").run(row.ciphertext);
      conn
        .prepare(
          `UPDATE secrets SET nonce = (SELECT nonce FROM secrets WHERE name = 'SOURCE'),
           ciphertext = (SELECT ciphertext FROM secrets WHERE name = 'SOURCE') WHERE name = 'VICTIM'`,
        )
        .run();
      conn.close();

      const response = await run(db, CLI, [
        { op: 'get', owner: 'server:a', name: 'TAMPERED' },
        { op: 'get', owner: 'server:a', name: 'VICTIM' },
        { op: 'get', owner: 'server:a', name: 'SOURCE' },
      ]);
      const [tampered, swapped, source] = response.results;
      expect(tampered).toMatchObject({
        ok: false,
        error: { code: 'VAULT_DECRYPT_FAILED', details: { owner: 'server:a', name: 'TAMPERED' } },
      });
      expect(swapped).toMatchObject({
        ok: false,
        error: { code: 'VAULT_DECRYPT_FAILED', details: { owner: 'server:a', name: 'VICTIM' } },
      });
      expect(JSON.stringify(response)).not.toMatch(/tampered-value|victim-value/);
      expect(source).toEqual({ ok: true, value: 'source-value' });
    });

    it('without a reachable keyring: VAULT_UNAVAILABLE with the fix, and the database file stays byte-identical', async () => {
      const db = newDb();
      values(await run(db, CLI, [{ op: 'set', owner: 'server:a', name: 'TOKEN', value: 'kept-safe-123' }]));
      const empty = newDb();
      createMigratedDatabase(empty);

      for (const file of [db, empty]) {
        const before = fingerprintDatabase(file);
        const eager = await run(file, CLI, [], isolatedEnv(noKeyringEnv()));
        expect(eager.openError?.code).toBe('VAULT_UNAVAILABLE');
        expect(eager.openError?.message).toMatch(
          /^No OS keyring reachable \(Secret Service over D-Bus: .*\)\. Start a desktop session with gnome-keyring or KWallet.*or opt in to a passphrase with SWITCHBOARD_VAULT_PASSPHRASE \/ --vault-passphrase-file$/,
        );
        const lazy = await run(
          file,
          CLI,
          [
            { op: 'list', owner: 'server:a' },
            { op: 'set', owner: 'server:a', name: 'NEW', value: 'never-stored' },
          ],
          isolatedEnv(noKeyringEnv()),
          { open: 'lazy' },
        );
        expect(lazy.results[0]).toMatchObject({ ok: true });
        expect(lazy.results[1]).toMatchObject({ ok: false, error: { code: 'VAULT_UNAVAILABLE' } });
        expect(fingerprintDatabase(file)).toEqual(before);
      }
    });

    it('a vault made by the desktop (safeStorage + keyring) opens in the CLI (keyring), and the other way round', async () => {
      const desktopFirst = newDb();
      values(
        await run(desktopFirst, DESKTOP, [
          { op: 'set', owner: 'o', name: 'FROM_DESKTOP', value: 'desktop-value' },
        ]),
      );
      const [fromCli, , cliStatus] = values(
        await run(desktopFirst, CLI, [
          { op: 'get', owner: 'o', name: 'FROM_DESKTOP' },
          { op: 'set', owner: 'o', name: 'FROM_CLI', value: 'cli-value' },
          { op: 'status' },
        ]),
      );
      expect(fromCli).toBe('desktop-value');
      expect(cliStatus).toMatchObject({ provider: 'keyring', holders: ['keyring', 'safe-storage'] });
      // The desktop even opens it with the keyring unreachable, through its safeStorage copy.
      const [desktopStatus, a, b] = values(
        await run(
          desktopFirst,
          DESKTOP,
          [
            { op: 'status' },
            { op: 'get', owner: 'o', name: 'FROM_DESKTOP' },
            { op: 'get', owner: 'o', name: 'FROM_CLI' },
          ],
          isolatedEnv(noKeyringEnv()),
        ),
      );
      expect(desktopStatus).toMatchObject({ provider: 'safe-storage' });
      expect([a, b]).toEqual(['desktop-value', 'cli-value']);

      const cliFirst = newDb();
      values(await run(cliFirst, CLI, [{ op: 'set', owner: 'o', name: 'FROM_CLI', value: 'cli-first' }]));
      const [opened] = values(
        await run(cliFirst, DESKTOP, [{ op: 'status' }, { op: 'get', owner: 'o', name: 'FROM_CLI' }]),
      );
      // Opened through the keyring, then the desktop added its own safeStorage copy.
      expect(opened).toMatchObject({ provider: 'keyring', holders: ['keyring', 'safe-storage'] });
      const [, offline] = values(
        await run(
          cliFirst,
          DESKTOP,
          [{ op: 'status' }, { op: 'get', owner: 'o', name: 'FROM_CLI' }],
          isolatedEnv(noKeyringEnv()),
        ),
      );
      expect(offline).toBe('cli-first');
    });

    it('the CLI refuses to rotate away the desktop copy unless told to; the desktop then re-adds it', async () => {
      const db = newDb();
      values(await run(db, DESKTOP, [{ op: 'set', owner: 'o', name: 'N', value: 'shared-value' }]));
      const refused = await run(db, CLI, [{ op: 'rotate' }]);
      expect(refused.results[0]).toMatchObject({
        ok: false,
        error: {
          code: 'VAULT_UNAVAILABLE',
          message: expect.stringMatching(/would drop the copy .*safeStorage/),
        },
      });
      const [rotated] = values(await run(db, CLI, [{ op: 'rotate', allowDroppingProviders: true }]));
      expect(rotated).toMatchObject({ holders: ['keyring'] });
      const [status, value] = values(
        await run(db, DESKTOP, [{ op: 'status' }, { op: 'get', owner: 'o', name: 'N' }]),
      );
      expect(status).toMatchObject({ holders: ['keyring', 'safe-storage'] });
      expect(value).toBe('shared-value');
    });

    it('canary: the value never appears in the database or its WAL', async () => {
      const db = newDb();
      createMigratedDatabase(db);
      // Hold a connection open so the child's close cannot checkpoint and delete the WAL: its bytes stay to scan.
      const holder = new BetterSqlite3(db);
      holder.prepare('SELECT count(*) FROM secrets').get(); // joins the WAL index (an open handle alone does not)
      try {
        const canary = `CANARY-${crypto.randomUUID()}`;
        values(
          await run(db, DESKTOP, [
            { op: 'set', owner: 'server:canary', name: 'CANARY', value: canary },
            { op: 'set', owner: 'server:canary', name: 'CANARY', value: `${canary}-v2` },
            { op: 'rotate' },
            { op: 'get', owner: 'server:canary', name: 'CANARY' },
          ]),
        );
        const wal = fingerprintDatabase(db).wal;
        expect(wal).toBeDefined();
        expect(filesContaining(db, 'server:canary')).not.toEqual([]); // the scan does see plaintext names
        expect(filesContaining(db, canary)).toEqual([]);
      } finally {
        holder.close();
      }
    });

    it('a locked keyring gives VAULT_UNAVAILABLE that says to unlock it, and writes nothing', async () => {
      const own = await startPrivateKeyring();
      try {
        const db = newDb();
        values(
          await run(db, CLI, [{ op: 'set', owner: 'o', name: 'N', value: 'locked-away' }], own.childEnv()),
        );
        await own.lock();
        const before = fingerprintDatabase(db);
        const response = await run(db, CLI, [], own.childEnv());
        expect(response.openError).toMatchObject({
          code: 'VAULT_UNAVAILABLE',
          message: expect.stringMatching(
            /^The OS keyring is locked \(.*unlock prompt was dismissed\)\. Unlock it/,
          ),
        });
        expect(fingerprintDatabase(db)).toEqual(before);
      } finally {
        await own.stop();
      }
    });
  },
);

if (!support.available) it.skip(`vault against a real gnome-keyring: ${support.reason}`, () => {});
