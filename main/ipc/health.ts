import { createHealthHistoryRepository } from '../registry/health-history-repository.ts';
import { snapshotOf } from '../services.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';
import { healthOf } from './server-views.ts';

/** health.*: check a server now, and its recent results. */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  const { registry } = services.hub;
  const history = createHealthHistoryRepository(registry.db);

  return {
    'health.check': async ({ prefix }) => {
      const server = registry.servers.get(prefix);
      const state = await services.health.checkNow(prefix);
      return state ? snapshotOf(state) : healthOf(services, server);
    },

    'health.history': ({ prefix, limit }) => {
      registry.servers.get(prefix);
      return history.lastN(prefix, limit ?? 50).map((r) => ({
        status: r.status,
        latencyMs: r.latencyMs,
        error: r.error,
        checkedAt: r.checkedAt,
      }));
    },
  };
}
