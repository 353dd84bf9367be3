import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toErrorInfo } from '../../../main/lib/errors.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import type { RegistryDatabase } from '../../../main/registry/database.ts';
import { selectKeyProviders } from '../../../main/vault/providers.ts';
import { openVault } from '../../../main/vault/vault.ts';
import { createFakeClock, makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import { filesContaining, fingerprintDatabase } from './vault-files.ts';

// In-process: the passphrase provider needs no OS key store, so these run on every machine.
const opened: RegistryDatabase[] = [];
afterEach(() => {
  for (const database of opened.splice(0)) database.close();
  removeTempDirs();
});

function open(file: string): RegistryDatabase {
  const database = openDatabase({ file, clock: createFakeClock() });
  opened.push(database);
  return database;
}

function vaultFor(database: RegistryDatabase, env: NodeJS.ProcessEnv, passphraseFile?: string) {
  const redactor = new Redactor();
  const providers = selectKeyProviders({ env, passphraseFile, platform: process.platform, redactor });
  return openVault({ db: database.connection, providers, redactor, clock: createFakeClock() });
}

describe('vault with an explicit passphrase (real SQLite file, real scrypt cost)', () => {
  it('round-trips across reopening, and the passphrase file and env var are interchangeable', () => {
    const dir = makeTempDir('vault-pass');
    const file = path.join(dir, 'switchboard.db');
    const pwFile = path.join(dir, 'passphrase');
    fs.writeFileSync(pwFile, 'a long passphrase\n', { mode: 0o600 });

    const first = open(file);
    const vault = vaultFor(first, {}, pwFile);
    vault.set('server:db', 'PGPASSWORD', 'pg-secret-value');
    expect(vault.status()).toMatchObject({ provider: 'passphrase', holders: ['passphrase'] });
    first.close();

    const again = open(file);
    expect(
      vaultFor(again, { SWITCHBOARD_VAULT_PASSPHRASE: 'a long passphrase' }).get('server:db', 'PGPASSWORD'),
    ).toBe('pg-secret-value');
  });

  it('a wrong passphrase fails clearly and writes nothing', () => {
    const file = path.join(makeTempDir('vault-pass'), 'switchboard.db');
    const database = open(file);
    vaultFor(database, { SWITCHBOARD_VAULT_PASSPHRASE: 'right one' }).set('o', 'n', 'value-123');
    database.close();
    const before = fingerprintDatabase(file);

    const reopened = open(file);
    let error: unknown;
    try {
      vaultFor(reopened, { SWITCHBOARD_VAULT_PASSPHRASE: 'wrong one' });
    } catch (caught) {
      error = caught;
    }
    reopened.close();
    expect(toErrorInfo(error)).toMatchObject({
      code: 'VAULT_DECRYPT_FAILED',
      message: expect.stringMatching(
        /^The vault passphrase is wrong: it does not open this vault's data key/,
      ),
    });
    expect(fingerprintDatabase(file)).toEqual(before);
  });

  it('canary: no value ever reaches the database file or its WAL', () => {
    const file = path.join(makeTempDir('vault-canary'), 'switchboard.db');
    const database = open(file);
    const vault = vaultFor(database, { SWITCHBOARD_VAULT_PASSPHRASE: 'canary passphrase' });
    const canary = `CANARY-${crypto.randomUUID()}`;
    vault.set('server:canary', 'A', canary);
    vault.set('server:canary', 'B', `prefix ${canary} suffix`);
    vault.rotate();
    vault.set('server:canary', 'A', `${canary}-updated`);
    expect(vault.get('server:canary', 'B')).toBe(`prefix ${canary} suffix`);
    expect(fs.existsSync(`${file}-wal`)).toBe(true); // connection open: the WAL holds every page written
    expect(filesContaining(file, 'server:canary')).not.toEqual([]); // positive control: names are plaintext
    expect(filesContaining(file, canary)).toEqual([]);
    expect(filesContaining(file, 'canary passphrase')).toEqual([]);
    database.close();
    expect(filesContaining(file, canary)).toEqual([]);
  });
});
