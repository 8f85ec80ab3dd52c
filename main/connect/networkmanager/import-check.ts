import { readFile } from 'node:fs/promises';

import type { ParsedProfile, ProfileDirective } from '../../profile/profile-parser.ts';

/** An imported VPN connection as nmcli reads it back. */
export interface ImportedConnection {
  uuid: string;
  id: string;
  serviceType: string;
  /** `vpn.data`: the openvpn plugin's settings, e.g. `remote`, `ca`, `cipher`. */
  vpnData: Map<string, string>;
  /** `ipv4.routes` items, e.g. `10.1.0.0/16` or `10.2.0.0/24 10.9.9.9 50`. */
  ipv4Routes: string[];
  ipv6Routes: string[];
  ipv4NeverDefault: boolean;
  ipv4IgnoreAutoRoutes: boolean;
}

/** A directive of the profile that the imported connection lacks or carries changed. */
export interface DroppedDirective {
  directive: string;
  detail: string;
}

/** The result of comparing a profile with the connection NetworkManager imported from it. */
export interface ImportCheck {
  /** Directives the tunnel needs that the import lost; any entry makes the import unusable. */
  dropped: DroppedDirective[];
  /** Tuning directives NetworkManager does not apply, such as connect-retry or pull-filter. */
  notCarried: string[];
  /** Files the importer wrote for the inline blocks, from `vpn.data`. */
  files: string[];
}

export const OPENVPN_SERVICE_TYPE = 'org.freedesktop.NetworkManager.openvpn';

/** Inline blocks and the `vpn.data` key that names the file the importer wrote for each. */
const BLOCK_KEYS = ['ca', 'cert', 'key', 'tls-crypt', 'tls-auth', 'tls-crypt-v2'] as const;

// Directives whose value is stored under the same vpn.data key, as network-manager-openvpn
// 1.10.2 stores them. Each one decides which server the tunnel trusts or how traffic is
// encrypted, so a lost one is an error.
const SAME_KEY = [
  'cipher',
  'data-ciphers',
  'data-ciphers-fallback',
  'auth',
  'tls-cipher',
  'tls-ciphersuites',
  'tls-groups',
  'tls-version-max',
  'tls-cert-profile',
  'remote-cert-tls',
  'dev',
];

// Directives the tunnel needs. checkNeeded looks each one up where the importer stores it.
const NEEDED = new Set([
  ...SAME_KEY,
  'verify-x509-name',
  'tls-version-min',
  'route',
  'route-ipv6',
  'redirect-gateway',
  'route-nopull',
]);

// Tuning directives and the vpn.data key the importer stores them under. A missing key only
// changes timing or packet sizes, so it is reported as not carried.
const TUNING_KEYS: Readonly<Record<string, string>> = {
  'tun-mtu': 'tunnel-mtu',
  fragment: 'fragment-size',
  mssfix: 'mssfix',
  'mtu-disc': 'mtu-disc',
  'reneg-sec': 'reneg-seconds',
  float: 'float',
  ping: 'ping',
  'ping-exit': 'ping-exit',
  'ping-restart': 'ping-restart',
  keepalive: 'ping',
  'server-poll-timeout': 'connect-timeout',
  'connect-timeout': 'connect-timeout',
};

// Directives that NetworkManager's openvpn plugin always passes on its own command line.
const ALWAYS_SET = new Set(['client', 'tls-client', 'nobind']);

/**
 * Compares a profile with the connection NetworkManager imported from it. The inline blocks
 * are compared with the files the importer wrote, so a block that was dropped or cut short is
 * found as well as a missing key. `readText` reads those files (as the user who ran nmcli).
 */
export async function checkImport(
  profile: ParsedProfile,
  connection: ImportedConnection,
  readText: (path: string) => Promise<string> = (path) => readFile(path, 'utf8'),
): Promise<ImportCheck> {
  const dropped: DroppedDirective[] = [];
  const notCarried: string[] = [];
  const files: string[] = [];
  const data = connection.vpnData;

  if (connection.serviceType !== OPENVPN_SERVICE_TYPE) {
    dropped.push({
      directive: 'vpn.service-type',
      detail: `the connection is of type ${JSON.stringify(connection.serviceType)}, not ${OPENVPN_SERVICE_TYPE}`,
    });
  }
  if (data.get('connection-type') !== 'tls') {
    dropped.push({
      directive: 'cert',
      detail:
        `NetworkManager set connection-type to ${JSON.stringify(data.get('connection-type') ?? '')} ` +
        'instead of tls (certificates only), so it would ask for a password',
    });
  }

  for (const tag of BLOCK_KEYS) {
    const path = data.get(tag);
    if (path !== undefined) files.push(path);
    const block = profile.blocks[tag];
    if (block === undefined) continue;

    const problem = await compareBlock(block, path, readText);
    if (problem !== undefined) dropped.push({ directive: `<${tag}>`, detail: problem });
  }

  const remoteProblem = compareRemotes(profile.directives, data.get('remote'));
  if (remoteProblem !== undefined) dropped.push({ directive: 'remote', detail: remoteProblem });

  for (const directive of profile.directives) {
    const { name } = directive;
    if (name === 'remote' || ALWAYS_SET.has(name)) continue;

    if (!NEEDED.has(name)) {
      const key = TUNING_KEYS[name];
      if ((key === undefined || !data.has(key)) && !notCarried.includes(name)) {
        notCarried.push(name);
      }
      continue;
    }
    const problem = checkNeeded(directive, connection);
    if (problem !== undefined) dropped.push({ directive: name, detail: problem });
  }

  return { dropped, notCarried, files };
}

