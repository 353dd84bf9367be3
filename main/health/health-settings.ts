import type { HealthThresholds } from './health-status.ts';
import { DEFAULT_HEALTH_THRESHOLDS } from './health-status.ts';
import type { ProbeScheduleSettings } from './probe-schedule.ts';
import { DEFAULT_PROBE_SCHEDULE } from './probe-schedule.ts';

/** Everything about health checks a person or the hub may tune. */
export interface HealthSettings extends ProbeScheduleSettings, HealthThresholds {
  /** A probe (connect if needed + ping/discover + tools/list) without an answer by then fails (ms). */
  probeTimeoutMs: number;
  /** Wake idle-stopped stdio servers just to probe them (off: show their last known result instead). */
  probeIdleServers: boolean;
  /** First probes after start are spread over this many ms so a big registry does not probe at once. */
  startSpreadMs: number;
}

/**
 * Defaults. The probe timeout is generous because a probe may have to start a server first, and the first
 * `npx -y some-server` can take that long to download.
 */
export const DEFAULT_HEALTH_SETTINGS: HealthSettings = {
  ...DEFAULT_PROBE_SCHEDULE,
  ...DEFAULT_HEALTH_THRESHOLDS,
  probeTimeoutMs: 30_000,
  probeIdleServers: false,
  startSpreadMs: 1000,
};

/** Fixed settings, or a function read at each use so a changed setting applies without a restart. */
export type HealthSettingsSource = Partial<HealthSettings> | (() => Partial<HealthSettings>);

/** The effective settings: the defaults overridden by whatever `source` sets (undefined fields ignored). */
export function resolveHealthSettings(source: HealthSettingsSource | undefined): HealthSettings {
  const given = typeof source === 'function' ? source() : (source ?? {});
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_HEALTH_SETTINGS, ...defined };
}
