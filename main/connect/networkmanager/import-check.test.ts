import { describe, expect, it } from 'vitest';

import { parseProfile } from '../../profile/profile-parser.ts';
import { checkImport, OPENVPN_SERVICE_TYPE, type ImportedConnection } from './import-check.ts';

const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n';
const TLS_CRYPT =
  '#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n00ff\n-----END OpenVPN Static key V1-----\n';

const PROFILE = parseProfile(
  [
    'client',
    'dev tun',
    'nobind',
    'remote 198.18.0.1 1194 udp',
    'remote 198.18.1.1 443 tcp',
    'server-poll-timeout 1',
    'connect-retry 0',
    'pull-filter ignore ping',
    'remote-cert-tls server',
    'verify-x509-name "CN=VPN Server 1" subject',
    'cipher AES-256-GCM',
    'tls-version-min 1.2 or-highest',
    'route 10.1.0.0 255.255.0.0',
    '<ca>',
    CA.trimEnd(),
    '</ca>',
    '<cert>',
    CERT.trimEnd(),
    '</cert>',
    '<key>',
    KEY.trimEnd(),
    '</key>',
    '<tls-crypt>',
    TLS_CRYPT.trimEnd(),
    '</tls-crypt>',
    '',
  ].join('\n'),
);

const FILES: Record<string, string> = {
  '/home/u/.cert/nm-openvpn/x-ca.pem': CA,
  '/home/u/.cert/nm-openvpn/x-cert.pem': CERT,
  '/home/u/.cert/nm-openvpn/x-key.pem': KEY,
  // The importer keeps the key lines but may leave out the comment lines.
  '/home/u/.cert/nm-openvpn/x-tls-crypt.pem':
    '-----BEGIN OpenVPN Static key V1-----\n00ff\n-----END OpenVPN Static key V1-----\n',
};

