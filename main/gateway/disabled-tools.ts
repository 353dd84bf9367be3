import type { UpstreamPool } from '../upstream/upstream-pool.ts';
import type { UpstreamPoolEvents } from '../upstream/upstream-types.ts';
import type { Listeners } from '../upstream/listeners.ts';

/**
 * The pool as the gateway core sees it, plus per-tool switches: when the person turns a tool on or off, the
 * core hears a `catalog` change for that server, rebuilds its aggregate (from catalogs the hub filters) and
 * sends list_changed — the same path as an upstream announcing new tools. The core itself stays unaware.
 */
export function filterDisabledTools(
  pool: UpstreamPool,
  toggles: Listeners<{ changed: (prefix: string) => void }>,
): Pick<UpstreamPool, 'request' | 'on' | 'status'> {
  return {
    request: (prefix, request, options) => pool.request(prefix, request, options),
    status: (prefix) => pool.status(prefix),
    on<K extends keyof UpstreamPoolEvents>(event: K, listener: UpstreamPoolEvents[K]) {
      const off = pool.on(event, listener);
      if (event !== 'catalog') return off;
      const catalogListener = listener as UpstreamPoolEvents['catalog'];
      const offToggles = toggles.on('changed', (prefix) =>
        catalogListener({ prefix, changes: { tools: true, prompts: false, resources: false } }),
      );
      return () => {
        off();
        offToggles();
      };
    },
  };
}
