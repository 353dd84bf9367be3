import { SwitchboardError } from '../lib/errors.ts';
import {
  SETTING_KEYS,
  type SettingKey,
  type Settings,
  type SettingValue,
} from '../registry/settings-repository.ts';
import type { UseCaseContext } from './context.ts';

/** Hub settings (port, timeouts, retention, …), all changed in one transaction. */
export interface SettingUseCases {
  all(): Settings;
  get<K extends SettingKey>(key: K): SettingValue<K>;
  /**
   * Validates and stores every change, or none (VALIDATION naming the key). `"default"`-style resets are
   * `undefined` values. Returns the settings after the change.
   */
  set(changes: Partial<Record<SettingKey, unknown>>): Promise<Settings>;
}

/** Keys the running hub applies at once; the others apply at its next start (see the settings table). */
const LIVE_KEYS: ReadonlySet<SettingKey> = new Set(['gateway.paused']);

/** The setting use-cases over a context; `onChange` lets a shell apply what only it can (login item). */
export function settingUseCases(
  ctx: UseCaseContext,
  onChange?: (changed: readonly SettingKey[], after: Settings) => void,
): SettingUseCases {
  const { settings } = ctx.registry;
  return {
    all: () => settings.getAll(),
    get: (key) => settings.get(key),
    async set(changes) {
      const before = settings.getAll();
      for (const key of Object.keys(changes)) {
        if (!(SETTING_KEYS as string[]).includes(key)) {
          throw new SwitchboardError('USAGE', `unknown setting "${key}"; known: ${SETTING_KEYS.join(', ')}`);
        }
      }
      ctx.registry.write(() => {
        for (const [key, value] of Object.entries(changes) as [SettingKey, unknown][]) {
          if (value === undefined) settings.reset(key);
          else settings.set(key, value);
        }
      });
      const after = settings.getAll();
      const changed = SETTING_KEYS.filter((k) => before[k] !== after[k]);
      const runtime = ctx.runtime();
      if (runtime && changed.some((k) => LIVE_KEYS.has(k))) {
        await runtime.gateway.applyPaused(after['gateway.paused']);
      }
      if (changed.length > 0) onChange?.(changed, after);
      return after;
    },
  };
}
