import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { MenuItemModel, MenuModel, TrayAction, TrayIcon } from './tray-menu.ts';

/** The Electron pieces the tray needs, injectable so tests pass fakes that record what they were given. */
export interface TrayFactory {
  createTray(
    icon: NativeImage | string,
  ): Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'on' | 'destroy'>;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  /** The image (or path) of an icon state. */
  icon(state: TrayIcon): NativeImage | string;
}

/** Electron's menu template for a model; clicks call `run` with the item's action. */
export function toMenuTemplate(
  items: readonly MenuItemModel[],
  run: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'action':
        return { label: item.label, enabled: item.enabled ?? true, click: () => run(item.action) };
      case 'checkbox':
        return { label: item.label, type: 'checkbox', checked: item.checked, click: () => run(item.action) };
      case 'submenu':
        return { label: item.label, submenu: toMenuTemplate(item.items, run) };
    }
  });
}

/** The tray as a service: `render(model)` replaces icon, tooltip and menu. */
export interface TrayController {
  render(model: MenuModel): void;
  destroy(): void;
}

/** Creates the tray icon; the menu arrives with the first render. */
export function createTrayController(
  factory: TrayFactory,
  options: { run(action: TrayAction): void; onClick?(): void },
): TrayController {
  const tray = factory.createTray(factory.icon('ok'));
  if (options.onClick) tray.on('click', options.onClick);
  let icon: TrayIcon | undefined;
  return {
    render(model) {
      if (model.icon !== icon) {
        icon = model.icon;
        tray.setImage(factory.icon(model.icon));
      }
      tray.setToolTip(model.tooltip);
      tray.setContextMenu(factory.buildMenu(toMenuTemplate(model.items, options.run)));
    },
    destroy: () => tray.destroy(),
  };
}
