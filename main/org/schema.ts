import { isIP } from 'node:net';
import { z } from 'zod';

import { rejectedDirectiveReason } from './directives.ts';
import { findBidiControl } from './printable.ts';

/**
 * The organisation file: a declarative description of one organisation's VPN, how staff
 * certificates are signed, and the networks behind it. Every string that can end up in a
 * profile, a certificate subject or a log is checked for control characters here, before
 * any other layer sees it.
 */

// U+2028 and U+2029 are included because editors, terminals and JavaScript treat them as line breaks.

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_CHARACTERS_EXCEPT_WHITESPACE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const PEM_CERTIFICATE =
  /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;
const STATIC_KEY =
  /^-----BEGIN OpenVPN Static key V1-----\n(?:[0-9a-fA-F]{32}\n){16}-----END OpenVPN Static key V1-----\n$/;
const SHA256_FINGERPRINT = /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/;
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const UNKNOWN_PLACEHOLDER = /\{(?!(?:name|email|username)\})[^{}]*\}/;

/**
 * Adds an issue naming the code point when a value contains a bidirectional control character,
 * which would make it display in another order than it is stored (see printable.ts).
 */
const rejectBidiControls =
  (valueName: string) =>
  (value: string, context: z.core.$RefinementCtx<string>): void => {
    const found = findBidiControl(value);
    if (found === undefined) return;
    context.addIssue({
      code: 'custom',
      input: value,
      message: `expected ${valueName} without bidirectional control characters (found ${found.codePoint} at character ${found.index + 1})`,
    });
  };

/**
 * A single-line string without control characters, so it can never split a profile line, and
 * without bidirectional controls, so it displays as it is stored.
 */
export const lineText = (valueName: string, typeMessage?: string) =>
  z
    .string(typeMessage === undefined ? undefined : { message: typeMessage })
    .min(1, `expected ${valueName}, got an empty string`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), {
      message: `expected ${valueName} without line breaks or control characters`,
    })
    .superRefine(rejectBidiControls(valueName));

/**
 * Free text shown to people: line breaks and tabs are fine, terminal escape sequences and
 * bidirectional controls are not.
 */
const displayText = (valueName: string) =>
  z
    .string()
    .refine((value) => !CONTROL_CHARACTERS_EXCEPT_WHITESPACE.test(value), {
      message: `expected ${valueName} without control characters other than line breaks and tabs`,
    })
    .superRefine(rejectBidiControls(valueName));

/** A subject field that the user's {name}, {email} or {username} fill in when the CSR is built. */
const subjectTemplate = (valueName: string) =>
  lineText(valueName).refine((value) => !UNKNOWN_PLACEHOLDER.test(value), {
    message: 'expected only the placeholders {name}, {email} and {username}',
  });

const hostName = z
  .string()
  .refine((value) => isIP(value) !== 0 || HOSTNAME.test(value), {
    message: 'expected a host name such as vpn.example.org or an IP address such as 198.51.100.7',
  })
  .meta({ examples: ['fw1.vpn.example.org'] });

const ipv4Address = z.string().refine((value) => isIP(value) === 4, {
  message: 'expected an IPv4 address such as 192.168.100.2',
});

const ipAddress = z.string().refine((value) => isIP(value) !== 0, {
  message: 'expected an IP address such as 192.168.100.10',
});

const cidr = z
  .string()
  .refine(
    (value) => {
      const [address, prefix, ...rest] = value.split('/');
      if (rest.length > 0 || address === undefined || prefix === undefined) return false;
      if (!/^\d{1,3}$/.test(prefix)) return false;
      const family = isIP(address);
      const bits = Number(prefix);
      if (family === 4) return bits <= 32;
      if (family === 6) return bits <= 128;
      return false;
    },
    { message: 'expected a CIDR such as 192.168.100.0/24' },
  )
  .meta({ examples: ['192.168.100.0/24'] });

const port = z
  .number({ message: 'expected a port number between 1 and 65535' })
  .int('expected a whole port number')
  .min(1, 'expected a port number between 1 and 65535')
  .max(65535, 'expected a port number between 1 and 65535');

