import { describe, expect, it } from 'vitest';
import { buildTrayMenu, overallHealth, type MenuItemModel } from '../../../main/app/tray-menu.ts';
import { createTrayController, toMenuTemplate } from '../../../main/app/tray.ts';
import { client, GATEWAY, server } from './fixtures.ts';

const labels = (items: MenuItemModel[]) => items.map((i) => ('label' in i ? i.label : '---'));

describe('overallHealth', () => {
  it('is ok when every enabled server is fine, ignoring switched-off ones', () => {
    expect(
      overallHealth({ gateway: GATEWAY, servers: [server('a', 'healthy'), server('b', 'unhealthy', false)] }),
    ).toBe('ok');
    expect(overallHealth({ gateway: GATEWAY, servers: [] })).toBe('ok');
  });
  it('needs attention for degraded, needs_auth, needs_config, or a paused gateway', () => {
    for (const status of ['degraded', 'needs_auth', 'needs_config'] as const) {
      expect(
        overallHealth({ gateway: GATEWAY, servers: [server('a', 'healthy'), server('b', status)] }),
      ).toBe('attention');
    }
    expect(overallHealth({ gateway: { ...GATEWAY, state: 'paused' }, servers: [] })).toBe('attention');
  });
  it('is an error when a server is unhealthy or the gateway is down without being paused', () => {
    expect(
      overallHealth({ gateway: GATEWAY, servers: [server('a', 'needs_auth'), server('b', 'unhealthy')] }),
    ).toBe('error');
    expect(overallHealth({ gateway: { ...GATEWAY, state: 'stopped' }, servers: [] })).toBe('error');
  });
});

describe('buildTrayMenu', () => {
  const model = buildTrayMenu({
    gateway: GATEWAY,
    servers: [server('github', 'healthy'), server('db', 'needs_config'), server('off', 'disabled', false)],
    clients: [client('cursor', true, 'current'), client('vscode', true), client('windsurf', false)],
    launchAtLogin: true,
  });

  it('shows the gateway status, its URL to copy, servers, clients, pause, window, login and quit', () => {
    expect(labels(model.items)).toEqual([
      'Gateway running on port 17517',
      'Copy URL  http://127.0.0.1:17517/mcp',
      '---',
      '● GITHUB — healthy',
      '▲ DB — needs configuration',
      '○ OFF — off',
      '---',
      'Connect a client',
      'Pause gateway',
      '---',
      'Open Switchboard',
      'Start at login',
      '---',
      'Quit Switchboard',
    ]);
    expect(model.icon).toBe('attention');
    expect(model.tooltip).toBe('Switchboard — gateway running on port 17517, 1 server needs attention');
    expect(model.items[1]).toMatchObject({ action: { type: 'copy-url', url: GATEWAY.url } });
  });

  it('gives every server an on/off toggle', () => {
    const off = model.items.find((i) => i.kind === 'submenu' && i.label.includes('OFF'));
    expect(off).toMatchObject({
      items: [
        {
          kind: 'checkbox',
          checked: false,
          action: { type: 'set-server-enabled', prefix: 'off', enabled: true },
        },
        { kind: 'action' },
      ],
    });
  });

  it('lists detected clients only, marking connected ones', () => {
    const connect = model.items.find((i) => i.kind === 'submenu' && i.label === 'Connect a client');
    expect(connect).toMatchObject({
      items: [
        { label: 'cursor ✓ connected', action: { type: 'connect-client', id: 'cursor' } },
        { label: 'vscode', action: { type: 'connect-client', id: 'vscode' } },
      ],
    });
  });

  it('offers resume while paused, and the login checkbox toggles', () => {
    const paused = buildTrayMenu({
      gateway: { ...GATEWAY, state: 'paused' },
      servers: [],
      clients: [],
      launchAtLogin: false,
    });
    expect(paused.items[0]).toEqual({ kind: 'label', label: 'Gateway paused' });
    expect(paused.items).toContainEqual({
      kind: 'action',
      label: 'Resume gateway',
      action: { type: 'set-paused', paused: false },
    });
    expect(paused.items).toContainEqual(
      expect.objectContaining({
        label: 'Start at login',
        checked: false,
        action: { type: 'set-launch-at-login', enabled: true },
      }),
    );
    expect(labels(paused.items)).toContain('No servers yet');
  });
});

describe('the tray renderer', () => {
  it('maps the model onto Electron menu templates whose clicks run the actions', () => {
    const ran: unknown[] = [];
    const template = toMenuTemplate(
      [
        { kind: 'label', label: 'L' },
        { kind: 'separator' },
        { kind: 'checkbox', label: 'C', checked: true, action: { type: 'quit' } },
        {
          kind: 'submenu',
          label: 'S',
          items: [{ kind: 'action', label: 'A', action: { type: 'open-window' } }],
        },
      ],
      (action) => ran.push(action),
    );
    expect(template[0]).toEqual({ label: 'L', enabled: false });
    expect(template[1]).toEqual({ type: 'separator' });
    expect(template[2]).toMatchObject({ type: 'checkbox', checked: true });
    const sub = template[3]?.submenu as { click: () => void }[];
    sub[0]?.click();
    (template[2] as { click: () => void }).click();
    expect(ran).toEqual([{ type: 'open-window' }, { type: 'quit' }]);
  });

  it('renders into a fake tray: icon only when it changes, tooltip and menu every time', () => {
    const calls: string[] = [];
    const controller = createTrayController(
      {
        createTray: (icon) => {
          calls.push(`create ${String(icon)}`);
          return {
            setImage: (i: unknown) => calls.push(`image ${String(i)}`),
            setToolTip: (t: string) => calls.push(`tooltip ${t}`),
            setContextMenu: (m: unknown) => calls.push(`menu ${(m as unknown[]).length}`),
            on: () => undefined,
            destroy: () => calls.push('destroy'),
          } as never;
        },
        buildMenu: (template) => template as never,
        icon: (state) => `icon-${state}`,
      },
      { run: () => undefined },
    );
    const model = buildTrayMenu({ gateway: GATEWAY, servers: [], clients: [], launchAtLogin: false });
    controller.render(model);
    controller.render(model);
    controller.render({ ...model, icon: 'error' });
    expect(calls).toEqual([
      'create icon-ok',
      'image icon-ok',
      `tooltip ${model.tooltip}`,
      `menu ${model.items.length}`,
      `tooltip ${model.tooltip}`,
      `menu ${model.items.length}`,
      'image icon-error',
      `tooltip ${model.tooltip}`,
      `menu ${model.items.length}`,
    ]);
  });
});
