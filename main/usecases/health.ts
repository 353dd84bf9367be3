import type { HealthSnapshot } from '../../preload/contract/models.ts';
import type { HealthRecord } from '../health/health-record.ts';
import { statusRowsFromHistory, type StatusRow } from '../health/status-report.ts';
import type { UseCaseContext } from './context.ts';
import { healthOf, snapshotOf } from './server-views.ts';

/** What people ask about health: check now, the recent results, and one line per server. */
export interface HealthUseCases {
  /** Re-checks now when this process runs the hub; otherwise the last recorded result. */
  check(prefix: string): Promise<HealthSnapshot>;
  history(prefix: string, limit?: number): HealthRecord[];
  /** `switchboard status`: every server with status, latency, problem and age. */
  report(): StatusRow[];
}

/** The health use-cases over a context. */
export function healthUseCases(ctx: UseCaseContext, hubRunning: () => boolean): HealthUseCases {
  const { registry } = ctx;
  return {
    async check(prefix) {
      const server = registry.servers.get(prefix);
      const state = await ctx.runtime()?.health.checkNow(prefix);
      return state ? snapshotOf(state) : healthOf(ctx, server);
    },
    history: (prefix, limit = 50) => registry.healthHistory.lastN(registry.servers.get(prefix).id, limit),
    report: () =>
      statusRowsFromHistory(
        registry.servers.list().map((s) => ({ id: s.id, prefix: s.prefix, enabled: s.enabled })),
        registry.healthHistory.latestPerServer(),
        ctx.clock.now(),
        { hubRunning: hubRunning() },
      ),
  };
}
