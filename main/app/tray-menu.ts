import type {
  AiClient,
  GatewayStatus,
  HealthStatusName,
  ServerSummary,
} from '../../preload/contract/models.ts';

/**
 * The tray menu as pure data: `buildTrayMenu(state)` decides everything (labels, checkmarks, icon), and
 * tray.ts only maps it onto Electron's Menu. Re-rendered on hub events, never by polling.
 */

export type TrayIcon = 'ok' | 'attention' | 'error';

/** What a menu item does when clicked. */
export type TrayAction =
  | { type: 'open-window' }
  | { type: 'open-server'; prefix: string }
  | { type: 'copy-url'; url: string }
  | { type: 'set-server-enabled'; prefix: string; enabled: boolean }
  | { type: 'connect-client'; id: string }
  | { type: 'set-paused'; paused: boolean }
  | { type: 'set-launch-at-login'; enabled: boolean }
  | { type: 'quit' };

export type MenuItemModel =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; label: string; action: TrayAction; enabled?: boolean }
  | { kind: 'checkbox'; label: string; checked: boolean; action: TrayAction }
  | { kind: 'submenu'; label: string; items: MenuItemModel[] };

export interface MenuModel {
  icon: TrayIcon;
  tooltip: string;
  items: MenuItemModel[];
}

/** Everything the tray shows. */
export interface TrayState {
  gateway: GatewayStatus;
  servers: readonly ServerSummary[];
  clients: readonly AiClient[];
  launchAtLogin: boolean;
}

const ERROR_STATUSES = new Set<HealthStatusName>(['unhealthy']);
const ATTENTION_STATUSES = new Set<HealthStatusName>(['degraded', 'needs_auth', 'needs_config']);

const STATUS_LABELS: Record<HealthStatusName, string> = {
  healthy: 'healthy',
  degraded: 'slow or flapping',
  unhealthy: 'unhealthy',
  needs_auth: 'needs sign-in',
  needs_config: 'needs configuration',
  starting: 'starting',
  stopped: 'idle',
  disabled: 'off',
  unknown: 'not checked yet',
};

const STATUS_MARKS: Record<TrayIcon | 'neutral', string> = {
  ok: '●',
  attention: '▲',
  error: '✕',
  neutral: '○',
};

/** The overall state the tray icon shows: error beats attention beats ok; off servers do not count. */
export function overallHealth(state: Pick<TrayState, 'gateway' | 'servers'>): TrayIcon {
  const enabled = state.servers.filter((s) => s.enabled);
  if (enabled.some((s) => ERROR_STATUSES.has(s.health.status))) return 'error';
  if (!state.gateway.running && !state.gateway.paused) return 'error';
  if (state.gateway.paused || enabled.some((s) => ATTENTION_STATUSES.has(s.health.status)))
    return 'attention';
  return 'ok';
}

function markOf(status: HealthStatusName): string {
  if (ERROR_STATUSES.has(status)) return STATUS_MARKS.error;
  if (ATTENTION_STATUSES.has(status)) return STATUS_MARKS.attention;
  return status === 'healthy' ? STATUS_MARKS.ok : STATUS_MARKS.neutral;
}

/** Builds the whole menu from the state. */
export function buildTrayMenu(state: TrayState): MenuModel {
  const icon = overallHealth(state);
  const { gateway } = state;
  const problems = state.servers.filter(
    (s) => s.enabled && (ERROR_STATUSES.has(s.health.status) || ATTENTION_STATUSES.has(s.health.status)),
  ).length;
  const gatewayLine = gateway.paused
    ? 'Gateway paused'
    : gateway.running
      ? `Gateway running on port ${gateway.port}`
      : 'Gateway stopped';

  const serverItems: MenuItemModel[] =
    state.servers.length === 0
      ? [{ kind: 'label', label: 'No servers yet' }]
      : state.servers.map((s) => ({
          kind: 'submenu',
          label: `${markOf(s.health.status)} ${s.name} — ${STATUS_LABELS[s.health.status]}`,
          items: [
            {
              kind: 'checkbox',
              label: 'Enabled',
              checked: s.enabled,
              action: { type: 'set-server-enabled', prefix: s.prefix, enabled: !s.enabled },
            },
            { kind: 'action', label: 'Details…', action: { type: 'open-server', prefix: s.prefix } },
          ],
        }));

  const detected = state.clients.filter((c) => c.detected);
  const clientItems: MenuItemModel[] =
    detected.length === 0
      ? [{ kind: 'label', label: 'No AI clients found' }]
      : detected.map((c) => ({
          kind: 'action',
          label:
            c.entry === 'current'
              ? `${c.displayName} ✓ connected`
              : c.entry === 'outdated'
                ? `${c.displayName} (update)`
                : c.displayName,
          action: { type: 'connect-client', id: c.id },
          enabled: c.entry !== 'unreadable',
        }));

  return {
    icon,
    tooltip:
      `Switchboard — ${gatewayLine.toLowerCase()}` +
      (problems > 0
        ? `, ${problems} server${problems === 1 ? '' : 's'} need${problems === 1 ? 's' : ''} attention`
        : ''),
    items: [
      { kind: 'label', label: gatewayLine },
      {
        kind: 'action',
        label: `Copy URL  ${gateway.url}`,
        action: { type: 'copy-url', url: gateway.url },
        enabled: !gateway.paused,
      },
      { kind: 'separator' },
      ...serverItems,
      { kind: 'separator' },
      { kind: 'submenu', label: 'Connect a client', items: clientItems },
      gateway.paused
        ? { kind: 'action', label: 'Resume gateway', action: { type: 'set-paused', paused: false } }
        : { kind: 'action', label: 'Pause gateway', action: { type: 'set-paused', paused: true } },
      { kind: 'separator' },
      { kind: 'action', label: 'Open Switchboard', action: { type: 'open-window' } },
      {
        kind: 'checkbox',
        label: 'Start at login',
        checked: state.launchAtLogin,
        action: { type: 'set-launch-at-login', enabled: !state.launchAtLogin },
      },
      { kind: 'separator' },
      { kind: 'action', label: 'Quit Switchboard', action: { type: 'quit' } },
    ],
  };
}
