import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** health.*: check a server now, and its recent results. */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { health } = hub.useCases;
  return {
    'health.check': ({ prefix }) => health.check(prefix),
    'health.history': ({ prefix, limit }) =>
      health.history(prefix, limit).map((r) => ({
        status: r.status,
        latencyMs: r.latencyMs,
        error: r.error,
        checkedAt: r.checkedAt,
      })),
  };
}
