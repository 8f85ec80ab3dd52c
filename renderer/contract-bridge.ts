import {
  createContractClient,
  type ContractClient,
  type ContractTransport,
} from '../main/contract/contract-client.ts';
import { createWebSocketTransport } from '../main/contract/websocket-transport.ts';

declare global {
  interface Window {
    /** The contract transport the Electron preload exposes; absent in the browser host. */
    vpnOnboard?: ContractTransport;
  }
}

/** The renderer's link to main, with a hook for when the link drops. */
export interface Bridge {
  client: ContractClient;
  onClose(listener: () => void): void;
}

/**
 * Connects to main: through the preload in Electron, or else over the browser host's WebSocket
 * with the token from the page's fragment.
 */
export async function connectBridge(): Promise<Bridge> {
  const report = (problem: string) => console.error(problem);

  if (window.vpnOnboard !== undefined) {
    return { client: createContractClient(window.vpnOnboard, report), onClose: () => undefined };
  }

  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token === null) {
    throw new Error(
      'The page address has no session token; open the address the browser host printed.',
    );
  }

  const socket = new WebSocket(
    `ws://${window.location.host}/contract?token=${encodeURIComponent(token)}`,
  );
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener(
      'close',
      () =>
        reject(
          new Error('The app refused the connection; open the address the browser host printed.'),
        ),
      { once: true },
    );
  });

  return {
    client: createContractClient(createWebSocketTransport(socket), report),
    onClose: (listener) => socket.addEventListener('close', listener),
  };
}
