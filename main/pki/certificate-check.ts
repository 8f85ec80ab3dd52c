import type { X509Certificate } from 'node:crypto';

import { sha256Fingerprint } from './fingerprint.ts';

export type CertificateProblem = 'untrusted' | 'wrong-key' | 'expired' | 'not-yet-valid' | 'is-ca';

/** Raised when an issued certificate must not be installed; `kind` says which check failed. */
export class CertificateCheckError extends Error {
  override name = 'CertificateCheckError';

  constructor(
    readonly kind: CertificateProblem,
    message: string,
  ) {
    super(message);
  }
}

/** What the user is shown about a certificate that passed every check. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  sha256Fingerprint: string;
  chain: string[];
  warnings: string[];
}

export interface CertificateCheckInput {
  certificate: X509Certificate;
  intermediates?: X509Certificate[];
  anchors: X509Certificate[];
  publicKeySpkiDer: Uint8Array;
  now?: Date;
}

const MAX_CHAIN_LENGTH = 5;
const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE_OID = '2.5.29.37.0';

/**
 * Checks a certificate returned by a CA before it is installed: its public key is ours, it is
 * not a CA, it chains to one of the pinned anchors (through the given intermediates), and it is
 * valid now. The subject is not compared with the CSR, because real CAs rewrite it.
 */
export function checkIssuedCertificate(input: CertificateCheckInput): CertificateSummary {
  const { certificate, anchors } = input;
  const now = input.now ?? new Date();

  const certificateKey = certificate.publicKey.export({ type: 'spki', format: 'der' });
  if (!certificateKey.equals(Buffer.from(input.publicKeySpkiDer))) {
    throw new CertificateCheckError(
      'wrong-key',
      `The certificate for "${certificate.subject.replace(/\n/g, ', ')}" was issued for a different key than this ` +
        'computer generated. It may belong to another request or another person; ask your administrator to sign ' +
        'the CSR this app created.',
    );
  }

  if (certificate.ca) {
    throw new CertificateCheckError(
      'is-ca',
      `The certificate for "${oneLine(certificate.subject)}" is a CA certificate, not a personal one. ` +
        'Ask your administrator to sign the CSR as a client certificate.',
    );
  }

  const chain = buildChain(certificate, input.intermediates ?? [], anchors);
  for (const link of chain) checkValidity(link, link === certificate, now);

  return {
    subject: oneLine(certificate.subject),
    issuer: oneLine(certificate.issuer),
    serialNumber: certificate.serialNumber,
    notBefore: validFrom(certificate).toISOString(),
    notAfter: validTo(certificate).toISOString(),
    sha256Fingerprint: sha256Fingerprint(certificate.raw),
    chain: chain.map((link) => oneLine(link.subject)),
    warnings: usageWarnings(certificate),
  };
}

/** Formats a distinguished name from Node's multi-line form as one comma-separated line. */
export function oneLine(distinguishedName: string): string {
  return distinguishedName.split('\n').filter(Boolean).join(', ');
}

export function validFrom(certificate: X509Certificate): Date {
  return new Date(certificate.validFrom);
}

export function validTo(certificate: X509Certificate): Date {
  return new Date(certificate.validTo);
}

/**
 * Builds the path from a certificate through the intermediates to a pinned anchor, checking
 * each signature. Throws an 'untrusted' CertificateCheckError when no path exists.
 */
export function buildChain(
  certificate: X509Certificate,
  intermediates: X509Certificate[],
  anchors: X509Certificate[],
): X509Certificate[] {
  const chain = [certificate];
  let current = certificate;

  for (let depth = 0; depth < MAX_CHAIN_LENGTH; depth++) {
    const anchor = anchors.find((candidate) => issued(candidate, current));
    if (anchor !== undefined) {
      chain.push(anchor);
      return chain;
    }

    const intermediate = intermediates.find(
      (candidate) => candidate.ca && !chain.includes(candidate) && issued(candidate, current),
    );
    if (intermediate === undefined) break;
    chain.push(intermediate);
    current = intermediate;
  }

  const pinned = anchors.map((anchor) => `"${oneLine(anchor.subject)}"`).join(', ');
  throw new CertificateCheckError(
    'untrusted',
    `The certificate was issued by "${oneLine(current.issuer)}", which does not chain to the organisation's ` +
      `pinned CA (${pinned}). Ask your administrator to sign the request with that CA, or to check the ` +
      'organisation file.',
  );
}

function issued(issuer: X509Certificate, subject: X509Certificate): boolean {
  return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

function checkValidity(certificate: X509Certificate, isLeaf: boolean, now: Date): void {
  const notBefore = validFrom(certificate);
  const notAfter = validTo(certificate);
  const what = isLeaf ? 'The certificate' : `The CA certificate "${oneLine(certificate.subject)}"`;
  const clock = `This computer's clock reads ${formatDate(now)}`;

  if (now.getTime() > notAfter.getTime()) {
    const skewHint = isNear(now, notAfter)
      ? `; if that is wrong, correct the clock and try again`
      : '';
    throw new CertificateCheckError(
      'expired',
      `${what} expired on ${formatDate(notAfter)} (${formatDistance(now, notAfter)} ago). ` +
        `Ask your administrator to issue a new one. ${clock}${skewHint}.`,
    );
  }

  if (now.getTime() < notBefore.getTime()) {
    throw new CertificateCheckError(
      'not-yet-valid',
      `${what} is not valid until ${formatDate(notBefore)} (in ${formatDistance(notBefore, now)}). ` +
        `${clock}; if it is behind, correct it and try again, otherwise wait until then.`,
    );
  }
}

function usageWarnings(certificate: X509Certificate): string[] {
  const extendedKeyUsage = certificate.keyUsage;
  if (extendedKeyUsage === undefined || extendedKeyUsage.length === 0) return [];
  if (extendedKeyUsage.includes(CLIENT_AUTH_OID)) return [];
  if (extendedKeyUsage.includes(ANY_EXTENDED_KEY_USAGE_OID)) return [];
  return [
    'The certificate does not allow TLS client authentication (extendedKeyUsage clientAuth), so the VPN ' +
      'server may reject it.',
  ];
}

const DAY_MS = 24 * 60 * 60 * 1000;

function isNear(a: Date, b: Date): boolean {
  return Math.abs(a.getTime() - b.getTime()) < DAY_MS;
}

/** Formats a date as "2026-11-30 14:02 UTC". */
export function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Formats the distance between two dates in the largest whole unit, e.g. "12 minutes". */
export function formatDistance(later: Date, earlier: Date): string {
  const seconds = Math.max(0, Math.round((later.getTime() - earlier.getTime()) / 1000));
  const units: [number, string][] = [
    [365 * 86_400, 'year'],
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];

  for (const [size, name] of units) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${name}${count === 1 ? '' : 's'}`;
  }
  return '0 seconds';
}
