import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ConnectionSupport } from '../contract/wizard-state.ts';
import type { Identity } from '../enroll/identity.ts';
import type { Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { createWizardHandlers } from '../services/wizard-handlers.ts';
import { createWizardService, type WizardService } from '../services/wizard-service.ts';
import { startBrowserHost, type BrowserHost } from './browser-host.ts';

/** The directory `vite build` writes the renderer to. */
export const RENDERER_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'out',
  'renderer',
);

// NOTE: the browser host has no connection driver wired in, so the wizard's connect step explains
// that instead of connecting.
export const BROWSER_CONNECTION: ConnectionSupport = {
  available: false,
  reason:
    'This browser preview does not start VPN connections, because opening the tunnel needs the desktop app. Your profile is installed, so OpenVPN can connect with it.',
};

export interface ServeWizardOptions {
  organisation: OrganisationFile;
  dataDir: string;
  log: Logger;
  port?: number;
  rendererDir?: string;
  suggestedIdentity?: Partial<Identity>;
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
    connection: BROWSER_CONNECTION,
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
