import fs from 'node:fs';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import type { Redactor } from '../lib/redactor.ts';
import type { KeyProvider } from './key-provider.ts';
import type { KeyringEntryFactory } from './keyring-key-provider.ts';
import { createKeyringKeyProvider } from './keyring-key-provider.ts';
import { PASSPHRASE_ENV, PASSPHRASE_FILE_FLAG } from './key-store-names.ts';
import type { ScryptCost } from './passphrase-key-provider.ts';
import { createPassphraseKeyProvider } from './passphrase-key-provider.ts';

export interface SelectKeyProvidersOptions {
  env: NodeJS.ProcessEnv;
  /** Value of --vault-passphrase-file, when given. */
  passphraseFile?: string | undefined;
  platform: NodeJS.Platform;
  /** Learns the passphrase so no log line can ever show it. */
  redactor?: Redactor;
  /** Test seams. */
  readFile?: (file: string) => string;
  keyringEntryFactory?: KeyringEntryFactory;
  scryptCost?: ScryptCost;
}

/**
 * Key providers for the headless CLI: the OS keyring by default; ONLY a passphrase when one is given
 * explicitly (SWITCHBOARD_VAULT_PASSPHRASE or --vault-passphrase-file). Never a plaintext fallback.
 */
export function selectKeyProviders(options: SelectKeyProvidersOptions): KeyProvider[] {
  const passphrase = explicitPassphrase(options);
  if (passphrase === undefined) {
    return [
      createKeyringKeyProvider({ platform: options.platform, entryFactory: options.keyringEntryFactory }),
    ];
  }
  options.redactor?.add(passphrase);
  // Passphrase only, not passphrase + keyring: a person who chose a passphrase (typically a server without
  // a desktop session) did not ask for the key to also unlock silently from a keyring, and the vault adds a
  // copy for every configured store it can reach.
  return [createPassphraseKeyProvider({ passphrase, cost: options.scryptCost })];
}

function explicitPassphrase(options: SelectKeyProvidersOptions): string | undefined {
  const fromEnv = options.env[PASSPHRASE_ENV];
  const file = options.passphraseFile;
  if (fromEnv !== undefined && file !== undefined) {
    throw new SwitchboardError(
      'USAGE',
      `Give the vault passphrase once: either ${PASSPHRASE_ENV} or ${PASSPHRASE_FILE_FLAG}, not both`,
    );
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = (options.readFile ?? ((f) => fs.readFileSync(f, 'utf8')))(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? errorMessage(error);
      throw new SwitchboardError('USAGE', `Cannot read the vault passphrase file ${file} (${reason})`, {
        cause: error,
      });
    }
    // Editors and `echo` end files with a newline that nobody means as part of the passphrase.
    const passphrase = text.replace(/\r?\n$/, '');
    if (passphrase === '') throw new SwitchboardError('USAGE', `The vault passphrase file ${file} is empty`);
    return passphrase;
  }
  if (fromEnv !== undefined) {
    // Set-but-empty is almost always a broken script: refuse rather than encrypt under "".
    if (fromEnv === '')
      throw new SwitchboardError(
        'USAGE',
        `${PASSPHRASE_ENV} is set but empty; give a passphrase or unset it`,
      );
    return fromEnv;
  }
  return undefined;
}
