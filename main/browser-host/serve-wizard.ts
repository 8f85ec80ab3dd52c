import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Identity } from '../enroll/identity.ts';
import type { Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { createWizardHandlers } from '../services/wizard-handlers.ts';
import {
  createWizardService,
  type WizardConnectionOptions,
  type WizardService,
} from '../services/wizard-service.ts';
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
  'This browser preview does not start VPN connections unless it runs as root with --connect. Your profile is installed, so OpenVPN can connect with it.';

export interface ServeWizardOptions {
  organisation: OrganisationFile;
  dataDir: string;
  log: Logger;
  port?: number;
  rendererDir?: string;
  suggestedIdentity?: Partial<Identity>;
  /** The driver factory or the reason the wizard cannot connect; by default, the reason. */
  connection?: WizardConnectionOptions;
}

/** The wizard served in a browser: its service and the host in front of it. */
export interface WizardBrowserHost {
  host: BrowserHost;
  service: WizardService;
  close(): Promise<void>;
}

/** Starts the wizard service for `organisation` and serves it through the browser host. */
export async function serveWizard(options: ServeWizardOptions): Promise<WizardBrowserHost> {
  const service = await createWizardService({
    organisation: options.organisation,
    dataDir: options.dataDir,
    host: 'browser',
    ...(options.connection ?? { connectionUnavailableReason: BROWSER_CONNECTION_REASON }),
    suggestedIdentity: options.suggestedIdentity,
    log: options.log,
  });
  const host = await startBrowserHost({
    rendererDir: options.rendererDir ?? RENDERER_DIR,
    handlers: createWizardHandlers(service, options.log),
    subscribeState: (listener) => service.subscribe(listener),
    log: options.log,
    port: options.port,
  });

  return {
    host,
    service,
    async close() {
      service.close();
      await host.close();
    },
  };
}
