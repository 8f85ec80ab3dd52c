import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { readCertificates } from '../pki/certificate-reader.ts';
import { createCsr, type Csr } from '../pki/csr.ts';
import { sha256Fingerprint } from '../pki/fingerprint.ts';
import { generateRsaKeyPair, publicKeySpkiDer, type RsaKeyPair } from '../pki/keys.ts';
import { createDemoCa, type DemoCa } from './certificate-authority.ts';
import { startEstServer, type EnrollRequest, type EstServer } from './est-server.ts';
import { base64Lines } from './est-http.ts';

const USERNAME = 'tester';
const PASSWORD = 'correct horse battery staple';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  peerSubjectAltName: string | undefined;
}

interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  /** Strings written one by one. Without a Content-Length header, Node sends them chunked. */
  chunks?: string[];
}

let ca: DemoCa;
let keyPair: RsaKeyPair;
let csr: Csr;
let server: EstServer;
let logLines: string[];

beforeAll(async () => {
  ca = await createDemoCa({ keyBits: 2048 });
  keyPair = await generateRsaKeyPair(2048);
  csr = createCsr(keyPair, { commonName: 'jane.doe@example.org' });
});

beforeEach(async () => {
  logLines = [];
  server = await startEstServer({
    ca,
    username: USERNAME,
    password: PASSWORD,
    log: (line) => logLines.push(line),
  });
});

afterEach(async () => {
  await server.close();
});

function send(options: RawRequest = {}): Promise<RawResponse> {
  const url = new URL(`${server.url}/${options.path ?? 'simpleenroll'}`);

  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: options.method ?? 'POST',
        headers: options.headers,
        ca: ca.certificatePem,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            peerSubjectAltName: (response.socket as TLSSocket).getPeerCertificate().subjectaltname,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    for (const chunk of options.chunks ?? []) outgoing.write(chunk);
    outgoing.end();
  });
}

function authorization(username = USERNAME, password = PASSWORD): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function enroll(
  body = base64Lines(csr.der),
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return send({
    headers: {
      Authorization: authorization(),
      'Content-Type': 'application/pkcs10',
      'Content-Length': Buffer.byteLength(body),
      ...headers,
    },
    chunks: [body],
  });
}

