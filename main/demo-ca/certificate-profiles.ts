import { randomBytes } from 'node:crypto';

// GeneralName choices (RFC 5280 section 4.2.1.6) as node-forge numbers them.
const RFC822_NAME = 1;
const DNS_NAME = 2;
const IP_ADDRESS = 7;

/**
 * Returns a random positive 16-byte serial number as hex. The top bit is cleared so the DER
 * INTEGER stays positive, and the next bit is set so it needs no leading zero byte.
 */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

export function caExtensions(): object[] {
  return [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
}

/** Extensions of a TLS client certificate. `issuerKeyIdentifier` is the CA's, as raw bytes. */
export function clientExtensions(issuerKeyIdentifier: string, emailAddresses: string[]): object[] {
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyAgreement: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuerKeyIdentifier },
  ];
  if (emailAddresses.length > 0) {
    extensions.push({
      name: 'subjectAltName',
      altNames: emailAddresses.map((value) => ({ type: RFC822_NAME, value })),
    });
  }
  return extensions;
}

/** Extensions of a TLS server certificate for the given DNS names and IP addresses. */
export function serverExtensions(
  issuerKeyIdentifier: string,
  dnsNames: string[],
  ipAddresses: string[],
): object[] {
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuerKeyIdentifier },
  ];

  const altNames = [
    ...dnsNames.map((value) => ({ type: DNS_NAME, value })),
    ...ipAddresses.map((ip) => ({ type: IP_ADDRESS, ip })),
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  return extensions;
}
