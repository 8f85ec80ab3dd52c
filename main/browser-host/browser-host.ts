import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { WebSocketServer, type WebSocket } from 'ws';

import { contentSecurityPolicy } from '../contract/content-security-policy.ts';
import type { EventMessage, ReplyMessage } from '../contract/contract.ts';
import type { EventQueue } from '../contract/event-queue.ts';
import { createHandlerRegistry, type Handlers } from '../contract/handler-registry.ts';
import { createWindowChannel, type WindowChannel } from '../contract/window-channel.ts';
import type { Logger } from '../log/logger.ts';
import { readRendererFile } from '../services/renderer-files.ts';

export const CONTRACT_PATH = '/contract';
const MAX_MESSAGE_BYTES = 256 * 1024;
const LOOPBACK = '127.0.0.1';

export interface BrowserHostOptions {
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  handlers: Handlers;
  /** Source of the events pushed to every window; returns the unsubscribe function. */
  subscribeEvents: (send: EventQueue['send']) => () => void;
  log: Logger;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
}

/** A running browser host. Development and tests only; never part of a packaged build. */
export interface BrowserHost {
  /** The page to open, with the session token in the fragment so it never reaches a log. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** Number of open, authenticated contract connections. */
  readonly connections: number;
  close(): Promise<void>;
}

/** The identity the registry checks: only connections that passed the upgrade checks count. */
interface SocketSender {
  origin: string | undefined;
  authenticated: boolean;
}

/**
 * Serves the built renderer and the contract over a WebSocket on 127.0.0.1. The Host header must
 * name 127.0.0.1 and this port (a DNS-rebinding name gets 403), and a WebSocket must come from
 * this origin and carry the random token, so another page in the same browser gets nothing.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const log = options.log.child('browser-host');
  const token = randomBytes(24).toString('base64url');
  const server = createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const channels = new Map<WebSocket, WindowChannel<SocketSender>>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;
  const expectedHost = `${LOOPBACK}:${port}`;

  const registry = createHandlerRegistry<SocketSender>({
    handlers: options.handlers,
    isTrustedSender: (sender) => sender.authenticated && sender.origin === origin,
    log: options.log,
  });

  const unsubscribe = options.subscribeEvents((event, payload) => {
    for (const channel of channels.values()) channel.events.send(event, payload);
  });

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void serveFile(request, response);
  });

  async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.host !== expectedHost) {
      log.warn('Rejected a request for another host name', {
        host: request.headers.host?.slice(0, 100),
      });
      response.writeHead(403).end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }

    const path = new URL(request.url ?? '/', origin).pathname;
    const file = await readRendererFile(options.rendererDir, path);
    if (file === undefined) {
      response.writeHead(404, securityHeaders(port)).end();
      return;
    }
    response.writeHead(200, { ...securityHeaders(port), 'Content-Type': file.contentType });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const problem = upgradeProblem(request, { expectedHost, origin, token });
    if (problem !== undefined) {
      log.warn('Refused a WebSocket connection', { reason: problem });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }

    sockets.handleUpgrade(request, socket, head, (webSocket) => {
      accept(webSocket, { origin: request.headers.origin, authenticated: true });
    });
  });

  function accept(webSocket: WebSocket, sender: SocketSender): void {
    const channel = createWindowChannel({
      registry,
      deliver: (message: EventMessage) => webSocket.send(JSON.stringify(message)),
    });
    channels.set(webSocket, channel);
    log.info('Opened a contract connection', { connections: channels.size });

    webSocket.on('message', (data, isBinary) => {
      // Text frames arrive as one Buffer, since the server does not change binaryType.
      const text = !isBinary && Buffer.isBuffer(data) ? data.toString('utf8') : undefined;
      void receive(webSocket, channel, sender, text);
    });
    // ws reports an oversized or malformed frame as an error and then closes the socket; without
    // a listener the error would end the whole host process.
    webSocket.on('error', (error) => {
      log.warn('Dropped a contract connection after a socket error', { error: error.message });
    });
    webSocket.on('close', () => {
      channels.delete(webSocket);
      log.info('Closed a contract connection', { connections: channels.size });
    });
  }

  async function receive(
    webSocket: WebSocket,
    channel: WindowChannel<SocketSender>,
    sender: SocketSender,
    text: string | undefined,
  ): Promise<void> {
    let message: unknown;
    try {
      message = text === undefined ? undefined : JSON.parse(text);
    } catch {
      message = undefined;
    }

    const { outcome, afterReply } = await channel.receive(sender, message);
    if (outcome === undefined) return;

    const id = (message as { id?: unknown } | undefined)?.id;
    const reply: ReplyMessage = { kind: 'reply', id: typeof id === 'number' ? id : -1, outcome };
    webSocket.send(JSON.stringify(reply));
    afterReply();
  }

  log.info('Started the browser host', { origin });

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    get connections() {
      return channels.size;
    },
    async close() {
      unsubscribe();
      for (const webSocket of channels.keys()) webSocket.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      log.info('Stopped the browser host', { origin });
    },
  };
}

/** Returns why a WebSocket upgrade must be refused, or undefined when it passes every check. */
export function upgradeProblem(
  request: Pick<IncomingMessage, 'headers' | 'url'>,
  expected: { expectedHost: string; origin: string; token: string },
): string | undefined {
  if (request.headers.host !== expected.expectedHost) return 'unexpected Host header';
  if (request.headers.origin !== expected.origin) return 'unexpected Origin header';

  const url = new URL(request.url ?? '/', expected.origin);
  if (url.pathname !== CONTRACT_PATH) return 'unknown path';

  const presented = Buffer.from(url.searchParams.get('token') ?? '');
  const expectedToken = Buffer.from(expected.token);
  if (presented.length !== expectedToken.length || !timingSafeEqual(presented, expectedToken))
    return 'missing or wrong token';
  return undefined;
}

/** Returns the headers every response carries: the same strict CSP the Electron window gets. */
function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(`ws://${LOOPBACK}:${port}`),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}
