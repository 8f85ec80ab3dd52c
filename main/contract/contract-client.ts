import {
  contract,
  isEventName,
  type CallMessage,
  type CallName,
  type CallOutcome,
  type CallPayload,
  type CallResult,
  type EventMessage,
  type EventName,
  type EventPayload,
} from './contract.ts';

/** Carries messages between the client and main: Electron IPC through the preload, or a WebSocket. */
export interface ContractTransport {
  invoke(message: CallMessage): Promise<CallOutcome<unknown>>;
  /** Subscribes to pushed events; returns the unsubscribe function. */
  subscribe(listener: (message: EventMessage) => void): () => void;
}

/** The typed API the renderer and the tests call. */
export interface ContractClient {
  call<Name extends CallName>(
    name: Name,
    payload: CallPayload<Name>,
  ): Promise<CallOutcome<CallResult<Name>>>;
  on<Name extends EventName>(
    event: Name,
    listener: (payload: EventPayload<Name>) => void,
  ): () => void;
}

/**
 * Creates the client side of the contract. Event payloads are validated here too, so a
 * renderer never renders a state main did not mean to send; an invalid one goes to `onInvalid`.
 */
export function createContractClient(
  transport: ContractTransport,
  onInvalid: (problem: string) => void = () => undefined,
): ContractClient {
  let nextId = 1;

  return {
    async call(name, payload) {
      const id = nextId++;
      try {
        return (await transport.invoke({ id, call: name, payload })) as CallOutcome<
          CallResult<typeof name>
        >;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: { code: 'failed', message } };
      }
    },

    on(event, listener) {
      return transport.subscribe((message) => {
        if (message.event !== event || !isEventName(message.event)) return;

        const parsed = contract.events[event].safeParse(message.payload);
        if (!parsed.success) {
          onInvalid(`Invalid ${event} event: ${parsed.error.issues[0]?.message}`);
          return;
        }
        // The schema was looked up by `event`, so its output is that event's payload; TypeScript
        // widens it to the union of every event's payload.
        listener(parsed.data as EventPayload<typeof event>);
      });
    },
  };
}
