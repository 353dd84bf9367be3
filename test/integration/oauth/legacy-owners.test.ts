import { afterEach, describe, expect, it } from 'vitest';
import { dataFiles } from '../../../main/lib/paths.ts';
import { silentLogger } from '../../../main/lib/logger.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import type { GrantRecord } from '../../../main/oauth/grant-record.ts';
import { createLegacyOwners } from '../../../main/oauth/legacy-owners.ts';
import { createOAuthManager } from '../../../main/oauth/oauth-manager.ts';
import {
  CLIENT_SECRET_NAME,
  legacyClientSecretOwner,
  legacyGrantOwner,
} from '../../../main/oauth/oauth-vault.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import type { Registry } from '../../../main/registry/index.ts';
import { openRegistry } from '../../../main/registry/index.ts';
import { MIGRATIONS } from '../../../main/registry/migrations/index.ts';
import { createServerRepository, toDefinition } from '../../../main/registry/server-repository.ts';
import type { MemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import { createMemoryKeyProviderForTests } from '../../../main/vault/memory-key-provider.ts';
import { oauthClientSecretOwner, oauthGrantOwner } from '../../../main/vault/server-owners.ts';
import type { Vault } from '../../../main/vault/vault.ts';
import { createLazyVault } from '../../../main/vault/vault.ts';
import { makeTempDir, removeTempDirs } from '../../fixtures/registry/temp-registry.ts';

/**
 * A data directory written by the app before migration 008 — OAuth grants and client secrets in the vault
 * under the server's PREFIX — opened by this one: the migration deletes what belongs to no server any more and
 * lists the rest; the first use of a server's credential moves its entries to the owners of its id, in one
 * transaction. All values are canaries.
 */

const ISSUER = 'https://idp.example';
const URL_NOTES = 'https://notes.example/mcp';
const ACCESS = 'CANARY-legacy-access-token';
const REFRESH = 'CANARY-legacy-refresh-token';
const MACHINE_SECRET = 'CANARY-legacy-machine-secret';
const clock = { now: () => Date.UTC(2026, 0, 2) };

/** A grant as the app stored it before this round: no `resource` when the server had no metadata. */
function legacyGrant(extra: Partial<GrantRecord> = {}): GrantRecord {
  return {
    version: 1,
    issuer: ISSUER,
    client: { client_id: 'dyn-client', source: 'dynamic' },
    endpoints: { token: `${ISSUER}/token` },
    tokens: { access_token: ACCESS, token_type: 'Bearer', refresh_token: REFRESH, scope: 'mcp:read' },
    expiresAt: clock.now() + 3_600_000,
    connectedAt: clock.now(),
    ...extra,
  };
}

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const item of opened.splice(0)) item.close();
  removeTempDirs();
});

const vaultOver = (db: Registry['db'], provider: MemoryKeyProviderForTests): Vault =>
  createLazyVault({ db: db.connection, providers: [provider], redactor: new Redactor(), clock });

/** Writes a version-7 data directory with prefix-keyed OAuth secrets; returns it and the key provider. */
function legacyDataDir(): { dir: string; provider: MemoryKeyProviderForTests } {
  const dir = makeTempDir('oauth-legacy');
  const provider = createMemoryKeyProviderForTests();
  const db = openDatabase({ file: dataFiles(dir).database, migrations: MIGRATIONS.slice(0, 7), clock });
  try {
    expect(db.schemaVersion).toBe(7);
    const servers = createServerRepository(db, { clock });
    const vault = vaultOver(db, provider);
    servers.add({
      prefix: 'notes',
      name: 'Notes',
      transport: 'http',
      url: URL_NOTES,
      auth: { kind: 'oauth', flow: 'authorization_code' },
    });
    servers.add({
      prefix: 'machine',
      name: 'Machine',
      transport: 'http',
      url: 'https://machine.example/mcp',
      auth: {
        kind: 'oauth',
        flow: 'client_credentials',
        clientId: 'machine-client',
        tokenUrl: `${ISSUER}/token`,
      },
    });
    servers.add({ prefix: 'later', name: 'Later', transport: 'http', url: 'https://later.example/mcp' });
    const writeGrant = (prefix: string, record: GrantRecord) => {
      vault.set(legacyGrantOwner(prefix), 'issuer', ISSUER);
      vault.set(legacyGrantOwner(prefix), `grant:${ISSUER}`, JSON.stringify(record));
      vault.set(legacyGrantOwner(prefix), `client:${ISSUER}`, JSON.stringify(record.client));
    };
    writeGrant('notes', legacyGrant());
    writeGrant('later', legacyGrant({ resource: 'https://later.example/mcp' }));
    vault.set(legacyClientSecretOwner('machine'), CLIENT_SECRET_NAME, MACHINE_SECRET);
    // Left behind by a `server remove` that forgot the grant: the server is gone, the grant is not.
    writeGrant('gone', legacyGrant());
  } finally {
    db.close();
  }
  return { dir, provider };
}

