import { randomBytes } from 'node:crypto';

/**
 * Generates a 2048-bit OpenVPN static key in the "OpenVPN Static key V1" text form that
 * `openvpn --genkey tls-crypt` writes, for the demo organisation and the test lab.
 */
export function generateStaticKey(): string {
  const hex = randomBytes(256).toString('hex');
  const lines = hex.match(/.{32}/g) ?? [];
  return [
    '-----BEGIN OpenVPN Static key V1-----',
    ...lines,
    '-----END OpenVPN Static key V1-----',
    '',
  ].join('\n');
}
