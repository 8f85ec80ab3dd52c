import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { describeWith, toolPath } from '../testing/requirements.ts';
import { CertificateFormatError, readCertificates } from './certificate-reader.ts';
import { decodeCertsOnlyPkcs7, encodeCertsOnlyPkcs7 } from './pkcs7.ts';

describeWith(['openssl'], 'certificate reader', () => {
  let directory: string;
  let pem: string;
  let der: Buffer;
  let secondPem: string;
  let pkcs7Der: Buffer;
  let pkcs7Pem: string;

  function openssl(...args: string[]): Buffer {
    return execFileSync(toolPath('openssl'), args, { cwd: directory, stdio: 'pipe' });
  }

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'vpn-onboard-reader-'));
    for (const name of ['first', 'second']) {
      openssl(
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-subj',
        `/CN=${name}`,
        '-days',
        '30',
      );
    }
    pem = readFileSync(join(directory, 'first.pem'), 'utf8');
    secondPem = readFileSync(join(directory, 'second.pem'), 'utf8');
    der = openssl('x509', '-in', 'first.pem', '-outform', 'DER');

    openssl(
      'crl2pkcs7',
      '-nocrl',
      '-certfile',
      'first.pem',
      '-certfile',
      'second.pem',
      '-out',
      'bundle.p7b',
    );
    pkcs7Pem = readFileSync(join(directory, 'bundle.p7b'), 'utf8');
    pkcs7Der = openssl('pkcs7', '-in', 'bundle.p7b', '-outform', 'DER');
  });

  it('reads PEM', () => {
    expect(readCertificates(pem)[0]!.subject).toBe('CN=first');
  });

  it('reads several PEM certificates', () => {
    expect(readCertificates(pem + secondPem).map((certificate) => certificate.subject)).toEqual([
      'CN=first',
      'CN=second',
    ]);
  });

  it('reads PEM with CRLF line endings', () => {
    expect(readCertificates(pem.replace(/\n/g, '\r\n'))).toHaveLength(1);
  });

  it('reads DER', () => {
    expect(readCertificates(der)[0]!.subject).toBe('CN=first');
  });

  it('reads PKCS#7 as DER', () => {
    expect(readCertificates(pkcs7Der)).toHaveLength(2);
  });

  it('reads PKCS#7 as PEM', () => {
    expect(readCertificates(pkcs7Pem)).toHaveLength(2);
  });

  it('reads PKCS#7 as base64 with line breaks', () => {
    const base64 = pkcs7Der.toString('base64').replace(/.{64}/g, '$&\n');

    expect(readCertificates(base64)).toHaveLength(2);
  });

  it('reads PKCS#7 as base64 without line breaks', () => {
    expect(readCertificates(pkcs7Der.toString('base64'))).toHaveLength(2);
  });

  it('reads PKCS#7 base64 given as bytes', () => {
    expect(readCertificates(Buffer.from(pkcs7Der.toString('base64')))).toHaveLength(2);
  });

  it('keeps certificate bytes exact through our PKCS#7 encoder', () => {
    const bundle = encodeCertsOnlyPkcs7([der]);
    writeFileSync(join(directory, 'ours.p7b'), bundle);

    expect(decodeCertsOnlyPkcs7(bundle)[0]).toEqual(der);
    expect(
      openssl('pkcs7', '-inform', 'DER', '-in', 'ours.p7b', '-print_certs').toString(),
    ).toContain('subject=CN = first');
  });

  it('rejects a private key with a warning', () => {
    const key = readFileSync(join(directory, 'first.key'), 'utf8');

    expect(() => readCertificates(key)).toThrow(/private key/);
  });

  it('rejects a truncated PKCS#7', () => {
    expect(() => readCertificates(pkcs7Der.subarray(0, pkcs7Der.length - 10))).toThrow(
      CertificateFormatError,
    );
  });
});

describe('certificate reader input errors', () => {
  it('rejects empty input', () => {
    expect(() => readCertificates('  \n')).toThrow(/empty/);
  });

  it('rejects text that is not base64', () => {
    expect(() => readCertificates('this is not a certificate!')).toThrow(/neither PEM nor base64/);
  });

  it('rejects base64 that is not DER', () => {
    expect(() =>
      readCertificates(Buffer.from('hello world, hello world').toString('base64')),
    ).toThrow(CertificateFormatError);
  });
});
