import forge from 'node-forge';

import { sha256Fingerprint } from './fingerprint.ts';
import { publicKeySpkiDer, type RsaKeyPair } from './keys.ts';

/** Subject fields of a certificate signing request, as plain Unicode strings. */
export interface CsrSubject {
  commonName: string;
  emailAddress?: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
  state?: string;
  locality?: string;
}

/** A PKCS#10 certificate signing request in both encodings, with its SHA-256 fingerprint. */
export interface Csr {
  pem: string;
  der: Buffer;
  sha256Fingerprint: string;
}

/** A parsed and signature-checked PKCS#10 request. */
export interface ParsedCsr {
  subject: CsrSubject;
  publicKeySpkiDer: Buffer;
  emailAddresses: string[];
  request: forge.pki.CertificateSigningRequest;
}

const { Type } = forge.asn1;

// RFC 5280 asks for PrintableString country codes and IA5String email addresses, and
// UTF8String for everything a person might write in their own script.
const SUBJECT_FIELDS: { key: keyof CsrSubject; shortName: string; tag: number }[] = [
  { key: 'country', shortName: 'C', tag: Type.PRINTABLESTRING },
  { key: 'state', shortName: 'ST', tag: Type.UTF8 },
  { key: 'locality', shortName: 'L', tag: Type.UTF8 },
  { key: 'organization', shortName: 'O', tag: Type.UTF8 },
  { key: 'organizationalUnit', shortName: 'OU', tag: Type.UTF8 },
  { key: 'commonName', shortName: 'CN', tag: Type.UTF8 },
  { key: 'emailAddress', shortName: 'E', tag: Type.IA5STRING },
];

/**
 * Builds and signs a PKCS#10 CSR for TLS client authentication: keyUsage digitalSignature,
 * extendedKeyUsage clientAuth and, when the subject has an email address, a subjectAltName
 * rfc822Name. CAs may drop any of these, so nothing downstream relies on them surviving.
 */
export function createCsr(keyPair: RsaKeyPair, subject: CsrSubject): Csr {
  const request = forge.pki.createCertificationRequest();
  request.publicKey = keyPair.publicKey;
  request.setSubject(subjectAttributes(subject));

  const extensions: object[] = [
    { name: 'keyUsage', critical: true, digitalSignature: true },
    { name: 'extKeyUsage', clientAuth: true },
  ];
  if (subject.emailAddress !== undefined) {
    extensions.push({
      name: 'subjectAltName',
      altNames: [{ type: 1, value: subject.emailAddress }],
    });
  }
  request.setAttributes([{ name: 'extensionRequest', extensions }]);

  request.sign(keyPair.privateKey, forge.md.sha256.create());

  const der = Buffer.from(
    forge.asn1.toDer(forge.pki.certificationRequestToAsn1(request)).getBytes(),
    'binary',
  );
  return { pem: derToPem(der), der, sha256Fingerprint: sha256Fingerprint(der) };
}

/** Reads a CSR from PEM, DER or bare base64 and checks its self-signature. */
export function readCsr(input: string | Uint8Array): ParsedCsr {
  const der = csrDer(input);

  let request: forge.pki.CertificateSigningRequest;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
    request = forge.pki.certificationRequestFromAsn1(asn1);
  } catch (error) {
    throw new Error(`Invalid CSR: not a PKCS#10 request (${(error as Error).message}).`, {
      cause: error,
    });
  }

  if (!verifySignature(request)) {
    throw new Error('Invalid CSR: its signature does not match its public key.');
  }
  if (request.publicKey === null) {
    throw new Error('Invalid CSR: it has no RSA public key.');
  }

  return {
    subject: readSubject(request),
    publicKeySpkiDer: publicKeySpkiDer(request.publicKey as forge.pki.rsa.PublicKey),
    emailAddresses: readEmailAddresses(request),
    request,
  };
}

/** Wraps DER bytes in a PEM block with the CERTIFICATE REQUEST label and 64-column lines. */
export function derToPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}

/** Converts a subject into node-forge attributes, UTF8String for text a person writes. */
export function subjectAttributes(subject: CsrSubject): forge.pki.CertificateField[] {
  return SUBJECT_FIELDS.flatMap(({ key, shortName, tag }) => {
    const value = subject[key];
    if (value === undefined || value === '') return [];
    return [{ shortName, value, valueTagClass: tag }];
  });
}

function readSubject(request: forge.pki.CertificateSigningRequest): CsrSubject {
  const subject: CsrSubject = { commonName: '' };
  for (const { key, shortName } of SUBJECT_FIELDS) {
    const field = request.subject.getField(shortName) as forge.pki.CertificateField | null;
    if (field === null || typeof field.value !== 'string') continue;
    // node-forge hands back UTF8String values as raw UTF-8 bytes in a binary string.
    subject[key] =
      (field.valueTagClass as number) === (Type.UTF8 as number)
        ? forge.util.decodeUtf8(field.value)
        : field.value;
  }
  return subject;
}

function verifySignature(request: forge.pki.CertificateSigningRequest): boolean {
  try {
    return request.verify();
  } catch {
    // node-forge throws instead of returning false when the signature block does not decode.
    return false;
  }
}

function readEmailAddresses(request: forge.pki.CertificateSigningRequest): string[] {
  const extensionRequest = request.getAttribute({ name: 'extensionRequest' }) as {
    extensions?: { name: string; altNames?: { type: number; value: string }[] }[];
  } | null;
  const subjectAltName = extensionRequest?.extensions?.find(
    (extension) => extension.name === 'subjectAltName',
  );
  return (subjectAltName?.altNames ?? [])
    .filter((name) => name.type === 1)
    .map((name) => name.value);
}

function csrDer(input: string | Uint8Array): Buffer {
  if (typeof input !== 'string') {
    const bytes = Buffer.from(input);
    if (bytes[0] === 0x30) return bytes;
    return csrDer(bytes.toString('latin1'));
  }

  const pem =
    /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(
      input,
    );
  const base64 = (pem?.[1] ?? input).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new Error(
      'Invalid CSR: expected PEM (-----BEGIN CERTIFICATE REQUEST-----), DER or base64.',
    );
  }
  return Buffer.from(base64, 'base64');
}
