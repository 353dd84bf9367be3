import { randomUUID } from 'node:crypto';
import type { Clock } from '../lib/clock.ts';
import type { ErrorInfo } from '../lib/errors.ts';
import { toErrorInfo } from '../lib/errors.ts';
import type { SignInOptions } from './connect-flows.ts';
import type { CredentialStatus } from './grant-record.ts';

/**
 * Connects started on someone's behalf — the window (`auth.start`) or a CLI in another process
 * (`POST /admin/auth/connect`) — as records that can be looked up while the sign-in waits: the starter
 * learns the authorization URL to SHOW (never to log), can cancel, and sees how it ended (connected, failed,
 * cancelled, timed out). One process-wide table per OAuth manager; finished records are kept a while so a
 * late look-up still finds the outcome.
 */

export type ConnectAttemptState = 'starting' | 'waiting' | 'connected' | 'failed' | 'cancelled' | 'timed_out';

export interface ConnectAttempt {
  id: string;
  prefix: string;
  state: ConnectAttemptState;
  startedAt: number;
  /** While `waiting`: the page the person opens (state + PKCE challenge; no secret, but one-time). */
  authorizationUrl?: string;
  /** While `waiting`: whether the system browser was asked to open it. */
  opened?: boolean;
  /** While `waiting`: when the sign-in times out. */
  expiresAt?: number;
  /** Once `connected`. */
  status?: CredentialStatus;
  /** Once `failed`, `cancelled` or `timed_out`: what happened and what to do. */
  error?: ErrorInfo;
  finishedAt?: number;
}

export interface ConnectAttempts {
  /**
   * Starts a Connect and resolves once the person has something to do (the URL is known), it finished
   * (client credentials, an error), or `readyWaitMs` passed. Throws at once (NOT_FOUND, VALIDATION) when
   * `prefix` cannot be connected at all.
   */
  start(
    prefix: string,
    options: { scopes?: string[]; open: boolean; onChange?: (attempt: ConnectAttempt) => void },
  ): Promise<ConnectAttempt>;
  get(id: string): ConnectAttempt | undefined;
  /** The latest attempt for `prefix` (by name: the window shows it after navigating away and back). */
  latest(prefix: string): ConnectAttempt | undefined;
  /** Cancels the waiting attempt `id`; false when it was not waiting. */
  cancel(id: string): boolean;
  /** Forgets everything (shutdown). */
  close(): void;
}

export interface ConnectAttemptsDeps {
  /** The manager's own connect and cancel (a closure, so the table can live inside the manager). */
  connect(prefix: string, options: { scopes?: string[] } & SignInOptions): Promise<CredentialStatus>;
  /** Throws NOT_FOUND / VALIDATION for a prefix that cannot be connected (before anything starts). */
  check(prefix: string): void;
  cancel(prefix: string, message: string): boolean;
  clock: Clock;
  /** How long a finished attempt can still be looked up (default 10 minutes). */
  keepFinishedMs?: number;
  /** Longest wait of `start` for the URL (default 60 s). */
  readyWaitMs?: number;
}

const MAX_KEPT = 200;
const CANCELLED = 'Sign-in cancelled.';

/** Creates the table. */
export function createConnectAttempts(deps: ConnectAttemptsDeps): ConnectAttempts {
  const keepFinishedMs = deps.keepFinishedMs ?? 10 * 60_000;
  const readyWaitMs = deps.readyWaitMs ?? 60_000;
  const byId = new Map<string, ConnectAttempt>();
  const latestByPrefix = new Map<string, string>();
  const cancelRequested = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();

  const put = (attempt: ConnectAttempt) => {
    byId.set(attempt.id, attempt);
    latestByPrefix.set(attempt.prefix, attempt.id);
    // Bounded: the oldest records go first (a finished one is only kept for late look-ups).
    for (const id of byId.keys()) {
      if (byId.size <= MAX_KEPT) break;
      byId.delete(id);
    }
  };
  const expire = (attempt: ConnectAttempt) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (byId.get(attempt.id) !== attempt) return;
      byId.delete(attempt.id);
      if (latestByPrefix.get(attempt.prefix) === attempt.id) latestByPrefix.delete(attempt.prefix);
    }, keepFinishedMs);
    timer.unref?.();
    timers.add(timer);
  };

  return {
    async start(prefix, options) {
      deps.check(prefix);
      const id = randomUUID();
      let current: ConnectAttempt = { id, prefix, state: 'starting', startedAt: deps.clock.now() };
      put(current);
      let ready!: () => void;
      const readied = new Promise<void>((resolve) => (ready = resolve));
      const update = (next: ConnectAttempt) => {
        // A newer state never goes back (the URL can arrive after a quick failure in odd orders).
        if (isFinished(current.state)) return;
        current = next;
        put(current);
        if (isFinished(next.state)) {
          cancelRequested.delete(id);
          expire(next);
        }
        if (next.state !== 'starting') ready();
        options.onChange?.(next);
      };
      void deps
        .connect(prefix, {
          scopes: options.scopes,
          open: options.open,
          onAuthorizationUrl: ({ url, expiresAt, opened }) =>
            update({ ...current, state: 'waiting', authorizationUrl: url.href, opened, expiresAt }),
        })
        .then(
          (status) => update(finished(current, 'connected', deps.clock.now(), { status })),
          (error: unknown) => {
            const info = toErrorInfo(error);
            const reason = (info.details as { reason?: unknown } | undefined)?.reason;
            const state: ConnectAttemptState = cancelRequested.has(id)
              ? 'cancelled'
              : reason === 'timeout'
                ? 'timed_out'
                : 'failed';
            update(
              finished(current, state, deps.clock.now(), {
                error: { code: info.code, message: state === 'cancelled' ? CANCELLED : info.message },
              }),
            );
          },
        );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        readied,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, readyWaitMs))),
      ]);
      clearTimeout(timer);
      return current;
    },

    get: (id) => byId.get(id),

    latest(prefix) {
      const id = latestByPrefix.get(prefix);
      return id === undefined ? undefined : byId.get(id);
    },

    cancel(id) {
      const attempt = byId.get(id);
      if (!attempt || isFinished(attempt.state)) return false;
      cancelRequested.add(id);
      const cancelled = deps.cancel(attempt.prefix, CANCELLED);
      if (!cancelled) cancelRequested.delete(id);
      return cancelled;
    },

    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      byId.clear();
      latestByPrefix.clear();
    },
  };
}

function isFinished(state: ConnectAttemptState): boolean {
  return state !== 'starting' && state !== 'waiting';
}

/** The finished form of an attempt: the one-time address and its deadline are gone. */
function finished(
  attempt: ConnectAttempt,
  state: ConnectAttemptState,
  at: number,
  extra: Pick<ConnectAttempt, 'status' | 'error'>,
): ConnectAttempt {
  return {
    id: attempt.id,
    prefix: attempt.prefix,
    state,
    startedAt: attempt.startedAt,
    finishedAt: at,
    ...extra,
  };
}
