/**
 * Child-process driver for the vault integration tests: opens a database and a vault with the providers a
 * request names, runs its operations in order and prints one JSON line with every outcome. The request
 * comes on stdin (values never on argv). Runs in its own process because @napi-rs/keyring binds to the
 * session bus of the process's first keyring call (see test/helpers/private-keyring.ts).
 */
import fs from 'node:fs';
import { createSafeStorageKeyProvider } from '../../../main/app/safe-storage-key-provider.ts';
import { toErrorInfo } from '../../../main/lib/errors.ts';
import type { ErrorInfo } from '../../../main/lib/errors.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import type { KeyProvider } from '../../../main/vault/key-provider.ts';
import { createKeyringKeyProvider } from '../../../main/vault/keyring-key-provider.ts';
import { createPassphraseKeyProvider } from '../../../main/vault/passphrase-key-provider.ts';
import { createLazyVault, openVault } from '../../../main/vault/vault.ts';
import type { Vault } from '../../../main/vault/vault.ts';
import { createFakeSafeStorage } from './fake-safe-storage.ts';
import type { SafeStorageBackend } from './fake-safe-storage.ts';

/** One operation on the vault. */
export type DriverOp =
  | { op: 'set'; owner: string; name: string; value: string }
  | { op: 'get' | 'has' | 'unset'; owner: string; name: string }
  | { op: 'list' | 'clear'; owner: string }
  | { op: 'rotate'; allowDroppingProviders?: boolean }
  | { op: 'status' | 'unlock' };

/** What the driver reads from stdin. */
export interface DriverRequest {
  db: string;
  providers: Array<'keyring' | 'safe-storage' | 'passphrase'>;
  passphrase?: string;
  /** Fake safeStorage: same seed = same OS user. */
  safeStorageSeed?: string;
  safeStorageBackend?: SafeStorageBackend;
  /** 'eager' = openVault (default), 'lazy' = createLazyVault. */
  open?: 'eager' | 'lazy';
  ops: DriverOp[];
}

/** What the driver prints. */
export interface DriverResponse {
  openError?: ErrorInfo;
  results: Array<{ ok: true; value: unknown } | { ok: false; error: ErrorInfo }>;
}

const request = JSON.parse(fs.readFileSync(0, 'utf8')) as DriverRequest;
const response: DriverResponse = { results: [] };
const database = openDatabase({ file: request.db });
try {
  const providers = request.providers.map((kind): KeyProvider => {
    if (kind === 'keyring') return createKeyringKeyProvider({ platform: process.platform });
    if (kind === 'passphrase') {
      // Low scrypt cost keeps the child fast; the real cost is covered in-process.
      return createPassphraseKeyProvider({
        passphrase: request.passphrase ?? '',
        cost: { logN: 10, r: 8, p: 1 },
      });
    }
    return createSafeStorageKeyProvider({
      safeStorage: createFakeSafeStorage({
        seed: request.safeStorageSeed,
        backend: request.safeStorageBackend,
      }),
      platform: 'linux',
    });
  });
  const options = { db: database.connection, providers, redactor: new Redactor() };
  let vault: Vault | undefined;
  try {
    vault = request.open === 'lazy' ? createLazyVault(options) : openVault(options);
  } catch (error) {
    response.openError = toErrorInfo(error);
  }
  if (vault) for (const op of request.ops) response.results.push(runOp(vault, op));
} finally {
  database.close();
}
process.stdout.write(JSON.stringify(response) + '\n');

function runOp(vault: Vault, op: DriverOp): DriverResponse['results'][number] {
  try {
    switch (op.op) {
      case 'set':
        vault.set(op.owner, op.name, op.value);
        return { ok: true, value: null };
      case 'get':
        return { ok: true, value: vault.get(op.owner, op.name) ?? null };
      case 'has':
        return { ok: true, value: vault.has(op.owner, op.name) };
      case 'unset':
        return { ok: true, value: vault.unset(op.owner, op.name) };
      case 'list':
        return { ok: true, value: vault.listNames(op.owner) };
      case 'clear':
        return { ok: true, value: vault.clear(op.owner) };
      case 'rotate':
        return {
          ok: true,
          value: vault.rotate({ allowDroppingProviders: op.allowDroppingProviders ?? false }),
        };
      case 'status':
        return { ok: true, value: vault.status() };
      case 'unlock':
        return { ok: true, value: vault.unlock() };
    }
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}
