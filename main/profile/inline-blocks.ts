import { createPrivateKey } from 'node:crypto';

import { CertificateFormatError, readCertificates } from '../pki/certificate-reader.ts';
import { ProfileError } from './profile-error.ts';

const STATIC_KEY_BEGIN = '-----BEGIN OpenVPN Static key V1-----';
const STATIC_KEY_END = '-----END OpenVPN Static key V1-----';
const STATIC_KEY_LINE = /^[0-9a-fA-F]{32}$/;

/**
 * Re-encodes certificates from their parsed form, so that only base64 between PEM armour can
 * reach an inline block: a stray `</cert>` line or directive in the input cannot survive.
 */
export function canonicalCertificates(pems: string[], field: string): string {
  try {
    return pems
      .flatMap((pem) => readCertificates(pem))
      .map((certificate) => certificate.toString())
      .join('');
  } catch (error) {
    if (error instanceof CertificateFormatError) {
      throw new ProfileError(field, `${field} is not a valid certificate: ${error.message}`);
    }
    throw error;
  }
}

/** Re-encodes a private key as PKCS#8 PEM from its parsed form. */
export function canonicalPrivateKey(pem: string): string {
  try {
    return createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch {
    throw new ProfileError(
      'key',
      'The private key is damaged and cannot be read; start a new enrollment.',
    );
  }
}

/**
 * Re-encodes an OpenVPN static key (tls-crypt): the BEGIN line, 16 lines of 32 hex digits and
 * the END line. Comments that `openvpn --genkey` writes above the key are dropped.
 */
export function canonicalStaticKey(text: string, field: string): string {
  const lines = text.split(/\r\n|\r|\n/).map((line) => line.trim());
  const begin = lines.indexOf(STATIC_KEY_BEGIN);
  const end = lines.indexOf(STATIC_KEY_END);
  const body = begin >= 0 && end > begin ? lines.slice(begin + 1, end) : [];

  if (body.length !== 16 || !body.every((line) => STATIC_KEY_LINE.test(line))) {
    throw new ProfileError(
      field,
      `${field} is not an OpenVPN static key: expected ${STATIC_KEY_BEGIN}, 16 lines of 32 hex digits and ${STATIC_KEY_END}. Generate one with "openvpn --genkey tls-crypt FILE".`,
    );
  }
  return [STATIC_KEY_BEGIN, ...body.map((line) => line.toLowerCase()), STATIC_KEY_END, ''].join(
    '\n',
  );
}
