import type { App, BrowserWindow } from 'electron';

/**
 * Takes the single-instance lock. When another instance already has it, asks this one to quit
 * and returns false. Otherwise a later launch focuses the window `currentWindow` returns.
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
    window.focus();
  });
  return true;
}
