import type { OrganisationFile } from '../org/schema.ts';
import { checkDirective, directiveRule } from './directives.ts';
import { canonicalCertificates, canonicalPrivateKey, canonicalStaticKey } from './inline-blocks.ts';
import { ProfileError } from './profile-error.ts';
import { checkLineLength, checkText, MAX_WORDS, renderArgument } from './profile-values.ts';

/** Input of a profile: the organisation file and the enrollment's PEM material. */
export interface ProfileInput {
  organisation: OrganisationFile;
  caCertificatesPem: string[];
  /** The client certificate, followed by any intermediates the server needs to verify it. */
  certificatePem: string;
  privateKeyPem: string;
  generatedAt: Date;
}

/** One directive line before rendering; `field` names where its values came from. */
interface Line {
  name: string;
  args: string[];
  field: string;
  spacedArgs?: readonly number[];
}

const PROTOCOLS = new Set(['udp', 'tcp']);
const SERVER_NAME_TYPES = new Set(['name', 'name-prefix', 'subject']);

/**
 * Builds a self-contained OpenVPN 2.6 client profile: the fixed client directives, one remote
 * per endpoint in failover order, server verification, the organisation's allowlisted extra
 * directives, and inline <ca>, <cert>, <key> and <tls-crypt>. An extra directive with the name
 * of a built-in one replaces it. Every value is checked and every block is re-encoded, so the
 * output contains only what this function chose to write, with LF endings.
 */
export function buildProfile(input: ProfileInput): string {
  const { organisation } = input;

  const blocks = [
    inline('ca', canonicalCertificates(input.caCertificatesPem, 'ca.certificates')),
    inline('cert', canonicalCertificates([input.certificatePem], 'certificate')),
    inline('key', canonicalPrivateKey(input.privateKeyPem, 'privateKey')),
    inline('tls-crypt', canonicalStaticKey(organisation.vpn.tlsCrypt, 'vpn.tlsCrypt')),
  ];

  return [...profileLines(organisation, input.generatedAt), ...blocks].join('\n') + '\n';
}

/**
 * Checks everything the organisation file contributes to a profile (directives, values, the
 * pinned CAs and the tls-crypt key) without a certificate, so a broken file is reported
 * before anyone signs a request for it.
 */
export function checkProfileInputs(organisation: OrganisationFile): void {
  profileLines(organisation, new Date());
  canonicalCertificates(organisation.ca.certificates, 'ca.certificates');
  canonicalStaticKey(organisation.vpn.tlsCrypt, 'vpn.tlsCrypt');
}

function profileLines(organisation: OrganisationFile, generatedAt: Date): string[] {
  const vpn = organisation.vpn;

  const extras = extraLines(vpn.extraDirectives);
  // A repeatable directive such as pull-filter adds to the built-in one instead of replacing it,
  // so an organisation's own filter keeps the built-in ping filter.
  const overridden = new Set(
    extras.filter((line) => directiveRule(line.name)?.repeatable !== true).map((line) => line.name),
  );
  const builtIn = builtInLines(organisation).filter((line) => !overridden.has(line.name));
  const windowsOnly = extras.filter((line) => directiveRule(line.name)?.windowsOnly === true);

  // OpenVPN outside Windows rejects Windows-only names unless an earlier ignore-unknown-option
  // lists them.
  const ignoreUnknown: Line[] =
    windowsOnly.length === 0
      ? []
      : [
          {
            name: 'ignore-unknown-option',
            args: [...new Set(windowsOnly.map((line) => line.name))],
            field: 'vpn.extraDirectives',
          },
        ];

  const title = `# ${checkText(organisation.organisation.name, 'organisation.name')} VPN profile`;
  const header = [
    checkLineLength(title, 'organisation.name'),
    `# Generated ${generatedAtText(generatedAt)}, managed by VPN Onboard.`,
    '# Enroll again in VPN Onboard instead of editing this file.',
  ];
  const extrasHeader = extras.length === 0 ? [] : ['# From vpn.extraDirectives'];

  return [
    ...header,
    ...builtIn.map(renderLine),
    ...extrasHeader,
    ...[...ignoreUnknown, ...extras].map(renderLine),
  ];
}

