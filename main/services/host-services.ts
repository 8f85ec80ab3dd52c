import type { EventQueue } from '../contract/event-queue.ts';
import type { Handlers } from '../contract/handler-registry.ts';
import type { WizardSnapshot } from '../contract/wizard-state.ts';
import type { Identity } from '../enroll/identity.ts';
import type { Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import {
  createStatusService,
  type StatusService,
  type StatusTuning,
} from '../status/status-service.ts';
import { createHostHandlers } from './wizard-handlers.ts';
import {
  createWizardService,
  type WizardConnectionOptions,
  type WizardService,
} from './wizard-service.ts';

export interface HostServicesOptions {
  organisation: OrganisationFile;
  dataDir: string;
  host: WizardSnapshot['host'];
  /** The driver factory, called once here, or the reason this host cannot connect. */
  connection: WizardConnectionOptions;
  /** Prefill for the identity step, from the OS account. */
  suggestedIdentity?: Partial<Identity>;
  status?: StatusTuning;
  log: Logger;
}

/** The services one host serves to its window, and the contract handlers bound to them. */
export interface HostServices {
  wizard: WizardService;
  status: StatusService;
  handlers: Handlers;
  /** Sends every change of either service as a contract event; returns the unsubscribe. */
  subscribeEvents(send: EventQueue['send']): () => void;
  /** Closes both services; the tunnel stays up, so the next start can reattach to it. */
  close(): void;
}

/**
 * Creates the wizard and status services around one connection driver, so the connect step,
 * the status window and the tray show and control the same tunnel.
 */
export async function createHostServices(options: HostServicesOptions): Promise<HostServices> {
  const { organisation, dataDir, log } = options;
  const driver = options.connection.createConnectionDriver?.();
  const connection: WizardConnectionOptions =
    driver === undefined
      ? {
          connectionUnavailableReason:
            options.connection.connectionUnavailableReason ?? 'This host cannot connect.',
        }
      : { createConnectionDriver: () => driver };

  const wizard = await createWizardService({
    organisation,
    dataDir,
    host: options.host,
    ...connection,
    suggestedIdentity: options.suggestedIdentity,
    log,
  });
  const status = await createStatusService({
    organisation,
    dataDir,
    driver,
    log,
    ...options.status,
  });

  // Starting over installs a new certificate, whose expiry the status window then shows.
  let fingerprint = wizard.snapshot().certificate?.sha256Fingerprint;
  const unsubscribeCertificate = wizard.subscribe((snapshot) => {
    const next = snapshot.certificate?.sha256Fingerprint;
    if (next === fingerprint) return;
    fingerprint = next;
    void status.refreshCertificate();
  });

  return {
    wizard,
    status,
    handlers: createHostHandlers(wizard, status, log),
    subscribeEvents(send) {
      const unsubscribeWizard = wizard.subscribe((snapshot) => send('wizard.state', snapshot));
      const unsubscribeStatus = status.subscribe((snapshot) => send('status.state', snapshot));
      return () => {
        unsubscribeWizard();
        unsubscribeStatus();
      };
    },
    close() {
      unsubscribeCertificate();
      status.close();
      wizard.close();
    },
  };
}
