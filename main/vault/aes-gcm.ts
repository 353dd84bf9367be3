import crypto from 'node:crypto';
import { SwitchboardError } from '../lib/errors.ts';

/** AES-256 key length in bytes (data keys and key-encryption keys alike). */
export const KEY_BYTES = 32;
/** 96-bit nonces: the size GCM is specified for (other sizes are hashed into one, with weaker bounds). */
export const NONCE_BYTES = 12;
/** Full 128-bit tag, appended to the ciphertext. */
export const TAG_BYTES = 16;

const ALGORITHM = 'aes-256-gcm';

/** A fresh random 256-bit key. */
export function randomKey(): Buffer {
  return crypto.randomBytes(KEY_BYTES);
}

/** Encrypts with a fresh random nonce; `ciphertext` carries the tag at its end. */
export function sealAesGcm(
  key: Buffer,
  plaintext: Buffer,
  associatedData: Buffer,
): { nonce: Buffer; ciphertext: Buffer } {
  assertKey(key);
  // Random nonces are safe for ~2^32 messages under one key; a vault stores a few hundred values and rotation
  // starts a fresh key, so the birthday bound is never in sight.
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { nonce, ciphertext };
}

/** Decrypts and authenticates; returns undefined (never partial plaintext) when anything does not match. */
export function openAesGcm(
  key: Buffer,
  nonce: Buffer,
  ciphertext: Buffer,
  associatedData: Buffer,
): Buffer | undefined {
  assertKey(key);
  if (nonce.length !== NONCE_BYTES || ciphertext.length < TAG_BYTES) return undefined;
  const decipher = crypto.createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return undefined; // "Unsupported state or unable to authenticate data": the only failure final() reports.
  }
}

// Version byte of the self-contained wrapped-key blobs written by the keyring and passphrase providers, so a
// future format can be told apart instead of failing as "tampered".
const WRAP_FORMAT_V1 = 0x01;

/** Encrypts a data key under a key-encryption key into one blob: version | nonce | ciphertext+tag. */
export function wrapKeyBlob(kek: Buffer, dek: Buffer, associatedData: Buffer): Buffer {
  const { nonce, ciphertext } = sealAesGcm(kek, dek, associatedData);
  return Buffer.concat([Buffer.of(WRAP_FORMAT_V1), nonce, ciphertext]);
}

/** Reverses wrapKeyBlob; undefined when the blob is malformed or does not authenticate under `kek`. */
export function unwrapKeyBlob(kek: Buffer, blob: Buffer, associatedData: Buffer): Buffer | undefined {
  if (blob.length !== 1 + NONCE_BYTES + KEY_BYTES + TAG_BYTES || blob[0] !== WRAP_FORMAT_V1) return undefined;
  return openAesGcm(kek, blob.subarray(1, 1 + NONCE_BYTES), blob.subarray(1 + NONCE_BYTES), associatedData);
}

function assertKey(key: Buffer): void {
  // A short key would make createCipheriv throw a confusing "Invalid key length"; this is a programming error.
  if (key.length !== KEY_BYTES)
    throw new SwitchboardError('INTERNAL', `AES-256 key must be ${KEY_BYTES} bytes, got ${key.length}`);
}