function builtInLines(organisation: OrganisationFile): Line[] {
  const vpn = organisation.vpn;
  if (vpn.endpoints.length === 0) {
    throw new ProfileError('vpn.endpoints', 'vpn.endpoints is empty; add at least one endpoint.');
  }

  return [
    { name: 'client', args: [], field: 'client' },
    { name: 'dev', args: ['tun'], field: 'dev' },
    { name: 'nobind', args: [], field: 'nobind' },
    ...vpn.endpoints.map((endpoint, index) => remoteLine(endpoint, `vpn.endpoints[${index}]`)),
    // Fast failover, measured against openvpn 2.6.14 in the network lab. A dead link is noticed
    // after 3 s without a packet from the server, a silent server is given up after 1 s, and
    // restarts skip the default 1 s pause. The pull-filter drops the server's pushed ping
    // settings, which would override these.
    // NOTE: ping-restart 3 needs servers that send a keepalive at least every 2 s (server
    // `keepalive 1 10` or `keepalive 2 10`). With a longer server ping an idle tunnel restarts,
    // so such an organisation must set ping-restart in vpn.extraDirectives.
    { name: 'server-poll-timeout', args: ['1'], field: 'server-poll-timeout' },
    { name: 'connect-retry', args: ['0'], field: 'connect-retry' },
    { name: 'ping', args: ['1'], field: 'ping' },
    { name: 'ping-restart', args: ['3'], field: 'ping-restart' },
    { name: 'pull-filter', args: ['ignore', 'ping'], field: 'pull-filter' },
    { name: 'resolv-retry', args: ['infinite'], field: 'resolv-retry' },
    { name: 'remote-cert-tls', args: ['server'], field: 'remote-cert-tls' },
    verifyNameLine(vpn.serverName, vpn.serverNameType),
    { name: 'persist-key', args: [], field: 'persist-key' },
    { name: 'auth-nocache', args: [], field: 'auth-nocache' },
    { name: 'verb', args: ['3'], field: 'verb' },
  ];
}

function remoteLine(endpoint: OrganisationFile['vpn']['endpoints'][number], field: string): Line {
  const { port, proto } = endpoint;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ProfileError(
      `${field}.port`,
      `${field}.port must be a whole number from 1 to 65535, not ${String(port)}.`,
    );
  }
  if (!PROTOCOLS.has(proto)) {
    throw new ProfileError(`${field}.proto`, `${field}.proto must be udp or tcp, not ${proto}.`);
  }

  renderArgument(endpoint.host, `${field}.host`);
  return { name: 'remote', args: [endpoint.host, String(port), proto], field };
}

function verifyNameLine(serverName: string, serverNameType: string): Line {
  if (!SERVER_NAME_TYPES.has(serverNameType)) {
    throw new ProfileError(
      'vpn.serverNameType',
      `vpn.serverNameType must be name, name-prefix or subject, not ${serverNameType}.`,
    );
  }

  // Names and subjects may contain spaces, such as "CN=VPN Server 1", so they are quoted.
  renderArgument(serverName, 'vpn.serverName', true);
  return {
    name: 'verify-x509-name',
    args: [serverName, serverNameType],
    field: 'vpn.serverName',
    spacedArgs: [0],
  };
}

function extraLines(directives: readonly (readonly string[])[]): Line[] {
  const seen = new Map<string, string>();

  return directives.map((directive, index) => {
    const field = `vpn.extraDirectives[${index}]`;
    const [name, ...args] = directive;
    if (name === undefined) {
      throw new ProfileError(field, `${field} is empty; give a directive name or remove it.`);
    }

    checkText(name, `${field}[0]`);
    args.forEach((arg, position) => checkText(arg, `${field}[${position + 1}]`));

    const reason = checkDirective(name, args);
    if (reason !== undefined) {
      throw new ProfileError(
        field,
        `${field}: ${reason}. Fix or remove it in the organisation file.`,
      );
    }

    const rule = directiveRule(name);
    const earlier = seen.get(name);
    if (earlier !== undefined && rule?.repeatable !== true) {
      throw new ProfileError(
        field,
        `${field} repeats "${name}" from ${earlier}, and OpenVPN would use only the last one; keep one of them.`,
      );
    }
    seen.set(name, field);

    return { name, args, field, spacedArgs: rule?.spacedArgs };
  });
}

function renderLine(line: Line): string {
  if (line.args.length + 1 > MAX_WORDS) {
    throw new ProfileError(
      line.field,
      `${line.field} has ${line.args.length} arguments, but OpenVPN reads at most ${MAX_WORDS - 1}.`,
    );
  }

  const args = line.args.map((arg, index) =>
    renderArgument(arg, argumentField(line, index), line.spacedArgs?.includes(index) === true),
  );
  return checkLineLength([line.name, ...args].join(' '), line.field);
}

function argumentField(line: Line, index: number): string {
  if (line.name === 'verify-x509-name') {
    return index === 0 ? 'vpn.serverName' : 'vpn.serverNameType';
  }
  if (line.name === 'remote') return `${line.field}.${['host', 'port', 'proto'][index]}`;
  if (line.field.startsWith('vpn.extraDirectives[')) return `${line.field}[${index + 1}]`;
  return `${line.field} argument ${index + 1}`;
}

function generatedAtText(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new ProfileError('generatedAt', 'generatedAt is not a valid date.');
  }
  return date.toISOString();
}

function inline(tag: string, pem: string): string {
  return `<${tag}>\n${pem.trimEnd()}\n</${tag}>`;
}
