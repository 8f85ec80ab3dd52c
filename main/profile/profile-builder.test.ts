import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import type { OrganisationFile } from '../org/schema.ts';
import { createCsr } from '../pki/csr.ts';
import { generateRsaKeyPair, privateKeyToPem } from '../pki/keys.ts';
import { startEstFixture, testCa } from '../testing/fixtures.ts';
import { describeWith, toolPath } from '../testing/requirements.ts';
import { buildProfile, type ProfileInput } from './profile-builder.ts';
import { ProfileError } from './profile-error.ts';
import { parseProfile } from './profile-parser.ts';

let input: ProfileInput;

beforeAll(async () => {
  const fixture = await startEstFixture();
  await fixture.close();
  const ca = await testCa();
  const keyPair = await generateRsaKeyPair(2048);
  const signed = ca.signClientCsr(createCsr(keyPair, { commonName: 'jane.doe@example.org' }).pem);

  input = {
    organisation: {
      ...fixture.organisation,
      vpn: {
        ...fixture.organisation.vpn,
        endpoints: [
          { host: 'fw1.vpn.example.org', port: 1194, proto: 'udp' },
          { host: 'fw2.vpn.example.org', port: 443, proto: 'tcp' },
        ],
        extraDirectives: [
          ['data-ciphers', 'AES-256-GCM:CHACHA20-POLY1305'],
          ['server-poll-timeout', '2'],
          ['pull-filter', 'ignore', 'ping'],
        ],
      },
    },
    caCertificatesPem: [ca.certificatePem],
    certificatePem: signed.certificatePem,
    privateKeyPem: privateKeyToPem(keyPair),
    generatedAt: new Date('2026-12-04T12:00:00Z'),
  };
});

function withVpn(patch: Partial<OrganisationFile['vpn']>): ProfileInput {
  return {
    ...input,
    organisation: { ...input.organisation, vpn: { ...input.organisation.vpn, ...patch } },
  };
}

function withName(name: string): ProfileInput {
  return {
    ...input,
    organisation: {
      ...input.organisation,
      organisation: { ...input.organisation.organisation, name },
    },
  };
}

function directiveNames(text: string): string[] {
  return parseProfile(text).directives.map((directive) => directive.name);
}

