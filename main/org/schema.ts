import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The organisation file: a declarative description of one organisation's VPN, how staff
 * certificates are signed, and the networks behind it. Every string that can end up in a
 * profile, a certificate subject or a log is checked for control characters here, before
 * any other layer sees it.
 */

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const PEM_CERTIFICATE =
  /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;
const SHA256_FINGERPRINT = /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/;
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A single-line string without control characters, so it can never split a profile line. */
export const lineText = (what: string) =>
  z
    .string()
    .min(1, `expected ${what}, got an empty string`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), {
      message: `expected ${what} without line breaks or control characters`,
    });

const hostName = z.string().refine((value) => isIP(value) !== 0 || HOSTNAME.test(value), {
  message: 'expected a host name such as vpn.example.org or an IP address such as 198.51.100.7',
});

const ipv4Address = z.string().refine((value) => isIP(value) === 4, {
  message: 'expected an IPv4 address such as 192.168.100.2',
});

const ipAddress = z.string().refine((value) => isIP(value) !== 0, {
  message: 'expected an IP address such as 192.168.100.10',
});

const cidr = z.string().refine(
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
);

const port = z
  .number({ message: 'expected a port number between 1 and 65535' })
  .int('expected a whole port number')
  .min(1, 'expected a port number between 1 and 65535')
  .max(65535, 'expected a port number between 1 and 65535');

const pemCertificate = z.string().refine((value) => PEM_CERTIFICATE.test(value.trim() + '\n'), {
  message: 'expected one PEM certificate starting with -----BEGIN CERTIFICATE-----',
});

const sha256Fingerprint = z.string().refine((value) => SHA256_FINGERPRINT.test(value), {
  message: 'expected a SHA-256 fingerprint: 64 hex digits, optionally in pairs separated by colons',
});

const identifier = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'expected a lowercase id of letters, digits and dashes such as vlan-440',
  );

export const supportSchema = z
  .object({
    email: z.email('expected an email address such as it@example.org').optional(),
    url: z.url({ protocol: /^https?$/, message: 'expected an http or https URL' }).optional(),
    phone: lineText('a phone number').optional(),
  })
  .strict();

export const organisationInfoSchema = z
  .object({
    id: identifier,
    name: lineText('the organisation name'),
    support: supportSchema.optional(),
  })
  .strict();

export const caSchema = z
  .object({
    certificates: z.array(pemCertificate).min(1, 'expected at least one pinned CA certificate'),
  })
  .strict();

export const estEnrollmentSchema = z
  .object({
    method: z.literal('est'),
    url: z.url({
      protocol: /^https$/,
      message: 'expected an https URL such as https://ca.example.org/.well-known/est',
    }),
    caFingerprint: sha256Fingerprint,
    username: lineText('a user name').optional(),
    timeoutSeconds: z.number().positive().max(600).default(30),
    instructions: z.string().optional(),
  })
  .strict();

export const manualEnrollmentSchema = z
  .object({
    method: z.literal('manual'),
    instructions: z.string().min(1, 'expected instructions for the person who signs the request'),
  })
  .strict();

export const enrollmentSchema = z.discriminatedUnion(
  'method',
  [estEnrollmentSchema, manualEnrollmentSchema],
  {
    error: () => 'expected method "est" or "manual"',
  },
);

export const keySchema = z
  .object({
    type: z.literal('rsa', { error: () => 'expected "rsa"' }).default('rsa'),
    bits: z
      .union([z.literal(2048), z.literal(3072), z.literal(4096)], {
        error: () => 'expected 2048, 3072 or 4096',
      })
      .default(3072),
  })
  .strict();

/** Subject fields of the CSR; `{name}`, `{email}` and `{username}` are replaced with the user's values. */
export const subjectSchema = z
  .object({
    commonName: lineText('a common name template such as {email}').default('{email}'),
    organization: lineText('an organization name').optional(),
    organizationalUnit: lineText('an organizational unit').optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'expected a two-letter country code such as NL')
      .optional(),
    state: lineText('a state or province').optional(),
    locality: lineText('a locality').optional(),
  })
  .strict();

export const endpointSchema = z
  .object({
    host: hostName,
    port: port.default(1194),
    proto: z.enum(['udp', 'tcp'], { error: () => 'expected "udp" or "tcp"' }).default('udp'),
  })
  .strict();

export const vpnSchema = z
  .object({
    endpoints: z.array(endpointSchema).min(1, 'expected at least one VPN endpoint'),
    tlsCrypt: z
      .string()
      .refine((value) => value.includes('-----BEGIN OpenVPN Static key V1-----'), {
        message: 'expected an OpenVPN static key (openvpn --genkey tls-crypt)',
      }),
    serverName: lineText('the server certificate name checked with verify-x509-name'),
    serverNameType: z.enum(['name', 'name-prefix', 'subject']).default('name'),
    extraDirectives: z.array(z.array(lineText('a directive or argument')).min(1)).default([]),
  })
  .strict();

export const probeTargetSchema = z
  .object({
    host: ipAddress,
    port: port.optional(),
    name: lineText('a target name').optional(),
  })
  .strict();

export const networkSchema = z
  .object({
    id: identifier,
    name: lineText('the network display name'),
    cidrs: z.array(cidr).min(1, 'expected at least one CIDR'),
    gateway: ipv4Address.optional(),
    probes: z.array(probeTargetSchema).default([]),
    via: identifier.optional(),
  })
  .strict();

export const organisationFileSchema = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1, { error: () => 'expected 1' }),
    organisation: organisationInfoSchema,
    ca: caSchema,
    enrollment: enrollmentSchema,
    key: keySchema.default({ type: 'rsa', bits: 3072 }),
    subject: subjectSchema.default({ commonName: '{email}' }),
    vpn: vpnSchema,
    networks: z.array(networkSchema).default([]),
  })
  .strict()
  .superRefine((file, context) => {
    const ids = new Set(file.networks.map((network) => network.id));
    file.networks.forEach((network, index) => {
      if (network.via !== undefined && !ids.has(network.via)) {
        context.addIssue({
          code: 'custom',
          path: ['networks', index, 'via'],
          message: `expected the id of another network, got "${network.via}"; known ids: ${[...ids].join(', ')}`,
        });
      }
      if (network.via === network.id) {
        context.addIssue({
          code: 'custom',
          path: ['networks', index, 'via'],
          message: 'expected another network, not the network itself',
        });
      }
    });
  });

export type OrganisationFile = z.output<typeof organisationFileSchema>;
export type EstEnrollment = z.output<typeof estEnrollmentSchema>;
export type ManualEnrollment = z.output<typeof manualEnrollmentSchema>;
export type VpnSettings = z.output<typeof vpnSchema>;
export type VpnEndpoint = z.output<typeof endpointSchema>;
export type NetworkDefinition = z.output<typeof networkSchema>;
export type SubjectTemplate = z.output<typeof subjectSchema>;
export type KeySettings = z.output<typeof keySchema>;
