import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { resolveDefinition } from '../env/resolve-definition.ts';
import type { Clock } from '../lib/clock.ts';
import type { Preflight } from './health-monitor.ts';
import type { ProbeFn } from './run-probe.ts';

/** The pool as a probe needs it. */
export interface ProbedPool {
  start(prefix: string): Promise<void>;
  status(prefix: string): { era?: { era: string }; state: string } | undefined;
  request(prefix: string, request: { method: string }, options: { signal: AbortSignal }): Promise<unknown>;
}

/**
 * What "healthy" means: the server starts (or is connected), answers a ping — session-era servers only, the
 * stateless era has no ping — and lists its tools. The latency excludes the start, so a cold `npx` start is
 * not "slow".
 */
export function createProbe(pool: ProbedPool, clock: Clock): ProbeFn {
  return async (prefix, signal) => {
    await pool.start(prefix);
    const started = clock.now();
    if (pool.status(prefix)?.era?.era !== 'modern')
      await pool.request(prefix, { method: 'ping' }, { signal });
    await pool.request(prefix, { method: 'tools/list' }, { signal });
    return { latencyMs: clock.now() - started };
  };
}

/**
 * Says when probing is pointless, from the registry and the vault alone: variables without a value
 * (needs_config) or a browser sign-in that never happened (needs_auth).
 */
export function createPreflight(deps: {
  find(prefix: string): StoredServer | undefined;
  values(server: StoredServer): Record<string, string>;
  hasSignIn(prefix: string): boolean;
}): (prefix: string) => Preflight {
  return (prefix) => {
    const server = deps.find(prefix);
    if (server === undefined) return { kind: 'ready' };
    const resolution = resolveDefinition(server, deps.values(server));
    if (!resolution.ok) return { kind: 'needs_config', missing: resolution.missing };
    const signIn =
      server.transport !== 'stdio' &&
      server.auth?.kind === 'oauth' &&
      server.auth.flow === 'authorization_code';
    if (signIn && !deps.hasSignIn(prefix)) return { kind: 'needs_auth' };
    return { kind: 'ready' };
  };
}

/** A stdio server that is not running because it was never needed or went idle (not probed unless asked). */
export function isIdleStopped(
  find: (prefix: string) => StoredServer | undefined,
  pool: Pick<ProbedPool, 'status'>,
): (prefix: string) => boolean {
  return (prefix) => find(prefix)?.transport === 'stdio' && pool.status(prefix)?.state === 'stopped';
}
