import { Activity, Laptop, Layers, Moon, Plug, Server, Settings, Sun, Unplug } from 'lucide-react';
import type { ReactNode } from 'react';
import type { ConnectionState } from './api.ts';
import { ToastProvider } from './components/toaster.tsx';
import { useCommand } from './hooks/use-command.ts';
import { ConnectionContext, useBridgeConnection } from './hooks/use-connection.ts';
import { useEvents } from './hooks/use-events.ts';
import { routeHref, useRoute, type Route } from './hooks/use-route.ts';
import { useTheme, type ThemeChoice } from './hooks/use-theme.ts';
import { ActivityPage } from './pages/activity-page.tsx';
import { AddServerPage } from './pages/add-server-page.tsx';
import { ClientsPage } from './pages/clients-page.tsx';
import { ProfilesPage } from './pages/profiles-page.tsx';
import { ServerDetailPage } from './pages/server-detail-page.tsx';
import { ServersPage } from './pages/servers-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';

/** The window: a sidebar with the sections and the gateway state, and the current page. */
export function App() {
  useEvents();
  const route = useRoute();
  const [theme, setTheme] = useTheme();
  const connection = useBridgeConnection();
  const mode = useCommand('app.info', {}).data?.mode;
  return (
    <ConnectionContext.Provider value={connection}>
      <ToastProvider>
        <Shell route={route} theme={theme} onTheme={setTheme} connection={connection} mode={mode} />
      </ToastProvider>
    </ConnectionContext.Provider>
  );
}

function Shell({
  route,
  theme,
  onTheme: setTheme,
  connection,
  mode,
}: {
  route: Route;
  theme: ThemeChoice;
  onTheme: (t: ThemeChoice) => void;
  connection: ConnectionState;
  mode: 'desktop' | 'web' | undefined;
}) {
  return (
    <div className="shell" data-connection={connection}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Switchboard</span>
        </div>
        <nav aria-label="Sections">
          <ul>
            <NavItem
              route={route}
              to={{ page: 'servers' }}
              icon={<Server size={16} />}
              label="Servers"
              match={['servers', 'server', 'add']}
            />
            <NavItem
              route={route}
              to={{ page: 'activity', server: undefined }}
              icon={<Activity size={16} />}
              label="Activity"
              match={['activity']}
            />
            <NavItem
              route={route}
              to={{ page: 'clients' }}
              icon={<Plug size={16} />}
              label="Clients"
              match={['clients']}
            />
            <NavItem
              route={route}
              to={{ page: 'profiles' }}
              icon={<Layers size={16} />}
              label="Profiles"
              match={['profiles']}
            />
            <NavItem
              route={route}
              to={{ page: 'settings' }}
              icon={<Settings size={16} />}
              label="Settings"
              match={['settings']}
            />
          </ul>
        </nav>
        <div className="sidebar-foot">
          <GatewayStatusLine connection={connection} />
          <ThemeToggle theme={theme} onTheme={setTheme} />
        </div>
      </aside>
      <main id="main" className="page" tabIndex={-1}>
        {connection === 'ended' ? (
          <EndedPanel mode={mode} />
        ) : (
          <>
            {connection === 'lost' ? <LostBanner mode={mode} /> : null}
            <Page route={route} theme={theme} onTheme={setTheme} />
          </>
        )}
      </main>
    </div>
  );
}

