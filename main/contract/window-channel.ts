import type { CallOutcome, EventMessage } from './contract.ts';
import { createEventQueue, type EventQueue } from './event-queue.ts';
import type { HandlerRegistry } from './handler-registry.ts';

/** The contract as one window sees it: its calls go to the registry, its events wait for ready. */
export interface WindowChannel<Sender> {
  readonly events: EventQueue;
  /**
   * Handles one raw message from `sender`. The outcome is the reply, and `undefined` means the
   * message was ignored. Call `afterReply` once the reply is on its way.
   */
  receive(
    sender: Sender,
    message: unknown,
  ): Promise<{ outcome: CallOutcome<unknown> | undefined; afterReply: () => void }>;
}

/** Creates the channel of one window; `deliver` writes one event to it. */
export function createWindowChannel<Sender>(options: {
  registry: HandlerRegistry<Sender>;
  deliver: (message: EventMessage) => void;
}): WindowChannel<Sender> {
  const events = createEventQueue(options.deliver);

  return {
    events,
    async receive(sender, message) {
      const outcome = await options.registry.handle(sender, message);
      const isReady = outcome?.ok === true && callOf(message) === 'wizard.ready';

      // Queued events go out after the snapshot reply, so the renderer applies them on top of it.
      return { outcome, afterReply: () => (isReady ? events.markReady() : undefined) };
    },
  };
}

function callOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null
    ? (message as { call?: unknown }).call
    : undefined;
}
