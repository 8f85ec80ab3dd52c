import { execFile } from 'node:child_process';

/** The D-Bus name of the host that shows StatusNotifierItem icons, which Electron's tray uses on Linux. */
export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher';

const GDBUS_TIMEOUT_MS = 2_000;

/**
 * Tells whether a tray icon will be visible. macOS and Windows always show one. On Linux,
 * Electron draws the icon through a StatusNotifier host, which KDE, Xfce and most panels run but
 * stock GNOME does not (it needs the AppIndicator extension), and Electron raises no error when
 * nobody shows the icon. So the watcher's presence on the session bus decides, and when that
 * cannot be asked, a GNOME session counts as having no tray.
 */
export function trayVisible(
  platform: NodeJS.Platform,
  currentDesktop: string | undefined,
  watcherPresent: boolean | undefined,
): boolean {
  if (platform !== 'linux') return true;
  if (watcherPresent !== undefined) return watcherPresent;

  const desktops = (currentDesktop ?? '').split(':').map((name) => name.trim().toUpperCase());
  return !desktops.includes('GNOME');
}

/**
 * Asks the session bus whether a StatusNotifier watcher runs, with `gdbus`. Resolves to
 * undefined when gdbus is missing, there is no session bus, or the call fails or times out.
 */
export function statusNotifierWatcherPresent(): Promise<boolean | undefined> {
  const args = [
    'call',
    '--session',
    '--dest',
    'org.freedesktop.DBus',
    '--object-path',
    '/org/freedesktop/DBus',
    '--method',
    'org.freedesktop.DBus.NameHasOwner',
    STATUS_NOTIFIER_WATCHER,
  ];
  return new Promise((resolve) => {
    execFile('gdbus', args, { timeout: GDBUS_TIMEOUT_MS }, (error, stdout) => {
      resolve(error === null ? parseNameHasOwner(stdout) : undefined);
    });
  });
}

/** Reads gdbus's reply to NameHasOwner, which prints a GVariant tuple such as "(true,)". */
export function parseNameHasOwner(output: string): boolean | undefined {
  const reply = output.trim();
  if (reply === '(true,)') return true;
  if (reply === '(false,)') return false;
  return undefined;
}
