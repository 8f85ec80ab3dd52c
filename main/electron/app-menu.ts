import { Menu, type MenuItemConstructorOptions } from 'electron';

/**
 * Builds the application menu. Electron's default menu binds Ctrl+R and Ctrl+Shift+R to reloading
 * the window, which would throw away the wizard's screen and swallow the reconnect shortcut that
 * the status window handles, so the app replaces it with editing and window commands only.
 */
export function appMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const window: MenuItemConstructorOptions = {
    label: 'Window',
    submenu: [{ role: 'minimize' }, { role: 'close' }],
  };
  if (platform !== 'darwin') return [edit, window];

  // macOS apps keep an application menu with Hide and Quit, or Cmd+Q does nothing.
  return [{ role: 'appMenu' }, edit, window];
}

export function installAppMenu(): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(process.platform)));
}
