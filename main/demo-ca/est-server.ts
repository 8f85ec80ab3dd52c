import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { createCsr, type CsrSubject } from '../pki/csr.ts';
import { sha256Fingerprint } from '../pki/fingerprint.ts';
import { generateRsaKeyPair, type RsaKeyPair } from '../pki/keys.ts';
import { encodeCertsOnlyPkcs7 } from '../pki/pkcs7.ts';
import type {
  ClientCertificateOptions,
  DemoCa,
  IssuedCertificate,
} from './certificate-authority.ts';
import { DEFAULT_BEHAVIOUR, validateBehaviour, type EstBehaviour } from './est-behaviour.ts';
import {
  checkBasicAuth,
  parseCsrBody,
  printablePath,
  readBody,
  sendPkcs7,
  sendText,
  type CsrBody,
} from './est-http.ts';
import { serverNames, urlHost } from './listen-address.ts';

export type { EstBehaviour } from './est-behaviour.ts';

export type EstOperation = 'cacerts' | 'simpleenroll' | 'simplereenroll';
type EnrollOperation = Exclude<EstOperation, 'cacerts'>;

/** Payload of the 'enroll-request' event, emitted once an enroll request's body has arrived. */
export interface EnrollRequest {
  operation: EnrollOperation;
  /** SHA-256 of the CSR's DER, or undefined when the body is not a valid CSR. */
  csrFingerprint: string | undefined;
}

export interface EstServerEvents {
  'enroll-request': [EnrollRequest];
}

/** A running demo EST server. Test and demo only. */
export interface EstServer extends EventEmitter<EstServerEvents> {
  /** EST base URL, such as https://127.0.0.1:PORT/.well-known/est. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** SHA-256 fingerprint of the CA certificate, for the organisation file's pin. */
  readonly caFingerprint: string;
  /** Requests received per operation, counted on arrival. */
  readonly requests: Record<EstOperation, number>;
  setBehaviour(patch: Partial<EstBehaviour>): void;
  close(): Promise<void>;
}

export interface EstServerOptions {
  ca: DemoCa;
  /** Listen address, 127.0.0.1 by default. Keep it on loopback or inside a test namespace. */
  host?: string;
  /** TCP port. 0, the default, picks a free one. */
  port?: number;
  username: string;
  password: string;
  behaviour?: Partial<EstBehaviour>;
  /** Receiver of one log line per request. Without it, nothing is logged. */
  log?: (line: string) => void;
}

const EST_PATH = '/.well-known/est';
const OPERATIONS: EstOperation[] = ['cacerts', 'simpleenroll', 'simplereenroll'];
const MAX_CSR_BYTES = 64 * 1024;
const CERTS_ONLY = 'application/pkcs7-mime; smime-type=certs-only';
const REALM = 'VPN Onboard demo EST';

/**
 * Starts an HTTPS EST server (RFC 7030) for a demo CA: /cacerts without auth, /simpleenroll and
 * /simplereenroll with HTTP Basic auth. Its TLS certificate comes from the same CA and names
 * 127.0.0.1, ::1, localhost and the listen address.
 */
export async function startEstServer(options: EstServerOptions): Promise<EstServer> {
  const host = options.host ?? '127.0.0.1';
  const tls = await options.ca.issueServerCertificate(
    'VPN Onboard demo EST server',
    serverNames(host),
  );

  const server = new DemoEstServer(options, host, tls);
  await server.listen(options.port ?? 0);
  return server;
}

class DemoEstServer extends EventEmitter<EstServerEvents> implements EstServer {
  readonly host: string;
  readonly caFingerprint: string;
  readonly requests: Record<EstOperation, number> = {
    cacerts: 0,
    simpleenroll: 0,
    simplereenroll: 0,
  };
  private readonly server: Server;
  private readonly closing = new AbortController();
  private readonly pollsByKey = new Map<string, number>();
  private behaviour: EstBehaviour;
  private otherKey: Promise<RsaKeyPair> | undefined;
  private listeningPort = 0;

  constructor(
    private readonly options: EstServerOptions,
    host: string,
    tls: { certificatePem: string; privateKeyPem: string },
  ) {
    super();
    this.host = host;
    this.caFingerprint = sha256Fingerprint(options.ca.certificateDer);
    this.behaviour = validateBehaviour({ ...DEFAULT_BEHAVIOUR, ...options.behaviour });
    this.server = createServer(
      { cert: tls.certificatePem, key: tls.privateKeyPem, minVersion: 'TLSv1.2' },
      (request, response) => this.handle(request, response),
    );
  }

  get port(): number {
    return this.listeningPort;
  }

