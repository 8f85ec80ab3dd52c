import type { App, BrowserWindow } from 'electron';

/**
 * Takes the single-instance lock. When another instance already has it, asks this one to quit
 * and returns false. Otherwise a later launch shows and focuses the window `currentWindow`
 * returns, because a window closed to the tray is only hidden and a launch is a way to get it back.
 */
export function claimSingleInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>,
  currentWindow: () => BrowserWindow | undefined,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }

  app.on('second-instance', () => {
    const window = currentWindow();
    if (window === undefined || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  return true;
}
