import { join } from 'node:path';

import { Menu, nativeImage, Notification, Tray, type MenuItemConstructorOptions } from 'electron';

import type { TrayAction, TrayIcon, TrayMenuItem, TrayModel } from '../tray/tray-model.ts';
import type { Notice } from '../tray/tray-notices.ts';

/** The tray icon as the app drives it. */
export interface AppTray {
  render(model: TrayModel): void;
  destroy(): void;
}

/**
 * Returns the icon file for a tray state. macOS gets the template images, which the menu bar
 * tints for light and dark mode; Electron picks the @2x file next to either on high-density
 * screens.
 */
export function trayIconPath(directory: string, icon: TrayIcon, platform: NodeJS.Platform): string {
  const suffix = platform === 'darwin' ? 'Template' : '';
  return join(directory, `${icon}${suffix}.png`);
}

/** Builds Electron's menu template from the tray model's items. */
export function menuTemplate(
  items: TrayMenuItem[],
  onAction: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'label') return { id: item.id, label: item.label, enabled: false };
    return {
      id: item.action,
      label: item.label,
      enabled: item.enabled,
      click: () => onAction(item.action),
    };
  });
}

/** Creates the tray icon; the first `render` sets its picture, tooltip and menu. */
export function createAppTray(
  iconDirectory: string,
  onAction: (action: TrayAction) => void,
): AppTray {
  const imageFor = (icon: TrayIcon) =>
    nativeImage.createFromPath(trayIconPath(iconDirectory, icon, process.platform));
  const tray = new Tray(imageFor('disconnected'));
  let shownIcon: TrayIcon = 'disconnected';

  // Windows and Linux users expect a left click to open the app rather than the menu.
  tray.on('click', () => onAction('open'));

  return {
    render(model) {
      if (model.icon !== shownIcon) {
        tray.setImage(imageFor(model.icon));
        shownIcon = model.icon;
      }
      tray.setToolTip(model.tooltip);
      tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(model.menu, onAction)));
    },
    destroy() {
      tray.destroy();
    },
  };
}

/** Shows a desktop notification when the platform supports them; a click opens the window. */
export function showNotice(notice: Notice, onClick: () => void): void {
  if (!Notification.isSupported()) return;

  const notification = new Notification({ title: notice.title, body: notice.body, silent: true });
  notification.on('click', onClick);
  notification.show();
}
