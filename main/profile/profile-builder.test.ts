import { beforeAll, describe, expect, it } from 'vitest';

import { describeWith } from '../testing/requirements.ts';
import { deniedDirectiveNames } from './directives.ts';
import { checkConfigWithOpenvpn } from './openvpn-config-check.ts';
import { buildProfile, type ProfileInput } from './profile-builder.ts';
import { ProfileError } from './profile-error.ts';
import { parseProfile } from './profile-parser.ts';
import { createProfileInput, withName, withVpn } from './profile-test-input.ts';

let input: ProfileInput;

beforeAll(async () => {
  input = await createProfileInput();
});

function directives(text: string) {
  return parseProfile(text).directives;
}

function argsOf(text: string, name: string): string[][] {
  return directives(text)
    .filter((line) => line.name === name)
    .map((line) => line.args);
}

function withExtras(...extraDirectives: string[][]): ProfileInput {
  return withVpn(input, { extraDirectives });
}

function withLineEndings(pem: string, ending: string): string {
  return pem.replace(/\n/g, ending);
}

/** Returns the ProfileError a build throws, so a test can check its message and field. */
function buildError(profileInput: ProfileInput): ProfileError {
  try {
    buildProfile(profileInput);
  } catch (error) {
    if (error instanceof ProfileError) return error;
    throw error;
  }
  throw new Error('expected buildProfile to throw a ProfileError');
}

