import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { sameFingerprint, sha256Fingerprint } from '../pki/fingerprint.ts';
import { decodeCertsOnlyPkcs7 } from '../pki/pkcs7.ts';
import { cancelledError, describeStatus, EstError } from './est-error.ts';
import { exchange, type HttpRequest, type HttpResponse } from './est-transport.ts';

export { EstError, type EstErrorKind } from './est-error.ts';

export interface EstClientOptions {
  /** EST base URL, such as https://ca.example.org/.well-known/est. */
  url: string;
  /** The organisation's CA certificates: the only roots trusted for the server's TLS certificate. */
  anchorsPem: string[];
  /** SHA-256 fingerprint of a CA certificate that /cacerts must return. */
  caFingerprint: string;
  /** Limit for each request, from connecting to the last byte of the response. */
  timeoutMs: number;
  credentials?: { username: string; password: string };
}

export type EnrollResult =
  | { status: 'issued'; certificates: X509Certificate[] }
  | { status: 'pending'; retryAfterSeconds: number };

export interface EstClient {
  /** The EST base URL without a trailing slash. */
  readonly url: string;
  /** Fetches /cacerts and checks that it contains the pinned CA certificate. */
  fetchCaCertificates(signal?: AbortSignal): Promise<X509Certificate[]>;
  /** Posts a DER CSR to /simpleenroll; the CA may sign it now or respond 202 Pending. */
  simpleEnroll(csrDer: Uint8Array, signal?: AbortSignal): Promise<EnrollResult>;
}

const DEFAULT_RETRY_AFTER_SECONDS = 60;
const MIN_RETRY_AFTER_SECONDS = 1;
const MAX_RETRY_AFTER_SECONDS = 3600;
// All three HTTP-date formats start with a day name, such as "Sun, 06 Nov 1994 08:49:37 GMT".
const HTTP_DATE_START = /^[A-Za-z]{3}/;

/**
 * Creates an EST (RFC 7030) client. TLS trusts only `anchorsPem`, with no way to turn that off,
 * and every request uses a fresh connection so nothing lingers after a call.
 */
export function createEstClient(options: EstClientOptions): EstClient {
  const base = parseBaseUrl(options.url);
  const url = base.href.replace(/\/+$/, '');

  if (options.anchorsPem.length === 0) {
    throw new EstError(
      'tls',
      `No CA certificates to trust for ${url}; the organisation file must list its CA.`,
    );
  }
  const username = options.credentials?.username;
  if (username?.includes(':')) {
    throw new EstError(
      'unauthorized',
      `Invalid EST user name "${username}": HTTP Basic authentication does not allow ":" in a user name.`,
    );
  }

  const send = (
    operation: string,
    init: HttpRequest,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> => exchange(new URL(`${url}/${operation}`), init, options, signal);

  return {
    url,

    async fetchCaCertificates(signal) {
      const target = `${url}/cacerts`;
      const response = await send(
        'cacerts',
        { method: 'GET', headers: { Accept: 'application/pkcs7-mime' } },
        signal,
      );
      if (response.status !== 200) throw describeStatus(target, response, options.credentials);

      const certificates = readCertsOnly(target, response);
      const pinned = certificates.some((certificate) =>
        sameFingerprint(sha256Fingerprint(certificate.raw), options.caFingerprint),
      );
      if (!pinned) {
        const actual = certificates
          .map((certificate) => sha256Fingerprint(certificate.raw))
          .join(', ');
        throw new EstError(
          'pin-mismatch',
          `The CA certificates from ${target} do not include the pinned CA: expected SHA-256 fingerprint ` +
            `${options.caFingerprint}, got ${actual}. This server may not be your organisation's CA; ask your ` +
            'administrator to check the EST URL and the fingerprint in the organisation file.',
          { url: target },
        );
      }
      return certificates;
    },

    async simpleEnroll(csrDer, signal) {
      const target = `${url}/simpleenroll`;
      const body = base64Lines(csrDer);
      const headers: Record<string, string | number> = {
        'Content-Type': 'application/pkcs10',
        'Content-Transfer-Encoding': 'base64',
        // An explicit length keeps Node from sending the body chunked, which some EST servers reject.
        'Content-Length': Buffer.byteLength(body),
        Accept: 'application/pkcs7-mime',
      };
      if (options.credentials !== undefined) {
        headers.Authorization = basicAuthorization(options.credentials);
      }

      const response = await send('simpleenroll', { method: 'POST', headers, body }, signal);
      if (response.status === 202) {
        return {
          status: 'pending',
          retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
        };
      }
      if (response.status !== 200) throw describeStatus(target, response, options.credentials);

      return { status: 'issued', certificates: readCertsOnly(target, response) };
    },
  };
}

/**
 * Submits a CSR until the CA issues the certificate, waiting for the Retry-After of each
 * 202 Pending. Rejects with an EstError of kind 'cancelled' when `signal` aborts.
 */
export async function waitForCertificate(
  client: EstClient,
  csrDer: Uint8Array,
  options: { signal?: AbortSignal; onPending?: (retryAt: Date) => void } = {},
): Promise<Extract<EnrollResult, { status: 'issued' }>> {
  const { signal } = options;

  for (;;) {
    const result = await client.simpleEnroll(csrDer, signal);
    if (result.status === 'issued') return result;

    const retryAt = new Date(Date.now() + result.retryAfterSeconds * 1000);
    options.onPending?.(retryAt);
    try {
      await sleep(Math.max(0, retryAt.getTime() - Date.now()), undefined, { signal });
    } catch (error) {
      if (signal?.aborted) throw cancelledError(`${client.url}/simpleenroll`);
      throw error;
    }
  }
}

/**
 * Reads Retry-After as delay-seconds or an HTTP date (RFC 9110 section 10.2.3). A missing or
 * unreadable value means 60 seconds, and the result is clamped to between 1 second and 1 hour.
 */
export function parseRetryAfter(value: string | undefined, now: Date = new Date()): number {
  const text = value?.trim() ?? '';
  let seconds = DEFAULT_RETRY_AFTER_SECONDS;

  if (/^\d+$/.test(text)) {
    seconds = Number(text);
  } else if (HTTP_DATE_START.test(text) && !Number.isNaN(Date.parse(text))) {
    seconds = Math.ceil((Date.parse(text) - now.getTime()) / 1000);
  }
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(MIN_RETRY_AFTER_SECONDS, seconds));
}

