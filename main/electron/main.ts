import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { app, BrowserWindow, dialog, session } from 'electron';

import { resolveOrganisation } from '../cli/context.ts';
import { suggestedName } from '../enroll/identity.ts';
import { createLogger, logFilePath, rotatingFileSink } from '../log/logger.ts';
import { canDisconnect } from '../connect/connection-state.ts';
import { desktopConnection } from '../services/host-connection.ts';
import { createHostServices } from '../services/host-services.ts';
import { resolveDataDir } from '../storage/data-dir.ts';
import { statusNotifierWatcherPresent, trayVisible } from '../tray/tray-availability.ts';
import { followStatus, trayActionHandler } from '../tray/tray-controller.ts';
import { TrayPresenter } from '../tray/tray-presenter.ts';
import { installAppMenu } from './app-menu.ts';
import { registerAppScheme, serveRenderer } from './app-protocol.ts';
import { serveContract } from './contract-ipc.ts';
import { claimSingleInstance } from './single-instance.ts';
import { createAppTray, showNotice, type AppTray } from './tray.ts';
import {
  APP_ORIGIN,
  denyPermissions,
  lockDownContents,
  secureWindowOptions,
} from './window-security.ts';

// The build puts main.js and preload.cjs in out/electron/ and the renderer in out/renderer/.
const buildDirectory = dirname(fileURLToPath(import.meta.url));
const PRELOAD_PATH = join(buildDirectory, 'preload.cjs');
const RENDERER_DIR = join(buildDirectory, '..', 'renderer');

let mainWindow: BrowserWindow | undefined;
let appTray: AppTray | undefined;
let quitting = false;

registerAppScheme();

if (claimSingleInstance(app, () => mainWindow)) {
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  // With a tray the app keeps running in it. Without one, closing the window quits the app.
  app.on('window-all-closed', () => {
    if (appTray === undefined) app.quit();
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  // macOS brings an app back through its dock icon, not a second launch.
  app.on('activate', () => {
    mainWindow?.show();
  });
  // A rejection from start itself must reach fail too, or the app would hold the single-instance
  // lock with no window and no error shown.
  app.whenReady().then(start).catch(fail);
}

async function start(): Promise<void> {
  const dataDir = resolveDataDir();
  const log = createLogger({ sinks: [rotatingFileSink(logFilePath(dataDir))], scope: 'electron' });
  log.info('Starting', { version: app.getVersion() });

  denyPermissions(session.defaultSession);
  serveRenderer(RENDERER_DIR);

  // NOTE: with no --org and nothing enrolled yet, start fails with an error dialog, because the
  // app has no screen yet for choosing the organisation file.
  const organisation = await resolveOrganisation(organisationArgument(process.argv), dataDir);
  const services = await createHostServices({
    organisation,
    dataDir,
    host: 'electron',
    connection: desktopConnection({ organisation, dataDir, log }),
    suggestedIdentity: { name: suggestedName() },
    log,
  });

  installAppMenu();
  mainWindow = new BrowserWindow(secureWindowOptions(PRELOAD_PATH));
  const channel = serveContract({ window: mainWindow, handlers: services.handlers, log });
  services.subscribeEvents((event, payload) => channel.events.send(event, payload));

  const showWindow = () => {
    mainWindow?.show();
    mainWindow?.focus();
  };
  const watcherPresent =
    process.platform === 'linux' ? await statusNotifierWatcherPresent() : undefined;
  const withTray = trayVisible(process.platform, process.env.XDG_CURRENT_DESKTOP, watcherPresent);
  log.info('Tray', { visible: withTray, watcherPresent: String(watcherPresent) });

  const onAction = trayActionHandler({
    connection: services.wizard,
    state: () => services.status.snapshot().connectionState,
    showWindow,
    quit: () => app.quit(),
    onError: (action, error) =>
      log.warn('Tray action failed', {
        action,
        error: error instanceof Error ? error.message : String(error),
      }),
  });
  if (withTray) appTray = createAppTray(trayIconDirectory(), onAction);
  const presenter = new TrayPresenter({
    render: (model) => appTray?.render(model),
    notify: (notice) => showNotice(notice, showWindow),
    appName: app.getName(),
  });
  const stopFollowing = followStatus(services.status, (inputs) => presenter.update(inputs));

  // Every way of quitting (the tray's Quit, Cmd+Q, closing the window without a tray) stops a
  // running tunnel first, so no tunnel is left up without an app that shows it.
  let tunnelStopped = false;
  app.on('before-quit', (event) => {
    if (tunnelStopped || !canDisconnect(services.status.snapshot().connectionState)) return;

    event.preventDefault();
    tunnelStopped = true;
    services.wizard
      .disconnect()
      .catch((error: unknown) =>
        log.warn('Failed to disconnect before quitting', {
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => app.quit());
  });

  // Closing the window only hides it while the tray can bring it back, so Quit is the way out.
  mainWindow.on('close', (event) => {
    if (appTray === undefined || quitting) return;
    event.preventDefault();
    mainWindow?.hide();
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  // A session ending (log out, shutdown on Windows) must not be held up by the hide above.
  mainWindow.on('session-end', () => {
    quitting = true;
  });
  mainWindow.on('closed', () => {
    mainWindow = undefined;
    stopFollowing();
    presenter.dispose();
    appTray?.destroy();
    appTray = undefined;
    services.close();
  });
  await mainWindow.loadURL(`${APP_ORIGIN}/index.html`);
}

/** Returns the folder of the tray icons: next to the app when packaged, in the source otherwise. */
function trayIconDirectory(): string {
  if (app.isPackaged) return join(process.resourcesPath, 'tray');
  return join(buildDirectory, '..', '..', 'resources', 'tray');
}

/** Returns the value of `--org FILE` or `--org=FILE`, if given. */
export function organisationArgument(argv: string[]): string | undefined {
  const index = argv.indexOf('--org');
  if (index >= 0) return argv[index + 1];
  return argv.find((argument) => argument.startsWith('--org='))?.slice('--org='.length);
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('VPN Onboard could not start', message);
  app.exit(1);
}
