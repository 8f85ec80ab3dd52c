import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';

import { createCsr, type CsrSubject } from '../pki/csr.ts';
import { generateRsaKeyPair, publicKeySpkiDer, type RsaKeyPair } from '../pki/keys.ts';
import { temporaryDirectory } from '../testing/fixtures.ts';
import { describeWith, toolPath } from '../testing/requirements.ts';
import { createDemoCa, loadDemoCa, type DemoCa } from './certificate-authority.ts';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const DAY_MS = 86_400_000;

let ca: DemoCa;
let keyPair: RsaKeyPair;

beforeAll(async () => {
  ca = await createDemoCa({ commonName: 'Test CA', keyBits: 2048 });
  keyPair = await generateRsaKeyPair(2048);
});

function csrFor(
  subject: CsrSubject = {
    commonName: 'jane.doe@example.org',
    emailAddress: 'jane.doe@example.org',
  },
) {
  return createCsr(keyPair, subject);
}

function extension(pem: string, name: string): Record<string, unknown> | undefined {
  return forge.pki.certificateFromPem(pem).getExtension(name);
}

describe('demo CA certificate', () => {
  it('is a CA certificate', () => {
    expect(new X509Certificate(ca.certificateDer).ca).toBe(true);
  });

  it('marks basicConstraints critical', () => {
    expect(extension(ca.certificatePem, 'basicConstraints')).toMatchObject({
      cA: true,
      critical: true,
    });
  });

  it('allows only certificate and CRL signing', () => {
    const keyUsage = extension(ca.certificatePem, 'keyUsage');

    expect(keyUsage).toMatchObject({ keyCertSign: true, cRLSign: true, critical: true });
    expect(keyUsage).toMatchObject({ digitalSignature: false, keyEncipherment: false });
  });

  it('has a subjectKeyIdentifier', () => {
    expect(extension(ca.certificatePem, 'subjectKeyIdentifier')).toBeDefined();
  });

  it('is valid for 10 years', () => {
    const certificate = new X509Certificate(ca.certificateDer);
    const years =
      (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / (365.25 * DAY_MS);

    expect(Math.round(years)).toBe(10);
  });

  it('uses the given common name', () => {
    expect(new X509Certificate(ca.certificateDer).subject).toContain('CN=Test CA');
  });
});

describe('client certificate', () => {
  it('is issued for the CSR key', () => {
    const issued = new X509Certificate(ca.signClientCsr(csrFor().pem).certificateDer);
    const key = issued.publicKey.export({ type: 'spki', format: 'der' });

    expect(key).toEqual(publicKeySpkiDer(keyPair.publicKey));
  });

  it('verifies against the CA', () => {
    const issued = new X509Certificate(ca.signClientCsr(csrFor().der).certificateDer);

    expect(issued.verify(new X509Certificate(ca.certificateDer).publicKey)).toBe(true);
  });

  it('copies the subject', () => {
    const issued = new X509Certificate(ca.signClientCsr(csrFor().pem).certificatePem);

    expect(issued.subject).toContain('CN=jane.doe@example.org');
  });

  it('keeps UTF-8 subject text intact', () => {
    const csr = csrFor({ commonName: 'Zoë Ünal-Øster 陳' });

    const issued = new X509Certificate(ca.signClientCsr(csr.pem).certificatePem);

    expect(issued.subject).toContain('CN=Zoë Ünal-Øster 陳');
  });

  it('copies the email address into subjectAltName', () => {
    const issued = new X509Certificate(ca.signClientCsr(csrFor().pem).certificatePem);

    expect(issued.subjectAltName).toBe('email:jane.doe@example.org');
  });

  it('allows clientAuth only', () => {
    const issued = new X509Certificate(ca.signClientCsr(csrFor().pem).certificatePem);

    expect(issued.keyUsage).toEqual([CLIENT_AUTH]);
  });

  it('has digitalSignature and keyAgreement key usage', () => {
    const keyUsage = extension(ca.signClientCsr(csrFor().pem).certificatePem, 'keyUsage');

    expect(keyUsage).toMatchObject({ digitalSignature: true, keyAgreement: true, critical: true });
  });

  it('is not a CA certificate', () => {
    expect(new X509Certificate(ca.signClientCsr(csrFor().pem).certificatePem).ca).toBe(false);
  });

  it('names the CA key in authorityKeyIdentifier', () => {
    const issued = forge.pki.certificateFromPem(ca.signClientCsr(csrFor().pem).certificatePem);
    const caKeyIdentifier = forge.pki
      .certificateFromPem(ca.certificatePem)
      .generateSubjectKeyIdentifier();
    const authorityKeyIdentifier = forge.asn1.fromDer(
      (issued.getExtension('authorityKeyIdentifier') as { value: string }).value,
    );

    const keyIdentifier = (authorityKeyIdentifier.value as forge.asn1.Asn1[])[0]!.value as string;
    expect(forge.util.bytesToHex(keyIdentifier)).toBe(caKeyIdentifier.toHex());
  });

  it('has a random 16-byte serial number', () => {
    const first = new X509Certificate(ca.signClientCsr(csrFor().pem).certificatePem);
    const second = new X509Certificate(ca.signClientCsr(csrFor().pem).certificatePem);

    expect(first.serialNumber).toMatch(/^[0-9A-F]{32}$/);
    expect(first.serialNumber).not.toBe(second.serialNumber);
  });

  it('is valid for a year from 5 minutes ago', () => {
    const before = Date.now();
    const issued = new X509Certificate(ca.signClientCsr(csrFor().pem).certificatePem);
    const notBefore = Date.parse(issued.validFrom);

    expect(before - notBefore).toBeGreaterThanOrEqual(4 * 60_000);
    expect(before - notBefore).toBeLessThanOrEqual(6 * 60_000);
    expect(Date.parse(issued.validTo) - notBefore).toBe(365 * DAY_MS);
  });

  it('uses the requested validity', () => {
    const notBefore = new Date('2020-01-01T00:00:00Z');
    const notAfter = new Date('2021-01-01T00:00:00Z');

    const issued = new X509Certificate(
      ca.signClientCsr(csrFor().pem, { notBefore, notAfter }).certificatePem,
    );

    expect(Date.parse(issued.validFrom)).toBe(notBefore.getTime());
    expect(Date.parse(issued.validTo)).toBe(notAfter.getTime());
  });

  it('rejects notAfter before notBefore', () => {
    const sign = () =>
      ca.signClientCsr(csrFor().pem, {
        notBefore: new Date(),
        notAfter: new Date(Date.now() - 1000),
      });

    expect(sign).toThrow(/notAfter .* is not after notBefore/);
  });

  it('uses a subject override', () => {
    const issued = new X509Certificate(
      ca.signClientCsr(csrFor().pem, { subjectOverride: { commonName: 'jdoe' } }).certificatePem,
    );

    expect(issued.subject).toBe('CN=jdoe');
  });

  it('rejects a CSR whose signature does not match', () => {
    const der = Buffer.from(csrFor().der);
    der[der.length - 1]! ^= 0xff;

    expect(() => ca.signClientCsr(der)).toThrow(/signature/);
  });
});

describe('server certificate', () => {
  it('allows serverAuth only', async () => {
    const { certificatePem } = await ca.issueServerCertificate('vpn.example.org');

    expect(new X509Certificate(certificatePem).keyUsage).toEqual([SERVER_AUTH]);
  });

  it('has digitalSignature and keyEncipherment key usage', async () => {
    const { certificatePem } = await ca.issueServerCertificate('vpn.example.org');

    expect(extension(certificatePem, 'keyUsage')).toMatchObject({
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    });
  });

  it('names its DNS names and IP addresses', async () => {
    const { certificatePem } = await ca.issueServerCertificate('vpn.example.org', {
      dnsNames: ['vpn.example.org'],
      ipAddresses: ['192.0.2.1', '::1'],
    });

    expect(new X509Certificate(certificatePem).subjectAltName).toBe(
      'DNS:vpn.example.org, IP Address:192.0.2.1, IP Address:0:0:0:0:0:0:0:1',
    );
  });

  it('comes with its private key', async () => {
    const { certificatePem, privateKeyPem } = await ca.issueServerCertificate('vpn.example.org');

    expect(
      new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(privateKeyPem)),
    ).toBe(true);
  });

  it('rejects an invalid IP address', async () => {
    const issue = ca.issueServerCertificate('vpn', { ipAddresses: ['not-an-ip'] });

    await expect(issue).rejects.toThrow(/Invalid IP address "not-an-ip"/);
  });
});

