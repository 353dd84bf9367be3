import type { KeyProviderKind } from './key-provider.ts';

/** Env var that opts the headless vault in to a passphrase instead of (not in addition to) the OS keyring. */
export const PASSPHRASE_ENV = 'SWITCHBOARD_VAULT_PASSPHRASE';
/** The CLI flag that does the same from a file. */
export const PASSPHRASE_FILE_FLAG = '--vault-passphrase-file';

/** The sentence every "no key store" error ends with: the explicit alternative to the OS key store. */
export const PASSPHRASE_HINT = `or opt in to a passphrase with ${PASSPHRASE_ENV} / ${PASSPHRASE_FILE_FLAG}`;

/** The name a person knows for their platform's key store. */
export function osKeyStoreName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd')
    return 'Secret Service over D-Bus';
  return 'OS keyring';
}

/** How a person names each kind of key store, for messages that list where the vault's key is held. */
export function keyProviderLabel(kind: KeyProviderKind): string {
  switch (kind) {
    case 'keyring':
      return 'the OS keyring';
    case 'safe-storage':
      return "the desktop app's OS-protected storage (Electron safeStorage)";
    case 'passphrase':
      return `a vault passphrase (${PASSPHRASE_ENV} / ${PASSPHRASE_FILE_FLAG})`;
    case 'memory':
      return 'an in-memory test key';
  }
}