/** Checks one directive that the tunnel needs; returns what is wrong, or undefined. */
function checkNeeded(
  directive: ProfileDirective,
  connection: ImportedConnection,
): string | undefined {
  const { name, args } = directive;
  const data = connection.vpnData;

  if (SAME_KEY.includes(name)) return compareValue(data, name, args.join(' '));

  switch (name) {
    case 'verify-x509-name':
      return compareValue(data, name, `${args[1] ?? 'subject'}:${args[0] ?? ''}`);
    case 'tls-version-min': {
      const version = compareValue(data, name, args[0] ?? '');
      if (version !== undefined || args[1] !== 'or-highest') return version;
      return compareValue(data, 'tls-version-min-or-highest', 'yes');
    }
    case 'route':
      return compareRoute(connection.ipv4Routes, ipv4Destination(args), 'ipv4.routes');
    case 'route-ipv6':
      return compareRoute(connection.ipv6Routes, args[0] ?? '', 'ipv6.routes');
    case 'redirect-gateway':
      return connection.ipv4NeverDefault
        ? 'ipv4.never-default is yes, so traffic would not go through the VPN by default'
        : undefined;
    case 'route-nopull':
      return connection.ipv4IgnoreAutoRoutes
        ? undefined
        : 'ipv4.ignore-auto-routes is no, so the routes the server pushes would be applied';
    default:
      return undefined;
  }
}

function compareValue(
  data: Map<string, string>,
  key: string,
  expected: string,
): string | undefined {
  const actual = data.get(key);
  if (actual === undefined) return `vpn.data has no ${key} (expected ${JSON.stringify(expected)})`;
  if (actual !== expected) {
    return `vpn.data has ${key} = ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`;
  }
  return undefined;
}

/** Compares the remotes in failover order; NetworkManager stores `host:port:proto, ...`. */
function compareRemotes(
  directives: readonly ProfileDirective[],
  stored: string | undefined,
): string | undefined {
  const expected = directives
    .filter((directive) => directive.name === 'remote')
    .map((directive) => normaliseRemote(directive.args.join(':')));
  if (expected.length === 0) return undefined;

  const actual = (stored ?? '')
    .split(',')
    .map((item) => normaliseRemote(item.trim()))
    .filter((item) => item !== '');
  if (actual.join(', ') === expected.join(', ')) return undefined;

  const storedList = actual.length === 0 ? 'none' : actual.join(', ');
  return `vpn.data has the remotes ${storedList} instead of ${expected.join(', ')}, in this order`;
}

// NetworkManager writes an IPv6 host in brackets and may name the protocol tcp-client, udp4 or
// tcp4, where the profile has tcp or udp.
function normaliseRemote(remote: string): string {
  return remote
    .replace(/^\[([^\]]*)\]/, '$1')
    .replace(/:tcp-client$/, ':tcp')
    .replace(/:(udp|tcp)4$/, ':$1');
}

function compareRoute(routes: readonly string[], destination: string, field: string) {
  const found = routes.some((route) => route.split(' ')[0] === destination);
  if (found) return undefined;
  const present = routes.length === 0 ? 'no routes' : routes.join(', ');
  return `${field} has ${present}, without ${destination}`;
}

/** Turns `route NETWORK [NETMASK]` into the CIDR NetworkManager stores, e.g. 10.1.0.0/16. */
function ipv4Destination(args: readonly string[]): string {
  const network = args[0] ?? '';
  const netmask = args[1] ?? '255.255.255.255';
  const octets = netmask.split('.').map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet))) return network;

  const bits = octets.reduce((count, octet) => count + countBits(octet), 0);
  return `${network}/${bits}`;
}

function countBits(octet: number): number {
  let count = 0;
  for (let value = octet; value > 0; value >>= 1) count += value & 1;
  return count;
}

async function compareBlock(
  block: string,
  path: string | undefined,
  readText: (path: string) => Promise<string>,
): Promise<string | undefined> {
  if (path === undefined) return 'vpn.data names no file for it';

  let stored: string;
  try {
    stored = await readText(path);
  } catch (error) {
    return `the file NetworkManager wrote for it, ${path}, cannot be read (${(error as Error).message})`;
  }
  if (pemLines(stored) !== pemLines(block)) {
    return `the file NetworkManager wrote for it, ${path}, does not contain the profile's block`;
  }
  return undefined;
}

// Compares blocks line by line, ignoring blank lines, comments and trailing spaces, which the
// importer may leave out.
function pemLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .join('\n');
}
