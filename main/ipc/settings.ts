import type { Settings } from '../../preload/contract/models.ts';
import type { SettingKey, Settings as StoredSettings } from '../registry/settings-repository.ts';
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

/** The window's view of the stored settings. */
export function windowSettings(stored: StoredSettings): Settings {
  const out: Record<string, unknown> = {};
  for (const [field, key] of Object.entries(SETTING_KEY_OF)) out[field] = stored[key];
  return out as Settings;
}

/** settings.*: read and change app settings (all at once, in one transaction). */
export function register({ hub }: IpcDeps): PartialHandlerTable {
  const { settings } = hub.useCases;
  return {
    'settings.get': () => windowSettings(settings.all()),
    'settings.set': async (changes) => {
      const keyed: Partial<Record<SettingKey, unknown>> = {};
      for (const [field, value] of Object.entries(changes)) {
        if (value !== undefined) keyed[SETTING_KEY_OF[field as keyof Settings]] = value;
      }
      // The port applies at the next start (moving a live gateway would strand connected clients).
      return windowSettings(await settings.set(keyed));
    },
  };
}
