import { describe, expect, it } from 'vitest';

import { describeWith } from '../testing/requirements.ts';
import {
  allowedDirectiveNames,
  checkDirective,
  deniedDirectiveNames,
  deniedReason,
  directiveRule,
} from './directives.ts';
import { checkConfigWithOpenvpn } from './openvpn-config-check.ts';

/** Sample lines for every allowlisted directive, at its fewest and its most arguments. */
const SAMPLES: Record<string, string[][]> = {
  auth: [['SHA256']],
  cipher: [['AES-256-GCM']],
  'data-ciphers': [['AES-256-GCM:CHACHA20-POLY1305']],
  'data-ciphers-fallback': [['AES-256-CBC']],
  'hand-window': [['60']],
  'reneg-bytes': [['0']],
  'reneg-pkts': [['1000000']],
  'reneg-sec': [['3600'], ['3600', '3000']],
  'tls-cert-profile': [['preferred'], ['suiteb'], ['legacy']],
  'tls-cipher': [['TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384']],
  'tls-ciphersuites': [['TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256']],
  'tls-groups': [['X25519:prime256v1']],
  'tls-timeout': [['2']],
  'tls-version-min': [['1.2'], ['1.2', 'or-highest']],
  'tls-version-max': [['1.3']],
  'auth-nocache': [[]],
  'connect-retry': [['0'], ['1', '30']],
  'connect-retry-max': [['5']],
  'connect-timeout': [['10']],
  'explicit-exit-notify': [[], ['2']],
  float: [[]],
  inactive: [['3600'], ['3600', '1000']],
  keepalive: [['10', '60']],
  nobind: [[]],
  'persist-key': [[]],
  'persist-tun': [[]],
  ping: [['10']],
  'ping-exit': [['120']],
  'ping-restart': [['60']],
  'resolv-retry': [['infinite'], ['30']],
  'server-poll-timeout': [['4']],
  fragment: [['1300'], ['1300', 'mtu']],
  mssfix: [[], ['1400', 'mtu'], ['1400', 'fixed']],
  'mtu-disc': [['yes']],
  rcvbuf: [['393216']],
  sndbuf: [['393216']],
  'tun-mtu': [['1500'], ['1500', '1400']],
  'allow-pull-fqdn': [[]],
  'pull-filter': [
    ['ignore', 'route-gateway'],
    ['reject', 'dhcp-option DNS'],
  ],
  'redirect-gateway': [
    [],
    ['def1', 'bypass-dhcp', 'bypass-dns', 'ipv6', '!ipv4', 'local', 'autolocal', 'block-local'],
  ],
  'redirect-private': [
    [],
    ['def1', 'bypass-dhcp', 'bypass-dns', 'ipv6', '!ipv4', 'local', 'autolocal', 'block-local'],
  ],
  route: [['192.168.100.0'], ['192.168.100.0', '255.255.255.0', 'vpn_gateway', '5']],
  'route-delay': [[], ['2', '5']],
  'route-ipv6': [['2001:db8::/32'], ['2001:db8::/32', '2001:db8::1', '5']],
  'route-metric': [['5']],
  'route-nopull': [[]],
  'block-outside-dns': [[]],
  'dhcp-option': [['DISABLE-NBT'], ['DNS', '192.168.100.53'], ['DOMAIN-SEARCH', 'example.org']],
  dns: [
    ['search-domains', 'example.org'],
    ['server', '1', 'address', '192.168.100.53', '192.168.100.54'],
    ['server', '1', 'dnssec', 'optional'],
    ['search-domains', ...Array.from({ length: 14 }, (_, index) => `d${index}.example.org`)],
  ],
  mute: [['20']],
  'mute-replay-warnings': [[]],
  verb: [['0'], ['11']],
  'allow-compression': [['no']],
  'script-security': [['0'], ['1']],
};

// Limits VPN Onboard sets below what openvpn accepts, so one more argument still parses there.
const OWN_LIMITS = new Set(['redirect-gateway', 'redirect-private', 'dns']);