describe('est server', () => {
  it('listens on loopback by default', () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\.well-known\/est$/);
  });

  it('presents a certificate for the loopback names', async () => {
    const response = await send({ method: 'GET', path: 'cacerts' });

    expect(response.peerSubjectAltName).toContain('DNS:localhost');
    expect(response.peerSubjectAltName).toContain('IP Address:127.0.0.1');
    expect(response.peerSubjectAltName).toContain('IP Address:0:0:0:0:0:0:0:1');
  });

  it('serves cacerts without authentication', async () => {
    const response = await send({ method: 'GET', path: 'cacerts' });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pkcs7-mime');
    expect(response.headers['content-transfer-encoding']).toBe('base64');
  });

  it('serves the CA certificate as base64 PKCS#7 lines', async () => {
    const response = await send({ method: 'GET', path: 'cacerts' });
    const [certificate] = readCertificates(response.body);

    expect(response.body.split('\n').every((line) => line.length <= 64)).toBe(true);
    expect(sha256Fingerprint(certificate!.raw)).toBe(server.caFingerprint);
  });

  it('issues a certificate as certs-only PKCS#7', async () => {
    const response = await enroll();
    const [certificate] = readCertificates(response.body);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pkcs7-mime; smime-type=certs-only');
    expect(certificate!.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      publicKeySpkiDer(keyPair.publicKey),
    );
  });

  it('rejects a wrong password with 401', async () => {
    const response = await enroll(undefined, { Authorization: authorization(USERNAME, 'wrong') });

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm="/);
  });

  it('rejects a missing Authorization header with 401', async () => {
    const body = base64Lines(csr.der);
    const response = await send({
      headers: { 'Content-Type': 'application/pkcs10', 'Content-Length': Buffer.byteLength(body) },
      chunks: [body],
    });

    expect(response.status).toBe(401);
  });

  it('rejects a chunked body with 411', async () => {
    const [first, second] = [base64Lines(csr.der).slice(0, 100), base64Lines(csr.der).slice(100)];
    const response = await send({
      headers: { Authorization: authorization(), 'Content-Type': 'application/pkcs10' },
      chunks: [first, second],
    });

    expect(response.status).toBe(411);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body).toMatch(/Content-Length/);
  });

  it('rejects a body without a final newline with 400', async () => {
    const response = await enroll(base64Lines(csr.der).trimEnd());

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body).toMatch(/must end with a newline/);
  });

  it('rejects a CSR with a broken signature with 400', async () => {
    const der = Buffer.from(csr.der);
    der[der.length - 1]! ^= 0xff;

    const response = await enroll(base64Lines(der));

    expect(response.status).toBe(400);
    expect(response.body).toMatch(/signature/);
  });

  it('rejects another content type with 415', async () => {
    const response = await enroll(undefined, { 'Content-Type': 'application/json' });

    expect(response.status).toBe(415);
  });

  it('answers 404 outside the EST operations', async () => {
    const response = await send({ method: 'GET', path: 'csrattrs' });

    expect(response.status).toBe(404);
  });

  it('answers 405 to GET simpleenroll', async () => {
    const response = await send({ method: 'GET' });

    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  it('answers 202 with Retry-After before issuing', async () => {
    server.setBehaviour({ pendingPolls: 2, retryAfterSeconds: 7 });

    const statuses = [(await enroll()).status, (await enroll()).status, (await enroll()).status];
    const pending = await enroll(
      base64Lines(createCsr(await generateRsaKeyPair(2048), { commonName: 'x' }).der),
    );

    expect(statuses).toEqual([202, 202, 200]);
    expect(pending.status).toBe(202);
    expect(pending.headers['retry-after']).toBe('7');
  });

  it('fails with the configured status and text', async () => {
    server.setBehaviour({ failStatus: 403, failBody: 'Enrollment is closed for your group.' });

    const response = await enroll();

    expect(response.status).toBe(403);
    expect(response.body).toBe('Enrollment is closed for your group.\n');
  });

  it('issues for another key when set', async () => {
    server.setBehaviour({ issueForOtherKey: true });

    const [certificate] = readCertificates((await enroll()).body);

    expect(certificate!.subject).toContain('CN=jane.doe@example.org');
    expect(certificate!.publicKey.export({ type: 'spki', format: 'der' })).not.toEqual(
      publicKeySpkiDer(keyPair.publicKey),
    );
  });

  it('issues with the configured validity', async () => {
    const notAfter = new Date(Date.now() - 86_400_000);
    server.setBehaviour({ notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter });

    const [certificate] = readCertificates((await enroll()).body);

    expect(Date.parse(certificate!.validTo)).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
  });

  it('sends malformed PKCS#7 when set', async () => {
    server.setBehaviour({ malformedResponse: true });

    const response = await enroll();

    expect(response.status).toBe(200);
    expect(() => readCertificates(response.body)).toThrow();
  });

  it('waits delayMs before answering', async () => {
    server.setBehaviour({ delayMs: 300 });
    const started = performance.now();

    await enroll();

    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('closes while a delayed request waits', async () => {
    server.setBehaviour({ delayMs: 60_000 });
    const pending = enroll().catch((error: unknown) => error);
    await new Promise((resolve) => server.once('enroll-request', resolve));
    const started = performance.now();

    await server.close();

    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
    expect(server.url).toMatch(/:\d+\/\.well-known\/est$/);
  });

  it('emits enroll-request with the CSR fingerprint', async () => {
    const events: EnrollRequest[] = [];
    server.on('enroll-request', (event) => events.push(event));

    await enroll();

    expect(events).toEqual([{ operation: 'simpleenroll', csrFingerprint: csr.sha256Fingerprint }]);
  });

  it('counts requests per operation', async () => {
    await send({ method: 'GET', path: 'cacerts' });
    await enroll();
    await enroll(undefined, { Authorization: authorization(USERNAME, 'wrong') });

    expect(server.requests).toEqual({ cacerts: 1, simpleenroll: 2, simplereenroll: 0 });
  });

  it('logs one line per request', async () => {
    await send({ method: 'GET', path: 'cacerts' });
    await enroll();

    expect(logLines).toHaveLength(2);
    expect(logLines[0]).toMatch(/^EST GET \/\.well-known\/est\/cacerts 200 \d+ ms$/);
    expect(logLines[1]).toMatch(/^EST POST \/\.well-known\/est\/simpleenroll 200 \d+ ms$/);
  });

  it('keeps the password out of its log', async () => {
    await enroll(undefined, { Authorization: authorization(USERNAME, 'wrong') });
    await enroll();

    expect(logLines.join('\n')).not.toContain(PASSWORD);
    expect(logLines.join('\n')).not.toContain(authorization().slice(6));
  });

  it('rejects an invalid behaviour', () => {
    expect(() => server.setBehaviour({ failStatus: 200 })).toThrow(/failStatus: 200/);
    expect(() => server.setBehaviour({ pendingPolls: -1 })).toThrow(/pendingPolls: -1/);
  });
});
