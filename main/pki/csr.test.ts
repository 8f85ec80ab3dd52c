import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';

import { describeWith, toolPath } from '../testing/requirements.ts';
import { createCsr, readCsr, type Csr } from './csr.ts';
import { generateRsaKeyPair, publicKeySpkiDer, type RsaKeyPair } from './keys.ts';

const subject = {
  commonName: 'Zoë Müller',
  emailAddress: 'zoe.muller@example.org',
  organization: 'Example Corp',
  organizationalUnit: 'Staff',
  country: 'NL',
};

let keyPair: RsaKeyPair;
let csr: Csr;

beforeAll(async () => {
  keyPair = await generateRsaKeyPair(2048);
  csr = createCsr(keyPair, subject);
});

function subjectValueTags(der: Buffer): Map<string, number> {
  const request = forge.pki.certificationRequestFromAsn1(
    forge.asn1.fromDer(der.toString('binary')),
  );
  const tags = new Map<string, number>();
  for (const attribute of request.subject.attributes) {
    tags.set(attribute.shortName ?? attribute.name ?? '', attribute.valueTagClass as number);
  }
  return tags;
}

describe('csr', () => {
  it('reads back the subject it was given', () => {
    expect(readCsr(csr.pem).subject).toEqual(subject);
  });

  it('carries the public key of the key pair', () => {
    expect(readCsr(csr.der).publicKeySpkiDer).toEqual(publicKeySpkiDer(keyPair.publicKey));
  });

  it('encodes names as UTF8String', () => {
    const tags = subjectValueTags(csr.der);

    expect(tags.get('CN')).toBe(forge.asn1.Type.UTF8);
    expect(tags.get('O')).toBe(forge.asn1.Type.UTF8);
    expect(tags.get('OU')).toBe(forge.asn1.Type.UTF8);
  });

  it('encodes the email address as IA5String', () => {
    expect(subjectValueTags(csr.der).get('E')).toBe(forge.asn1.Type.IA5STRING);
  });

  it('puts the email address in subjectAltName', () => {
    expect(readCsr(csr.pem).emailAddresses).toEqual(['zoe.muller@example.org']);
  });

  it('reads base64 without PEM armour', () => {
    expect(readCsr(csr.der.toString('base64')).subject.commonName).toBe('Zoë Müller');
  });

  it('rejects a request whose signature was tampered with', () => {
    const tampered = Buffer.from(csr.der);
    tampered[tampered.length - 5]! ^= 0xff;

    expect(() => readCsr(tampered)).toThrow(/signature/);
  });

  it('rejects text that is not a request', () => {
    expect(() => readCsr('hello, world')).toThrow(/Invalid CSR/);
  });
});

describeWith(['openssl'], 'csr checked by openssl', () => {
  let directory: string;
  let csrPath: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'vpn-onboard-csr-'));
    csrPath = join(directory, 'request.csr');
    writeFileSync(csrPath, csr.pem);
  });

  function openssl(...args: string[]): string {
    return execFileSync(toolPath('openssl'), args, { encoding: 'utf8', stdio: 'pipe' });
  }

  it('passes openssl req -verify', () => {
    expect(() => openssl('req', '-in', csrPath, '-noout', '-verify')).not.toThrow();
  });

  it('requests keyUsage digitalSignature and clientAuth', () => {
    const text = openssl('req', '-in', csrPath, '-noout', '-text');

    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication/);
    expect(text).toMatch(/X509v3 Subject Alternative Name:\s+email:zoe.muller@example.org/);
  });

  it('shows the UTF-8 name intact', () => {
    const text = openssl(
      'req',
      '-in',
      csrPath,
      '-noout',
      '-subject',
      '-nameopt',
      'utf8,sep_comma_plus',
    );

    expect(text).toContain('CN=Zoë Müller');
  });
});