describe('profile builder', () => {
  it('writes the directives in order', () => {
    expect(directives(buildProfile(input)).map((line) => line.name)).toEqual([
      'client',
      'dev',
      'nobind',
      'remote',
      'remote',
      'connect-retry',
      'ping',
      'ping-restart',
      'pull-filter',
      'resolv-retry',
      'remote-cert-tls',
      'verify-x509-name',
      'persist-key',
      'auth-nocache',
      'verb',
      'data-ciphers',
      'server-poll-timeout',
      'pull-filter',
    ]);
  });

  it('writes the built-in defaults', () => {
    const text = buildProfile(withExtras());

    expect(text).toContain(
      [
        'client',
        'dev tun',
        'nobind',
        'remote 127.0.0.1 1194 udp',
        'remote ::1 443 tcp',
        'server-poll-timeout 1',
        'connect-retry 0',
        'ping 1',
        'ping-restart 3',
        'pull-filter ignore ping',
        'resolv-retry infinite',
        'remote-cert-tls server',
        'verify-x509-name demo-vpn-server name',
        'persist-key',
        'auth-nocache',
        'verb 3',
      ].join('\n') + '\n',
    );
  });

  it('lists the remotes in failover order', () => {
    expect(argsOf(buildProfile(input), 'remote')).toEqual([
      ['127.0.0.1', '1194', 'udp'],
      ['::1', '443', 'tcp'],
    ]);
  });

  it('starts with a header naming the organisation', () => {
    const lines = buildProfile(input).split('\n');

    expect(lines[0]).toBe('# VPN Onboard Demo VPN profile');
    expect(lines[1]).toContain('2026-12-04T12:00:00.000Z');
    expect(lines[1]).toContain('managed by VPN Onboard');
  });

  it('lets an extra directive replace a built-in one', () => {
    expect(argsOf(buildProfile(input), 'server-poll-timeout')).toEqual([['2']]);
  });

  it('replaces verb and connect-retry', () => {
    const text = buildProfile(withExtras(['verb', '4'], ['connect-retry', '0']));

    expect(argsOf(text, 'verb')).toEqual([['4']]);
    expect(argsOf(text, 'connect-retry')).toEqual([['0']]);
  });

  it('keeps repeated routes', () => {
    const text = buildProfile(
      withExtras(
        ['route', '192.168.100.0', '255.255.255.0'],
        ['route', '192.168.200.0', '255.255.252.0'],
      ),
    );

    expect(argsOf(text, 'route')).toEqual([
      ['192.168.100.0', '255.255.255.0'],
      ['192.168.200.0', '255.255.252.0'],
    ]);
  });

  it('lets other systems ignore block-outside-dns', () => {
    const names = directives(buildProfile(withExtras(['block-outside-dns']))).map(
      (line) => line.name,
    );

    expect(names.slice(-2)).toEqual(['ignore-unknown-option', 'block-outside-dns']);
  });

  it('inlines ca, cert, key and tls-crypt', () => {
    expect(Object.keys(parseProfile(buildProfile(input)).blocks)).toEqual([
      'ca',
      'cert',
      'key',
      'tls-crypt',
    ]);
  });

  it('uses LF endings and ends with a newline', () => {
    const text = buildProfile(input);

    expect(text).not.toMatch(/\r/);
    expect(text.endsWith('</tls-crypt>\n')).toBe(true);
  });

  it('is the same for CRLF inputs', () => {
    const crlf = {
      ...withVpn(input, { tlsCrypt: withLineEndings(input.organisation.vpn.tlsCrypt, '\r\n') }),
      caCertificatesPem: input.caCertificatesPem.map((pem) => withLineEndings(pem, '\r\n')),
      certificatePem: withLineEndings(input.certificatePem, '\r\n'),
      privateKeyPem: withLineEndings(input.privateKeyPem, '\r\n'),
    };

    expect(buildProfile(crlf)).toBe(buildProfile(input));
  });

  it('is the same for CR-only inputs', () => {
    const cr = {
      ...withVpn(input, { tlsCrypt: withLineEndings(input.organisation.vpn.tlsCrypt, '\r') }),
      caCertificatesPem: input.caCertificatesPem.map((pem) => withLineEndings(pem, '\r')),
      certificatePem: withLineEndings(input.certificatePem, '\r'),
      privateKeyPem: withLineEndings(input.privateKeyPem, '\r'),
    };

    expect(buildProfile(cr)).toBe(buildProfile(input));
  });

  it('re-encodes PEM blocks at 64 columns', () => {
    const blocks = parseProfile(buildProfile(input)).blocks;

    for (const tag of ['ca', 'cert', 'key']) {
      const body = blocks[tag]!.split('\n').filter((line) => !line.startsWith('-----') && line);
      expect(
        body.every((line) => /^[A-Za-z0-9+/=]{1,64}$/.test(line)),
        tag,
      ).toBe(true);
    }
  });

  it('re-wraps a certificate with 76 columns', () => {
    const [begin, ...rest] = input.certificatePem.trim().split('\n');
    const body = rest.slice(0, -1).join('');
    const wide = [begin, ...(body.match(/.{1,76}/g) ?? []), rest.at(-1), ''].join('\n');

    expect(parseProfile(buildProfile({ ...input, certificatePem: wide })).blocks.cert).toBe(
      input.certificatePem,
    );
  });

  it('drops text around a PEM certificate', () => {
    const dump = `Certificate:\n    Data: up /bin/sh\n${input.certificatePem}trailing text\n`;

    expect(buildProfile({ ...input, certificatePem: dump })).toBe(buildProfile(input));
  });

  it('keeps a directive out of the cert block', () => {
    const hostile = input.certificatePem + '</cert>\nup /bin/sh\n<cert>\n';
    const text = buildProfile({ ...input, certificatePem: hostile });

    expect(directives(text).map((line) => line.name)).not.toContain('up');
    expect(text).not.toMatch(/^\s*up\b/m);
  });

  it('rejects a certificate that is not PEM', () => {
    expect(buildError({ ...input, certificatePem: 'not a certificate' }).field).toBe('certificate');
  });

  it('rejects an empty CA list', () => {
    expect(buildError({ ...input, caCertificatesPem: [] }).message).toMatch(
      /ca\.certificates is empty/,
    );
  });

  it('rejects an encrypted private key', () => {
    const encrypted =
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n';

    expect(buildError({ ...input, privateKeyPem: encrypted }).message).toMatch(/encrypted/);
  });

  it('rejects a damaged key without showing it', () => {
    const lines = input.privateKeyPem.split('\n');
    const damaged = [...lines.slice(0, 5), ...lines.slice(6)].join('\n');
    const error = buildError({ ...input, privateKeyPem: damaged });

    expect(error.message).toMatch(/privateKey is damaged/);
    expect(error.message).not.toContain(lines[2]);
  });

  it('accepts the comments openvpn --genkey writes', () => {
    const tlsCrypt = `#\n# 2048 bit OpenVPN static key\n#\n${input.organisation.vpn.tlsCrypt}`;

    expect(buildProfile(withVpn(input, { tlsCrypt }))).toBe(buildProfile(input));
  });

  it('writes the tls-crypt key in lowercase', () => {
    const tlsCrypt = input.organisation.vpn.tlsCrypt.replace(/[0-9a-f]{32}/g, (line) =>
      line.toUpperCase(),
    );

    expect(buildProfile(withVpn(input, { tlsCrypt }))).toBe(buildProfile(input));
  });

  it.each([
    ['a directive line inside', (key: string) => key.replace('-----END', 'up /bin/sh\n-----END')],
    ['a line after the key', (key: string) => `${key}up /bin/sh\n`],
    ['a missing key line', (key: string) => key.replace(/^[0-9a-f]{32}\n/m, '')],
    ['a short key line', (key: string) => key.replace(/^([0-9a-f]{31})[0-9a-f]$/m, '$1')],
  ])('rejects a tls-crypt key with %s', (_case, change) => {
    const error = buildError(withVpn(input, { tlsCrypt: change(input.organisation.vpn.tlsCrypt) }));

    expect(error.message).toMatch(/vpn\.tlsCrypt is not an OpenVPN static key/);
    expect(error.message).not.toContain(input.organisation.vpn.tlsCrypt.split('\n')[1]);
  });

  it('quotes a server name with spaces', () => {
    const text = buildProfile(
      withVpn(input, { serverName: 'C=NL, O=Example Corp, CN=vpn', serverNameType: 'subject' }),
    );

    expect(text).toContain('verify-x509-name "C=NL, O=Example Corp, CN=vpn" subject\n');
    expect(argsOf(text, 'verify-x509-name')).toEqual([['C=NL, O=Example Corp, CN=vpn', 'subject']]);
  });

  it('quotes pull-filter text with spaces', () => {
    const text = buildProfile(withExtras(['pull-filter', 'ignore', 'dhcp-option DNS']));

    expect(argsOf(text, 'pull-filter')).toEqual([
      ['ignore', 'ping'],
      ['ignore', 'dhcp-option DNS'],
    ]);
  });

  it('keeps the built-in ping filter next to an organisation filter', () => {
    const text = buildProfile(withExtras(['pull-filter', 'ignore', 'route']));

    expect(argsOf(text, 'pull-filter')).toContainEqual(['ignore', 'ping']);
  });
});

