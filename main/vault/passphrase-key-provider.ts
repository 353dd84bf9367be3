import crypto from 'node:crypto';
import { SwitchboardError } from '../lib/errors.ts';
import { KEY_BYTES, unwrapKeyBlob, wrapKeyBlob } from './aes-gcm.ts';
import { wrappedKeyAssociatedData } from './associated-data.ts';
import type { KeyProvider, WrapContext } from './key-provider.ts';
import { PASSPHRASE_ENV, PASSPHRASE_FILE_FLAG } from './key-store-names.ts';

/** scrypt cost parameters; stored in each blob so the default can be raised without breaking old vaults. */
export interface ScryptCost {
  /** log2 of N, the CPU/memory cost. */
  logN: number;
  r: number;
  p: number;
}

/**
 * N=2^17, r=8, p=1: the minimum OWASP's password storage cheat sheet gives for scrypt. 128 MiB and about
 * 0.45 s per derivation on the 2-core build machine (2^15 would be 32 MiB / 0.12 s). Someone who stole the
 * database pays this per guess; we pay it once per process, and only when a secret is first needed (the
 * vault opens lazily). Stored in every blob, so it can change without breaking existing vaults.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { logN: 17, r: 8, p: 1 };

const FORMAT_V1 = 0x01;
const SALT_BYTES = 16;
const HEADER_BYTES = 4 + SALT_BYTES; // version, logN, r, p, salt
// A blob is read from the database: refuse costs that would let an altered row pin a CPU or exhaust memory.
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

export interface PassphraseKeyProviderOptions {
  passphrase: string;
  /** Lower only in tests, to keep them fast. */
  cost?: ScryptCost;
}

/**
 * A KeyProvider deriving the key-encryption key from a passphrase with scrypt (random 128-bit salt per
 * blob). Only ever used when a person asks for it explicitly (headless machines without an OS keyring).
 */
export function createPassphraseKeyProvider(options: PassphraseKeyProviderOptions): KeyProvider {
  // NFC: the same passphrase typed on macOS (which may produce decomposed characters) and elsewhere must match.
  const secret = Buffer.from(options.passphrase.normalize('NFC'), 'utf8');
  if (secret.length === 0) {
    throw new SwitchboardError(
      'USAGE',
      `The vault passphrase is empty; set a non-empty ${PASSPHRASE_ENV} or passphrase file`,
    );
  }
  const cost = options.cost ?? DEFAULT_SCRYPT_COST;
  assertCost(cost, 'USAGE');
  const derived = new Map<string, Buffer>(); // by salt+cost: scrypt runs once per blob per process

  const derive = (salt: Buffer, c: ScryptCost): Buffer => {
    const cacheKey = `${salt.toString('hex')}:${c.logN}:${c.r}:${c.p}`;
    let kek = derived.get(cacheKey);
    if (!kek) {
      const N = 2 ** c.logN;
      kek = crypto.scryptSync(secret, salt, KEY_BYTES, { N, r: c.r, p: c.p, maxmem: 2 * scryptMemory(c) });
      derived.set(cacheKey, kek);
    }
    return kek;
  };

  return {
    kind: 'passphrase',
    describe: () => 'vault passphrase (scrypt)',
    wrap(dek: Buffer, context: WrapContext): Buffer {
      const salt = crypto.randomBytes(SALT_BYTES);
      const header = Buffer.concat([Buffer.of(FORMAT_V1, cost.logN, cost.r, cost.p), salt]);
      return Buffer.concat([header, wrapKeyBlob(derive(salt, cost), dek, associatedData(header, context))]);
    },
    unwrap(blob: Buffer, context: WrapContext): Buffer {
      if (blob.length <= HEADER_BYTES || blob[0] !== FORMAT_V1) throw malformed();
      const header = blob.subarray(0, HEADER_BYTES);
      const blobCost: ScryptCost = { logN: blob[1] ?? 0, r: blob[2] ?? 0, p: blob[3] ?? 0 };
      assertCost(blobCost, 'VAULT_DECRYPT_FAILED');
      const kek = derive(blob.subarray(4, HEADER_BYTES), blobCost);
      const dek = unwrapKeyBlob(kek, blob.subarray(HEADER_BYTES), associatedData(header, context));
      if (!dek) {
        throw new SwitchboardError(
          'VAULT_DECRYPT_FAILED',
          `The vault passphrase is wrong: it does not open this vault's data key. Check ${PASSPHRASE_ENV} or the ` +
            `file given with ${PASSPHRASE_FILE_FLAG} (or the stored key copy was altered)`,
        );
      }
      return dek;
    },
    check(): void {
      // Nothing to reach: the passphrase is in memory. Whether it is the RIGHT one shows at unwrap.
    },
  };
}

// The header (format and cost) is authenticated too, so lowering the cost in a stored blob is detected.
function associatedData(header: Buffer, context: WrapContext): Buffer {
  return Buffer.concat([wrappedKeyAssociatedData('passphrase', context), header]);
}

function scryptMemory(cost: ScryptCost): number {
  return 128 * 2 ** cost.logN * cost.r * cost.p;
}

function assertCost(cost: ScryptCost, code: 'USAGE' | 'VAULT_DECRYPT_FAILED'): void {
  const ok =
    Number.isInteger(cost.logN) &&
    cost.logN >= 1 &&
    cost.logN <= 24 &&
    Number.isInteger(cost.r) &&
    cost.r >= 1 &&
    cost.r <= 32 &&
    Number.isInteger(cost.p) &&
    cost.p >= 1 &&
    cost.p <= 16 &&
    scryptMemory(cost) <= MAX_SCRYPT_MEMORY;
  if (!ok) {
    throw code === 'USAGE'
      ? new SwitchboardError('USAGE', `scrypt cost out of range: ${JSON.stringify(cost)}`)
      : malformed();
  }
}

function malformed(): SwitchboardError {
  return new SwitchboardError(
    'VAULT_DECRYPT_FAILED',
    "The vault's passphrase-protected key copy is malformed (the database row was altered or written by a newer Switchboard)",
  );
}
