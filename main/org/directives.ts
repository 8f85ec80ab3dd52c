import { quoteText } from './printable.ts';

/**
 * OpenVPN client directives that an organisation file may add to the profile. Each one tunes
 * ciphers, timers, MTU, routes or DNS, and none of them runs a program, loads code or reads
 * or writes a file. OpenVPN 2.6.14 on Linux accepts each of them. Windows-only directives such
 * as block-outside-dns are left out because OpenVPN on other systems rejects the whole profile.
 */
export const allowedExtraDirectives: ReadonlySet<string> = new Set([
  'allow-pull-fqdn',
  'auth',
  'auth-nocache',
  'cipher',
  'connect-retry',
  'connect-retry-max',
  'connect-timeout',
  'data-ciphers',
  'data-ciphers-fallback',
  'dhcp-option',
  'dns',
  'explicit-exit-notify',
  'float',
  'fragment',
  'hand-window',
  'inactive',
  'mssfix',
  'mtu-disc',
  'mute',
  'mute-replay-warnings',
  'nobind',
  'persist-key',
  'persist-tun',
  'ping',
  'ping-exit',
  'ping-restart',
  'pull-filter',
  'push-peer-info',
  'rcvbuf',
  'redirect-gateway',
  'redirect-private',
  'reneg-bytes',
  'reneg-sec',
  'resolv-retry',
  'route',
  'route-delay',
  'route-ipv6',
  'route-metric',
  'route-nopull',
  'server-poll-timeout',
  'sndbuf',
  'tls-cert-profile',
  'tls-cipher',
  'tls-ciphersuites',
  'tls-groups',
  'tls-timeout',
  'tls-version-max',
  'tls-version-min',
  'tun-mtu',
  'verb',
]);

/** Directives that run a program, load code or read or write a file chosen by the profile. */
const dangerousDirectives = new Set([
  'auth-user-pass-verify',
  'cd',
  'chroot',
  'client-connect',
  'client-disconnect',
  'config',
  'daemon',
  'dns-updown',
  'down',
  'engine',
  'ipchange',
  'learn-address',
  'log',
  'log-append',
  'management',
  'pkcs11-providers',
  'plugin',
  'providers',
  'route-pre-down',
  'route-up',
  'script-security',
  'status',
  'tls-verify',
  'up',
  'writepid',
]);

/** Directives the profile writer sets from other fields of the organisation file. */
const managedDirectives = new Set([
  'ca',
  'cert',
  'client',
  'dev',
  'key',
  'proto',
  'remote',
  'remote-cert-tls',
  'tls-client',
  'tls-crypt',
  'verify-x509-name',
]);

/**
 * Returns why a directive name is rejected, or undefined when the allowlist contains it.
 * NOTE: arguments are only checked for control characters, so the profile writer must quote
 * any argument that contains spaces, quotes or backslashes.
 */
export function rejectedDirectiveReason(name: string): string | undefined {
  if (allowedExtraDirectives.has(name)) return undefined;

  if (name.startsWith('-')) {
    return 'expected the directive name without leading dashes, as in a config file';
  }
  if (dangerousDirectives.has(name)) {
    return `${quoteText(name)} is not allowed because it runs a program, loads code or writes a file`;
  }
  if (managedDirectives.has(name)) {
    return `${quoteText(name)} is set from the other ca and vpn fields, so remove it from extraDirectives`;
  }
  return `${quoteText(name)} is not on the allowlist of extra directives (docs/organisation-file.md lists them)`;
}