describe('profile builder values', () => {
  const injections = [
    ['LF', '\n'],
    ['CR', '\r'],
    ['CRLF', '\r\n'],
    ['U+2028', '\u2028'],
    ['vertical tab', '\u000b'],
  ];

  const fields: [string, (value: string) => ProfileInput][] = [
    ['organisation.name', (value) => withName(input, `Example Corp${value}`)],
    ['vpn.serverName', (value) => withVpn(input, { serverName: `vpn.example.org${value}` })],
    [
      'vpn.endpoints[0].host',
      (value) =>
        withVpn(input, {
          endpoints: [{ host: `fw1.example.org${value}`, port: 1194, proto: 'udp' }],
        }),
    ],
    ['vpn.extraDirectives[0][1]', (value) => withExtras(['verb', `3${value}`])],
    ['vpn.extraDirectives[0][0]', (value) => withExtras([`verb${value}`, '3'])],
  ];

  for (const [field, make] of fields) {
    it.each(injections)(`keeps ${field} with %s from adding a directive`, (_name, lineBreak) => {
      const error = buildError(make(`${lineBreak}up /bin/sh`));

      expect(error.field).toBe(field);
      expect(error.message).toContain(`${field} contains a line break`);
      expect(error.message).not.toMatch(/\nup/);
    });
  }

  it.each([
    ['escape', '\u001b[31m'],
    ['NUL', '\u0000'],
    ['DEL', '\u007f'],
    ['C1 control', '\u0085x'],
  ])('rejects a server name with %s', (_name, value) => {
    expect(buildError(withVpn(input, { serverName: `vpn${value}` })).field).toBe('vpn.serverName');
  });

  it.each([
    ['a double quote', 'vpn" up "x'],
    ['a single quote', "vpn' up 'x"],
    ['a backslash', 'vpn\\ up'],
  ])('rejects a server name with %s', (_name, serverName) => {
    expect(buildError(withVpn(input, { serverName })).message).toMatch(
      /vpn\.serverName contains a quote or backslash/,
    );
  });

  it.each(['#comment', ';comment'])('rejects an argument starting with %s', (value) => {
    expect(buildError(withExtras(['auth', value])).message).toMatch(
      /vpn\.extraDirectives\[0\]\[1\] starts with/,
    );
  });

  it('rejects a space in a host', () => {
    const endpoints = [{ host: 'fw1 up', port: 1194, proto: 'udp' as const }];

    expect(buildError(withVpn(input, { endpoints })).message).toMatch(
      /vpn\.endpoints\[0\]\.host contains whitespace/,
    );
  });

  it('rejects a space in an extra argument', () => {
    expect(buildError(withExtras(['data-ciphers', 'AES-256-GCM up'])).message).toMatch(
      /contains whitespace/,
    );
  });

  it('rejects a control character in the name', () => {
    expect(buildError(withName(input, 'Example\u0007Corp')).message).toMatch(
      /organisation\.name contains a control character/,
    );
  });

  it('rejects a line longer than openvpn reads', () => {
    const error = buildError(withExtras(['pull-filter', 'ignore', 'x'.repeat(240)]));

    expect(error.message).toMatch(/bytes long, but OpenVPN reads at most 254/);
  });

  it('rejects a name longer than a comment line', () => {
    expect(buildError(withName(input, 'Example '.repeat(40))).field).toBe('organisation.name');
  });

  it('rejects a port out of range', () => {
    const endpoints = [{ host: 'fw1.example.org', port: 70000, proto: 'udp' as const }];

    expect(buildError(withVpn(input, { endpoints })).field).toBe('vpn.endpoints[0].port');
  });

  it('rejects an unknown protocol', () => {
    const endpoints = [{ host: 'fw1.example.org', port: 1194, proto: 'udp6' as 'udp' }];

    expect(buildError(withVpn(input, { endpoints })).field).toBe('vpn.endpoints[0].proto');
  });

  it('rejects an unknown server name type', () => {
    expect(buildError(withVpn(input, { serverNameType: 'cn' as 'name' })).field).toBe(
      'vpn.serverNameType',
    );
  });

  it('rejects no endpoints', () => {
    expect(buildError(withVpn(input, { endpoints: [] })).field).toBe('vpn.endpoints');
  });

  it('rejects an invalid date', () => {
    expect(buildError({ ...input, generatedAt: new Date('not a date') }).field).toBe('generatedAt');
  });
});

