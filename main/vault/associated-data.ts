import type { KeyProviderKind, WrapContext } from './key-provider.ts';

// JSON arrays are an unambiguous encoding (strings are quoted and escaped), so ("a:b", "c") and ("a", "b:c")
// never produce the same bytes; the leading label separates the two uses and versions the format.

/** Associated data of a secret's ciphertext: binds it to its row (owner, name) and to the data key's id. */
export function secretAssociatedData(owner: string, name: string, keyId: string): Buffer {
  return Buffer.from(JSON.stringify(['switchboard/vault/secret/v1', owner, name, keyId]), 'utf8');
}

/** Associated data of a wrapped data key: binds it to one provider kind, vault and key id. */
export function wrappedKeyAssociatedData(kind: KeyProviderKind, context: WrapContext): Buffer {
  return Buffer.from(
    JSON.stringify(['switchboard/vault/dek/v1', kind, context.vaultId, context.keyId]),
    'utf8',
  );
}
