import type { ErrorCode } from '../lib/errors.ts';
import { SwitchboardError, toErrorInfo } from '../lib/errors.ts';
import type { KeyProviderKind } from './key-provider.ts';
import { keyProviderLabel } from './key-store-names.ts';

/** One key store that could not be used, and why. */
export interface ProviderFailure {
  kind: KeyProviderKind;
  error: unknown;
}

/** VAULT_DECRYPT_FAILED for one secret: names the owner and name, never the value or key material. */
export function secretDecryptError(owner: string, name: string, why: string): SwitchboardError {
  return new SwitchboardError(
    'VAULT_DECRYPT_FAILED',
    `Secret "${name}" of "${owner}" cannot be decrypted: ${why}. Set it again to replace it`,
    { details: { owner, name } },
  );
}

/**
 * The error for "no configured key store could open (or create) the vault key". A single failure is passed
 * through as is (its message already says what to do); several are listed, one per store.
 */
export function noKeyStoreError(
  failures: readonly ProviderFailure[],
  scope: { holders: readonly KeyProviderKind[]; configured: readonly KeyProviderKind[] },
): SwitchboardError {
  if (failures.length === 1 && failures[0]!.error instanceof SwitchboardError) return failures[0]!.error;
  if (failures.length === 0) {
    if (scope.configured.length === 0) {
      return new SwitchboardError(
        'VAULT_UNAVAILABLE',
        'No key store is configured for the vault (this is a bug: report it)',
      );
    }
    // Every store we can use is reachable but none holds a copy of this vault's key.
    return new SwitchboardError(
      'VAULT_UNAVAILABLE',
      `This vault's key is held by ${list(scope.holders)}, but this process can only use ${list(scope.configured)}. ` +
        `Open Switchboard once where ${scope.holders.length > 1 ? 'one of those' : 'that'} is available (it then adds a ` +
        `copy for every other reachable key store), or run with the same key store options as before`,
      { details: { holders: scope.holders, configured: scope.configured } },
    );
  }
  const attempts = failures.map((f) => ({ provider: f.kind, ...toErrorInfo(f.error) }));
  const code: ErrorCode = attempts.every((a) => a.code === 'VAULT_DECRYPT_FAILED')
    ? 'VAULT_DECRYPT_FAILED'
    : 'VAULT_UNAVAILABLE';
  return new SwitchboardError(
    code,
    `No key store could open the vault: ${attempts.map((a) => `${keyProviderLabel(a.provider)}: ${a.message}`).join(' | ')}`,
    { details: { attempts } },
  );
}

function list(kinds: readonly KeyProviderKind[]): string {
  return kinds.map(keyProviderLabel).join(' or ');
}
