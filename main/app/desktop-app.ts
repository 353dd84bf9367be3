import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Electron from 'electron';
import { bridgeLaunchCommand } from '../bridge/launch-command.ts';
import { openHub, type Hub } from '../hub.ts';
import type { Runtime } from '../hub-runtime.ts';
import { createHubDispatcher } from '../ipc/contract-handlers.ts';
import { forwardEvents } from '../ipc/event-forwarding.ts';
import { toErrorInfo } from '../lib/errors.ts';
import { resolveDataDir } from '../lib/paths.ts';
import { assertOpenableUrl } from '../oauth/browser-opener.ts';
import { createKeyringKeyProvider } from '../vault/keyring-key-provider.ts';
import type {
  AiClient,
  ClientProfile,
  GatewayStatus,
  HealthSnapshot,
  PendingToolChange,
  ProfileSummary,
  ServerSummary,
} from '../../preload/contract/models.ts';
import { registerContractIpc, windowEventSink } from './ipc-registration.ts';
import { shouldNotify } from './notifications.ts';
import { createSafeStorageKeyProvider } from './safe-storage-key-provider.ts';
import { createTrayController, type TrayController } from './tray.ts';
import {
  buildTrayMenu,
  groupPending,
  pendingChangesNotice,
  type PendingToolChanges,
  type TrayAction,
  type TrayIcon,
} from './tray-menu.ts';
import {
  hardenSession,
  hardenWindow,
  isAppUrl,
  secureWebPreferences,
  type AppOrigin,
} from './window-security.ts';

type ElectronModule = typeof Electron;

/** Where the bundle's siblings are: out/main/index.js → out/preload, out/renderer, out/cli. */
function outDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

/**
 * The desktop shell: one instance, one hub shared with the CLI (same data folder), the gateway in the main
 * process, a tray that is always there, and a window that hides instead of closing. Quitting stops every
 * upstream gracefully before the process exits.
 */
