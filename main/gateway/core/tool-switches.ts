import { createListeners } from '../../lib/listeners.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CatalogChange, CatalogSource } from './catalog-source.ts';

/** A catalog source without the tools the person switched off, plus the way to say a switch moved. */
export interface SwitchedCatalogSource extends CatalogSource {
  /** A tool of `prefix` was switched on or off: clients get list_changed. */
  switched(prefix: string): void;
}

/** Hides switched-off tools (by server id) from every listing and every call. */
export function withToolSwitches(
  source: CatalogSource,
  switches: { allDisabled(): Map<number, Set<string>> },
  log: Logger,
): SwitchedCatalogSource {
  const toggles = createListeners<{ change: (change: CatalogChange) => void }>(log);
  return {
    list() {
      const disabled = switches.allDisabled();
      return source.list().map((catalog) => {
        const off = disabled.get(catalog.serverId);
        return off === undefined || off.size === 0
          ? catalog
          : { ...catalog, tools: catalog.tools.filter((t) => !off.has(t.name)) };
      });
    },
    onChange(listener) {
      const offSource = source.onChange(listener);
      const offToggles = toggles.on('change', listener);
      return () => {
        offSource();
        offToggles();
      };
    },
    switched(prefix) {
      toggles.emit('change', { prefix, changes: { tools: true, prompts: false, resources: false } });
    },
  };
}
