import type { Handlers } from '../contract/handler-registry.ts';
import type { Logger } from '../log/logger.ts';
import { createStatusHandlers, type StatusHandlers } from '../status/status-handlers.ts';
import type { StatusService } from '../status/status-service.ts';
import type { WizardService } from './wizard-service.ts';

/**
 * Binds every contract call to the wizard and status services; every host registers these same
 * handlers.
 */
export function createHostHandlers(
  wizard: WizardService,
  status: StatusService,
  log: Logger,
): Handlers {
  return { ...createWizardHandlers(wizard, log), ...createStatusHandlers(status) };
}

/** Binds the wizard's calls, and the connection and log calls, to the wizard service. */
export function createWizardHandlers(
  service: WizardService,
  log: Logger,
): Omit<Handlers, keyof StatusHandlers> {
  const rendererLog = log.child('renderer');

  return {
    'wizard.ready': () => Promise.resolve(service.snapshot()),
    'wizard.goTo': async ({ step }) => {
      await service.goTo(step);
      return {};
    },
    'wizard.saveIdentity': async (identity) => {
      await service.saveIdentity(identity);
      return {};
    },
    'wizard.createRequest': async () => {
      await service.createRequest();
      return {};
    },
    'wizard.submitEst': async (credentials) => {
      await service.submitEst(credentials);
      return {};
    },
    'wizard.retryNow': async () => {
      await service.retryNow();
      return {};
    },
    'wizard.importCertificate': async ({ certificate }) => {
      await service.importCertificate(certificate);
      return {};
    },
    'wizard.restart': async () => {
      await service.restart();
      return {};
    },
    'connection.connect': async () => {
      await service.connect();
      return {};
    },
    'connection.reconnect': async () => {
      await service.reconnect();
      return {};
    },
    'connection.disconnect': async () => {
      await service.disconnect();
      return {};
    },
    'log.rendererError': ({ message, stack }) => {
      rendererLog.error(message, { stack: stack?.split('\n').slice(0, 5).join(' | ') });
      return Promise.resolve({});
    },
  };
}