export async function startDesktopApp(electron: ElectronModule): Promise<void> {
  const { app } = electron;
  const dataDir = resolveDataDir({ env: process.env });
  // Desktop and CLI share one data folder; Chromium's own caches go to a subfolder of it.
  app.setPath('userData', dataDir);
  app.setPath('sessionData', path.join(dataDir, 'chromium'));
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();

  const out = outDir();
  const rendererDir = path.join(out, 'renderer');
  const devUrl = app.isPackaged ? undefined : process.env.SWITCHBOARD_DEV_URL;
  const origin: AppOrigin = {
    rendererDirUrl: pathToFileURL(rendererDir).href + '/',
    devUrl,
  };
  const openExternal = (url: string) => electron.shell.openExternal(url);

  let hub: Hub;
  let runtime: Runtime;
  try {
    hub = openHub({
      dataDir,
      env: process.env,
      keyProviders: [
        createSafeStorageKeyProvider({ safeStorage: electron.safeStorage, platform: process.platform }),
        createKeyringKeyProvider({ platform: process.platform }),
      ],
      openBrowser: async (url) => {
        assertOpenableUrl(url);
        await electron.shell.openExternal(url.href);
      },
      // Claude Desktop starts the bridge with the app's own binary as plain Node, by absolute path.
      bridgeCommand: () =>
        bridgeLaunchCommand({
          runtime: process.execPath,
          cliEntry: path.join(out, 'cli', 'switchboard.mjs'),
          dataDir,
          electron: true,
        }),
      onSettingsChange: (changed, after) => {
        if (changed.includes('app.launchAtLogin'))
          app.setLoginItemSettings({ openAtLogin: after['app.launchAtLogin'] });
      },
    });
    runtime = await hub.start();
  } catch (error) {
    const info = toErrorInfo(error);
    electron.dialog.showErrorBox('Switchboard cannot start', `${info.message}\n\n(${info.code})`);
    app.exit(1);
    return;
  }

  const settings = hub.registry.settings;
  const dispatch = createHubDispatcher({ hub, mode: 'desktop', version: app.getVersion() });

  hardenSession(electron.session.defaultSession, { origin, dev: devUrl !== undefined });
  registerContractIpc({
    ipcMain: electron.ipcMain,
    dispatch,
    isTrustedUrl: (url) => isAppUrl(url, origin),
  });

  // The window: created on demand, hidden (not destroyed) on close, so reopening is instant.
  let win: Electron.BrowserWindow | undefined;
  let quitting = false;
  const showWindow = (route?: string) => {
    if (!win || win.isDestroyed()) {
      win = new electron.BrowserWindow({
        width: 1100,
        height: 760,
        minWidth: 760,
        minHeight: 520,
        show: false,
        title: 'Switchboard',
        webPreferences: secureWebPreferences(path.join(out, 'preload', 'index.cjs')),
      });
      hardenWindow(win, { origin, openExternal });
      win.on('close', (event) => {
        if (quitting) return;
        event.preventDefault();
        win?.hide();
      });
      win.once('ready-to-show', () => win?.show());
      const hash = route ?? '/servers';
      if (devUrl !== undefined) void win.loadURL(`${devUrl}#${hash}`);
      else void win.loadFile(path.join(rendererDir, 'index.html'), { hash });
    } else {
      if (route !== undefined)
        void win.webContents.executeJavaScript(`location.hash = ${JSON.stringify(route)}`);
      win.show();
      win.focus();
    }
  };
  forwardEvents(
    runtime,
    windowEventSink(() => (win && !win.isDestroyed() ? win.webContents : undefined)),
    hub.log,
  );
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);

  // The tray: one model, rebuilt on events.
  const trayDir = app.isPackaged
    ? path.join(process.resourcesPath, 'tray')
    : path.join(app.getAppPath(), 'build', 'tray');
  const icons = new Map<TrayIcon, Electron.NativeImage>();
  const iconOf = (state: TrayIcon) => {
    let image = icons.get(state);
    if (!image) {
      image = electron.nativeImage.createFromPath(path.join(trayDir, `tray-${state}.png`));
      icons.set(state, image);
    }
    return image;
  };
  let clients: AiClient[] = [];
  const value = async <T>(name: string, input: unknown): Promise<T | undefined> => {
    const result = await dispatch(name, input);
    if (!result.ok) hub.log.warn('tray command failed', { command: name, code: result.error.code });
    return result.ok ? (result.value as T) : undefined;
  };
  const notify = (title: string, body: string) => {
    if (electron.Notification.isSupported()) new electron.Notification({ title, body }).show();
  };
  const run = async (action: TrayAction) => {
    switch (action.type) {
      case 'open-window':
        return showWindow();
      case 'open-server':
        return showWindow(
          `/servers/${encodeURIComponent(action.prefix)}${action.tab === undefined ? '' : `/${action.tab}`}`,
        );
      case 'copy-url':
        return electron.clipboard.writeText(action.url);
      case 'set-server-enabled':
        await value('servers.setEnabled', { prefix: action.prefix, enabled: action.enabled });
        return;
      case 'connect-client': {
        const result = await dispatch('clients.connect', { id: action.id });
        if (result.ok) notify('Client connected', (result.value as { restartHint: string }).restartHint);
        else notify('Could not connect the client', result.error.message);
        clients = (await value<AiClient[]>('clients.list', {})) ?? clients;
        return refreshTray();
      }
      case 'set-paused':
        await value('gateway.setPaused', { paused: action.paused });
        return;
      case 'set-client-profile':
        await value('profiles.use', { client: action.client, profile: action.profile });
        return refreshTray();
      case 'set-launch-at-login':
        await value('settings.set', { launchAtLogin: action.enabled });
        return refreshTray();
      case 'quit':
        return app.quit();
    }
  };
  const tray: TrayController = createTrayController(
    {
      createTray: (image) => new electron.Tray(image),
      buildMenu: (template) => electron.Menu.buildFromTemplate(template),
      icon: iconOf,
    },
    {
      run: (action) => void run(action).catch((error) => hub.log.warn('tray action failed', { error })),
      onClick: () => showWindow(),
    },
  );
  let pending: NodeJS.Timeout | undefined;
  // Tools withheld until approved (issue 14): announced once when they appear, listed in the tray.
  let lastPending: PendingToolChanges[] | undefined;
  async function refreshTray(): Promise<void> {
    const [servers, gateway, pending, profileNames, profileClients] = await Promise.all([
      value<ServerSummary[]>('servers.list', {}),
      value<GatewayStatus>('gateway.status', {}),
      value<PendingToolChange[]>('tools.pending', {}),
      value<ProfileSummary[]>('profiles.list', {}),
      value<ClientProfile[]>('profiles.clients', {}),
    ]);
    if (!servers || !gateway) return;
    const pendingToolChanges = groupPending(pending ?? [], servers);
    const notice = pendingChangesNotice(lastPending, pendingToolChanges, {
      notifications: settings.get('app.notifications'),
    });
    lastPending = pendingToolChanges;
    if (notice) notify(notice.title, notice.body);
    tray.render(
      buildTrayMenu({
        gateway,
        servers,
        clients,
        launchAtLogin: settings.get('app.launchAtLogin'),
        pendingToolChanges,
        profiles:
          profileNames && profileClients
            ? { names: profileNames.map((p) => p.name), clients: profileClients }
            : undefined,
      }),
    );
  }
  const scheduleTray = () => {
    // Health events arrive in bursts (every server at start): one rebuild per burst.
    clearTimeout(pending);
    pending = setTimeout(() => void refreshTray(), 150);
  };
  const lastHealth = new Map<string, HealthSnapshot>();
  runtime.on('servers.changed', scheduleTray);
  runtime.on('gateway.changed', scheduleTray);
  runtime.on('auth.changed', scheduleTray);
  runtime.on('profiles.changed', scheduleTray);
  runtime.on('health.changed', ({ prefix, health }) => {
    const server = hub.registry.servers.find(prefix);
    const message = shouldNotify(
      lastHealth.get(prefix),
      health,
      { notifications: settings.get('app.notifications') },
      {
        name: server?.name ?? prefix,
      },
    );
    lastHealth.set(prefix, health);
    if (message) notify(message.title, message.body);
    scheduleTray();
  });
  clients = (await value<AiClient[]>('clients.list', {})) ?? [];
  await refreshTray();

  // Keep the OS login item in step with the stored setting (a reinstall may have dropped it).
  app.setLoginItemSettings({ openAtLogin: settings.get('app.launchAtLogin') });

  // Quit = stop every upstream gracefully, then exit. before-quit runs again after our own app.quit().
  let stopped = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped) return;
    event.preventDefault();
    void (async () => {
      try {
        await hub.close();
      } catch (error) {
        hub.log.error('shutdown failed', { error });
      }
      tray.destroy();
      stopped = true;
      app.quit();
    })();
  });

  // First launch or an explicit start: show the window; at login, start quietly in the tray.
  if (!app.getLoginItemSettings().wasOpenedAtLogin) showWindow();
}
