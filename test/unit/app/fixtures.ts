import type {
  AiClient,
  GatewayStatus,
  HealthSnapshot,
  ServerSummary,
} from '../../../preload/contract/models.ts';

/** Small builders for tray and notification tests. */
export function health(
  status: HealthSnapshot['status'],
  extra: Partial<HealthSnapshot> = {},
): HealthSnapshot {
  return {
    status,
    degradedBy: null,
    since: 1,
    checkedAt: 1,
    latencyMs: 5,
    lastError: null,
    missing: [],
    ...extra,
  };
}
export function server(prefix: string, status: HealthSnapshot['status'], enabled = true): ServerSummary {
  return {
    id: prefix.length,
    prefix,
    name: prefix.toUpperCase(),
    transport: 'stdio',
    enabled,
    target: 'node x',
    health: health(status),
    toolCount: 1,
    authFlow: 'none',
  };
}
export const GATEWAY: GatewayStatus = {
  state: 'running',
  url: 'http://127.0.0.1:17517/mcp',
  port: 17517,
  configuredPort: 17517,
  sessions: 0,
};
export function client(id: string, detected: boolean, entry: AiClient['entry'] = 'absent'): AiClient {
  return {
    id,
    displayName: id,
    detected,
    configPath: `/home/${id}.json`,
    supportsHttp: true,
    entry,
    restartHint: 'restart',
  };
}