describe('extra directive rules', () => {
  it('have a sample for every allowlisted directive', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(allowedDirectiveNames());
  });

  it('accept every sample', () => {
    for (const [name, samples] of Object.entries(SAMPLES)) {
      for (const args of samples) {
        expect(checkDirective(name, args), `${name} ${args.join(' ')}`).toBeUndefined();
      }
    }
  });

  it('reach each maximum in the samples', () => {
    for (const [name, samples] of Object.entries(SAMPLES)) {
      const most = Math.max(...samples.map((args) => args.length));
      expect(most, name).toBe(directiveRule(name)!.maxArgs);
    }
  });

  it('keep the allowlist and the denylist apart', () => {
    const denied = allowedDirectiveNames().filter((name) => deniedReason(name) !== undefined);

    expect(denied).toEqual(['allow-compression', 'script-security']);
  });

  it('deny script-security above 1', () => {
    expect(checkDirective('script-security', ['2'])).toMatch(/run programs when set above 1/);
  });

  it('deny compression other than no', () => {
    expect(checkDirective('allow-compression', ['asym'])).toMatch(/VORACLE/);
  });

  it('name the reason for a program', () => {
    expect(checkDirective('up', ['/bin/sh'])).toBe('"up" is not allowed because it runs a program');
  });

  it('name the reason for a managed directive', () => {
    expect(checkDirective('remote', ['vpn.example.org'])).toMatch(/is written by VPN Onboard/);
  });

  it('deny by prefix', () => {
    for (const name of ['management-client-auth', 'log-append', 'setenv-safe', 'show-tls']) {
      expect(checkDirective(name, []), name).toMatch(/is not allowed because it/);
    }
  });

  it('reject a name with capitals', () => {
    expect(checkDirective('Verb', ['3'])).toMatch(/is not a directive name/);
  });

  it('reject too many arguments', () => {
    expect(checkDirective('route', ['a', 'b', 'c', 'd', 'e'])).toBe(
      '"route" takes 1 to 4 arguments, not 5',
    );
  });

  it('reject a value off the list', () => {
    expect(checkDirective('tls-version-min', ['1.2', 'or-lowest'])).toBe(
      'argument 2 of "tls-version-min" must be one of or-highest, not "or-lowest"',
    );
  });

  it('reject a number out of range', () => {
    expect(checkDirective('verb', ['12'])).toMatch(/from 0 to 11/);
  });

  it('list the denied names', () => {
    expect(deniedDirectiveNames()).toEqual(expect.arrayContaining(['up', 'plugin', 'config']));
  });
});

describeWith(['openvpn'], 'extra directive rules read by openvpn', () => {
  const base = ['client', 'dev tun', 'remote 127.0.0.1 1194 udp'];

  function openvpnAccepts(line: string) {
    return checkConfigWithOpenvpn([...base, line, ''].join('\n'));
  }

  function render(name: string, args: string[]): string {
    return [name, ...args.map((arg) => (arg.includes(' ') ? `"${arg}"` : arg))].join(' ');
  }

  it('accepts every sample', () => {
    for (const [name, samples] of Object.entries(SAMPLES)) {
      // block-outside-dns is Windows-only: the builder puts ignore-unknown-option before it.
      const prefix =
        name === 'block-outside-dns' ? 'ignore-unknown-option block-outside-dns\n' : '';
      for (const args of samples) {
        const line = prefix + render(name, args);
        expect(openvpnAccepts(line), line).toEqual({ status: 0, output: '' });
      }
    }
  });

  it('rejects one argument more than the maximum', () => {
    const checked = Object.keys(SAMPLES).filter(
      (name) => !OWN_LIMITS.has(name) && name !== 'block-outside-dns',
    );

    for (const name of checked) {
      const rule = directiveRule(name)!;
      const line = render(
        name,
        Array.from({ length: rule.maxArgs + 1 }, () => '1'),
      );
      const result = openvpnAccepts(line);

      expect(result.status, line).toBe(1);
      expect(result.output, line).toMatch(/Options error|Options warning/);
    }
  });

  it('rejects block-outside-dns on its own', () => {
    const result = openvpnAccepts('block-outside-dns');

    expect(result.status).toBe(1);
    expect(result.output).toMatch(/Unrecognized option/);
  });
});