/** Returns the connection network-manager-openvpn 1.10.2 makes from PROFILE, with `changes`. */
function imported(changes: Record<string, string | undefined> = {}): ImportedConnection {
  const data: Record<string, string | undefined> = {
    ca: '/home/u/.cert/nm-openvpn/x-ca.pem',
    cert: '/home/u/.cert/nm-openvpn/x-cert.pem',
    key: '/home/u/.cert/nm-openvpn/x-key.pem',
    'tls-crypt': '/home/u/.cert/nm-openvpn/x-tls-crypt.pem',
    'connection-type': 'tls',
    'connect-timeout': '1',
    dev: 'tun',
    remote: '198.18.0.1:1194:udp, 198.18.1.1:443:tcp-client',
    'remote-cert-tls': 'server',
    'verify-x509-name': 'subject:CN=VPN Server 1',
    cipher: 'AES-256-GCM',
    'tls-version-min': '1.2',
    'tls-version-min-or-highest': 'yes',
    ...changes,
  };
  const vpnData = new Map(
    Object.entries(data).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return {
    uuid: '875d91ee-f3b1-40e3-8289-cf714c48da91',
    id: 'x',
    serviceType: OPENVPN_SERVICE_TYPE,
    vpnData,
    ipv4Routes: ['10.1.0.0/16'],
    ipv6Routes: [],
    ipv4NeverDefault: false,
    ipv4IgnoreAutoRoutes: false,
  };
}

async function readFake(path: string): Promise<string> {
  const text = FILES[path];
  if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
  return Promise.resolve(text);
}

function check(connection: ImportedConnection, readText = readFake) {
  return checkImport(PROFILE, connection, readText);
}

describe('checkImport', () => {
  it('accepts a complete import', async () => {
    const result = await check(imported());

    expect(result.dropped).toEqual([]);
  });

  it('lists tuning directives NetworkManager does not carry', async () => {
    const result = await check(imported());

    expect(result.notCarried).toEqual(['connect-retry', 'pull-filter']);
  });

  it('lists the files the importer wrote', async () => {
    const result = await check(imported());

    expect(result.files).toEqual(Object.keys(FILES));
  });

  it('finds a dropped inline tls-crypt', async () => {
    const result = await check(imported({ 'tls-crypt': undefined }));

    expect(result.dropped).toEqual([
      { directive: '<tls-crypt>', detail: 'vpn.data names no file for it' },
    ]);
  });

  it('finds a block file cut short', async () => {
    const result = await check(imported(), (path) =>
      path.endsWith('-key.pem') ? Promise.resolve('') : readFake(path),
    );

    expect(result.dropped.map((item) => item.directive)).toEqual(['<key>']);
    expect(result.dropped[0]?.detail).toContain('does not contain the profile');
  });

  it('finds a block file that cannot be read', async () => {
    const result = await check(imported({ ca: '/home/u/.cert/nm-openvpn/gone.pem' }));

    expect(result.dropped.map((item) => item.directive)).toEqual(['<ca>']);
    expect(result.dropped[0]?.detail).toContain('cannot be read');
  });

  it('finds a dropped remote', async () => {
    const result = await check(imported({ remote: '198.18.0.1:1194:udp' }));

    expect(result.dropped.map((item) => item.directive)).toEqual(['remote']);
  });

  it('finds remotes out of failover order', async () => {
    const result = await check(imported({ remote: '198.18.1.1:443:tcp, 198.18.0.1:1194:udp' }));

    expect(result.dropped[0]?.detail).toContain('in this order');
  });

  it('accepts IPv6 hosts in brackets', async () => {
    const profile = parseProfile('client\nremote 2001:db8::1 1194 udp\n');
    const connection = imported({ remote: '[2001:db8::1]:1194:udp' });

    const result = await checkImport(profile, connection, readFake);

    expect(result.dropped).toEqual([]);
  });

  it('finds a dropped cipher', async () => {
    const result = await check(imported({ cipher: undefined }));

    expect(result.dropped).toEqual([
      { directive: 'cipher', detail: 'vpn.data has no cipher (expected "AES-256-GCM")' },
    ]);
  });

  it('finds a changed server name check', async () => {
    const result = await check(imported({ 'verify-x509-name': 'name:CN=VPN Server 1' }));

    expect(result.dropped.map((item) => item.directive)).toEqual(['verify-x509-name']);
  });

  it('finds a dropped remote-cert-tls', async () => {
    const result = await check(imported({ 'remote-cert-tls': undefined }));

    expect(result.dropped.map((item) => item.directive)).toEqual(['remote-cert-tls']);
  });

  it('finds a dropped or-highest', async () => {
    const result = await check(imported({ 'tls-version-min-or-highest': undefined }));

    expect(result.dropped.map((item) => item.directive)).toEqual(['tls-version-min']);
  });

  it('finds a dropped route', async () => {
    const result = await check({ ...imported(), ipv4Routes: [] });

    expect(result.dropped).toEqual([
      { directive: 'route', detail: 'ipv4.routes has no routes, without 10.1.0.0/16' },
    ]);
  });

  it('finds a password connection type', async () => {
    const result = await check(imported({ 'connection-type': 'password-tls' }));

    expect(result.dropped.map((item) => item.directive)).toEqual(['cert']);
  });

  it('finds another VPN plugin', async () => {
    const result = await check({
      ...imported(),
      serviceType: 'org.freedesktop.NetworkManager.vpnc',
    });

    expect(result.dropped.map((item) => item.directive)).toEqual(['vpn.service-type']);
  });

  it('finds route-nopull without ignore-auto-routes', async () => {
    const profile = parseProfile('client\nroute-nopull\n');

    const result = await checkImport(profile, imported(), readFake);

    expect(result.dropped.map((item) => item.directive)).toEqual(['route-nopull']);
  });

  it('finds redirect-gateway under never-default', async () => {
    const profile = parseProfile('client\nredirect-gateway def1\n');

    const result = await checkImport(profile, { ...imported(), ipv4NeverDefault: true }, readFake);

    expect(result.dropped.map((item) => item.directive)).toEqual(['redirect-gateway']);
  });

  it('lists every loss at once', async () => {
    const result = await check(imported({ 'tls-crypt': undefined, cipher: undefined }));

    expect(result.dropped.map((item) => item.directive)).toEqual(['<tls-crypt>', 'cipher']);
  });
});
