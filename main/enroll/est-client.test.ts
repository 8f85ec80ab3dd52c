import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createDemoCa, type DemoCa } from '../demo-ca/certificate-authority.ts';
import { startEstServer, type EstServer } from '../demo-ca/est-server.ts';
import { checkIssuedCertificate } from '../pki/certificate-check.ts';
import { createCsr, type Csr } from '../pki/csr.ts';
import { sha256Fingerprint } from '../pki/fingerprint.ts';
import { generateRsaKeyPair, publicKeySpkiDer, type RsaKeyPair } from '../pki/keys.ts';
import {
  createEstClient,
  EstError,
  parseRetryAfter,
  waitForCertificate,
  type EstClientOptions,
} from './est-client.ts';

const USERNAME = 'tester';
const PASSWORD = 'correct horse battery staple';

let ca: DemoCa;
let otherCa: DemoCa;
let keyPair: RsaKeyPair;
let csr: Csr;
let server: EstServer;
const extraServers: EstServer[] = [];

beforeAll(async () => {
  [ca, otherCa, keyPair] = await Promise.all([
    createDemoCa({ commonName: 'Organisation CA', keyBits: 2048 }),
    createDemoCa({ commonName: 'Someone Else CA', keyBits: 2048 }),
    generateRsaKeyPair(2048),
  ]);
  csr = createCsr(keyPair, { commonName: 'jane.doe@example.org' });
});

beforeEach(async () => {
  server = await startEstServer({ ca, username: USERNAME, password: PASSWORD });
});

afterEach(async () => {
  await Promise.all([server, ...extraServers.splice(0)].map((each) => each.close()));
});

function client(overrides: Partial<EstClientOptions> = {}) {
  return createEstClient({
    url: server.url,
    anchorsPem: [ca.certificatePem],
    caFingerprint: server.caFingerprint,
    timeoutMs: 5000,
    credentials: { username: USERNAME, password: PASSWORD },
    ...overrides,
  });
}

/** Awaits a promise that must reject and returns its EstError. */
async function estError(promise: Promise<unknown>): Promise<EstError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof EstError)) throw new Error(`expected an EstError, got ${String(error)}`);
  return error;
}