const pemCertificate = z.string().refine((value) => PEM_CERTIFICATE.test(value.trim() + '\n'), {
  message: 'expected one PEM certificate starting with -----BEGIN CERTIFICATE-----',
});

/** Drops the comment lines that `openvpn --genkey` writes and normalises line endings. */
function canonicalStaticKey(value: string): string {
  const lines = value
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return lines.join('\n') + '\n';
}

// The exact shape also guarantees that no line such as </tls-crypt> can end the inline block early.
const staticKey = z
  .string()
  .refine((value) => STATIC_KEY.test(canonicalStaticKey(value)), {
    message:
      'expected a 2048-bit OpenVPN static key: the -----BEGIN OpenVPN Static key V1----- line, 16 lines of 32 hex digits and the END line, as written by openvpn --genkey tls-crypt',
  })
  .overwrite(canonicalStaticKey);

const sha256Fingerprint = z.string().refine((value) => SHA256_FINGERPRINT.test(value), {
  message: 'expected a SHA-256 fingerprint: 64 hex digits, optionally in pairs separated by colons',
});

const identifier = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'expected a lowercase id of letters, digits and dashes such as vlan-440',
  );

const directive = z
  .array(lineText('a directive or argument', 'expected a string, so quote numbers as in "1400"'))
  .min(1, 'expected a directive name followed by its arguments, such as [tun-mtu, "1400"]')
  .superRefine((words, context) => {
    const name = words[0];
    if (name === undefined) return;

    const reason = rejectedDirectiveReason(name, words.slice(1));
    if (reason !== undefined) context.addIssue({ code: 'custom', path: [0], message: reason });
  });

export const supportSchema = z
  .object({
    email: z
      .email('expected an email address such as it@example.org')
      .optional()
      .describe('Email address of the help desk, shown when something fails.'),
    url: z
      .url({ protocol: /^https?$/, message: 'expected an http or https URL' })
      .superRefine(rejectBidiControls('a URL'))
      .optional()
      .describe('Web page with help for staff, shown when something fails.'),
    phone: lineText('a phone number').optional().describe('Help desk phone number.'),
  })
  .strict();

export const organisationInfoSchema = z
  .object({
    id: identifier.describe(
      'Stable id of the organisation, used to name its folder of keys and profiles. Lowercase letters, digits and dashes.',
    ),
    name: lineText('the organisation name').describe('Name shown to staff, such as Example Corp.'),
    support: supportSchema.optional().describe('How staff reach the help desk.'),
  })
  .strict();

export const caSchema = z
  .object({
    certificates: z
      .array(pemCertificate)
      .min(1, 'expected at least one pinned CA certificate')
      .describe(
        'PEM certificates of the CA that signs staff and server certificates. They are the only trust anchors for EST TLS and for the issued certificate.',
      ),
  })
  .strict();

export const estEnrollmentSchema = z
  .object({
    method: z.literal('est').describe('Sign CSRs with an EST server (RFC 7030, simpleenroll).'),
    url: z
      .url({
        protocol: /^https$/,
        message: 'expected an https URL such as https://ca.example.org/.well-known/est',
      })
      .refine((value) => !/^https:\/\/[^/?#]*@/i.test(value), {
        message:
          'expected a URL without a user name or password; put the user name in enrollment.username, and never a password in this file',
      })
      .superRefine(rejectBidiControls('a URL'))
      .describe('EST base URL; /cacerts and /simpleenroll are appended to it.')
      .meta({ examples: ['https://ca.example.org/.well-known/est'] }),
    caFingerprint: sha256Fingerprint.describe(
      'SHA-256 fingerprint of the CA certificate that the EST server must return from /cacerts.',
    ),
    username: lineText('a user name')
      .optional()
      .describe(
        'Default user name for HTTP Basic authentication to the EST server. Without it, the email address of the person enrolling is used.',
      ),
    timeoutSeconds: z
      .number()
      .positive()
      .max(600)
      .default(30)
      .describe('Seconds to wait for each EST request.'),
    instructions: displayText('instructions')
      .optional()
      .describe('Text shown to staff before enrolling, such as which password to use.'),
  })
  .strict();