function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EstError(
      'protocol',
      `Invalid EST URL "${text}"; expected one such as https://ca.example.org/.well-known/est.`,
    );
  }

  if (url.protocol !== 'https:') {
    throw new EstError('protocol', `The EST URL ${url.href} does not use https; EST requires TLS.`);
  }
  // Credentials in the URL would end up in error messages, so they belong in the enrollment settings.
  if (url.username !== '' || url.password !== '') {
    throw new EstError(
      'protocol',
      `The EST URL for ${url.host} contains a user name or password; remove them and set the user name in the organisation file instead.`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new EstError(
      'protocol',
      `The EST URL ${url.origin}${url.pathname} must not have a query or fragment.`,
    );
  }
  return url;
}

/** Decodes an EST certs-only response: base64 as RFC 7030 requires, or raw DER as some servers send. */
function readCertsOnly(target: string, response: HttpResponse): X509Certificate[] {
  const contentType = response.headers['content-type'] ?? 'none';
  const notPkcs7 = (reason: string) =>
    new EstError(
      'protocol',
      `The response from ${target} is not a PKCS#7 certs-only structure (${reason}; Content-Type ${contentType}). ` +
        'Check the EST URL in the organisation file; if it is right, contact support.',
      { url: target },
    );

  let der: Buffer = response.body;
  if (der[0] !== 0x30) {
    const base64 = der.toString('latin1').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64))
      throw notPkcs7('the body is neither base64 nor DER');
    der = Buffer.from(base64, 'base64');
  }

  let certificates: X509Certificate[];
  try {
    certificates = decodeCertsOnlyPkcs7(der).map((bytes) => new X509Certificate(bytes));
  } catch (error) {
    throw notPkcs7((error as Error).message);
  }
  if (certificates.length === 0) throw notPkcs7('it contains no certificates');
  return certificates;
}

function base64Lines(bytes: Uint8Array): string {
  const lines =
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return lines.map((line) => `${line}\n`).join('');
}

function basicAuthorization(credentials: { username: string; password: string }): string {
  const token = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString(
    'base64',
  );
  return `Basic ${token}`;
}
