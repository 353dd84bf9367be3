import type {
  AiClient,
  ClientProfile,
  GatewayStatus,
  HealthStatusName,
  PendingToolChange,
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
  | { type: 'open-server'; prefix: string; tab?: 'tools' }
  | { type: 'copy-url'; url: string }
  | { type: 'set-server-enabled'; prefix: string; enabled: boolean }
  | { type: 'connect-client'; id: string }
  | { type: 'set-paused'; paused: boolean }
  | { type: 'set-launch-at-login'; enabled: boolean }
  | { type: 'set-client-profile'; client: string; profile: string }
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
  /** Tools withheld until the person approves their changed or new definition (issue 14), per server. */
  pendingToolChanges?: readonly PendingToolChanges[];
  /** Profiles (issue 13): their names and which client uses which; no submenu while only the default exists. */
  profiles?: { names: readonly string[]; clients: readonly ClientProfile[] };
}

/** One server's tools waiting for approval. */
export interface PendingToolChanges {
  prefix: string;
  name: string;
  tools: readonly string[];
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
export function overallHealth(
  state: Pick<TrayState, 'gateway' | 'servers' | 'pendingToolChanges'>,
): TrayIcon {
  const enabled = state.servers.filter((s) => s.enabled);
  if (enabled.some((s) => ERROR_STATUSES.has(s.health.status))) return 'error';
  if (state.gateway.state === 'stopped') return 'error';
  if (state.gateway.state === 'paused' || enabled.some((s) => ATTENTION_STATUSES.has(s.health.status)))
    return 'attention';
  if (pendingCount(state.pendingToolChanges) > 0) return 'attention';
  return 'ok';
}

/** The pending changes (`tools.pending`) grouped per server, named as the server list names them. */
export function groupPending(
  pending: readonly Pick<PendingToolChange, 'prefix' | 'tool'>[],
  servers: readonly Pick<ServerSummary, 'prefix' | 'name'>[],
): PendingToolChanges[] {
  const byPrefix = new Map<string, string[]>();
  for (const change of pending) {
    const tools = byPrefix.get(change.prefix);
    if (tools) tools.push(change.tool);
    else byPrefix.set(change.prefix, [change.tool]);
  }
  return [...byPrefix].map(([prefix, tools]) => ({
    prefix,
    name: servers.find((s) => s.prefix === prefix)?.name ?? prefix,
    tools,
  }));
}

function pendingCount(pending: readonly PendingToolChanges[] | undefined): number {
  return (pending ?? []).reduce((n, p) => n + p.tools.length, 0);
}

/** The menu items announcing tools that wait for approval: one per server, opening its Tools tab. */
function pendingItems(pending: readonly PendingToolChanges[] | undefined): MenuItemModel[] {
  const servers = (pending ?? []).filter((p) => p.tools.length > 0);
  if (servers.length === 0) return [];
  return [
    ...servers.map((p): MenuItemModel => ({
      kind: 'action',
      label: `${STATUS_MARKS.attention} ${p.name}: ${p.tools.length} tool change${p.tools.length === 1 ? '' : 's'} to approve…`,
      action: { type: 'open-server', prefix: p.prefix, tab: 'tools' },
    })),
    { kind: 'separator' },
  ];
}

/**
 * Whether newly withheld tools deserve a desktop notification, and its text: only tools that were not pending
 * before (no burst at launch: `previous` undefined), only when the person wants notifications.
 */
export function pendingChangesNotice(
  previous: readonly PendingToolChanges[] | undefined,
  next: readonly PendingToolChanges[],
  settings: { notifications: boolean },
): { title: string; body: string } | null {
  if (!settings.notifications || previous === undefined) return null;
  const before = new Set(previous.flatMap((p) => p.tools.map((t) => `${p.prefix}\0${t}`)));
  const fresh = next
    .map((p) => ({ ...p, tools: p.tools.filter((t) => !before.has(`${p.prefix}\0${t}`)) }))
    .filter((p) => p.tools.length > 0);
  if (fresh.length === 0) return null;
  const count = fresh.reduce((n, p) => n + p.tools.length, 0);
  const first = fresh[0]!;
  return {
    title:
      fresh.length === 1
        ? `${first.name} changed ${count === 1 ? `its tool ${first.tools[0]}` : `${count} of its tools`}`
        : `${count} tools changed on ${fresh.length} servers`,
    body: 'Clients do not see the changed tools until you approve them in Switchboard.',
  };
}

function markOf(status: HealthStatusName): string {
  if (ERROR_STATUSES.has(status)) return STATUS_MARKS.error;
  if (ATTENTION_STATUSES.has(status)) return STATUS_MARKS.attention;
  return status === 'healthy' ? STATUS_MARKS.ok : STATUS_MARKS.neutral;
}

/**
 * "Client profiles": one submenu per connected client (a client token; the bridge once a command-only client such
 * as Claude Desktop is connected) with a check mark on the profile it uses; picking another moves it there.
 */
export function profileItems(state: Pick<TrayState, 'profiles' | 'clients'>): MenuItemModel[] {
  const profiles = state.profiles;
  if (!profiles || profiles.names.length < 2) return [];
  const names = new Map(state.clients.map((c) => [c.id.toLowerCase(), c.displayName]));
  const bridgeUsed = state.clients.some((c) => !c.supportsHttp && c.entry === 'current');
  const rows = profiles.clients.filter((row) => row.client !== 'bridge' || bridgeUsed);
  const items: MenuItemModel[] =
    rows.length === 0
      ? [{ kind: 'label', label: 'No connected clients' }]
      : rows.map((row) => ({
          kind: 'submenu',
          label: `${row.client === 'bridge' ? 'Stdio bridge' : (names.get(row.client.toLowerCase()) ?? row.client)} — ${row.profile}`,
          items: profiles.names.map((name) => ({
            kind: 'checkbox',
            label: name,
            checked: name === row.profile,
            action: { type: 'set-client-profile', client: row.client, profile: name },
          })),
        }));
  return [{ kind: 'submenu', label: 'Client profiles', items }];
}

/** Builds the whole menu from the state. */
export function buildTrayMenu(state: TrayState): MenuModel {
  const icon = overallHealth(state);
  const { gateway } = state;
  const problems = state.servers.filter(
    (s) => s.enabled && (ERROR_STATUSES.has(s.health.status) || ATTENTION_STATUSES.has(s.health.status)),
  ).length;
  const pending = pendingCount(state.pendingToolChanges);
  const paused = gateway.state === 'paused';
  const gatewayLine = paused
    ? 'Gateway paused'
    : gateway.state === 'running'
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
        : '') +
      (pending > 0 ? `, ${pending} tool change${pending === 1 ? '' : 's'} to approve` : ''),
    items: [
      { kind: 'label', label: gatewayLine },
      {
        kind: 'action',
        label: `Copy URL  ${gateway.url}`,
        action: { type: 'copy-url', url: gateway.url },
        enabled: !paused,
      },
      { kind: 'separator' },
      ...pendingItems(state.pendingToolChanges),
      ...serverItems,
      { kind: 'separator' },
      { kind: 'submenu', label: 'Connect a client', items: clientItems },
      ...profileItems(state),
      paused
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
