import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Identity } from '../enroll/identity.ts';
import type { Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { createHostServices } from '../services/host-services.ts';
import type { WizardConnectionOptions, WizardService } from '../services/wizard-service.ts';
import type { StatusService, StatusTuning } from '../status/status-service.ts';
import { startBrowserHost, type BrowserHost } from './browser-host.ts';

/** The directory `vite build` writes the renderer to. */
export const RENDERER_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'out',
  'renderer',
);

/** The reason the connect step shows when the browser host runs without `--connect`. */
export const BROWSER_CONNECTION_REASON =
  'This browser preview cannot start the VPN, so it shows setup and status only. Your profile is installed, so OpenVPN can connect with it. Developer detail: the preview starts openvpn itself when run as root with the --connect option.';

export interface ServeWizardOptions {
  organisation: OrganisationFile;
  dataDir: string;
  log: Logger;
  port?: number;
  rendererDir?: string;
  suggestedIdentity?: Partial<Identity>;
  /** The driver factory or the reason the wizard cannot connect; by default, the reason. */
  connection?: WizardConnectionOptions;
  /** How often the status window probes; by default every 10 s while connected. */
  status?: StatusTuning;
}

/** The wizard and the status window served in a browser: their services and the host in front. */
export interface WizardBrowserHost {
  host: BrowserHost;
  service: WizardService;
  status: StatusService;
  close(): Promise<void>;
}

/** Starts the wizard and status services for `organisation` and serves them through the browser host. */
export async function serveWizard(options: ServeWizardOptions): Promise<WizardBrowserHost> {
  const services = await createHostServices({
    organisation: options.organisation,
    dataDir: options.dataDir,
    host: 'browser',
    connection: options.connection ?? { connectionUnavailableReason: BROWSER_CONNECTION_REASON },
    suggestedIdentity: options.suggestedIdentity,
    status: options.status,
    log: options.log,
  });
  const host = await startBrowserHost({
    rendererDir: options.rendererDir ?? RENDERER_DIR,
    handlers: services.handlers,
    subscribeEvents: (send) => services.subscribeEvents(send),
    log: options.log,
    port: options.port,
  });

  return {
    host,
    service: services.wizard,
    status: services.status,
    async close() {
      services.close();
      await host.close();
    },
  };
}