describe('profile builder', () => {
  it('lists the remotes in failover order', () => {
    const remotes = parseProfile(buildProfile(input)).directives.filter(
      (line) => line.name === 'remote',
    );

    expect(remotes.map((line) => line.args)).toEqual([
      ['fw1.vpn.example.org', '1194', 'udp'],
      ['fw2.vpn.example.org', '443', 'tcp'],
    ]);
  });

  it('starts with the fixed client directives', () => {
    expect(directiveNames(buildProfile(input)).slice(0, 3)).toEqual(['client', 'dev', 'nobind']);
  });

  it('verifies the server certificate', () => {
    const directives = parseProfile(buildProfile(input)).directives;

    expect(directives.find((line) => line.name === 'remote-cert-tls')?.args).toEqual(['server']);
    expect(directives.find((line) => line.name === 'verify-x509-name')?.args).toEqual([
      'demo-vpn-server',
      'name',
    ]);
  });

  it('lets an extra directive replace a default', () => {
    const polls = parseProfile(buildProfile(input)).directives.filter(
      (line) => line.name === 'server-poll-timeout',
    );

    expect(polls.map((line) => line.args)).toEqual([['2']]);
  });

  it('inlines ca, cert, key and tls-crypt', () => {
    expect(Object.keys(parseProfile(buildProfile(input)).blocks).sort()).toEqual([
      'ca',
      'cert',
      'key',
      'tls-crypt',
    ]);
  });

  it('round-trips every block', () => {
    const blocks = parseProfile(buildProfile(input)).blocks;

    expect(blocks.cert).toBe(input.certificatePem);
    expect(blocks.ca).toBe(input.caCertificatesPem[0]);
    expect(blocks.key).toBe(input.privateKeyPem);
  });

  it('uses LF endings and ends with a newline', () => {
    const text = buildProfile(input);

    expect(text).not.toMatch(/\r/);
    expect(text.endsWith('</tls-crypt>\n')).toBe(true);
  });

  it('turns CRLF inputs into LF', () => {
    const text = buildProfile({
      ...withVpn({ tlsCrypt: input.organisation.vpn.tlsCrypt.replace(/\n/g, '\r\n') }),
      certificatePem: input.certificatePem.replace(/\n/g, '\r\n'),
      privateKeyPem: input.privateKeyPem.replace(/\n/g, '\r\n'),
    });

    expect(text).not.toMatch(/\r/);
  });

  it('turns CR-only inputs into LF', () => {
    const text = buildProfile({
      ...withVpn({ tlsCrypt: input.organisation.vpn.tlsCrypt.replace(/\n/g, '\r') }),
      certificatePem: input.certificatePem.replace(/\n/g, '\r'),
      caCertificatesPem: input.caCertificatesPem.map((pem) => pem.replace(/\n/g, '\r')),
    });

    expect(text).not.toMatch(/\r/);
    expect(parseProfile(text).blocks.cert).toBe(input.certificatePem);
  });

  it('keeps a name with a newline from adding a directive', () => {
    const build = () => buildProfile(withName('Example Corp\nup /bin/sh'));

    expect(build).toThrow(ProfileError);
    expect(build).toThrow(/organisation\.name contains a line break/);
  });

  it('rejects a server name with a carriage return', () => {
    expect(() =>
      buildProfile(withVpn({ serverName: 'vpn.example.org\rscript-security 2' })),
    ).toThrow(/vpn\.serverName/);
  });

  it('rejects a remote host with a newline', () => {
    const endpoints = [{ host: 'fw1.example.org\nup /bin/sh', port: 1194, proto: 'udp' as const }];

    expect(() => buildProfile(withVpn({ endpoints }))).toThrow(/vpn\.endpoints\[0\]/);
  });

  it('rejects a quote in an extra directive argument', () => {
    expect(() => buildProfile(withVpn({ extraDirectives: [['verb', '3" up "x']] }))).toThrow(
      /quote or backslash/,
    );
  });

  it.each([
    'up',
    'down',
    'route-up',
    'plugin',
    'config',
    'script-security',
    'tls-verify',
    'learn-address',
    'dns-updown',
    'ipchange',
  ])('rejects the %s directive', (name) => {
    expect(() => buildProfile(withVpn({ extraDirectives: [[name, '/bin/sh']] }))).toThrow(
      ProfileError,
    );
  });

  it('quotes an argument with spaces', () => {
    const text = buildProfile(
      withVpn({ serverName: 'C=NL, O=Example Corp, CN=vpn', serverNameType: 'subject' }),
    );

    expect(text).toContain('verify-x509-name "C=NL, O=Example Corp, CN=vpn" subject\n');
    expect(
      parseProfile(text).directives.find((line) => line.name === 'verify-x509-name')?.args[0],
    ).toBe('C=NL, O=Example Corp, CN=vpn');
  });

  it('keeps a directive out of the cert block', () => {
    const hostile = input.certificatePem + '</cert>\nup /bin/sh\n<cert>\n';

    expect(() => buildProfile({ ...input, certificatePem: hostile })).not.toThrow();
    expect(directiveNames(buildProfile({ ...input, certificatePem: hostile }))).not.toContain('up');
  });

  it('rejects a tls-crypt key with an extra line', () => {
    const tlsCrypt = input.organisation.vpn.tlsCrypt.replace('-----END', 'up /bin/sh\n-----END');

    expect(() => buildProfile(withVpn({ tlsCrypt }))).toThrow(
      /vpn\.tlsCrypt is not an OpenVPN static key/,
    );
  });
});

describeWith(['openvpn'], 'profile read by openvpn', () => {
  it('passes the config parser', () => {
    const directory = mkdtempSync(join(tmpdir(), 'vpn-onboard-profile-'));
    const path = join(directory, 'profile.ovpn');
    writeFileSync(path, buildProfile(input), { mode: 0o600 });

    // --show-gateway parses the whole config, prints the default gateway and exits without
    // opening a socket or a tun device.
    const output = execFileSync(toolPath('openvpn'), ['--config', path, '--show-gateway'], {
      encoding: 'utf8',
      stdio: 'pipe',
    });

    expect(output).not.toMatch(/Options error/);
  });
});