describe('demo CA files', () => {
  it('writes the CA key 0600', async () => {
    const directory = join(await temporaryDirectory(), 'ca');
    await ca.save(directory);

    expect((await stat(join(directory, 'ca-key.pem'))).mode & 0o777).toBe(0o600);
  });

  it('loads a saved CA that still signs', async () => {
    const directory = join(await temporaryDirectory(), 'ca');
    await ca.save(directory);

    const loaded = await loadDemoCa(directory);
    const issued = new X509Certificate(loaded.signClientCsr(csrFor().pem).certificateDer);

    expect(loaded.certificatePem).toBe(ca.certificatePem);
    expect(issued.verify(new X509Certificate(ca.certificateDer).publicKey)).toBe(true);
  });

  it('explains a missing CA', async () => {
    const directory = await temporaryDirectory();

    await expect(loadDemoCa(directory)).rejects.toThrow(/Failed to read the demo CA from .*ENOENT/);
  });

  it('rejects a key that belongs to another CA', async () => {
    const directory = join(await temporaryDirectory(), 'ca');
    await ca.save(directory);
    const other = await createDemoCa({ keyBits: 2048 });
    await writeFile(join(directory, 'ca.pem'), other.certificatePem);

    await expect(loadDemoCa(directory)).rejects.toThrow(/does not belong to the certificate/);
  });
});

describeWith(['openssl'], 'demo CA with openssl', () => {
  async function opensslVerify(certificatePem: string, purpose: string): Promise<string> {
    const directory = await temporaryDirectory();
    await writeFile(join(directory, 'ca.pem'), ca.certificatePem);
    await writeFile(join(directory, 'certificate.pem'), certificatePem);

    return execFileSync(
      toolPath('openssl'),
      ['verify', '-purpose', purpose, '-CAfile', 'ca.pem', 'certificate.pem'],
      { cwd: directory, encoding: 'utf8' },
    );
  }

  it('verifies a client certificate as sslclient', async () => {
    const { certificatePem } = ca.signClientCsr(csrFor().pem);

    expect(await opensslVerify(certificatePem, 'sslclient')).toBe('certificate.pem: OK\n');
  });

  it('verifies a server certificate as sslserver', async () => {
    const { certificatePem } = await ca.issueServerCertificate('vpn.example.org', {
      dnsNames: ['vpn.example.org'],
    });

    expect(await opensslVerify(certificatePem, 'sslserver')).toBe('certificate.pem: OK\n');
  });
});
