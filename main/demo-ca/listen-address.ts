import { isIP } from 'node:net';

import type { ServerCertificateOptions } from './certificate-authority.ts';

/**
 * Lists the names a server certificate needs: the loopback names, so clients can use any of
 * them, plus the listen address unless it is a wildcard.
 */
export function serverNames(host: string): ServerCertificateOptions {
  const dnsNames = ['localhost'];
  const ipAddresses = ['127.0.0.1', '::1'];

  if (isWildcard(host)) return { dnsNames, ipAddresses };
  if (isIP(host) !== 0) {
    if (!ipAddresses.includes(host)) ipAddresses.push(host);
  } else if (!dnsNames.includes(host)) {
    dnsNames.push(host);
  }
  return { dnsNames, ipAddresses };
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** Formats the listen address for a URL: a wildcard becomes loopback, IPv6 gets brackets. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}
