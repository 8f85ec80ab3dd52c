import { WebSocket } from 'ws';

import { createContractClient, type ContractClient } from '../../main/contract/contract-client.ts';
import { createWebSocketTransport } from '../../main/contract/websocket-transport.ts';
import type { BrowserHost } from '../../main/browser-host/browser-host.ts';

/** A contract connection opened from Node, as the tests use it. */
export interface TestConnection {
  client: ContractClient;
  socket: WebSocket;
  /** Sends raw text, bypassing the typed client, to test how main treats bad input. */
  sendRaw(text: string): void;
  /** Resolves with the next raw message main sends. */
  nextMessage(): Promise<unknown>;
  close(): void;
}

export interface ConnectOptions {
  origin?: string;
  token?: string;
  host?: string;
}

/**
 * Opens a WebSocket to the browser host's contract with the Origin, Host and token of the app's
 * own page. Each option replaces one of them.
 */
export async function connectContract(
  host: BrowserHost,
  options: ConnectOptions = {},
): Promise<TestConnection> {
  const token = options.token ?? host.token;
  const socket = new WebSocket(
    `ws://127.0.0.1:${host.port}/contract?token=${encodeURIComponent(token)}`,
    {
      origin: options.origin ?? host.origin,
      headers: options.host === undefined ? undefined : { Host: options.host },
    },
  );

  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`WebSocket refused with HTTP ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });

  return {
    client: createContractClient(createWebSocketTransport(socket)),
    socket,
    sendRaw: (text) => socket.send(text),
    nextMessage: () =>
      new Promise((resolve) => {
        socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as unknown));
      }),
    close: () => socket.close(),
  };
}
