import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';

import forge from 'node-forge';

import { readCsr, subjectAttributes, type CsrSubject } from '../pki/csr.ts';
import {
  generateRsaKeyPair,
  privateKeyToPem,
  readPrivateKeyPem,
  type RsaKeyPair,
} from '../pki/keys.ts';
import { ensurePrivateDirectory, writePrivateFileAtomic } from '../storage/secure-file.ts';
import {
  caExtensions,
  clientExtensions,
  randomSerialNumber,
  serverExtensions,
} from './certificate-profiles.ts';

/** A certificate the demo CA issued, in both encodings. */
export interface IssuedCertificate {
  certificatePem: string;
  certificateDer: Buffer;
}

export interface ClientCertificateOptions {
  /** Start of validity; defaults to 5 minutes ago so small clock skew does not matter. */
  notBefore?: Date;
  /** End of validity; defaults to one year after notBefore. */
  notAfter?: Date;
  /** Subject to issue instead of the CSR's, the way real CAs rewrite or drop fields. */
  subjectOverride?: CsrSubject;
}

export interface ServerCertificateOptions {
  dnsNames?: string[];
  ipAddresses?: string[];
}

/** A server certificate with its freshly generated private key (PKCS#8 PEM). */
export interface ServerCredentials {
  certificatePem: string;
  privateKeyPem: string;
}

export interface DemoCaOptions {
  /** Defaults to "VPN Onboard Demo CA". */
  commonName?: string;
  /** RSA key size of the CA, 3072 by default. Tests use 2048 for speed. */
  keyBits?: 2048 | 3072;
}

/** A throwaway RSA CA for the demo, the tests and the network lab. Test and demo only. */
export interface DemoCa {
  certificatePem: string;
  certificateDer: Buffer;
  /** Signs a PKCS#10 CSR (PEM, DER or base64) as a TLS client certificate. */
  signClientCsr(csr: string | Uint8Array, options?: ClientCertificateOptions): IssuedCertificate;
  /** Generates an RSA 2048 key and signs a TLS server certificate for it. */
  issueServerCertificate(
    commonName: string,
    options?: ServerCertificateOptions,
  ): Promise<ServerCredentials>;
  /** Writes ca.pem and ca-key.pem into `directory`, both 0600, atomically. */
  save(directory: string): Promise<void>;
}

const CERTIFICATE_FILE = 'ca.pem';
const KEY_FILE = 'ca-key.pem';
const DEFAULT_COMMON_NAME = 'VPN Onboard Demo CA';
const BACKDATE_MS = 5 * 60 * 1000;
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const CA_VALIDITY_YEARS = 10;
// A server certificate only lives as long as a test or demo run, so 2048 bits keeps start-up fast.
const SERVER_KEY_BITS = 2048;

/** Creates a self-signed RSA CA valid for 10 years. */
export async function createDemoCa(options: DemoCaOptions = {}): Promise<DemoCa> {
  const keyPair = await generateRsaKeyPair(options.keyBits ?? 3072);

  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keyPair.publicKey;
  certificate.serialNumber = randomSerialNumber();
  certificate.validity.notBefore = new Date(Date.now() - BACKDATE_MS);
  certificate.validity.notAfter = new Date(certificate.validity.notBefore);
  certificate.validity.notAfter.setUTCFullYear(
    certificate.validity.notBefore.getUTCFullYear() + CA_VALIDITY_YEARS,
  );

  const subject = subjectAttributes({
    commonName: options.commonName ?? DEFAULT_COMMON_NAME,
    organization: 'VPN Onboard (test and demo only)',
  });
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions(caExtensions());
  certificate.sign(keyPair.privateKey, forge.md.sha256.create());

  return new ForgeDemoCa(certificate, keyPair);
}

/** Loads a CA that `save` wrote, checking that the key belongs to the certificate. */
export async function loadDemoCa(directory: string): Promise<DemoCa> {
  const certificatePath = join(directory, CERTIFICATE_FILE);
  const keyPath = join(directory, KEY_FILE);

  let certificatePem: string;
  let keyPem: string;
  try {
    [certificatePem, keyPem] = await Promise.all([
      readFile(certificatePath, 'utf8'),
      readFile(keyPath, 'utf8'),
    ]);
  } catch (error) {
    throw new Error(
      `Failed to read the demo CA from ${directory} (${(error as Error).message}). ` +
        `Delete the directory to create a new demo CA.`,
      { cause: error },
    );
  }

  let certificate: forge.pki.Certificate;
  try {
    certificate = forge.pki.certificateFromPem(certificatePem);
  } catch (error) {
    throw new Error(
      `Invalid demo CA certificate ${certificatePath} (${(error as Error).message}). ` +
        'Delete the directory to create a new demo CA.',
      { cause: error },
    );
  }
  const keyPair = readPrivateKeyPem(keyPem);
  const certificateKey = certificate.publicKey as forge.pki.rsa.PublicKey;
  if (certificateKey.n.compareTo(keyPair.publicKey.n) !== 0) {
    throw new Error(
      `The demo CA key ${keyPath} does not belong to the certificate ${certificatePath}. ` +
        'Delete the directory to create a new demo CA.',
    );
  }

  return new ForgeDemoCa(certificate, keyPair);
}

