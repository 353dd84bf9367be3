import type { Settings } from '../../preload/contract/models.ts';
import type { SettingKey, SettingsRepository } from '../registry/settings-repository.ts';
import type { IpcDeps, PartialHandlerTable } from './handler-types.ts';

/** Each setting the window shows, and the registry key it is stored under. */
export const SETTING_KEY_OF = {
  port: 'gateway.port',
  idleTimeoutSeconds: 'upstream.idleTimeoutSeconds',
  callLogRetentionDays: 'callLog.retentionDays',
  healthIntervalSeconds: 'health.intervalSeconds',
  probeIdleServers: 'health.probeIdleServers',
  notifications: 'app.notifications',
  launchAtLogin: 'app.launchAtLogin',
} as const satisfies Record<keyof Settings, SettingKey>;

/** The window's settings, read from the registry. */
export function readSettings(settings: SettingsRepository): Settings {
  const out: Record<string, unknown> = {};
  for (const [field, key] of Object.entries(SETTING_KEY_OF)) out[field] = settings.get(key);
  return out as Settings;
}

/** settings.*: read and change app settings (all at once, in one transaction). */
export function register(deps: IpcDeps): PartialHandlerTable {
  const { services } = deps;
  const { registry } = services.hub;

  return {
    'settings.get': () => readSettings(registry.settings),

    'settings.set': (changes) => {
      const before = readSettings(registry.settings);
      registry.db.connection.transaction(() => {
        for (const [field, value] of Object.entries(changes)) {
          if (value === undefined) continue;
          registry.settings.set(SETTING_KEY_OF[field as keyof Settings], value);
        }
      })();
      const after = readSettings(registry.settings);
      if (changes.launchAtLogin !== undefined && after.launchAtLogin !== before.launchAtLogin) {
        deps.setLaunchAtLogin?.(after.launchAtLogin);
      }
      // The port applies at the next start (moving a live gateway would strand connected clients).
      return after;
    },
  };
}
