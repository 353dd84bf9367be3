/**
 * When to try a failed upstream again. Pure: the pool records failure times and asks; tests feed numbers.
 * Exponential backoff (base · 2^(n-1), capped) over the failures inside a sliding window, so a server that
 * crashed once last week restarts at once, and one that crash-loops settles at one attempt per `maxDelayMs`.
 */

export interface RestartPolicy {
  /** Delay after the first failure in the window. */
  baseDelayMs: number;
  /** Ceiling of the delay, however many failures. */
  maxDelayMs: number;
  /** Failures older than this no longer count (a server that ran this long is considered healthy again). */
  windowMs: number;
  /** After this many failures inside the window the server is marked failed and only a call or a restart revives it. */
  maxFailures: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  windowMs: 10 * 60_000,
  maxFailures: 10,
};

export type RestartPlan =
  | {
      action: 'restart';
      /** Milliseconds to wait before the attempt. */ delayMs: number;
      /** Failures counted in the window. */ attempt: number;
    }
  | { action: 'give-up'; attempt: number };

/** Decides how long to wait before restarting after the failures in `history` (epoch ms, any order). */
export function planRestart(
  history: readonly number[],
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): RestartPlan {
  const attempt = recentFailures(history, now, policy).length;
  if (attempt === 0) return { action: 'restart', delayMs: 0, attempt };
  if (attempt > policy.maxFailures) return { action: 'give-up', attempt };
  // 2 ** 31 already dwarfs any sane cap; clamping the exponent keeps the arithmetic finite.
  const exponential = policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30);
  return { action: 'restart', delayMs: Math.min(exponential, policy.maxDelayMs), attempt };
}

/** The failures that still count at `now`, oldest first (the pool trims its history with this). */
export function recentFailures(
  history: readonly number[],
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): number[] {
  return history.filter((t) => t <= now && now - t < policy.windowMs).sort((a, b) => a - b);
}