class ForgeDemoCa implements DemoCa {
  readonly certificatePem: string;
  readonly certificateDer: Buffer;
  private readonly keyIdentifier: string;

  constructor(
    private readonly certificate: forge.pki.Certificate,
    private readonly keyPair: RsaKeyPair,
  ) {
    this.certificateDer = certificateToDer(certificate);
    this.certificatePem = certificateToPem(certificate);
    this.keyIdentifier = certificate.generateSubjectKeyIdentifier().getBytes();
  }

  signClientCsr(
    csr: string | Uint8Array,
    options: ClientCertificateOptions = {},
  ): IssuedCertificate {
    const request = readCsr(csr);

    const notBefore = options.notBefore ?? new Date(Date.now() - BACKDATE_MS);
    const notAfter = options.notAfter ?? new Date(notBefore.getTime() + YEAR_MS);
    const subject =
      options.subjectOverride === undefined
        ? copySubject(request.request)
        : subjectAttributes(options.subjectOverride);

    const certificate = this.issue({
      publicKey: request.request.publicKey as forge.pki.rsa.PublicKey,
      subject,
      notBefore,
      notAfter,
      extensions: clientExtensions(this.keyIdentifier, request.emailAddresses),
    });
    return {
      certificatePem: certificateToPem(certificate),
      certificateDer: certificateToDer(certificate),
    };
  }

  async issueServerCertificate(
    commonName: string,
    options: ServerCertificateOptions = {},
  ): Promise<ServerCredentials> {
    const invalid = (options.ipAddresses ?? []).find((address) => isIP(address) === 0);
    if (invalid !== undefined) {
      throw new Error(
        `Invalid IP address "${invalid}" for the server certificate of ${commonName}.`,
      );
    }

    const keyPair = await generateRsaKeyPair(SERVER_KEY_BITS);
    const notBefore = new Date(Date.now() - BACKDATE_MS);
    const certificate = this.issue({
      publicKey: keyPair.publicKey,
      subject: subjectAttributes({ commonName }),
      notBefore,
      notAfter: new Date(notBefore.getTime() + YEAR_MS),
      extensions: serverExtensions(
        this.keyIdentifier,
        options.dnsNames ?? [],
        options.ipAddresses ?? [],
      ),
    });

    return {
      certificatePem: certificateToPem(certificate),
      privateKeyPem: privateKeyToPem(keyPair),
    };
  }

  async save(directory: string): Promise<void> {
    await ensurePrivateDirectory(directory);
    await writePrivateFileAtomic(join(directory, CERTIFICATE_FILE), this.certificatePem);
    await writePrivateFileAtomic(join(directory, KEY_FILE), privateKeyToPem(this.keyPair));
  }

  private issue(fields: {
    publicKey: forge.pki.rsa.PublicKey;
    subject: forge.pki.CertificateField[];
    notBefore: Date;
    notAfter: Date;
    extensions: object[];
  }): forge.pki.Certificate {
    if (fields.notAfter.getTime() <= fields.notBefore.getTime()) {
      throw new Error(
        `Invalid validity: notAfter ${fields.notAfter.toISOString()} is not after notBefore ` +
          `${fields.notBefore.toISOString()}.`,
      );
    }

    const certificate = forge.pki.createCertificate();
    certificate.publicKey = fields.publicKey;
    certificate.serialNumber = randomSerialNumber();
    certificate.validity.notBefore = fields.notBefore;
    certificate.validity.notAfter = fields.notAfter;
    certificate.setSubject(fields.subject);
    certificate.setIssuer(this.certificate.subject.attributes);
    certificate.setExtensions(fields.extensions);
    certificate.sign(this.keyPair.privateKey, forge.md.sha256.create());
    return certificate;
  }
}

/**
 * Copies the CSR's subject attributes in their order and string types. node-forge parses
 * UTF8String values into raw UTF-8 bytes but encodes them from Unicode text, so those values
 * are decoded first to avoid encoding them twice.
 */
function copySubject(request: forge.pki.CertificateSigningRequest): forge.pki.CertificateField[] {
  return request.subject.attributes.map((attribute) => {
    const isUtf8 = (attribute.valueTagClass as number) === (forge.asn1.Type.UTF8 as number);
    if (!isUtf8 || typeof attribute.value !== 'string') return { ...attribute };
    return { ...attribute, value: forge.util.decodeUtf8(attribute.value) };
  });
}

function certificateToDer(certificate: forge.pki.Certificate): Buffer {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes();
  return Buffer.from(der, 'binary');
}

function certificateToPem(certificate: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(certificate).replace(/\r\n/g, '\n');
}
