import { describe, expect, it } from 'vitest';
import { shouldNotify } from '../../../main/app/notifications.ts';
import { health } from './fixtures.ts';

const on = { notifications: true };
const gh = { name: 'GitHub' };

describe('shouldNotify', () => {
  it('notifies when a known server turns bad', () => {
    expect(
      shouldNotify(
        health('healthy'),
        health('unhealthy', { lastError: { message: 'connection refused', code: null, at: 1 } }),
        on,
        gh,
      ),
    ).toEqual({
      title: 'GitHub stopped answering',
      body: 'connection refused',
    });
    expect(shouldNotify(health('healthy'), health('needs_auth'), on, gh)?.title).toBe(
      'GitHub needs you to sign in again',
    );
    expect(shouldNotify(health('unknown'), health('needs_config', { missing: ['TOKEN'] }), on, gh)).toEqual({
      title: 'GitHub needs a value before it can start',
      body: 'Open Switchboard to see what happened. (TOKEN)',
    });
  });
  it('stays quiet when the setting is off, at first sight, for a repeat, or for a non-bad state', () => {
    expect(shouldNotify(health('healthy'), health('unhealthy'), { notifications: false }, gh)).toBeNull();
    expect(shouldNotify(undefined, health('unhealthy'), on, gh)).toBeNull();
    expect(shouldNotify(health('unhealthy'), health('unhealthy'), on, gh)).toBeNull();
    for (const status of ['healthy', 'degraded', 'starting', 'stopped', 'disabled', 'unknown'] as const) {
      expect(shouldNotify(health('unhealthy'), health(status), on, gh)).toBeNull();
    }
  });
  it('notifies again when a bad state changes into another bad state', () => {
    expect(shouldNotify(health('needs_config'), health('unhealthy'), on, gh)).not.toBeNull();
  });
});
