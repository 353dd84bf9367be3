import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { isSwitchboardError } from '../../../main/lib/errors.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import type { KeyProvider } from '../../../main/vault/key-provider.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import type { MemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import { createPassphraseKeyProvider } from '../../../main/vault/passphrase-key-provider.ts';
import { createLazyVault, openVault } from '../../../main/vault/vault.ts';
import type { Vault } from '../../../main/vault/vault.ts';
import { createFakeClock } from '../../fixtures/registry/temp-registry.ts';
import { createVaultTestDb, snapshotVaultTables } from './vault-test-db.ts';
import { thrown } from '../../helpers/thrown.ts';
import { FAST_SCRYPT_COST } from './scrypt-cost.ts';

let db: Database;
let memory: MemoryKeyProviderForTests;
let redactor: Redactor;
const clock = createFakeClock();

function vaultWith(providers: KeyProvider[] = [memory], lazy = false): Vault {
  const options = { db, providers, redactor, clock };
  return lazy ? createLazyVault(options) : openVault(options);
}

beforeEach(() => {
  db = createVaultTestDb();
  memory = createMemoryKeyProviderForTests();
  redactor = new Redactor();
});

describe('vault basics', () => {
  it('sets, gets, lists, unsets and clears', () => {
    const vault = vaultWith();
    vault.set('server:a', 'TOKEN', 'tok-123456');
    clock.advance(1000);
    vault.set('server:a', 'API_KEY', 'key-abcdef');
    vault.set('server:b', 'TOKEN', 'other-value');
    expect(vault.get('server:a', 'TOKEN')).toBe('tok-123456');
    expect(vault.get('server:a', 'MISSING')).toBeUndefined();
    expect(vault.has('server:a', 'API_KEY')).toBe(true);
    expect(vault.listNames('server:a')).toEqual([
      { name: 'API_KEY', updatedAt: '2026-01-02T03:04:06.000Z' },
      { name: 'TOKEN', updatedAt: '2026-01-02T03:04:05.000Z' },
    ]);
    vault.set('server:a', 'TOKEN', 'tok-changed');
    expect(vault.get('server:a', 'TOKEN')).toBe('tok-changed');
    expect(vault.unset('server:a', 'TOKEN')).toBe(true);
    expect(vault.unset('server:a', 'TOKEN')).toBe(false);
    expect(vault.clear('server:a')).toBe(1);
    expect(vault.listNames('server:a')).toEqual([]);
    expect(vault.get('server:b', 'TOKEN')).toBe('other-value');
  });

  it('stores empty, unicode and large values', () => {
    const vault = vaultWith();
    const big = 'x'.repeat(512 * 1024);
    vault.set('o', 'empty', '');
    vault.set('o', 'unicode', 'pässwörd 🔑 \u0000 end');
    vault.set('o', 'big', big);
    expect(vault.get('o', 'empty')).toBe('');
    expect(vault.get('o', 'unicode')).toBe('pässwörd 🔑 \u0000 end');
    expect(vault.get('o', 'big')).toBe(big);
  });

  it('validates owner, name and size', () => {
    const vault = vaultWith();
    for (const fn of [
      () => vault.set('', 'n', 'v'),
      () => vault.get('o', ''),
      () => vault.set('o', 'n', 'x'.repeat(1024 * 1024 + 1)),
    ]) {
      expect(isSwitchboardError(thrown(fn), 'VALIDATION')).toBe(true);
    }
  });

  it('teaches every value it encrypts or decrypts to the redactor', () => {
    const vault = vaultWith();
    vault.set('o', 'written', 'written-secret');
    expect(redactor.redact('saw written-secret')).toBe('saw [REDACTED]');
    // Another process only reads it: its redactor learns the value from the decryption.
    const fresh = new Redactor();
    const reader = openVault({ db, providers: [memory], redactor: fresh, clock });
    expect(fresh.redact('saw written-secret')).toBe('saw written-secret');
    expect(reader.get('o', 'written')).toBe('written-secret');
    expect(fresh.redact('saw written-secret')).toBe('saw [REDACTED]');
  });

  it('unwraps the data key once per process, not per read', () => {
    const vault = vaultWith();
    vault.set('o', 'a', 'value-a');
    const reader = vaultWith();
    reader.get('o', 'a');
    reader.get('o', 'a');
    expect(memory.calls.unwrap).toBe(1);
  });
});

describe('lazy key creation and unavailable key stores', () => {
  it('writes nothing until the first set', () => {
    const vault = vaultWith();
    const before = snapshotVaultTables(db);
    expect(vault.get('o', 'n')).toBeUndefined();
    expect(vault.listNames('o')).toEqual([]);
    expect(vault.status()).toEqual({ provider: null, keyId: null, secretCount: 0, holders: [] });
    expect(snapshotVaultTables(db)).toEqual(before);
    vault.set('o', 'n', 'value-1');
    const status = vault.status();
    expect(status).toMatchObject({ provider: 'memory', secretCount: 1, holders: ['memory'] });
    expect(status.keyId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('openVault throws VAULT_UNAVAILABLE and writes nothing when no key store is reachable (empty vault)', () => {
    memory.setUnavailable('unplugged');
    const before = snapshotVaultTables(db);
    const error = thrown(() => vaultWith());
    expect(error.code).toBe('VAULT_UNAVAILABLE');
    expect(error.message).toContain('unplugged');
    expect(snapshotVaultTables(db)).toEqual(before);
  });

  it('openVault throws and writes nothing when the key store holding the key is unreachable', () => {
    vaultWith().set('o', 'n', 'value-1');
    memory.setUnavailable('locked');
    const before = snapshotVaultTables(db);
    expect(thrown(() => vaultWith()).code).toBe('VAULT_UNAVAILABLE');
    expect(snapshotVaultTables(db)).toEqual(before);
  });

  it('a lazy vault lists, checks and deletes without any key store; set fails without writing', () => {
    vaultWith().set('o', 'n', 'value-1');
    memory.setUnavailable('no keyring');
    const lazy = vaultWith([memory], true);
    expect(lazy.listNames('o').map((s) => s.name)).toEqual(['n']);
    expect(lazy.has('o', 'n')).toBe(true);
    expect(lazy.status()).toMatchObject({ provider: null, secretCount: 1, holders: ['memory'] });
    const before = snapshotVaultTables(db);
    expect(thrown(() => lazy.set('o', 'm', 'value-2')).code).toBe('VAULT_UNAVAILABLE');
    expect(thrown(() => lazy.get('o', 'n')).code).toBe('VAULT_UNAVAILABLE');
    expect(snapshotVaultTables(db)).toEqual(before);
    expect(lazy.unset('o', 'n')).toBe(true);
    // Reachable again: the same vault object recovers without being recreated.
    memory.setUnavailable(undefined);
    lazy.set('o', 'm', 'value-2');
    expect(lazy.get('o', 'm')).toBe('value-2');
  });

  it('a lazy vault with no reachable store cannot create the first key', () => {
    memory.setUnavailable('nope');
    const lazy = vaultWith([memory], true);
    expect(thrown(() => lazy.set('o', 'n', 'v')).code).toBe('VAULT_UNAVAILABLE');
    expect(snapshotVaultTables(db)).toEqual([[], [], []]);
  });

  it('explains which stores hold the key when none of the configured ones does', () => {
    vaultWith().set('o', 'n', 'value-1');
    const passphrase = createPassphraseKeyProvider({ passphrase: 'pw', cost: FAST_SCRYPT_COST });
    const error = thrown(() => vaultWith([passphrase]));
    expect(error.code).toBe('VAULT_UNAVAILABLE');
    expect(error.message).toMatch(
      /held by an in-memory test key, but this process can only use a vault passphrase/,
    );
  });

  it('reports a database without the vault tables as DB_ERROR', () => {
    const bare = new BetterSqlite3(':memory:');
    expect(thrown(() => createLazyVault({ db: bare, providers: [memory], redactor })).code).toBe('DB_ERROR');
  });

  it('ignores key copies of kinds a newer app added', () => {
    const vault = vaultWith();
    vault.set('o', 'n', 'value-1');
    db.prepare(
      "INSERT INTO vault_keys (key_id, provider, wrapped, created_at) VALUES (?, 'hardware-token', x'00', '2030-01-01T00:00:00.000Z')",
    ).run(vault.status().keyId);
    const reopened = vaultWith();
    expect(reopened.get('o', 'n')).toBe('value-1');
    expect(reopened.status().holders).toEqual(['memory']);
  });

  it('refuses a provider kind configured twice', () => {
    expect(thrown(() => vaultWith([memory, createMemoryKeyProviderForTests()])).code).toBe('INTERNAL');
  });
});

describe('binding and tampering', () => {
  it('fails with VAULT_DECRYPT_FAILED, naming owner and name but not the value, for a flipped byte', () => {
    const vault = vaultWith();
    vault.set('server:a', 'TOKEN', 'tamper-me-123');
    const row = db.prepare("SELECT ciphertext FROM secrets WHERE name = 'TOKEN'").get() as {
      ciphertext: Buffer;
    };
    row.ciphertext[0]! ^= 0x80;
    db.prepare("UPDATE secrets SET ciphertext = ? WHERE name = 'TOKEN'").run(row.ciphertext);
    const error = thrown(() => vault.get('server:a', 'TOKEN'));
    expect(error.code).toBe('VAULT_DECRYPT_FAILED');
    expect(error.message).toContain('"TOKEN" of "server:a"');
    expect(error.message).not.toContain('tamper-me');
    expect(error.details).toEqual({ owner: 'server:a', name: 'TOKEN' });
  });

  it('fails for a row copied onto another name or owner', () => {
    const vault = vaultWith();
    vault.set('server:a', 'ONE', 'first-value');
    vault.set('server:a', 'TWO', 'second-value');
    vault.set('server:b', 'ONE', 'third-value');
    db.prepare(
      `UPDATE secrets SET nonce = (SELECT nonce FROM secrets WHERE owner = 'server:a' AND name = 'ONE'),
         ciphertext = (SELECT ciphertext FROM secrets WHERE owner = 'server:a' AND name = 'ONE')
       WHERE (owner = 'server:a' AND name = 'TWO') OR (owner = 'server:b' AND name = 'ONE')`,
    ).run();
    expect(thrown(() => vault.get('server:a', 'TWO')).code).toBe('VAULT_DECRYPT_FAILED');
    expect(thrown(() => vault.get('server:b', 'ONE')).code).toBe('VAULT_DECRYPT_FAILED');
    expect(vault.get('server:a', 'ONE')).toBe('first-value');
  });

  it('fails for a row whose key id was changed', () => {
    const vault = vaultWith();
    vault.set('o', 'n', 'value-1');
    db.prepare("UPDATE secrets SET key_id = 'other'").run();
    expect(thrown(() => vault.get('o', 'n')).message).toMatch(/data key this vault no longer has/);
  });

  it('fails for a wrapped key copied onto another key id', () => {
    const vault = vaultWith();
    vault.set('o', 'n', 'value-1');
    db.prepare("UPDATE vault_keys SET key_id = 'forged'").run();
    db.prepare("UPDATE secrets SET key_id = 'forged'").run();
    expect(thrown(() => vaultWith()).code).toBe('VAULT_DECRYPT_FAILED');
  });
});

describe('rotation', () => {
  it('re-encrypts every secret under a new key, drops the old key, keeps updated_at', () => {
    const vault = vaultWith();
    for (let i = 0; i < 20; i += 1) vault.set(`server:${i % 3}`, `NAME_${i}`, `value-${i}-xyz`);
    const before = vault.status();
    const oldRows = db
      .prepare('SELECT owner, name, nonce, ciphertext, updated_at FROM secrets ORDER BY owner, name')
      .all() as Array<Record<string, unknown>>;
    clock.advance(60_000);
    const after = vault.rotate();
    expect(after.keyId).not.toBe(before.keyId);
    expect(after).toMatchObject({ provider: 'memory', secretCount: 20, holders: ['memory'] });
    expect(db.prepare('SELECT DISTINCT key_id FROM vault_keys').all()).toEqual([{ key_id: after.keyId }]);
    expect(db.prepare('SELECT DISTINCT key_id FROM secrets').all()).toEqual([{ key_id: after.keyId }]);
    const newRows = db
      .prepare('SELECT owner, name, nonce, ciphertext, updated_at FROM secrets ORDER BY owner, name')
      .all() as Array<Record<string, unknown>>;
    newRows.forEach((row, i) => {
      expect((row.ciphertext as Buffer).equals(oldRows[i]!.ciphertext as Buffer)).toBe(false);
      expect(row.updated_at).toBe(oldRows[i]!.updated_at);
    });
    for (let i = 0; i < 20; i += 1) expect(vault.get(`server:${i % 3}`, `NAME_${i}`)).toBe(`value-${i}-xyz`);
    // A second process opens the rotated vault.
    expect(vaultWith().get('server:1', 'NAME_1')).toBe('value-1-xyz');
  });

  it('changes nothing when one secret does not decrypt', () => {
    const vault = vaultWith();
    vault.set('o', 'good', 'good-value');
    vault.set('o', 'bad', 'bad-value');
    db.prepare("UPDATE secrets SET ciphertext = zeroblob(30) WHERE name = 'bad'").run();
    const before = snapshotVaultTables(db);
    const error = thrown(() => vault.rotate());
    expect(error.code).toBe('VAULT_DECRYPT_FAILED');
    expect(error.message).toContain('"bad" of "o"');
    expect(snapshotVaultTables(db)).toEqual(before);
    expect(vault.get('o', 'good')).toBe('good-value');
  });

  it('changes nothing when a reachable store fails to wrap the new key', () => {
    const vault = vaultWith();
    vault.set('o', 'n', 'value-1');
    const before = snapshotVaultTables(db);
    const flaky: KeyProvider = {
      ...memory,
      wrap: () => {
        throw new Error('disk full');
      },
    };
    const error = thrown(() => vaultWith([flaky], true).rotate());
    expect(error.message).toContain('disk full');
    expect(snapshotVaultTables(db)).toEqual(before);
  });

  it('refuses to drop a key store that holds a copy but is unreachable, unless told to', () => {
    const other = createPassphraseKeyProvider({ passphrase: 'pw', cost: FAST_SCRYPT_COST });
    vaultWith([memory, other]).set('o', 'n', 'value-1');
    expect(db.prepare('SELECT provider FROM vault_keys ORDER BY provider').all()).toEqual([
      { provider: 'memory' },
      { provider: 'passphrase' },
    ]);
    const memoryOnly = vaultWith([memory]);
    const before = snapshotVaultTables(db);
    const error = thrown(() => memoryOnly.rotate());
    expect(error.code).toBe('VAULT_UNAVAILABLE');
    expect(error.message).toMatch(/would drop the copy of the vault key held by a vault passphrase/);
    expect(snapshotVaultTables(db)).toEqual(before);
    const status = memoryOnly.rotate({ allowDroppingProviders: true });
    expect(status.holders).toEqual(['memory']);
  });

  it('is a no-op on an empty vault', () => {
    expect(vaultWith().rotate()).toEqual({ provider: null, keyId: null, secretCount: 0, holders: [] });
    expect(snapshotVaultTables(db)).toEqual([[], [], []]);
  });
});

describe('several key stores and several processes', () => {
  it('adds a copy for a reachable store that lacks one, and opens with the first store that works', () => {
    const passphrase = createPassphraseKeyProvider({ passphrase: 'pw', cost: FAST_SCRYPT_COST });
    vaultWith([memory]).set('o', 'n', 'value-1');
    const both = vaultWith([passphrase, memory]);
    expect(both.status()).toMatchObject({ provider: 'memory', holders: ['memory', 'passphrase'] });
    // Now the passphrase alone opens it.
    expect(vaultWith([passphrase]).get('o', 'n')).toBe('value-1');
  });

  it('skips a store whose copy fails and uses the next', () => {
    const passphrase = createPassphraseKeyProvider({ passphrase: 'pw', cost: FAST_SCRYPT_COST });
    vaultWith([memory, passphrase]).set('o', 'n', 'value-1');
    const wrong = createPassphraseKeyProvider({ passphrase: 'not it', cost: FAST_SCRYPT_COST });
    expect(vaultWith([wrong, memory]).get('o', 'n')).toBe('value-1');
    const error = thrown(() => vaultWith([wrong]));
    expect(error.code).toBe('VAULT_DECRYPT_FAILED');
    expect(error.message).toMatch(/passphrase is wrong/);
  });

  it('lists every store tried when several fail', () => {
    const passphrase = createPassphraseKeyProvider({ passphrase: 'pw', cost: FAST_SCRYPT_COST });
    vaultWith([memory, passphrase]).set('o', 'n', 'value-1');
    memory.setUnavailable('keyring gone');
    const wrong = createPassphraseKeyProvider({ passphrase: 'not it', cost: FAST_SCRYPT_COST });
    const error = thrown(() => vaultWith([memory, wrong]));
    expect(error.code).toBe('VAULT_UNAVAILABLE');
    expect(error.message).toMatch(
      /^No key store could open the vault: an in-memory test key: .*keyring gone \| a vault passphrase .*: The vault passphrase is wrong/,
    );
  });

  it('follows a rotation made by another process instead of writing under the stale key', () => {
    const desktop = vaultWith();
    desktop.set('o', 'a', 'value-a');
    const cli = vaultWith();
    cli.rotate();
    desktop.set('o', 'b', 'value-b'); // must use the NEW key
    expect(db.prepare('SELECT DISTINCT key_id FROM secrets').all()).toEqual([{ key_id: cli.status().keyId }]);
    expect(cli.get('o', 'b')).toBe('value-b');
    expect(desktop.get('o', 'a')).toBe('value-a');
  });

  it('a second process does not create a second key', () => {
    const a = vaultWith([memory], true);
    const b = vaultWith([memory], true);
    a.set('o', 'a', 'value-a');
    b.set('o', 'b', 'value-b');
    expect(db.prepare('SELECT count(DISTINCT key_id) AS n FROM vault_keys').get()).toEqual({ n: 1 });
    expect(a.get('o', 'b')).toBe('value-b');
  });
});