/** The hub stopped answering: say so at once, keep the page (marked out of date), keep trying. */
function LostBanner({ mode }: { mode: 'desktop' | 'web' | undefined }) {
  return (
    <div className="callout connection-banner" data-tone="err" role="alert">
      <Unplug size={16} aria-hidden="true" className="callout-icon" />
      <div className="callout-body">
        <strong>Lost the connection to Switchboard</strong>
        <p>
          It stopped answering, so what this page shows may be out of date. Trying again every few seconds.
        </p>
        {mode !== 'desktop' ? (
          <p className="small">
            If you stopped <code>switchboard serve --ui</code>, start it again and open the new address it
            prints: each start makes a new one.
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** The hub is back but refuses this page: it was restarted, and only its new address works. */
function EndedPanel({ mode }: { mode: 'desktop' | 'web' | undefined }) {
  return (
    <section className="ended-panel" aria-labelledby="ended-title" role="alert">
      <Unplug size={28} aria-hidden="true" />
      <h1 id="ended-title">Switchboard was restarted: open its new address</h1>
      <p>
        This page belongs to an earlier run, and Switchboard makes a new private address each time it starts,
        so this tab cannot reconnect by itself.
      </p>
      <p>
        {mode === 'desktop' ? (
          'Reopen the window from the Switchboard tray icon.'
        ) : (
          <>
            Open the address that <code>switchboard serve --ui</code> printed in its terminal (it starts with{' '}
            <code>http://127.0.0.1:</code> and ends with <code>#token=…</code>), then close this tab.
          </>
        )}
      </p>
    </section>
  );
}

function Page({
  route,
  theme,
  onTheme,
}: {
  route: Route;
  theme: ThemeChoice;
  onTheme: (t: ThemeChoice) => void;
}) {
  switch (route.page) {
    case 'servers':
      return <ServersPage />;
    case 'server':
      return <ServerDetailPage key={route.prefix} prefix={route.prefix} tab={route.tab} />;
    case 'add':
      return <AddServerPage tab={route.tab} />;
    case 'activity':
      return <ActivityPage server={route.server} />;
    case 'clients':
      return <ClientsPage />;
    case 'profiles':
      return <ProfilesPage />;
    case 'settings':
      return <SettingsPage theme={theme} onTheme={onTheme} />;
  }
}

function NavItem({
  route,
  to,
  icon,
  label,
  match,
}: {
  route: Route;
  to: Route;
  icon: ReactNode;
  label: string;
  match: Route['page'][];
}) {
  const active = match.includes(route.page);
  return (
    <li>
      <a
        href={routeHref(to)}
        className="nav-link"
        aria-current={active ? 'page' : undefined}
        aria-label={label}
        title={label}
      >
        <span aria-hidden="true" className="nav-icon">
          {icon}
        </span>
        <span className="nav-label">{label}</span>
      </a>
    </li>
  );
}

function GatewayStatusLine({ connection }: { connection: ConnectionState }) {
  const status = useCommand('gateway.status', {});
  const data = status.data;
  const state = connection !== 'connected' ? 'lost' : (data?.state ?? 'unknown');
  const text = {
    unknown: 'Gateway…',
    stopped: 'Gateway stopped',
    paused: 'Gateway paused',
    running: 'Gateway running',
    lost: connection === 'ended' ? 'Disconnected' : 'Connection lost',
  }[state];
  const detail = state === 'lost' ? 'not answering' : data ? `:${data.port}` : undefined;
  return (
    <a
      className="gateway-status"
      href={routeHref({ page: 'settings' })}
      data-state={state}
      title={state === 'lost' ? text : data?.url}
      aria-label={`${text}${detail && state !== 'lost' ? `, port ${data?.port}` : ''}`}
    >
      <span className="dot" aria-hidden="true" />
      <span className="gateway-text" aria-hidden="true">
        {text}
        {detail ? (
          <span className={`muted small block${state === 'lost' ? '' : ' mono'}`}>{detail}</span>
        ) : (
          <span className="muted small block">{'\u00a0'}</span>
        )}
      </span>
    </a>
  );
}

const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

function ThemeToggle({ theme, onTheme }: { theme: ThemeChoice; onTheme: (t: ThemeChoice) => void }) {
  const Icon = theme === 'light' ? Sun : theme === 'dark' ? Moon : Laptop;
  const label = { system: 'Theme: match the system', light: 'Theme: light', dark: 'Theme: dark' }[theme];
  return (
    <button
      type="button"
      className="icon-button theme-toggle"
      onClick={() => onTheme(NEXT_THEME[theme])}
      aria-label={`${label}. Switch theme`}
      title={label}
    >
      <Icon size={16} aria-hidden="true" />
    </button>
  );
}
