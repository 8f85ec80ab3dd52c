/**
 * Rules for the client directives an organisation may add through `vpn.extraDirectives`. The
 * argument counts and values match what OpenVPN 2.6.14 accepts on Linux, and the profile
 * tests run every rule's sample past that openvpn where it is installed.
 */

/** A test for one argument, with the wording used when the value fails it. */
export interface ArgumentCheck {
  test(value: string): boolean;
  expected: string;
}

/** Argument rules for one allowlisted directive, as OpenVPN accepts them. */
export interface DirectiveRule {
  minArgs: number;
  maxArgs: number;
  /** Checks by argument position. The last check also covers any later arguments. */
  args?: readonly ArgumentCheck[];
  /** Argument positions whose value may contain spaces, written inside double quotes. */
  spacedArgs?: readonly number[];
  /** Several lines add up (routes, DNS settings) instead of the last one winning. */
  repeatable?: boolean;
  /** OpenVPN on Linux and macOS rejects the name, so the profile lets them ignore it. */
  windowsOnly?: boolean;
}

const MAX_INT = 2_147_483_647;

function integer(min = 0, max = MAX_INT): ArgumentCheck {
  return {
    test: (value) => /^\d{1,10}$/.test(value) && Number(value) >= min && Number(value) <= max,
    expected: `a whole number from ${min} to ${max}`,
  };
}

function oneOf(...values: string[]): ArgumentCheck {
  return { test: (value) => values.includes(value), expected: `one of ${values.join(', ')}` };
}

const anyValue: ArgumentCheck = { test: () => true, expected: 'a value' };
const seconds = integer();
const infiniteOrSeconds: ArgumentCheck = {
  test: (value) => value === 'infinite' || seconds.test(value),
  expected: 'infinite or a whole number of seconds',
};
const TLS_VERSIONS = ['1.0', '1.1', '1.2', '1.3'];
const REDIRECT_FLAGS = oneOf(
  'local',
  'autolocal',
  'def1',
  'bypass-dhcp',
  'bypass-dns',
  'block-local',
  '!ipv4',
  'ipv6',
);
const DHCP_OPTION_TYPES = oneOf(
  'DOMAIN',
  'ADAPTER_DOMAIN_SUFFIX',
  'DOMAIN-SEARCH',
  'DNS',
  'DNS6',
  'NTP',
  'NBDD',
  'WINS',
  'NBT',
  'NBS',
  'DISABLE-NBT',
  'PROXY_HTTP',
);

const flag: DirectiveRule = { minArgs: 0, maxArgs: 0 };
const oneValue: DirectiveRule = { minArgs: 1, maxArgs: 1 };
const oneInteger: DirectiveRule = { minArgs: 1, maxArgs: 1, args: [seconds] };

/**
 * The allowlist. Each directive tunes ciphers, timers, MTU, routes, DNS or logging, and none
 * runs a program, loads code, or reads or writes a file.
 */
