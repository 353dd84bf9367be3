import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import { osKeyStoreName, PASSPHRASE_HINT } from './key-store-names.ts';

/** The keyring-binding failure modes a person can do something different about. */
export type KeyringFailure = 'locked' | 'ambiguous' | 'unreachable';

/**
 * Classifies an error thrown by @napi-rs/keyring (keyring-rs) from its message; the binding exposes no
 * structured kind (every error has code "GenericFailure"). Observed messages on Linux:
 * "Couldn't access platform storage: Secret Service: unlock prompt was dismissed" (locked collection),
 * "Couldn't access platform storage: AccessDenied" (no Secret Service, default store selection),
 * "Platform failure: DBus error: Failed to connect to socket …" (no session bus, store pinned).
 */
export function classifyKeyringError(error: unknown): { failure: KeyringFailure; reason: string } {
  const raw = errorMessage(error);
  const reason =
    raw
      .replace(/^(Couldn't access platform storage|Platform failure):\s*(Secret Service:\s*)?/i, '')
      .trim() || 'unknown error';
  if (
    /unlock prompt was dismissed|is locked|locked collection|user interaction is not allowed|user canceled/i.test(
      raw,
    )
  ) {
    return { failure: 'locked', reason };
  }
  if (/ambiguous|multiple credentials|matched by multiple/i.test(raw))
    return { failure: 'ambiguous', reason };
  return { failure: 'unreachable', reason };
}

/** Turns a keyring-binding error into VAULT_UNAVAILABLE with a message that says how to fix it. */
export function keyringUnavailableError(
  error: unknown,
  options: { platform: NodeJS.Platform; service: string; account: string },
): SwitchboardError {
  const { failure, reason } = classifyKeyringError(error);
  const store = osKeyStoreName(options.platform);
  const details = { failure, store, service: options.service, account: options.account, reason };
  let message: string;
  if (failure === 'locked') {
    message =
      `The OS keyring is locked (${store}: ${reason}). Unlock it — log in to your desktop session or unlock ` +
      `the "Login" keyring in your keyring manager — and try again, ${PASSPHRASE_HINT}`;
  } else if (failure === 'ambiguous') {
    message =
      `The OS keyring holds more than one entry for service "${options.service}", account "${options.account}" ` +
      `(${store}: ${reason}). Delete the extra entries in your keyring manager and try again`;
  } else {
    message = `No OS keyring reachable (${store}: ${reason}). ${platformFix(options.platform)}, ${PASSPHRASE_HINT}`;
  }
  return new SwitchboardError('VAULT_UNAVAILABLE', message, { cause: error, details });
}

function platformFix(platform: NodeJS.Platform): string {
  if (platform === 'darwin')
    return 'Unlock your login keychain (Keychain Access) and allow Switchboard to use it';
  if (platform === 'win32') return 'Sign in to Windows with a profile that can use Credential Manager';
  return (
    'Start a desktop session with gnome-keyring or KWallet (the Secret Service must be on the session D-Bus, ' +
    'DBUS_SESSION_BUS_ADDRESS)'
  );
}
