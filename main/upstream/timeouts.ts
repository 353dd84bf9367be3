/**
 * Bounded waits for shutdown paths. Their timers are deliberately NOT unref'd: when `switchboard serve` stops,
 * stopping the pool may be the last thing keeping Node alive, and an unref'd timer between SIGTERM and SIGKILL
 * would let the process exit with a tree only half killed. Each timer is cleared as soon as the wait is over,
 * so none outlives its purpose.
 */

/** Resolves after `ms` milliseconds (keeps the process alive meanwhile). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `promise` settles or `ms` pass, whichever comes first; true when it settled in time. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