describe('profile builder extra directives', () => {
  const denied = [
    ...deniedDirectiveNames().map((name) => [name]),
    ['management', '/run/vpn.sock', 'unix'],
    ['management-hold'],
    ['log', '/tmp/x'],
    ['log-append', '/tmp/x'],
    ['setenv', 'opt', 'block-outside-dns'],
    ['setenv-safe', 'X', 'y'],
    ['pkcs11-providers', '/usr/lib/x.so'],
    ['show-gateway'],
    ['script-security', '2'],
    ['script-security', '3'],
    ['allow-compression', 'yes'],
    ['allow-compression', 'asym'],
    ['compress', 'lz4'],
  ];

  it.each(denied)('rejects %s', (...directive) => {
    const error = buildError(withExtras(directive));

    expect(error.field).toBe('vpn.extraDirectives[0]');
    expect(error.message).toMatch(/is not allowed because it/);
  });

  it('explains why compression is rejected', () => {
    expect(buildError(withExtras(['comp-lzo'])).message).toMatch(/VORACLE/);
  });

  it('rejects a directive off the allowlist', () => {
    expect(buildError(withExtras(['route-noexec'])).message).toMatch(
      /"route-noexec" is not on the allowlist/,
    );
  });

  it('rejects a wrong argument count', () => {
    expect(buildError(withExtras(['verb'])).message).toMatch(/"verb" takes 1 argument, not 0/);
  });

  it('rejects a wrong argument value', () => {
    expect(buildError(withExtras(['verb', 'loud'])).message).toMatch(
      /argument 1 of "verb" must be a whole number from 0 to 11, not "loud"/,
    );
  });

  it('rejects leading dashes', () => {
    expect(buildError(withExtras(['--verb', '3'])).message).toMatch(/without leading dashes/);
  });

  it('rejects an empty directive', () => {
    expect(buildError(withExtras([])).message).toMatch(/vpn\.extraDirectives\[0\] is empty/);
  });

  it('rejects a repeated directive', () => {
    expect(buildError(withExtras(['verb', '3'], ['verb', '4'])).message).toMatch(
      /vpn\.extraDirectives\[1\] repeats "verb" from vpn\.extraDirectives\[0\]/,
    );
  });
});

