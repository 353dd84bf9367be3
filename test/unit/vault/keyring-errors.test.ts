import { describe, expect, it } from 'vitest';
import { classifyKeyringError, keyringUnavailableError } from '../../../main/vault/keyring-errors.ts';
import { KEYRING_ERRORS } from './fake-keyring-entry.ts';

const where = { service: 'mcp-switchboard', account: 'vault-kek:v' };

describe('classifyKeyringError', () => {
  it('recognises the messages @napi-rs/keyring produces', () => {
    expect(classifyKeyringError(new Error(KEYRING_ERRORS.locked))).toEqual({
      failure: 'locked',
      reason: 'unlock prompt was dismissed',
    });
    expect(classifyKeyringError(new Error(KEYRING_ERRORS.accessDenied))).toEqual({
      failure: 'unreachable',
      reason: 'AccessDenied',
    });
    expect(classifyKeyringError(new Error(KEYRING_ERRORS.noBus)).failure).toBe('unreachable');
    expect(classifyKeyringError(new Error('Entry is matched by multiple credentials: 2')).failure).toBe(
      'ambiguous',
    );
    expect(classifyKeyringError('weird').reason).toBe('weird');
  });
});

describe('keyringUnavailableError', () => {
  it('gives the Linux fix and the passphrase opt-in', () => {
    const error = keyringUnavailableError(new Error(KEYRING_ERRORS.accessDenied), {
      platform: 'linux',
      ...where,
    });
    expect(error.code).toBe('VAULT_UNAVAILABLE');
    expect(error.message).toBe(
      'No OS keyring reachable (Secret Service over D-Bus: AccessDenied). Start a desktop session with gnome-keyring ' +
        'or KWallet (the Secret Service must be on the session D-Bus, DBUS_SESSION_BUS_ADDRESS), or opt in to a ' +
        'passphrase with SWITCHBOARD_VAULT_PASSPHRASE / --vault-passphrase-file',
    );
    expect(error.details).toMatchObject({ failure: 'unreachable', account: 'vault-kek:v' });
  });

  it('names the store of each platform', () => {
    expect(keyringUnavailableError(new Error('x'), { platform: 'darwin', ...where }).message).toMatch(
      /macOS Keychain.*login keychain/,
    );
    expect(keyringUnavailableError(new Error('x'), { platform: 'win32', ...where }).message).toMatch(
      /Windows Credential Manager/,
    );
  });

  it('tells a person to unlock a locked keyring', () => {
    const error = keyringUnavailableError(new Error(KEYRING_ERRORS.locked), { platform: 'linux', ...where });
    expect(error.message).toMatch(
      /^The OS keyring is locked \(Secret Service over D-Bus: unlock prompt was dismissed\)\. Unlock it/,
    );
  });

  it('explains duplicate entries', () => {
    const error = keyringUnavailableError(new Error('Entry is matched by multiple credentials'), {
      platform: 'linux',
      ...where,
    });
    expect(error.message).toMatch(/more than one entry.*vault-kek:v.*Delete the extra entries/);
  });
});