export const manualEnrollmentSchema = z
  .object({
    method: z
      .literal('manual')
      .describe(
        'Staff export the CSR, an administrator signs it, and staff import the certificate.',
      ),
    instructions: displayText('instructions')
      .min(1, 'expected instructions on where to send the CSR and how the certificate comes back')
      .describe(
        'Text shown to staff with the exported CSR: where to send it, who signs it and how the certificate comes back.',
      ),
  })
  .strict();

export const enrollmentSchema = z
  .discriminatedUnion('method', [estEnrollmentSchema, manualEnrollmentSchema], {
    error: () => 'expected method "est" or "manual"',
  })
  .describe('How the CSR gets signed.');

export const keySchema = z
  .object({
    type: z
      .literal('rsa', { error: () => 'expected "rsa"' })
      .default('rsa')
      .describe('Key algorithm of the key pair generated on the device.'),
    bits: z
      .union([z.literal(2048), z.literal(3072), z.literal(4096)], {
        error: () => 'expected 2048, 3072 or 4096',
      })
      .default(3072)
      .describe('RSA modulus size in bits.'),
  })
  .strict();

/** Subject fields of the CSR; `{name}`, `{email}` and `{username}` are replaced with the user's values. */
export const subjectSchema = z
  .object({
    commonName: subjectTemplate('a common name template such as {email}')
      .default('{email}')
      .describe(
        'CN template. {name}, {email} and {username} are replaced with the values of the person enrolling.',
      ),
    organization: subjectTemplate('an organization name').optional().describe('O of the subject.'),
    organizationalUnit: subjectTemplate('an organizational unit')
      .optional()
      .describe('OU of the subject.'),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'expected a two-letter country code such as NL')
      .optional()
      .describe('C of the subject: a two-letter ISO 3166 country code.'),
    state: subjectTemplate('a state or province').optional().describe('ST of the subject.'),
    locality: subjectTemplate('a locality').optional().describe('L of the subject.'),
  })
  .strict();

export const endpointSchema = z
  .object({
    host: hostName.describe('Host name or IP address of the OpenVPN server.'),
    port: port.default(1194).describe('Server port.'),
    proto: z
      .enum(['udp', 'tcp'], { error: () => 'expected "udp" or "tcp"' })
      .default('udp')
      .describe('Transport protocol.'),
  })
  .strict();

export const vpnSchema = z
  .object({
    endpoints: z
      .array(endpointSchema)
      .min(1, 'expected at least one VPN endpoint')
      .describe('OpenVPN servers in failover order: the first is tried first.'),
    tlsCrypt: staticKey.describe(
      'tls-crypt key shared by the servers (openvpn --genkey tls-crypt). It encrypts and authenticates the TLS handshake.',
    ),
    serverName: lineText('the server certificate name checked with verify-x509-name').describe(
      'Name the server certificate must carry, checked with verify-x509-name.',
    ),
    serverNameType: z
      .enum(['name', 'name-prefix', 'subject'])
      .default('name')
      .describe(
        'How serverName is compared: the whole CN (name), a CN prefix, or the full subject.',
      ),
    extraDirectives: z
      .array(directive)
      .default([])
      .describe(
        'Extra OpenVPN client directives from the allowlist, one list per line: the name, then its arguments.',
      ),
  })
  .strict();

export const probeTargetSchema = z
  .object({
    host: ipAddress.describe(
      'IP address to probe. Host names are not accepted, so no DNS lookup leaks.',
    ),
    port: port
      .optional()
      .describe('TCP port to connect to, when a service on the host should be checked.'),
    name: lineText('a target name').optional().describe('Display name, such as File server.'),
  })
  .strict();