describe('profile builder round trip', () => {
  it('parses back to the same endpoints', () => {
    const endpoints = input.organisation.vpn.endpoints.map((endpoint) => [
      endpoint.host,
      String(endpoint.port),
      endpoint.proto,
    ]);

    expect(argsOf(buildProfile(input), 'remote')).toEqual(endpoints);
  });

  it('parses back to the same blocks', () => {
    const blocks = parseProfile(buildProfile(input)).blocks;

    expect(blocks.ca).toBe(input.caCertificatesPem[0]);
    expect(blocks.cert).toBe(input.certificatePem);
    expect(blocks.key).toBe(input.privateKeyPem);
    expect(blocks['tls-crypt']).toBe(input.organisation.vpn.tlsCrypt);
  });

  it('parses back to the same extra directives', () => {
    const extras = directives(buildProfile(input))
      .slice(-3)
      .map((line) => [line.name, ...line.args]);

    expect(extras).toEqual(input.organisation.vpn.extraDirectives);
  });

  it('is stable when built twice', () => {
    expect(buildProfile(input)).toBe(buildProfile(input));
  });
});

describeWith(['openvpn'], 'profile read by openvpn', () => {
  it('passes the config parser', () => {
    expect(checkConfigWithOpenvpn(buildProfile(input))).toEqual({ status: 0, output: '' });
  });

  it('passes with block-outside-dns', () => {
    expect(checkConfigWithOpenvpn(buildProfile(withExtras(['block-outside-dns'])))).toEqual({
      status: 0,
      output: '',
    });
  });

  it('passes with a quoted subject', () => {
    const text = buildProfile(
      withVpn(input, { serverName: 'C=NL, O=Example Corp, CN=vpn', serverNameType: 'subject' }),
    );

    expect(checkConfigWithOpenvpn(text)).toEqual({ status: 0, output: '' });
  });

  it('rejects an injected line, so the check can fail', () => {
    const result = checkConfigWithOpenvpn(
      buildProfile(input).replace('verb 3\n', 'verb 3 extra\n'),
    );

    expect(result.status).toBe(1);
    expect(result.output).toMatch(/Options error/);
  });
});
