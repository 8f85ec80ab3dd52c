import type { CallMessage, CallOutcome, EventMessage, ReplyMessage } from './contract.ts';
import type { ContractTransport } from './contract-client.ts';

/** The part of the WebSocket API this transport uses; browsers and the `ws` package both have it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
}

const OPEN = 1;

/** Runs the contract over an open WebSocket: calls carry an id and wait for the matching reply. */
export function createWebSocketTransport(socket: WebSocketLike): ContractTransport {
  const waiting = new Map<number, (outcome: CallOutcome<unknown>) => void>();
  const listeners = new Set<(message: EventMessage) => void>();

  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;

    let message: ReplyMessage | EventMessage;
    try {
      message = JSON.parse(event.data) as ReplyMessage | EventMessage;
    } catch {
      return;
    }

    if (message.kind === 'reply') {
      waiting.get(message.id)?.(message.outcome);
      waiting.delete(message.id);
      return;
    }
    if (message.kind === 'event') {
      for (const listener of listeners) listener(message);
    }
  });

  socket.addEventListener('close', () => {
    for (const resolve of waiting.values()) {
      resolve({
        ok: false,
        error: { code: 'failed', message: 'The connection to the app closed; reload the page.' },
      });
    }
    waiting.clear();
  });

  return {
    invoke(message: CallMessage) {
      if (socket.readyState !== OPEN) {
        return Promise.resolve({
          ok: false,
          error: { code: 'failed', message: 'Not connected to the app; reload the page.' },
        });
      }
      return new Promise((resolve) => {
        waiting.set(message.id, resolve);
        socket.send(JSON.stringify(message));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
