import { execFileSync } from 'node:child_process';
import type { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, expect, it } from 'vitest';

import { describeWith, toolPath } from '../testing/requirements.ts';
import { checkIssuedCertificate, CertificateCheckError } from './certificate-check.ts';
import { readCertificates } from './certificate-reader.ts';
import { createCsr } from './csr.ts';
import { generateRsaKeyPair, publicKeySpkiDer } from './keys.ts';

const DAY_MS = 86_400_000;

describeWith(['openssl'], 'issued certificate check', () => {
  let directory: string;
  let ourKey: Buffer;
  const certificates: Record<string, X509Certificate> = {};

  function openssl(...args: string[]): void {
    execFileSync(toolPath('openssl'), args, { cwd: directory, stdio: 'pipe' });
  }

  function makeCa(name: string, keyArgs: string[], issuer?: string): void {
    if (issuer === undefined) {
      openssl(
        'req',
        '-x509',
        '-newkey',
        ...keyArgs,
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-subj',
        `/CN=${name}`,
        '-days',
        '365',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      );
      return;
    }
    openssl(
      'req',
      '-new',
      '-newkey',
      ...keyArgs,
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    );
    sign(
      name,
      issuer,
      'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n',
    );
  }

  function sign(name: string, issuer: string, extensions: string): void {
    writeFileSync(join(directory, `${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  }

  const CLIENT = 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n';
  const load = (name: string) =>
    readCertificates(readFileSync(join(directory, `${name}.pem`), 'utf8'))[0]!;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'vpn-onboard-check-'));
    const keyPair = await generateRsaKeyPair(2048);
    ourKey = publicKeySpkiDer(keyPair.publicKey);
    writeFileSync(
      join(directory, 'ours.csr'),
      createCsr(keyPair, { commonName: 'jane.doe@example.org' }).pem,
    );

    makeCa('rsa-root', ['rsa:2048']);
    makeCa('other-root', ['rsa:2048']);
    makeCa('ec-root', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    makeCa('ec-intermediate', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], 'ec-root');

    for (const [name, issuer, extensions] of [
      ['leaf', 'rsa-root', CLIENT],
      ['leaf-from-other', 'other-root', CLIENT],
      ['leaf-ca', 'rsa-root', 'basicConstraints=critical,CA:TRUE\n'],
      ['leaf-server-only', 'rsa-root', 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n'],
      ['leaf-ec', 'ec-intermediate', CLIENT],
    ] as const) {
      writeFileSync(join(directory, `${name}.csr`), readFileSync(join(directory, 'ours.csr')));
      sign(name, issuer, extensions);
    }

    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'stranger.key',
      '-out',
      'stranger.csr',
      '-subj',
      '/CN=stranger',
    );
    sign('stranger', 'rsa-root', CLIENT);

    for (const name of [
      'rsa-root',
      'other-root',
      'ec-root',
      'ec-intermediate',
      'leaf',
      'leaf-from-other',
      'leaf-ca',
      'leaf-server-only',
      'leaf-ec',
      'stranger',
    ]) {
      certificates[name] = load(name);
    }
  });

  const check = (
    name: string,
    options: { now?: Date; anchors?: string[]; intermediates?: string[] } = {},
  ) =>
    checkIssuedCertificate({
      certificate: certificates[name]!,
      intermediates: (options.intermediates ?? []).map((entry) => certificates[entry]!),
      anchors: (options.anchors ?? ['rsa-root']).map((entry) => certificates[entry]!),
      publicKeySpkiDer: ourKey,
      now: options.now,
    });

  const kindOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof CertificateCheckError) return error.kind;
      throw error;
    }
    return 'accepted';
  };

  it('accepts a certificate for our key from the pinned CA', () => {
    expect(check('leaf').chain).toEqual(['CN=jane.doe@example.org', 'CN=rsa-root']);
  });

  it('rejects a certificate for another key', () => {
    expect(kindOf(() => check('stranger'))).toBe('wrong-key');
  });

  it('says why a certificate for another key is wrong', () => {
    expect(() => check('stranger')).toThrow(/different key than this computer generated/);
  });

  it('rejects a certificate from another CA', () => {
    expect(kindOf(() => check('leaf-from-other'))).toBe('untrusted');
  });

  it('names the foreign issuer', () => {
    expect(() => check('leaf-from-other')).toThrow(/issued by "CN=other-root"/);
  });

  it('rejects a CA certificate', () => {
    expect(kindOf(() => check('leaf-ca'))).toBe('is-ca');
  });

  it('rejects an expired certificate', () => {
    expect(kindOf(() => check('leaf', { now: new Date(Date.now() + 40 * DAY_MS) }))).toBe(
      'expired',
    );
  });

  it('says when an expired certificate expired', () => {
    expect(() => check('leaf', { now: new Date(Date.now() + 40 * DAY_MS) })).toThrow(
      /expired on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(10 days ago\)/,
    );
  });

  it('hints at clock skew just after expiry', () => {
    const justAfter = new Date(certificates.leaf!.validTo).getTime() + 60_000;

    expect(() => check('leaf', { now: new Date(justAfter) })).toThrow(/correct the clock/);
  });

  it('rejects a certificate that is not valid yet', () => {
    expect(kindOf(() => check('leaf', { now: new Date(Date.now() - DAY_MS) }))).toBe(
      'not-yet-valid',
    );
  });

  it('says when a certificate becomes valid', () => {
    expect(() => check('leaf', { now: new Date(Date.now() - 2 * 3_600_000) })).toThrow(
      /not valid until .* \(in [12] hours?\)\. This computer's clock reads/,
    );
  });

  it('accepts an ECDSA chain through an intermediate', () => {
    expect(
      check('leaf-ec', { anchors: ['ec-root'], intermediates: ['ec-intermediate'] }).chain,
    ).toEqual(['CN=jane.doe@example.org', 'CN=ec-intermediate', 'CN=ec-root']);
  });

  it('rejects an ECDSA chain without its intermediate', () => {
    expect(kindOf(() => check('leaf-ec', { anchors: ['ec-root'] }))).toBe('untrusted');
  });

  it('warns when clientAuth is missing', () => {
    expect(check('leaf-server-only').warnings[0]).toMatch(/TLS client authentication/);
  });

  it('has no warnings for a client certificate', () => {
    expect(check('leaf').warnings).toEqual([]);
  });
});
