import { randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock.ts';
import type { Redactor } from '../lib/redactor.ts';

/**
 * Secret values read from a pasted snippet, kept in main for a short while so the add form can store them
 * with the server without the window ever seeing one: the window gets an opaque handle and the names only
 * (docs/decisions/held-snippet-secrets.md). In memory only, never written anywhere; a handle is 192 random
 * bits, used once, and forgotten after `ttlMs`. The values are known to the redactor from the moment they are
 * held, so no log line or error can carry one.
 */
export interface SecretHolder {
  /** Holds `values`; returns the handle to pass back and when it stops working. */
  hold(values: Record<string, string>): { handle: string; expiresAt: number };
  /** The values held under `handle`, or undefined when it is unknown or expired. */
  peek(handle: string): Record<string, string> | undefined;
  /** Forgets the values (after they were stored, or when the person gives up). */
  drop(handle: string): void;
}

/** Ten minutes: long enough to review a filled form, short enough that nothing lingers. */
export const HELD_SECRETS_TTL_MS = 10 * 60_000;
/** At most this many snippets are held at once; the oldest is dropped first. */
const MAX_HELD = 32;

export function createSecretHolder(deps: { clock: Clock; redactor: Redactor; ttlMs?: number }): SecretHolder {
  const ttlMs = deps.ttlMs ?? HELD_SECRETS_TTL_MS;
  const held = new Map<string, { values: Record<string, string>; expiresAt: number }>();

  const forget = (handle: string) => {
    // Still redacted afterwards, on purpose: once stored the value is a vault secret, and a value the person
    // gave up on is no less secret.
    held.delete(handle);
  };
  const prune = () => {
    const now = deps.clock.now();
    for (const [handle, entry] of held) if (entry.expiresAt <= now) forget(handle);
  };

  return {
    hold(values) {
      prune();
      while (held.size >= MAX_HELD) {
        const oldest = held.keys().next().value;
        if (oldest === undefined) break;
        forget(oldest);
      }
      const handle = randomBytes(24).toString('base64url');
      const expiresAt = deps.clock.now() + ttlMs;
      for (const value of Object.values(values)) deps.redactor.add(value);
      held.set(handle, { values: { ...values }, expiresAt });
      return { handle, expiresAt };
    },
    peek(handle) {
      prune();
      const entry = held.get(handle);
      return entry ? { ...entry.values } : undefined;
    },
    drop: forget,
  };
}
