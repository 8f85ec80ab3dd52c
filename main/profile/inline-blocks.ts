import { createPrivateKey } from 'node:crypto';

import { CertificateFormatError, readCertificates } from '../pki/certificate-reader.ts';
import { ProfileError } from './profile-error.ts';

const STATIC_KEY_BEGIN = '-----BEGIN OpenVPN Static key V1-----';
const STATIC_KEY_END = '-----END OpenVPN Static key V1-----';
const STATIC_KEY_LINE = /^[0-9a-fA-F]{32}$/;
const STATIC_KEY_LINES = 16;

/** Encodes DER as PEM with base64 at 64 columns and LF endings. */
export function pemEncode(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`, ''].join('\n');
}

/**
 * Re-encodes certificates from their parsed DER, so that only base64 between PEM armour can
 * reach an inline block. Text around the PEM blocks, such as the dump openssl and Easy-RSA put
 * above a certificate, is dropped, and a stray `</cert>` line cannot survive.
 */
export function canonicalCertificates(pems: readonly string[], field: string): string {
  if (pems.length === 0) {
    throw new ProfileError(field, `${field} is empty; add the PEM certificate.`);
  }

  return pems
    .map((pem, index) => {
      const itemField = pems.length === 1 ? field : `${field}[${index}]`;
      try {
        return readCertificates(pem)
          .map((certificate) => pemEncode('CERTIFICATE', certificate.raw))
          .join('');
      } catch (error) {
        if (!(error instanceof CertificateFormatError)) throw error;
        throw new ProfileError(
          itemField,
          `${itemField} is not a valid certificate: ${error.message}`,
        );
      }
    })
    .join('');
}

/**
 * Re-encodes a private key as PKCS#8 PEM from its parsed form. The message never contains the
 * key itself.
 */
export function canonicalPrivateKey(pem: string, field: string): string {
  if (pem.includes('ENCRYPTED')) {
    throw new ProfileError(
      field,
      `${field} is encrypted with a passphrase, which OpenVPN would ask for on every connect; start a new enrollment to get an unencrypted key.`,
    );
  }

  let der: Buffer;
  try {
    // OpenSSL's PEM reader accepts LF and CRLF but not a bare CR.
    const key = pem.replace(/\r\n?/g, '\n');
    der = createPrivateKey({ key, format: 'pem' }).export({ type: 'pkcs8', format: 'der' });
  } catch {
    throw new ProfileError(
      field,
      `${field} is damaged and cannot be read as a PEM private key; start a new enrollment.`,
    );
  }
  return pemEncode('PRIVATE KEY', der);
}

/**
 * Re-encodes an OpenVPN static key (tls-crypt): the BEGIN line, 16 lines of 32 hex digits and
 * the END line. Only the comment lines that `openvpn --genkey` writes above the key and blank
 * lines may surround it. The message names the field but never shows the key.
 */
export function canonicalStaticKey(text: string, field: string): string {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const begin = lines.indexOf(STATIC_KEY_BEGIN);
  const end = lines.indexOf(STATIC_KEY_END);
  const body = lines.slice(begin + 1, end);

  const valid =
    begin === 0 &&
    end === lines.length - 1 &&
    body.length === STATIC_KEY_LINES &&
    body.every((line) => STATIC_KEY_LINE.test(line));
  if (!valid) {
    throw new ProfileError(
      field,
      `${field} is not an OpenVPN static key: expected ${STATIC_KEY_BEGIN}, ${STATIC_KEY_LINES} lines of 32 hex digits and ${STATIC_KEY_END}. Generate one with "openvpn --genkey tls-crypt FILE".`,
    );
  }

  return [STATIC_KEY_BEGIN, ...body.map((line) => line.toLowerCase()), STATIC_KEY_END, ''].join(
    '\n',
  );
}
