import type { EventMessage, EventName, EventPayload } from './contract.ts';

/** The events one window receives; events sent before it is ready are held, not dropped. */
export interface EventQueue {
  send<Name extends EventName>(event: Name, payload: EventPayload<Name>): void;
  /** Delivers the held events in order and sends later ones straight away. */
  markReady(): void;
  readonly ready: boolean;
}

// A window that never becomes ready must not grow the queue without bound.
const MAX_QUEUED_EVENTS = 500;

/** Creates the queue in front of `deliver`, which writes one event to the window. */
export function createEventQueue(deliver: (message: EventMessage) => void): EventQueue {
  const held: EventMessage[] = [];
  let ready = false;

  return {
    send(event, payload) {
      const message: EventMessage = { kind: 'event', event, payload };
      if (ready) {
        deliver(message);
        return;
      }
      if (held.length >= MAX_QUEUED_EVENTS) held.shift();
      held.push(message);
    },
    markReady() {
      if (ready) return;
      ready = true;
      for (const message of held.splice(0)) deliver(message);
    },
    get ready() {
      return ready;
    },
  };
}
