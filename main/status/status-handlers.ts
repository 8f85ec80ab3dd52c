import type { Handlers } from '../contract/handler-registry.ts';
import type { StatusService } from './status-service.ts';

/** The contract calls the status window makes. */
export type StatusHandlers = Pick<Handlers, 'status.ready' | 'status.probeNow'>;

/** Binds the status window's calls to the status service. */
export function createStatusHandlers(service: StatusService): StatusHandlers {
  return {
    'status.ready': () => Promise.resolve(service.snapshot()),
    'status.probeNow': async () => {
      await service.probeNow();
      return {};
    },
  };
}
