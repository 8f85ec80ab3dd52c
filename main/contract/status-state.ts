import { z } from 'zod';

import { connectionStateSchema } from '../connect/connection-state.ts';
import { LAYERS, type BrokenLeg, type NetworkStatus } from '../reach/reachability.ts';

/** The maximum number of latency points a network card carries. */
export const MAX_LATENCY_POINTS = 60;

const NETWORK_STATUSES = [
  'reachable',
  'degraded',
  'unreachable',
  'no-route',
  'unknown',
] as const satisfies readonly NetworkStatus[];

const BROKEN_LEGS = [...LAYERS, 'link', 'via'] as const satisfies readonly BrokenLeg[];

/**
 * The state of one layer on the path to a network. `closed` means a service port refused the
 * connection, so its host responded; `unknown` means the layer was not checked.
 */
export const LAYER_STATUSES = ['up', 'closed', 'down', 'no-route', 'unknown'] as const;

export const layerViewSchema = z.object({
  layer: z.enum(LAYERS),
  label: z.string(),
  status: z.enum(LAYER_STATUSES),
  /** The lowest latency among the layer's targets that responded, in milliseconds. */
  latencyMs: z.number().nonnegative().optional(),
  /** One sentence for people, such as "2 of 2 hosts reply." */
  detail: z.string(),
  /** For the services layer: how many ports were probed and how many refused the connection. */
  ports: z
    .object({ total: z.number().int().positive(), refused: z.number().int().nonnegative() })
    .optional(),
});

/** One round's latency of a network; null when none of its targets responded. */
export const latencyPointSchema = z.object({
  at: z.iso.datetime(),
  latencyMs: z.number().nonnegative().nullable(),
});

export const networkStatusViewSchema = z.object({
  networkId: z.string(),
  name: z.string(),
  status: z.enum(NETWORK_STATUSES),
  brokenLeg: z.enum(BROKEN_LEGS).optional(),
  latencyMs: z.number().nonnegative().optional(),
  explanation: z.string(),
  /** When the status or the broken leg last changed, or when the network was first checked. */
  changedAt: z.iso.datetime(),
  /**
   * False while the network keeps the status and broken leg of its first check since the status
   * service started, so `changedAt` is that check's time rather than a change.
   */
  statusChanged: z.boolean(),
  /** The display name of the network this one is reached through. */
  viaName: z.string().optional(),
  /** Tunnel, VPN gateway, gateway, hosts and services, in that order. */
  layers: z.array(layerViewSchema),
  history: z.array(latencyPointSchema).max(MAX_LATENCY_POINTS),
});

export const reachabilityViewSchema = z.object({
  checkedAt: z.iso.datetime(),
  tunnel: z.object({ up: z.boolean(), detail: z.string() }),
  networks: z.array(networkStatusViewSchema),
});

export const certificateExpirySchema = z.object({
  subject: z.string(),
  notAfter: z.iso.datetime(),
  /** Whole days until notAfter; 0 on the last day and negative once it has expired. */
  daysLeft: z.number().int(),
});

/**
 * Everything the status window renders. Main owns it, and the window replaces its copy with
 * each `status.state` event, keeping the one with the highest revision.
 */
export const statusSnapshotSchema = z.object({
  revision: z.number().int().nonnegative(),
  organisation: z.object({ id: z.string(), name: z.string() }),
  connectionState: connectionStateSchema,
  /** Bytes through the tunnel since it came up; absent while it is not connected. */
  traffic: z
    .object({ bytesIn: z.number().int().nonnegative(), bytesOut: z.number().int().nonnegative() })
    .optional(),
  /** The installed certificate; absent before the first one is installed. */
  certificate: certificateExpirySchema.optional(),
  /** The latest round of probes; absent until the first round has finished. */
  reachability: reachabilityViewSchema.optional(),
  /** True while a round of probes runs. */
  probing: z.boolean(),
});

export type StatusSnapshot = z.infer<typeof statusSnapshotSchema>;
export type ReachabilityView = z.infer<typeof reachabilityViewSchema>;
export type NetworkStatusView = z.infer<typeof networkStatusViewSchema>;
export type LayerView = z.infer<typeof layerViewSchema>;
export type LayerStatus = LayerView['status'];
export type LatencyPoint = z.infer<typeof latencyPointSchema>;
export type CertificateExpiry = z.infer<typeof certificateExpirySchema>;
export type Traffic = NonNullable<StatusSnapshot['traffic']>;