describe('est client', () => {
  it('fetches the CA certificates', async () => {
    const certificates = await client().fetchCaCertificates();

    expect(certificates.map((certificate) => sha256Fingerprint(certificate.raw))).toEqual([
      server.caFingerprint,
    ]);
  });

  it('accepts the pin in lowercase without colons', async () => {
    const pin = server.caFingerprint.replace(/:/g, '').toLowerCase();

    await expect(client({ caFingerprint: pin }).fetchCaCertificates()).resolves.toHaveLength(1);
  });

  it('enrolls a CSR', async () => {
    const result = await client().simpleEnroll(csr.der);

    expect(result.status).toBe('issued');
  });

  it('returns a certificate that passes checks', async () => {
    const result = await client().simpleEnroll(csr.der);
    const [certificate] = result.status === 'issued' ? result.certificates : [];
    const anchors = await client().fetchCaCertificates();

    const summary = checkIssuedCertificate({
      certificate: certificate!,
      anchors,
      publicKeySpkiDer: publicKeySpkiDer(keyPair.publicKey),
    });
    expect(summary.warnings).toEqual([]);
  });

  it('returns pending with Retry-After', async () => {
    server.setBehaviour({ pendingPolls: 1, retryAfterSeconds: 7 });

    const first = await client().simpleEnroll(csr.der);
    const second = await client().simpleEnroll(csr.der);

    expect(first).toEqual({ status: 'pending', retryAfterSeconds: 7 });
    expect(second.status).toBe('issued');
  });

  it('waits through pending', async () => {
    server.setBehaviour({ pendingPolls: 1, retryAfterSeconds: 1 });
    const retryTimes: Date[] = [];

    const result = await waitForCertificate(client(), csr.der, {
      onPending: (retryAt) => retryTimes.push(retryAt),
    });

    expect(result.status).toBe('issued');
    expect(retryTimes).toHaveLength(1);
    expect(server.requests.simpleenroll).toBe(2);
  });

  it('cancels while pending', async () => {
    server.setBehaviour({ pendingPolls: 5, retryAfterSeconds: 60 });
    const controller = new AbortController();
    const started = performance.now();

    const error = await estError(
      waitForCertificate(client(), csr.der, {
        signal: controller.signal,
        onPending: () => controller.abort(),
      }),
    );

    expect(error.kind).toBe('cancelled');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('cancels a request in flight', async () => {
    server.setBehaviour({ delayMs: 60_000 });
    const controller = new AbortController();
    server.once('enroll-request', () => controller.abort());

    const error = await estError(client().simpleEnroll(csr.der, controller.signal));

    expect(error.kind).toBe('cancelled');
    expect(error.message).toContain(`${server.url}/simpleenroll`);
  });

  it('reports a wrong password without revealing it', async () => {
    const wrong = 'hunter2-wrong';

    const error = await estError(
      client({ credentials: { username: USERNAME, password: wrong } }).simpleEnroll(csr.der),
    );

    expect(error.kind).toBe('unauthorized');
    expect(error.message).toMatch(/Check the user name and password/);
    expect(error.message).not.toContain(wrong);
  });

  it('reports missing credentials', async () => {
    const error = await estError(client({ credentials: undefined }).simpleEnroll(csr.der));

    expect(error.kind).toBe('unauthorized');
    expect(error.message).toMatch(/none were given/);
  });

  it('reports a 500 with its text', async () => {
    server.setBehaviour({ failStatus: 500, failBody: 'signing backend offline' });

    const error = await estError(client().simpleEnroll(csr.der));

    expect(error.kind).toBe('server');
    expect(error.status).toBe(500);
    expect(error.message).toContain('(HTTP 500): "signing backend offline"');
    expect(error.message).toMatch(/try again later/i);
  });

  it('quotes a 4xx text without control characters', async () => {
    server.setBehaviour({
      failStatus: 403,
      failBody: 'Enrollment\u0007 closed\r\nfor \u202Eyour group.\n',
    });

    const error = await estError(client().simpleEnroll(csr.der));

    expect(error.kind).toBe('rejected');
    expect(error.message).toContain('(HTTP 403): "Enrollment closed for your group."');
  });

  it('shortens a long 4xx text', async () => {
    server.setBehaviour({ failStatus: 400, failBody: 'x'.repeat(5000) });

    const error = await estError(client().simpleEnroll(csr.der));

    expect(error.message).toContain(`"${'x'.repeat(299)}…"`);
    expect(error.message).not.toContain('x'.repeat(300));
  });

  it('times out after timeoutMs', async () => {
    server.setBehaviour({ delayMs: 10_000 });
    const started = performance.now();

    const error = await estError(client({ timeoutMs: 300 }).simpleEnroll(csr.der));

    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('within 0.3 seconds');
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('rejects a wrong CA pin', async () => {
    const otherPin = sha256Fingerprint(otherCa.certificateDer);

    const error = await estError(client({ caFingerprint: otherPin }).fetchCaCertificates());

    expect(error.kind).toBe('pin-mismatch');
    expect(error.message).toContain(`expected SHA-256 fingerprint ${otherPin}`);
    expect(error.message).toContain(`got ${server.caFingerprint}`);
  });

  it('rejects a server certificate from another CA', async () => {
    const impostor = await startEstServer({ ca: otherCa, username: USERNAME, password: PASSWORD });
    extraServers.push(impostor);

    const error = await estError(client({ url: impostor.url }).fetchCaCertificates());

    expect(error.kind).toBe('tls');
    expect(error.message).toContain("not signed by the organisation's pinned CA");
    expect(error.message).toContain('(UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
    expect(impostor.requests.cacerts).toBe(0);
  });

  it('rejects a server certificate for another host name', async () => {
    const tls = await ca.issueServerCertificate('ca.example.org', { dnsNames: ['ca.example.org'] });
    const listener = createHttpsServer({ cert: tls.certificatePem, key: tls.privateKeyPem });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;

    try {
      const url = `https://127.0.0.1:${port}/.well-known/est`;
      const error = await estError(client({ url }).fetchCaCertificates());

      expect(error.kind).toBe('tls');
      expect(error.message).toContain('is not issued for 127.0.0.1 (ERR_TLS_CERT_ALTNAME_INVALID)');
    } finally {
      listener.closeAllConnections();
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('rejects a response that is not PKCS#7', async () => {
    server.setBehaviour({ malformedResponse: true });

    const error = await estError(client().simpleEnroll(csr.der));

    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/is not a PKCS#7 certs-only structure/);
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    const url = `https://127.0.0.1:${port}/.well-known/est`;

    const error = await estError(client({ url }).fetchCaCertificates());

    expect(error.kind).toBe('network');
    expect(error.message).toContain('connection refused');
  });

  it('reports a wrong EST path as rejected', async () => {
    const url = server.url.replace('/.well-known/est', '/est');

    const error = await estError(client({ url }).fetchCaCertificates());

    expect(error.kind).toBe('rejected');
    expect(error.message).toMatch(/Check the EST URL/);
  });

  it('rejects an http URL', () => {
    const create = () => client({ url: server.url.replace('https:', 'http:') });

    expect(create).toThrow(/does not use https/);
  });

  it('rejects credentials in the URL', () => {
    const url = server.url.replace(
      'https://',
      `https://${USERNAME}:${encodeURIComponent(PASSWORD)}@`,
    );

    expect(() => client({ url })).toThrow(/contains a user name or password/);
    expect(() => client({ url })).not.toThrow(/horse/);
  });
});

describe('Retry-After', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('reads seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:05:00 GMT', now)).toBe(300);
  });

  it('defaults to 60 seconds when missing', () => {
    expect(parseRetryAfter(undefined, now)).toBe(60);
  });

  it('defaults to 60 seconds when unreadable', () => {
    expect(parseRetryAfter('soon', now)).toBe(60);
    expect(parseRetryAfter('-5', now)).toBe(60);
  });

  it('waits at least 1 second', () => {
    expect(parseRetryAfter('0', now)).toBe(1);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(1);
  });

  it('waits at most 1 hour', () => {
    expect(parseRetryAfter('86400', now)).toBe(3600);
  });
});

/** Returns a loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  await new Promise((resolve) => listener.close(resolve));
  return port;
}