const RULES: Readonly<Record<string, DirectiveRule>> = {
  // Ciphers and TLS
  auth: oneValue,
  cipher: oneValue,
  'data-ciphers': oneValue,
  'data-ciphers-fallback': oneValue,
  'hand-window': oneInteger,
  'reneg-bytes': oneInteger,
  'reneg-pkts': oneInteger,
  'reneg-sec': { minArgs: 1, maxArgs: 2, args: [seconds] },
  // "insecure" is left out because it accepts SHA-1 signatures and 1024-bit RSA keys.
  'tls-cert-profile': { minArgs: 1, maxArgs: 1, args: [oneOf('legacy', 'preferred', 'suiteb')] },
  'tls-cipher': oneValue,
  'tls-ciphersuites': oneValue,
  'tls-groups': oneValue,
  'tls-timeout': oneInteger,
  'tls-version-min': {
    minArgs: 1,
    maxArgs: 2,
    args: [oneOf(...TLS_VERSIONS), oneOf('or-highest')],
  },
  'tls-version-max': { minArgs: 1, maxArgs: 1, args: [oneOf(...TLS_VERSIONS)] },

  // Connection and timers
  'auth-nocache': flag,
  'connect-retry': { minArgs: 1, maxArgs: 2, args: [seconds] },
  'connect-retry-max': oneInteger,
  'connect-timeout': oneInteger,
  'explicit-exit-notify': { minArgs: 0, maxArgs: 1, args: [integer()] },
  float: flag,
  inactive: { minArgs: 1, maxArgs: 2, args: [seconds] },
  keepalive: { minArgs: 2, maxArgs: 2, args: [seconds] },
  nobind: flag,
  'persist-key': flag,
  'persist-tun': flag,
  ping: oneInteger,
  'ping-exit': oneInteger,
  'ping-restart': oneInteger,
  'resolv-retry': { minArgs: 1, maxArgs: 1, args: [infiniteOrSeconds] },
  'server-poll-timeout': oneInteger,

  // MTU and buffers
  fragment: { minArgs: 1, maxArgs: 2, args: [integer(), oneOf('mtu')] },
  mssfix: { minArgs: 0, maxArgs: 2, args: [integer(), oneOf('mtu', 'fixed')] },
  'mtu-disc': { minArgs: 1, maxArgs: 1, args: [oneOf('no', 'maybe', 'yes')] },
  rcvbuf: oneInteger,
  sndbuf: oneInteger,
  'tun-mtu': { minArgs: 1, maxArgs: 2, args: [integer()] },

  // Routes and pushed options
  'allow-pull-fqdn': flag,
  'pull-filter': {
    minArgs: 2,
    maxArgs: 2,
    args: [oneOf('accept', 'ignore', 'reject'), anyValue],
    spacedArgs: [1],
    repeatable: true,
  },
  'redirect-gateway': { minArgs: 0, maxArgs: 8, args: [REDIRECT_FLAGS] },
  'redirect-private': { minArgs: 0, maxArgs: 8, args: [REDIRECT_FLAGS] },
  route: { minArgs: 1, maxArgs: 4, repeatable: true },
  'route-delay': { minArgs: 0, maxArgs: 2, args: [seconds] },
  'route-ipv6': { minArgs: 1, maxArgs: 3, repeatable: true },
  'route-metric': oneInteger,
  'route-nopull': flag,

  // DNS
  'block-outside-dns': { ...flag, windowsOnly: true },
  'dhcp-option': { minArgs: 1, maxArgs: 2, args: [DHCP_OPTION_TYPES, anyValue], repeatable: true },
  dns: {
    minArgs: 2,
    maxArgs: 15,
    args: [oneOf('search-domains', 'server'), anyValue],
    repeatable: true,
  },

  // Logging
  mute: oneInteger,
  'mute-replay-warnings': flag,
  verb: { minArgs: 1, maxArgs: 1, args: [integer(0, 11)] },

  // Hardening: only the values that keep the defaults safe.
  'allow-compression': { minArgs: 1, maxArgs: 1, args: [oneOf('no')] },
  'script-security': { minArgs: 1, maxArgs: 1, args: [oneOf('0', '1')] },
};

const RUNS_PROGRAM = 'runs a program';
const LOADS_CODE = 'loads code into OpenVPN';
const USES_FILE = 'reads or writes a file named in the profile';
const CHANGES_PROCESS = 'changes how the OpenVPN process runs or reads its options';
const COMPRESSION =
  'enables compression, which leaks plaintext through packet sizes (VORACLE); use "allow-compression no" instead';
const SET_BY_PROFILE = 'is written by VPN Onboard from the other ca and vpn fields';

/**
 * Directives rejected even if the allowlist lists them, with the reason shown to the administrator.
 * The allowlist already keeps out every name it does not list. This second list names the
 * dangerous ones, so a later change to the allowlist cannot let them in.
 */
const DENIED: Readonly<Record<string, string>> = {
  up: RUNS_PROGRAM,
  down: RUNS_PROGRAM,
  'route-up': RUNS_PROGRAM,
  'route-pre-down': RUNS_PROGRAM,
  ipchange: RUNS_PROGRAM,
  'tls-verify': RUNS_PROGRAM,
  'tls-crypt-v2-verify': RUNS_PROGRAM,
  'learn-address': RUNS_PROGRAM,
  'client-connect': RUNS_PROGRAM,
  'client-disconnect': RUNS_PROGRAM,
  'auth-user-pass-verify': RUNS_PROGRAM,
  'dns-updown': RUNS_PROGRAM,
  iproute: RUNS_PROGRAM,
  plugin: LOADS_CODE,
  engine: LOADS_CODE,
  providers: LOADS_CODE,
  config: USES_FILE,
  status: USES_FILE,
  writepid: USES_FILE,
  cd: USES_FILE,
  chroot: USES_FILE,
  'tmp-dir': USES_FILE,
  'auth-user-pass': USES_FILE,
  askpass: USES_FILE,
  'tls-export-cert': USES_FILE,
  secret: USES_FILE,
  daemon: CHANGES_PROCESS,
  user: CHANGES_PROCESS,
  group: CHANGES_PROCESS,
  syslog: CHANGES_PROCESS,
  'ignore-unknown-option': CHANGES_PROCESS,
  'comp-lzo': COMPRESSION,
  compress: COMPRESSION,
  'comp-noadapt': COMPRESSION,
  'remote-random': 'shuffles the remotes, which breaks the failover order of vpn.endpoints',
  'push-peer-info': 'sends details of this device, such as its MAC address, to the server',
  connection: 'defines its own remote and settings outside the allowlist',
  client: SET_BY_PROFILE,
  dev: SET_BY_PROFILE,
  remote: SET_BY_PROFILE,
  proto: SET_BY_PROFILE,
  'remote-cert-tls': SET_BY_PROFILE,
  'verify-x509-name': SET_BY_PROFILE,
  'tls-client': SET_BY_PROFILE,
  ca: SET_BY_PROFILE,
  cert: SET_BY_PROFILE,
  key: SET_BY_PROFILE,
  'tls-crypt': SET_BY_PROFILE,
};

