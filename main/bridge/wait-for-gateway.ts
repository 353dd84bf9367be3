import type { BridgeTarget } from './bridge-target.ts';
import { backoffDelays } from './backoff.ts';
import type { HubCheck } from './proven-hub.ts';
import { checkHub } from './proven-hub.ts';

export interface WaitForGatewayOptions {
  target: Pick<BridgeTarget, 'port' | 'url' | 'token'>;
  /** Total time to keep trying. */
  totalMs: number;
  /**
   * Called after each failed attempt with what answered: the caller says one line per kind of outage
   * (nothing there, or a program that is not this Switchboard).
   */
  onWaiting?: (url: URL, check: Exclude<HubCheck, { kind: 'proven' }>) => void;
  sleep?: (ms: number) => Promise<void>;
  /** How the port is checked (default: the hub proof on a fresh connection). */
  check?: (port: number, token: string | undefined) => Promise<HubCheck>;
  signal?: AbortSignal;
}

/**
 * What answers at the target's port: only a hub that PROVES it holds this data directory's bridge token
 * counts (see hub-proof.ts). `/healthz` is not asked: any program can say "switchboard" there.
 */
export async function probeHub(
  target: Pick<BridgeTarget, 'port' | 'token'>,
  check: (port: number, token: string | undefined) => Promise<HubCheck> = (port, token) =>
    checkHub({ port, token }),
): Promise<HubCheck> {
  let token: string | undefined;
  try {
    token = target.token();
  } catch {
    token = undefined; // a damaged token file: the hub replaces it when it starts
  }
  return check(target.port(), token);
}

/** True when this data directory's hub answers, proven, at the target's port. */
export async function probeGateway(target: Pick<BridgeTarget, 'port' | 'token'>): Promise<boolean> {
  return (await probeHub(target)).kind === 'proven';
}

/** Retries with backoff until the hub is up and proven (true) or the time budget is spent (false). */
export async function waitForGateway(options: WaitForGatewayOptions): Promise<boolean> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const probe = async () => {
    const check = await probeHub(options.target, options.check);
    if (check.kind === 'proven') return true;
    options.onWaiting?.(options.target.url(), check);
    return false;
  };
  if (await probe()) return true;
  for (const delay of backoffDelays({ totalMs: options.totalMs })) {
    if (options.signal?.aborted) return false;
    await sleep(delay);
    if (await probe()) return true;
  }
  return false;
}
