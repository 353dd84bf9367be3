import type { BridgeTarget } from './bridge-target.ts';
import { backoffDelays } from './backoff.ts';

export interface WaitForGatewayOptions {
  target: BridgeTarget;
  /** Total time to keep trying. */
  totalMs: number;
  /** Called once, when the first attempt fails: the one message a person sees while waiting. */
  onWaiting?: (url: URL) => void;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** True when the hub answers its health check at the target's port and the bridge token exists. */
export async function probeGateway(
  target: BridgeTarget,
  fetchFn: typeof fetch = fetch,
  signal?: AbortSignal,
): Promise<boolean> {
  if (target.token() === undefined) return false;
  const url = new URL('/healthz', target.url());
  try {
    const response = await fetchFn(url, {
      signal: AbortSignal.any([AbortSignal.timeout(2_000), ...(signal ? [signal] : [])]),
    });
    if (!response.ok) return false;
    // Another program may hold the port: only our own health answer counts.
    const body = (await response.json()) as { service?: unknown };
    return body.service === 'switchboard';
  } catch {
    return false;
  }
}

/** Retries with backoff until the hub is up (true) or the time budget is spent (false). */
export async function waitForGateway(options: WaitForGatewayOptions): Promise<boolean> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const probe = () => probeGateway(options.target, options.fetch, options.signal);
  if (await probe()) return true;
  options.onWaiting?.(options.target.url());
  for (const delay of backoffDelays({ totalMs: options.totalMs })) {
    if (options.signal?.aborted) return false;
    await sleep(delay);
    if (await probe()) return true;
  }
  return false;
}