const DENIED_PREFIXES: readonly (readonly [string, string])[] = [
  ['management', 'controls the management interface, which VPN Onboard sets up itself'],
  ['log', USES_FILE],
  ['setenv', CHANGES_PROCESS],
  ['pkcs11-', LOADS_CODE],
  ['show-', CHANGES_PROCESS],
];

const DIRECTIVE_NAME = /^[a-z][a-z0-9-]*$/;

/** Returns the rule for an allowlisted directive, or undefined for any other name. */
export function directiveRule(name: string): DirectiveRule | undefined {
  return Object.hasOwn(RULES, name) ? RULES[name] : undefined;
}

/** Names of the allowlisted directives, sorted. */
export function allowedDirectiveNames(): string[] {
  return Object.keys(RULES).sort();
}

/** Names on the denylist, sorted; the prefixes management, log, setenv, pkcs11- and show- too. */
export function deniedDirectiveNames(): string[] {
  return Object.keys(DENIED).sort();
}

/**
 * Returns why the denylist rejects a directive, or undefined when it does not. script-security
 * above 1 and any allow-compression other than "no" are denied by value.
 */
export function deniedReason(name: string, args: readonly string[] = []): string | undefined {
  if (Object.hasOwn(DENIED, name)) return DENIED[name];

  const prefix = DENIED_PREFIXES.find(([start]) => name.startsWith(start));
  if (prefix !== undefined) return prefix[1];

  if (name === 'script-security' && args[0] !== '0' && args[0] !== '1') {
    return 'lets OpenVPN run programs when set above 1';
  }
  if (name === 'allow-compression' && args[0] !== 'no') return COMPRESSION;
  return undefined;
}

/**
 * Checks one extra directive against the denylist, then the allowlist, its argument count and
 * its argument values. Returns the reason it is rejected, or undefined when it may go into the
 * profile. Quoting and control characters are the profile builder's job.
 */
export function checkDirective(name: string, args: readonly string[]): string | undefined {
  const display = JSON.stringify(name);

  if (name.startsWith('-')) {
    return `${display} must be written without leading dashes, as in a config file`;
  }
  if (!DIRECTIVE_NAME.test(name)) {
    return `${display} is not a directive name: expected lowercase letters, digits and dashes`;
  }

  const denied = deniedReason(name, args);
  if (denied !== undefined) return `${display} is not allowed because it ${denied}`;

  const rule = directiveRule(name);
  if (rule === undefined) {
    return `${display} is not on the allowlist of extra directives (see docs/organisation-file.md)`;
  }

  if (args.length < rule.minArgs || args.length > rule.maxArgs) {
    return `${display} takes ${describeCount(rule)}, not ${args.length}`;
  }

  for (const [index, value] of args.entries()) {
    const check = rule.args?.[Math.min(index, rule.args.length - 1)];
    if (check !== undefined && !check.test(value)) {
      return `argument ${index + 1} of ${display} must be ${check.expected}, not ${JSON.stringify(value)}`;
    }
  }
  return undefined;
}

function describeCount(rule: DirectiveRule): string {
  const noun = (count: number) => (count === 1 ? 'argument' : 'arguments');

  if (rule.minArgs === rule.maxArgs) return `${rule.minArgs} ${noun(rule.minArgs)}`;
  return `${rule.minArgs} to ${rule.maxArgs} ${noun(rule.maxArgs)}`;
}
