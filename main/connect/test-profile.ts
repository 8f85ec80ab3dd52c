import type { ClientCertificateOptions, DemoCa } from '../demo-ca/certificate-authority.ts';
import { createCsr } from '../pki/csr.ts';
import { generateRsaKeyPair, privateKeyToPem } from '../pki/keys.ts';

/** A client key and certificate from a demo CA, for tests that need a profile. */
export interface TestClientCredentials {
  caPem: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** Generates a client key and has the demo CA sign it with the requested validity. */
export async function issueTestClient(
  ca: DemoCa,
  commonName: string,
  validity: ClientCertificateOptions = {},
): Promise<TestClientCredentials> {
  const keyPair = await generateRsaKeyPair(2048);
  const csr = createCsr(keyPair, { commonName });
  const issued = ca.signClientCsr(csr.pem, validity);

  return {
    caPem: ca.certificatePem,
    certificatePem: issued.certificatePem,
    privateKeyPem: privateKeyToPem(keyPair),
  };
}

/**
 * Writes a minimal self-contained client profile. Tests use it where the product's profile
 * builder is not the subject, e.g. for the certificate gate.
 */
export function minimalProfile(
  credentials: TestClientCredentials,
  directives: string[],
  tlsCryptKey?: string,
): string {
  const tlsCrypt =
    tlsCryptKey === undefined ? [] : ['<tls-crypt>', tlsCryptKey.trim(), '</tls-crypt>'];
  return [
    'client',
    'dev tun',
    'nobind',
    ...directives,
    '<ca>',
    credentials.caPem.trim(),
    '</ca>',
    '<cert>',
    credentials.certificatePem.trim(),
    '</cert>',
    '<key>',
    credentials.privateKeyPem.trim(),
    '</key>',
    ...tlsCrypt,
    '',
  ].join('\n');
}
