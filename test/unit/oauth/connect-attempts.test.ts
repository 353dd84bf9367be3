import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../main/lib/errors.ts';
import type { ConnectAttemptsDeps } from '../../../main/oauth/connect-attempts.ts';
import { createConnectAttempts } from '../../../main/oauth/connect-attempts.ts';
import type { SignInOptions } from '../../../main/oauth/connect-flows.ts';
import type { CredentialStatus } from '../../../main/oauth/grant-record.ts';

/**
 * Connects started on someone's behalf (issue 11.4): the starter gets the page to SHOW as soon as it is
 * known, can cancel, and sees a timeout as a timeout — never "Waiting for the browser…" forever.
 */

const URL_SHOWN = new URL('https://idp.example/authorize?state=s&code_challenge=c');
const connected: CredentialStatus = {
  prefix: 'notes',
  flow: 'authorization_code',
  hasCredential: true,
  isExpired: false,
  scopes: ['mcp:read'],
  canRefresh: true,
};

/** A manager stand-in: each connect waits until the test settles it. */
function harness(overrides: Partial<ConnectAttemptsDeps> = {}) {
  const pending: {
    prefix: string;
    options: SignInOptions & { scopes?: string[] };
    resolve(status: CredentialStatus): void;
    reject(error: unknown): void;
  }[] = [];
  let now = 1_000;
  const attempts = createConnectAttempts({
    connect: (prefix, options) =>
      new Promise((resolve, reject) => pending.push({ prefix, options, resolve, reject })),
    check: (prefix) => {
      if (prefix === 'missing') throw new SwitchboardError('NOT_FOUND', 'no server has the prefix "missing"');
    },
    cancel: (prefix, message) => {
      const entry = pending.find((p) => p.prefix === prefix);
      entry?.reject(new SwitchboardError('OAUTH_ERROR', message, { details: { reason: 'cancelled' } }));
      return entry !== undefined;
    },
    clock: { now: () => now },
    readyWaitMs: 2_000,
    ...overrides,
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { attempts, pending, settle, advance: (ms: number) => (now += ms) };
}

describe('connect attempts', () => {
  it('answers with the page as soon as it is known, then reports the outcome', async () => {
    const { attempts, pending, settle } = harness();
    const changes: string[] = [];
    const started = attempts.start('notes', { open: false, onChange: (a) => changes.push(a.state) });
    await settle();
    expect(pending[0]?.options.open).toBe(false);
    pending[0]!.options.onAuthorizationUrl?.({ url: URL_SHOWN, expiresAt: 301_000, opened: false });
    const waiting = await started;
    expect(waiting).toMatchObject({
      prefix: 'notes',
      state: 'waiting',
      authorizationUrl: URL_SHOWN.href,
      opened: false,
      expiresAt: 301_000,
    });
    pending[0]!.resolve(connected);
    await settle();
    const done = attempts.latest('notes');
    expect(done).toMatchObject({ state: 'connected', status: connected });
    // The one-time address does not outlive the wait.
    expect(done?.authorizationUrl).toBeUndefined();
    expect(changes).toEqual(['waiting', 'connected']);
  });

  it('cancel ends a waiting sign-in as cancelled', async () => {
    const { attempts, pending, settle } = harness();
    const started = attempts.start('notes', { open: true });
    await settle();
    pending[0]!.options.onAuthorizationUrl?.({ url: URL_SHOWN, expiresAt: 2, opened: true });
    const { id } = await started;
    expect(attempts.cancel(id)).toBe(true);
    await settle();
    expect(attempts.get(id)).toMatchObject({ state: 'cancelled', error: { message: 'Sign-in cancelled.' } });
    expect(attempts.cancel(id)).toBe(false);
  });

  it('a timeout is reported as timed_out with what to do', async () => {
    const { attempts, pending, settle } = harness();
    const started = attempts.start('notes', { open: false });
    await settle();
    pending[0]!.options.onAuthorizationUrl?.({ url: URL_SHOWN, expiresAt: 2, opened: false });
    const { id } = await started;
    pending[0]!.reject(
      new SwitchboardError(
        'OAUTH_ERROR',
        'Sign-in to "notes" timed out: the browser did not come back within 300 s.',
        {
          details: { reason: 'timeout' },
        },
      ),
    );
    await settle();
    expect(attempts.get(id)).toMatchObject({
      state: 'timed_out',
      error: { message: expect.stringMatching(/timed out/) },
    });
  });

  it('a failure before any page (discovery refused) answers at once as failed', async () => {
    const { attempts, pending, settle } = harness();
    const started = attempts.start('notes', { open: false });
    await settle();
    pending[0]!.reject(new SwitchboardError('OAUTH_ERROR', 'the authorization server refused registration'));
    expect(await started).toMatchObject({ state: 'failed', error: { code: 'OAUTH_ERROR' } });
  });

  it('refuses an unknown server before anything starts', async () => {
    const { attempts, pending } = harness();
    await expect(attempts.start('missing', { open: false })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(pending).toEqual([]);
    expect(attempts.latest('missing')).toBeUndefined();
  });

  it('a start that takes long answers "starting" after the ready wait, and moves on later', async () => {
    const { attempts, pending, settle } = harness({ readyWaitMs: 10 });
    const first = await attempts.start('notes', { open: false });
    expect(first.state).toBe('starting');
    pending[0]!.options.onAuthorizationUrl?.({ url: URL_SHOWN, expiresAt: 2, opened: false });
    await settle();
    expect(attempts.get(first.id)?.state).toBe('waiting');
  });
});
