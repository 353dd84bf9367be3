import { Activity, Laptop, Moon, Plug, Server, Settings, Sun } from 'lucide-react';
import type { ReactNode } from 'react';
import { useCommand } from './hooks/use-command.ts';
import { useEvents } from './hooks/use-events.ts';
import { routeHref, useRoute, type Route } from './hooks/use-route.ts';
import { useTheme, type ThemeChoice } from './hooks/use-theme.ts';
import { ActivityPage } from './pages/activity-page.tsx';
import { AddServerPage } from './pages/add-server-page.tsx';
import { ClientsPage } from './pages/clients-page.tsx';
import { ServerDetailPage } from './pages/server-detail-page.tsx';
import { ServersPage } from './pages/servers-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';

/** The window: a sidebar with the sections and the gateway state, and the current page. */
export function App() {
  useEvents();
  const route = useRoute();
  const [theme, setTheme] = useTheme();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>Switchboard</span>
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
              to={{ page: 'settings' }}
              icon={<Settings size={16} />}
              label="Settings"
              match={['settings']}
            />
          </ul>
        </nav>
        <div className="sidebar-foot">
          <GatewayStatusLine />
          <ThemeToggle theme={theme} onTheme={setTheme} />
        </div>
      </aside>
      <main id="main" className="page" tabIndex={-1}>
        <Page route={route} theme={theme} onTheme={setTheme} />
      </main>
    </div>
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
      <a href={routeHref(to)} className="nav-link" aria-current={active ? 'page' : undefined}>
        <span aria-hidden="true" className="nav-icon">
          {icon}
        </span>
        {label}
      </a>
    </li>
  );
}

function GatewayStatusLine() {
  const status = useCommand('gateway.status', {});
  const data = status.data;
  const state = !data ? 'unknown' : !data.running ? 'stopped' : data.paused ? 'paused' : 'running';
  const text = {
    unknown: 'Gateway…',
    stopped: 'Gateway stopped',
    paused: 'Gateway paused',
    running: 'Gateway running',
  }[state];
  return (
    <a className="gateway-status" href={routeHref({ page: 'settings' })} data-state={state} title={data?.url}>
      <span className="dot" aria-hidden="true" />
      <span>
        {text}
        {data ? (
          <span className="muted small block mono">:{data.port}</span>
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