  get url(): string {
    return `https://${urlHost(this.host)}:${this.port}${EST_PATH}`;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        this.listeningPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  setBehaviour(patch: Partial<EstBehaviour>): void {
    this.behaviour = validateBehaviour({ ...this.behaviour, ...patch });
  }

  async close(): Promise<void> {
    this.closing.abort();
    await new Promise<void>((resolve) => {
      // The callback gets an error when the server is already closed, which is fine here.
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const started = performance.now();
    const path = printablePath(request.url ?? '/');

    response.once('close', () => {
      const status = response.writableFinished ? String(response.statusCode) : 'aborted';
      const milliseconds = Math.round(performance.now() - started);
      this.options.log?.(`EST ${request.method} ${path} ${status} ${milliseconds} ms`);
    });

    this.route(request, response, path).catch((error: unknown) => {
      this.options.log?.(`EST ${request.method} ${path} failed: ${(error as Error).message}`);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendText(response, 500, `Internal error in the demo CA: ${(error as Error).message}`);
    });
  }

  private async route(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<void> {
    const operation = OPERATIONS.find((name) => path === `${EST_PATH}/${name}`);
    if (operation === undefined) {
      sendText(
        response,
        404,
        `Not found: ${path}. This server offers ${EST_PATH}/cacerts and ${EST_PATH}/simpleenroll.`,
      );
      return;
    }
    this.requests[operation] += 1;

    if (operation === 'cacerts') {
      this.serveCaCertificates(request, response);
      return;
    }
    await this.serveEnroll(operation, request, response);
  }

  private serveCaCertificates(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'GET') {
      sendText(response, 405, 'Method not allowed: use GET for cacerts.', { Allow: 'GET' });
      return;
    }
    sendPkcs7(
      response,
      'application/pkcs7-mime',
      encodeCertsOnlyPkcs7([this.options.ca.certificateDer]),
    );
  }

  // NOTE: simplereenroll is served like simpleenroll. RFC 7030 section 4.2.2 also expects TLS
  // client authentication with the certificate being renewed, which this demo does not check.
  private async serveEnroll(
    operation: EnrollOperation,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    if (!this.acceptEnrollRequest(operation, request, response)) return;

    const body = await readBody(request, MAX_CSR_BYTES);
    if (body === undefined) {
      sendText(
        response,
        413,
        `Payload too large: a CSR must be smaller than ${MAX_CSR_BYTES} bytes.`,
      );
      return;
    }

    const csr = parseCsrBody(body);
    this.emit('enroll-request', {
      operation,
      csrFingerprint: typeof csr === 'string' ? undefined : sha256Fingerprint(csr.der),
    });
    if (!(await this.delay(response))) return;

    if (typeof csr === 'string') {
      sendText(response, 400, `Bad request: ${csr}`);
      return;
    }
    await this.answerCsr(csr, response);
  }

  /** Checks method, credentials and headers, and sends the error response when one is wrong. */
  private acceptEnrollRequest(
    operation: EnrollOperation,
    request: IncomingMessage,
    response: ServerResponse,
  ): boolean {
    const { headers } = request;

    if (request.method !== 'POST') {
      sendText(response, 405, `Method not allowed: use POST for ${operation}.`, { Allow: 'POST' });
      return false;
    }
    if (!checkBasicAuth(headers.authorization, this.options.username, this.options.password)) {
      sendText(response, 401, 'Unauthorized: a valid EST user name and password are required.', {
        'WWW-Authenticate': `Basic realm="${REALM}", charset="UTF-8"`,
      });
      return false;
    }
    if (headers['transfer-encoding'] !== undefined || headers['content-length'] === undefined) {
      sendText(
        response,
        411,
        'Length required: send the CSR with a Content-Length header; chunked transfer encoding is not accepted.',
      );
      return false;
    }

    const contentType = headers['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith('application/pkcs10')) {
      sendText(
        response,
        415,
        `Unsupported media type "${contentType}": send the CSR as application/pkcs10.`,
      );
      return false;
    }
    return true;
  }

  /** Responds to a valid CSR as the behaviour sets: a failure, 202 Pending, or a certificate. */
  private async answerCsr(csr: CsrBody, response: ServerResponse): Promise<void> {
    const behaviour = this.behaviour;

    if (behaviour.failStatus !== undefined) {
      sendText(
        response,
        behaviour.failStatus,
        behaviour.failBody ?? 'The demo CA is set to fail every enroll request.',
      );
      return;
    }

    const key = sha256Fingerprint(csr.parsed.publicKeySpkiDer);
    const polls = this.pollsByKey.get(key) ?? 0;
    if (polls < behaviour.pendingPolls) {
      this.pollsByKey.set(key, polls + 1);
      const retryAfter = String(behaviour.retryAfterSeconds);
      const text = `Pending: the request is waiting for approval. Retry after ${retryAfter} seconds.`;
      sendText(response, 202, text, { 'Retry-After': retryAfter });
      return;
    }

    const validity = { notBefore: behaviour.notBefore, notAfter: behaviour.notAfter };
    const issued = behaviour.issueForOtherKey
      ? await this.signForOtherKey(csr.parsed.subject, validity)
      : this.options.ca.signClientCsr(csr.der, validity);

    if (behaviour.malformedResponse) {
      sendPkcs7(response, CERTS_ONLY, Buffer.from('This is not a PKCS#7 structure.\n'));
      return;
    }
    sendPkcs7(response, CERTS_ONLY, encodeCertsOnlyPkcs7([issued.certificateDer]));
  }

  /** Waits `delayMs`. Returns false when the client went away or the server is closing. */
  private async delay(response: ServerResponse): Promise<boolean> {
    const delayMs = this.behaviour.delayMs;
    if (delayMs <= 0) return true;

    const clientGone = new AbortController();
    const onClose = () => clientGone.abort();
    response.once('close', onClose);
    try {
      await sleep(delayMs, undefined, {
        signal: AbortSignal.any([clientGone.signal, this.closing.signal]),
      });
      return true;
    } catch {
      return false;
    } finally {
      response.off('close', onClose);
    }
  }

  private async signForOtherKey(
    subject: CsrSubject,
    validity: ClientCertificateOptions,
  ): Promise<IssuedCertificate> {
    this.otherKey ??= generateRsaKeyPair(2048);
    const foreignCsr = createCsr(await this.otherKey, subject);
    return this.options.ca.signClientCsr(foreignCsr.der, validity);
  }
}
