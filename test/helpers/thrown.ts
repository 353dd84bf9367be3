/** What `fn` throws (typed for the `code` and `details` of a SwitchboardError); returning normally fails. */
export function thrown(fn: () => unknown): Error & { code?: string; details?: unknown } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
