import { X509Certificate } from 'node:crypto';

import { decodeCertsOnlyPkcs7 } from './pkcs7.ts';

/** Raised when input is not a certificate in any of the accepted encodings. */
export class CertificateFormatError extends Error {
  override name = 'CertificateFormatError';
}

/** Upper bound on accepted input; real certificate chains are a few KiB. */
export const MAX_INPUT_BYTES = 1024 * 1024;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ACCEPTED =
  'Expected a certificate as PEM (-----BEGIN CERTIFICATE-----), DER, or PKCS#7 certs-only (DER, base64 or PEM).';

/**
 * Reads one or more certificates from PEM, DER, or a PKCS#7 certs-only bundle given as DER,
 * as base64 with or without line breaks, or as PEM. The leaf is not necessarily first; callers
 * pick it by key.
 */
export function readCertificates(input: string | Uint8Array): X509Certificate[] {
  if (input.length > MAX_INPUT_BYTES) {
    throw new CertificateFormatError(
      `The certificate input is ${Math.round(input.length / 1024)} KiB; a certificate or PKCS#7 bundle is a few KiB, so this is not one. Check that you picked the right file.`,
    );
  }
  if (typeof input !== 'string') {
    const bytes = Buffer.from(input);
    if (bytes[0] === 0x30) return readDer(bytes);
    return readCertificates(bytes.toString('latin1'));
  }

  const text = input.trim();
  if (text === '') throw new CertificateFormatError(`The certificate input is empty. ${ACCEPTED}`);

  if (text.includes('-----BEGIN ')) return readPem(text);

  const base64 = text.replace(/\s+/g, '');
  if (!BASE64.test(base64)) {
    throw new CertificateFormatError(
      `The certificate input is neither PEM nor base64. ${ACCEPTED}`,
    );
  }
  return readDer(Buffer.from(base64, 'base64'));
}

function readPem(text: string): X509Certificate[] {
  const certificates: X509Certificate[] = [];

  for (const [, label, body] of text.matchAll(PEM_BLOCK)) {
    const der = Buffer.from(body!.replace(/\s+/g, ''), 'base64');
    if (
      label === 'CERTIFICATE' ||
      label === 'X509 CERTIFICATE' ||
      label === 'TRUSTED CERTIFICATE'
    ) {
      certificates.push(parseCertificate(der));
    } else if (label === 'PKCS7' || label === 'CMS') {
      certificates.push(...readPkcs7(der));
    } else if (label?.includes('PRIVATE KEY')) {
      throw new CertificateFormatError(
        'The input contains a private key, not a certificate. Never share private keys; paste only the certificate.',
      );
    } else {
      throw new CertificateFormatError(`The input contains a PEM "${label}" block. ${ACCEPTED}`);
    }
  }

  if (certificates.length === 0) {
    throw new CertificateFormatError(`The PEM input has no complete BEGIN/END block. ${ACCEPTED}`);
  }
  return certificates;
}

function readDer(der: Buffer): X509Certificate[] {
  try {
    return [new X509Certificate(der)];
  } catch {
    // Not a single certificate: a PKCS#7 bundle is the other DER form accepted.
  }
  return readPkcs7(der);
}

function readPkcs7(der: Buffer): X509Certificate[] {
  let certificates: Buffer[];
  try {
    certificates = decodeCertsOnlyPkcs7(der);
  } catch (error) {
    throw new CertificateFormatError(
      `The input is neither a certificate nor a PKCS#7 certs-only bundle (${(error as Error).message}). ${ACCEPTED}`,
    );
  }

  if (certificates.length === 0) {
    throw new CertificateFormatError('The PKCS#7 bundle contains no certificates.');
  }
  return certificates.map(parseCertificate);
}

function parseCertificate(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (error) {
    throw new CertificateFormatError(
      `A certificate in the input is damaged and cannot be parsed (${(error as Error).message}).`,
    );
  }
}
