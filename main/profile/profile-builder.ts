import { rejectedDirectiveReason } from '../org/directives.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { canonicalCertificates, canonicalPrivateKey, canonicalStaticKey } from './inline-blocks.ts';
import { ProfileError } from './profile-error.ts';
import { checkCommentText, renderArgument } from './profile-values.ts';

/** What a profile is built from: the organisation file and the enrollment's PEM material. */
export interface ProfileInput {
  organisation: OrganisationFile;
  caCertificatesPem: string[];
  /** The client certificate, followed by any intermediates the server needs to verify it. */
  certificatePem: string;
  privateKeyPem: string;
  generatedAt: Date;
}

interface Line {
  name: string;
  args: string[];
  field: string;
}

/**
 * Directives the profile sets by default that an organisation's extraDirectives may override.
 * The timers favour a quick failover to the next remote over OpenVPN's defaults.
 */
const TUNABLE_DEFAULTS: Line[] = [
  { name: 'server-poll-timeout', args: ['4'], field: 'default' },
  { name: 'connect-retry', args: ['1', '30'], field: 'default' },
  { name: 'resolv-retry', args: ['infinite'], field: 'default' },
  { name: 'persist-key', args: [], field: 'default' },
  { name: 'auth-nocache', args: [], field: 'default' },
  { name: 'verb', args: ['3'], field: 'default' },
];

/**
 * Builds a self-contained OpenVPN 2.6 client profile: fixed client directives, the remotes in
 * failover order, server verification, the organisation's allowlisted extra directives, and
 * inline <ca>, <cert>, <key> and <tls-crypt>. Every value is checked and every PEM block is
 * re-encoded, so the output contains only what this function chose to write, with LF endings.
 */
export function buildProfile(input: ProfileInput): string {
  const { organisation } = input;
  const vpn = organisation.vpn;

  const fixed: Line[] = [
    { name: 'client', args: [], field: 'default' },
    { name: 'dev', args: ['tun'], field: 'default' },
    { name: 'nobind', args: [], field: 'default' },
    ...vpn.endpoints.map((endpoint, index) => ({
      name: 'remote',
      args: [endpoint.host, String(endpoint.port), endpoint.proto],
      field: `vpn.endpoints[${index}]`,
    })),
    { name: 'remote-cert-tls', args: ['server'], field: 'default' },
    {
      name: 'verify-x509-name',
      args: [vpn.serverName, vpn.serverNameType],
      field: 'vpn.serverName',
    },
  ];

  const extras: Line[] = vpn.extraDirectives.map((directive, index) => {
    const [name, ...args] = directive;
    const field = `vpn.extraDirectives[${index}]`;
    if (name === undefined) throw new ProfileError(field, `${field} is empty; remove it.`);

    const reason = rejectedDirectiveReason(name);
    if (reason !== undefined) throw new ProfileError(field, `${field}: ${reason}.`);
    return { name, args, field };
  });

  // An organisation's setting replaces the default of the same name instead of repeating it.
  const overridden = new Set(extras.map((line) => line.name));
  const defaults = TUNABLE_DEFAULTS.filter((line) => !overridden.has(line.name));

  const header = [
    `# OpenVPN profile for ${checkCommentText(organisation.organisation.name, 'organisation.name')}`,
    `# Written by VPN Onboard on ${input.generatedAt.toISOString()}. Enroll again rather than editing it.`,
  ];

  const body = [...fixed, ...defaults, ...extras].map((line) =>
    [
      line.name,
      ...line.args.map((arg, index) => renderArgument(arg, argumentField(line, index))),
    ].join(' '),
  );

  const blocks = [
    inline('ca', canonicalCertificates(input.caCertificatesPem, 'ca.certificates')),
    inline('cert', canonicalCertificates([input.certificatePem], 'certificate')),
    inline('key', canonicalPrivateKey(input.privateKeyPem)),
    inline('tls-crypt', canonicalStaticKey(vpn.tlsCrypt, 'vpn.tlsCrypt')),
  ];

  return [...header, ...body, ...blocks].join('\n') + '\n';
}

function argumentField(line: Line, index: number): string {
  if (line.field === 'default') return `${line.name} argument ${index + 1}`;
  if (line.name === 'verify-x509-name')
    return index === 0 ? 'vpn.serverName' : 'vpn.serverNameType';
  return `${line.field}[${index + 1}]`;
}

function inline(tag: string, pem: string): string {
  const body = pem.replace(/\r\n?/g, '\n').trimEnd();
  return `<${tag}>\n${body}\n</${tag}>`;
}
