import { z } from 'zod';

import { connectionStateSchema } from '../connect/connection-state.ts';

/** The wizard's steps, in the order the user goes through them. */
export const WIZARD_STEPS = [
  'welcome',
  'identity',
  'request',
  'signing',
  'certificate',
  'install',
  'connect',
  'done',
] as const;

export type WizardStep = (typeof WIZARD_STEPS)[number];

export const wizardStepSchema = z.enum(WIZARD_STEPS);

export const identitySchema = z.object({
  name: z.string().max(200),
  email: z.string().max(320),
});

/** One line of the key and request progress list. */
export const progressItemSchema = z.object({
  step: z.enum(['key', 'csr', 'cacerts', 'submit', 'verify', 'install']),
  status: z.enum(['running', 'done']),
  detail: z.string(),
});

export const certificateSummarySchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  sha256Fingerprint: z.string(),
  chain: z.array(z.string()),
  warnings: z.array(z.string()),
});

const errorFieldSchema = z.enum(['name', 'email', 'username', 'password', 'certificate']);

/** An error shown in place on the step it belongs to, with the field it concerns if any. */
export const wizardErrorSchema = z.object({
  step: wizardStepSchema,
  field: errorFieldSchema.optional(),
  message: z.string(),
  /** Every field's error when several fail at once; `field` and `message` repeat the first. */
  fieldErrors: z.array(z.object({ field: errorFieldSchema, message: z.string() })).optional(),
});

/** Whether this host can start the tunnel, and why not when it cannot. */
export const connectionSupportSchema = z.discriminatedUnion('available', [
  z.object({ available: z.literal(true) }),
  z.object({ available: z.literal(false), reason: z.string() }),
]);

/** The outcome of one probe of the tunnel check, in the words the connect step shows. */
export const tunnelProbeViewSchema = z.object({
  host: z.string(),
  port: z.number().int().min(0).max(65_535),
  /** The display name of the network the target belongs to, when the organisation file names one. */
  network: z.string().optional(),
  outcome: z.enum(['reached', 'no-route', 'failed']),
  message: z.string(),
});

/**
 * The latest check that a connected tunnel passes traffic. Probing stops at the first target
 * that accepts a connection, so `probes` may list fewer targets than the organisation has.
 */
export const tunnelCheckViewSchema = z.object({
  healthy: z.boolean(),
  bytesInMoved: z.boolean(),
  probes: z.array(tunnelProbeViewSchema),
  checkedAt: z.iso.datetime(),
});

export const organisationViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  supportEmail: z.string().optional(),
  method: z.enum(['est', 'manual']),
  estUrl: z.string().optional(),
  estUsername: z.string().optional(),
  instructions: z.string().optional(),
  keyDescription: z.string(),
  networks: z.array(z.string()),
});

/**
 * Everything the wizard renders. Main owns it: the renderer starts from one snapshot and then
 * replaces it with each `wizard.state` event, so a reload or a second window never diverges.
 */
export const wizardSnapshotSchema = z.object({
  /** Increases with every change, so a client keeps the newest state whatever order messages arrive in. */
  revision: z.number().int().nonnegative(),
  host: z.enum(['electron', 'browser']),
  step: wizardStepSchema,
  organisation: organisationViewSchema,
  identity: identitySchema,
  /** True once a request with this identity is with the CA, so the identity can no longer change. */
  identityLocked: z.boolean(),
  activity: z.enum(['idle', 'generating', 'submitting', 'waiting', 'importing']),
  progress: z.array(progressItemSchema),
  request: z
    .object({ csrPem: z.string(), csrFingerprint: z.string(), csrFileName: z.string() })
    .optional(),
  pending: z.object({ retryAt: z.iso.datetime(), canPoll: z.boolean() }).optional(),
  certificate: certificateSummarySchema.optional(),
  profilePath: z.string().optional(),
  connection: connectionSupportSchema,
  /** The tunnel's state; stays disconnected when this host cannot connect. */
  connectionState: connectionStateSchema,
  /** The latest tunnel check, cleared when a new connect starts. */
  tunnelCheck: tunnelCheckViewSchema.optional(),
  error: wizardErrorSchema.optional(),
});

export type WizardSnapshot = z.infer<typeof wizardSnapshotSchema>;
export type WizardError = z.infer<typeof wizardErrorSchema>;
export type ProgressItem = z.infer<typeof progressItemSchema>;
export type OrganisationView = z.infer<typeof organisationViewSchema>;
export type ConnectionSupport = z.infer<typeof connectionSupportSchema>;
export type TunnelCheckView = z.infer<typeof tunnelCheckViewSchema>;
export type TunnelProbeView = z.infer<typeof tunnelProbeViewSchema>;
