import { describe, expect, it } from 'vitest';
import {
  KEY_BYTES,
  NONCE_BYTES,
  openAesGcm,
  randomKey,
  sealAesGcm,
  TAG_BYTES,
  unwrapKeyBlob,
  wrapKeyBlob,
} from '../../../main/vault/aes-gcm.ts';
import { secretAssociatedData, wrappedKeyAssociatedData } from '../../../main/vault/associated-data.ts';

const aad = Buffer.from('context');

describe('sealAesGcm / openAesGcm', () => {
  it('round-trips and appends a 16-byte tag', () => {
    const key = randomKey();
    const { nonce, ciphertext } = sealAesGcm(key, Buffer.from('hello'), aad);
    expect(nonce).toHaveLength(NONCE_BYTES);
    expect(ciphertext).toHaveLength(5 + TAG_BYTES);
    expect(openAesGcm(key, nonce, ciphertext, aad)?.toString()).toBe('hello');
  });

  it('uses a fresh nonce for every message', () => {
    const key = randomKey();
    const nonces = new Set(
      Array.from({ length: 200 }, () => sealAesGcm(key, Buffer.from('x'), aad).nonce.toString('hex')),
    );
    expect(nonces.size).toBe(200);
  });

  it('rejects a flipped ciphertext bit, a flipped tag bit, other associated data and another key', () => {
    const key = randomKey();
    const { nonce, ciphertext } = sealAesGcm(key, Buffer.from('hello world'), aad);
    for (const index of [0, ciphertext.length - 1]) {
      const altered = Buffer.from(ciphertext);
      altered[index]! ^= 0x01;
      expect(openAesGcm(key, nonce, altered, aad)).toBeUndefined();
    }
    expect(openAesGcm(key, nonce, ciphertext, Buffer.from('other'))).toBeUndefined();
    expect(openAesGcm(randomKey(), nonce, ciphertext, aad)).toBeUndefined();
    expect(openAesGcm(key, Buffer.alloc(NONCE_BYTES), ciphertext, aad)).toBeUndefined();
  });

  it('rejects malformed input instead of throwing', () => {
    const key = randomKey();
    expect(openAesGcm(key, Buffer.alloc(8), Buffer.alloc(32), aad)).toBeUndefined();
    expect(openAesGcm(key, Buffer.alloc(NONCE_BYTES), Buffer.alloc(4), aad)).toBeUndefined();
  });

  it('refuses a key of the wrong size (programming error)', () => {
    expect(() => sealAesGcm(Buffer.alloc(16), Buffer.from('x'), aad)).toThrow(/32 bytes/);
  });
});

describe('wrapKeyBlob / unwrapKeyBlob', () => {
  it('round-trips a data key and rejects anything altered', () => {
    const kek = randomKey();
    const dek = randomKey();
    const blob = wrapKeyBlob(kek, dek, aad);
    expect(blob[0]).toBe(1);
    expect(unwrapKeyBlob(kek, blob, aad)?.equals(dek)).toBe(true);
    expect(unwrapKeyBlob(kek, blob, Buffer.from('other'))).toBeUndefined();
    expect(unwrapKeyBlob(randomKey(), blob, aad)).toBeUndefined();
    const altered = Buffer.from(blob);
    altered[0] = 2; // unknown format version
    expect(unwrapKeyBlob(kek, altered, aad)).toBeUndefined();
    expect(unwrapKeyBlob(kek, blob.subarray(0, 20), aad)).toBeUndefined();
    expect(dek).toHaveLength(KEY_BYTES);
  });
});

describe('associated data', () => {
  it('is unambiguous across field boundaries', () => {
    expect(secretAssociatedData('a:b', 'c', 'k').equals(secretAssociatedData('a', 'b:c', 'k'))).toBe(false);
    expect(secretAssociatedData('a', 'b', 'k1').equals(secretAssociatedData('a', 'b', 'k2'))).toBe(false);
  });

  it('binds a wrapped key to provider kind, vault and key id', () => {
    const base = wrappedKeyAssociatedData('keyring', { vaultId: 'v', keyId: 'k' });
    expect(base.equals(wrappedKeyAssociatedData('passphrase', { vaultId: 'v', keyId: 'k' }))).toBe(false);
    expect(base.equals(wrappedKeyAssociatedData('keyring', { vaultId: 'w', keyId: 'k' }))).toBe(false);
    expect(base.equals(wrappedKeyAssociatedData('keyring', { vaultId: 'v', keyId: 'j' }))).toBe(false);
  });
});