export const networkSchema = z
  .object({
    id: identifier.describe('Stable id of the network, referenced by via.'),
    name: lineText('the network display name').describe(
      'Name shown to staff, such as Office VLAN 440.',
    ),
    cidrs: z
      .array(cidr)
      .min(1, 'expected at least one CIDR')
      .describe('Address ranges of the network.'),
    gateway: ipv4Address.optional().describe('Gateway of the network, checked before its hosts.'),
    probes: z
      .array(probeTargetSchema)
      .default([])
      .describe('Hosts and ports that show whether the network is reachable.'),
    via: identifier
      .optional()
      .describe(
        'Id of the network this one is reached through, so a failure can be placed on the right leg.',
      ),
  })
  .strict();

export const organisationFileSchema = z
  .object({
    $schema: z
      .string()
      .optional()
      .describe('Path or URL of the JSON Schema, for editor completion.'),
    schemaVersion: z
      .literal(1, { error: () => 'expected 1' })
      .describe('Version of the organisation file format.'),
    organisation: organisationInfoSchema.describe('Who the VPN belongs to.'),
    ca: caSchema.describe('Pinned CA certificates.'),
    enrollment: enrollmentSchema,
    key: keySchema
      .default({ type: 'rsa', bits: 3072 })
      .describe('Key pair generated on the device. The private key never leaves it.'),
    subject: subjectSchema.default({ commonName: '{email}' }).describe('Subject of the CSR.'),
    vpn: vpnSchema.describe('OpenVPN servers and settings.'),
    networks: z
      .array(networkSchema)
      .default([])
      .describe('Networks behind the VPN, shown with live reachability.'),
  })
  .strict()
  .superRefine((file, context) => {
    checkNetworkIds(file.networks, context);
    checkNetworkRoutes(file.networks, context);
  });

type NetworkInput = { id: string; via?: string | undefined };
type RefinementContext = z.core.$RefinementCtx;

function checkNetworkIds(networks: NetworkInput[], context: RefinementContext): void {
  const firstIndex = new Map<string, number>();
  networks.forEach((network, index) => {
    const earlier = firstIndex.get(network.id);
    if (earlier === undefined) {
      firstIndex.set(network.id, index);
      return;
    }
    context.addIssue({
      code: 'custom',
      path: ['networks', index, 'id'],
      message: `expected a unique id, but networks[${earlier}] has the same id "${network.id}"`,
    });
  });
}

function checkNetworkRoutes(networks: NetworkInput[], context: RefinementContext): void {
  const byId = new Map(networks.map((network) => [network.id, network]));
  const ids = [...byId.keys()].join(', ');

  networks.forEach((network, index) => {
    if (network.via === undefined) return;
    const path = ['networks', index, 'via'];

    if (network.via === network.id) {
      context.addIssue({
        code: 'custom',
        path,
        message: 'expected another network, not the network itself',
      });
      return;
    }
    if (!byId.has(network.via)) {
      context.addIssue({
        code: 'custom',
        path,
        message: `expected the id of a network in this file (${ids})`,
      });
      return;
    }

    const chain = [network.id];
    let next: NetworkInput | undefined = byId.get(network.via);
    while (next !== undefined) {
      if (chain.includes(next.id)) {
        context.addIssue({
          code: 'custom',
          path,
          message: `expected a chain of via that ends, but it loops: ${[...chain, next.id].join(' → ')}`,
        });
        return;
      }
      chain.push(next.id);
      next = next.via === undefined ? undefined : byId.get(next.via);
    }
  });
}

export type OrganisationFile = z.output<typeof organisationFileSchema>;
export type EstEnrollment = z.output<typeof estEnrollmentSchema>;
export type ManualEnrollment = z.output<typeof manualEnrollmentSchema>;
export type VpnSettings = z.output<typeof vpnSchema>;
export type VpnEndpoint = z.output<typeof endpointSchema>;
export type NetworkDefinition = z.output<typeof networkSchema>;
export type SubjectTemplate = z.output<typeof subjectSchema>;
export type KeySettings = z.output<typeof keySchema>;