function open(dir: string, provider: MemoryKeyProviderForTests) {
  const registry = openRegistry(dir, { clock });
  opened.push(registry);
  const vault = vaultOver(registry.db, provider);
  const legacy = createLegacyOwners({
    db: registry.db.connection,
    write: (fn) => registry.write(fn),
    vault,
    log: silentLogger,
  });
  const manager = createOAuthManager({
    vault,
    servers: registry.servers,
    legacy,
    clock,
    log: silentLogger,
    openBrowser: async () => {},
    redirectUri: 'http://127.0.0.1:47811/oauth/callback',
    fetch: async () => {
      throw new Error('no network in this test');
    },
  });
  opened.push(manager);
  const legacyRows = () =>
    registry.db.connection
      .prepare('SELECT owner, server_id AS serverId, kind FROM legacy_secret_owners ORDER BY owner')
      .all();
  return { registry, vault, manager, legacyRows };
}

describe('OAuth secrets stored by prefix before migration 008', () => {
  it('the migration deletes the orphan and lists the rest; nothing is decrypted yet', () => {
    const { dir, provider } = legacyDataDir();
    const unwrapsBefore = provider.calls.unwrap;
    const { registry, vault, legacyRows } = open(dir, provider);
    const id = (prefix: string) => registry.servers.get(prefix).id;
    expect(legacyRows()).toEqual([
      { owner: legacyClientSecretOwner('machine'), serverId: id('machine'), kind: 'oauth-client-secret' },
      { owner: legacyGrantOwner('later'), serverId: id('later'), kind: 'oauth-grant' },
      { owner: legacyGrantOwner('notes'), serverId: id('notes'), kind: 'oauth-grant' },
    ]);
    expect(vault.listNames(legacyGrantOwner('gone'))).toEqual([]);
    expect(provider.calls.unwrap).toBe(unwrapsBefore);

    // A server added now under the orphan's prefix starts with nothing.
    registry.servers.add({ prefix: 'gone', name: 'New', transport: 'http', url: 'https://new.example/mcp' });
    const { manager } = open(dir, provider);
    expect(manager.status('gone')).toMatchObject({ hasCredential: false, flow: 'none' });
  });

  it('first use moves a grant under the server id, stamps its resource, and uses it', async () => {
    const { dir, provider } = legacyDataDir();
    const { registry, vault, manager, legacyRows } = open(dir, provider);
    const notes = registry.servers.get('notes');

    expect(manager.status('notes')).toMatchObject({ hasCredential: true, issuer: ISSUER });
    expect(vault.listNames(legacyGrantOwner('notes'))).toEqual([]);
    expect(vault.listNames(oauthGrantOwner(notes.id)).map((n) => n.name)).toEqual([
      `client:${ISSUER}`,
      `grant:${ISSUER}`,
      'issuer',
    ]);
    const moved = JSON.parse(vault.get(oauthGrantOwner(notes.id), `grant:${ISSUER}`)!) as GrantRecord;
    // Obtained without a resource indicator: bound to the URL now, and refresh keeps omitting it.
    expect(moved).toMatchObject({ resource: URL_NOTES, resourceOmitted: true });
    expect(legacyRows()).not.toContainEqual(expect.objectContaining({ serverId: notes.id }));

    const token = await manager.authProviderFor(notes)!.token();
    expect(token).toBe(ACCESS);
  });

  it('moves a client secret, and leaves the others listed until their own first use', () => {
    const { dir, provider } = legacyDataDir();
    const { registry, vault, manager, legacyRows } = open(dir, provider);
    const machine = registry.servers.get('machine');
    expect(manager.hasClientSecret('machine')).toBe(true);
    expect(vault.get(oauthClientSecretOwner(machine.id), CLIENT_SECRET_NAME)).toBe(MACHINE_SECRET);
    expect(vault.listNames(legacyClientSecretOwner('machine'))).toEqual([]);
    expect(legacyRows()).toHaveLength(2);
  });

  it('a server removed before its first use takes its legacy entries with it (the trigger)', () => {
    const { dir, provider } = legacyDataDir();
    const { registry, vault, legacyRows } = open(dir, provider);
    registry.servers.remove('later');
    expect(vault.listNames(legacyGrantOwner('later'))).toEqual([]);
    expect(legacyRows()).toHaveLength(2);
    registry.servers.add({ prefix: 'later', name: 'B', transport: 'http', url: 'https://later.example/mcp' });
    const { manager } = open(dir, provider);
    expect(manager.status('later')).toMatchObject({ hasCredential: false });
  });

  it('is all or nothing: without the key store nothing moves, and it finishes once the store is back', () => {
    const { dir, provider } = legacyDataDir();
    const { registry, vault, manager, legacyRows } = open(dir, provider);
    const notes = registry.servers.get('notes');
    provider.setUnavailable('locked for the test');
    expect(() => manager.status('notes')).toThrow(expect.objectContaining({ code: 'VAULT_UNAVAILABLE' }));
    expect(legacyRows()).toHaveLength(3);
    expect(vault.listNames(legacyGrantOwner('notes'))).toHaveLength(3);
    expect(vault.listNames(oauthGrantOwner(notes.id))).toEqual([]);

    provider.setUnavailable(undefined);
    expect(manager.status('notes')).toMatchObject({ hasCredential: true });
    expect(legacyRows()).toHaveLength(2);
  });

  it('rolls back a move that fails half-way: no entry under the id, the legacy ones and their list intact', () => {
    const { dir, provider } = legacyDataDir();
    const { registry, vault, legacyRows } = open(dir, provider);
    const notes = registry.servers.get('notes');
    let sets = 0;
    const failing = {
      ...vault,
      set(owner: string, name: string, value: string) {
        sets += 1;
        if (sets === 2) throw new Error('disk full (simulated)');
        vault.set(owner, name, value);
      },
    };
    const legacy = createLegacyOwners({
      db: registry.db.connection,
      write: (fn) => registry.write(fn),
      vault: failing,
      log: silentLogger,
    });
    expect(() => legacy.upgrade(notes)).toThrow('disk full');
    expect(sets).toBe(2);
    expect(vault.listNames(oauthGrantOwner(notes.id))).toEqual([]);
    expect(vault.listNames(legacyGrantOwner('notes'))).toHaveLength(3);
    expect(legacyRows()).toHaveLength(3);
    // Nothing was marked done: the next use moves everything.
    legacy.upgrade(notes);
    expect(vault.listNames(oauthGrantOwner(notes.id))).toHaveLength(3);
    expect(legacyRows()).toHaveLength(2);
  });

  it('a legacy grant that already names its resource keeps it, and is refused for another URL', () => {
    const { dir, provider } = legacyDataDir();
    const { registry, manager } = open(dir, provider);
    const later = registry.servers.get('later');
    registry.servers.update('later', { ...toDefinition(later), url: 'https://elsewhere.example/mcp' });
    expect(manager.status('later')).toMatchObject({ hasCredential: false });
  });
});
