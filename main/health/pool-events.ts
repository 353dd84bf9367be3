import type { UpstreamHealthEvent } from './health-monitor.ts';

/**
 * The part of the upstream pool's `state` event the monitor reads. Structural on purpose: health does not
 * import the pool, and the pool does not know about health; the hub connects the two with one line.
 */
export interface PoolStatusLike {
  prefix: string;
  serverId?: number;
  state: string;
  lastError?: { message: string };
}

/**
 * Maps a pool status change to the monitor's upstream event, or undefined for pool states the monitor
 * learns elsewhere (`needs_config` and `disabled` come from the registry through preflight and checkNow).
 * `backoff` (failed, retrying) and `failed` (gave up) both mean the process or connection died.
 */
export function upstreamEventFromPool(status: PoolStatusLike): UpstreamHealthEvent | undefined {
  const error = status.lastError?.message;
  switch (status.state) {
    case 'starting':
      return { prefix: status.prefix, serverId: status.serverId, state: 'starting' };
    case 'ready':
      return { prefix: status.prefix, serverId: status.serverId, state: 'running' };
    case 'stopped':
      return { prefix: status.prefix, serverId: status.serverId, state: 'stopped' };
    case 'backoff':
    case 'failed':
      return error === undefined
        ? { prefix: status.prefix, serverId: status.serverId, state: 'crashed' }
        : { prefix: status.prefix, serverId: status.serverId, state: 'crashed', error };
    default:
      return undefined;
  }
}
