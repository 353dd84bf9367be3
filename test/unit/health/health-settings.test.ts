import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_SETTINGS, resolveHealthSettings } from '../../../main/health/health-settings.ts';

describe('resolveHealthSettings', () => {
  it('gives the defaults without a source', () => {
    expect(resolveHealthSettings(undefined)).toEqual(DEFAULT_HEALTH_SETTINGS);
    expect(DEFAULT_HEALTH_SETTINGS.probeIdleServers).toBe(false);
  });

  it('overrides only the fields given, ignoring undefined ones', () => {
    const resolved = resolveHealthSettings({ intervalMs: 5000, slowMs: undefined });
    expect(resolved.intervalMs).toBe(5000);
    expect(resolved.slowMs).toBe(DEFAULT_HEALTH_SETTINGS.slowMs);
  });

  it('reads a function source at each call, so a changed setting applies at once', () => {
    let idle = false;
    const source = () => ({ probeIdleServers: idle });
    expect(resolveHealthSettings(source).probeIdleServers).toBe(false);
    idle = true;
    expect(resolveHealthSettings(source).probeIdleServers).toBe(true);
  });
});
