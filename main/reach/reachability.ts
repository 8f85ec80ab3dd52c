/** Layers of the path to a network, from this machine outwards. */
export const LAYERS = ['tunnel', 'vpn-gateway', 'gateway', 'host', 'service'] as const;

export type Layer = (typeof LAYERS)[number];

/**
 * The outcome of one probe. `closed` is a TCP reset: the host answered, the service did not.
 * `no-route` means the route check refused the address, so nothing was sent.
 */
export type ProbeOutcome =
  | { status: 'up'; latencyMs: number }
  | { status: 'closed'; latencyMs: number }
  | { status: 'down'; reason: string }
  | { status: 'no-route'; reason: string };

/** One probe of one target in one round. */
export interface ProbeSample {
  /** Stable id of the target across rounds, e.g. "office-vlan/service/192.168.100.10:445". */
  key: string;
  layer: Layer;
  /** The network the target belongs to; absent for the tunnel and the VPN gateway. */
  networkId?: string;
  address: string;
  port?: number;
  name?: string;
  /**
   * The route the probe was sent on: through this app's tunnel, to a directly connected
   * interface, or to this machine. Absent when nothing was sent.
   */
  path?: RoutePath;
  outcome: ProbeOutcome;
}

export type RoutePath = 'tunnel' | 'direct' | 'local';

/**
 * Whether this app's tunnel is up, as the connection driver or the process record reports, and
 * what identifies it, so a route through another VPN's device is not taken for it.
 */
export interface TunnelStatus {
  up: boolean;
  detail: string;
  /** The tunnel's local address, e.g. "192.168.102.7", when the driver reports it. */
  address?: string;
  /** The tunnel's interface name (tun0, utun3) or Windows interface alias, when known. */
  device?: string;
}

/** Everything one round of probes found. */
export interface ProbeRound {
  startedAt: string;
  durationMs: number;
  tunnel: TunnelStatus;
  /** The tunnel-side address of the VPN server, when the tunnel routes through one. */
  vpnGateway?: ProbeSample;
  samples: ProbeSample[];
}

export type NetworkStatus = 'reachable' | 'degraded' | 'unreachable' | 'no-route' | 'unknown';

/** Each network status in the words the tray menu and the CLI print. */
export const NETWORK_STATUS_WORDS: Record<NetworkStatus, string> = {
  reachable: 'reachable',
  degraded: 'degraded',
  unreachable: 'unreachable',
  'no-route': 'no route through the VPN',
  unknown: 'not checked',
};

/**
 * Where the path to a network breaks: a layer, `link` for the leg between the network it is
 * reached through and itself, or `via` when the network it is reached through is down too.
 */
export type BrokenLeg = Layer | 'link' | 'via';

/** The judgement on one network in one round. */
export interface NetworkVerdict {
  networkId: string;
  name: string;
  status: NetworkStatus;
  brokenLeg?: BrokenLeg;
  /** The lowest latency of the network's gateway or hosts that answered, in milliseconds. */
  latencyMs?: number;
  /** One sentence for people, e.g. "Azure VNet is unreachable while Office VLAN is fine: ...". */
  explanation: string;
}

/** What the tray, the status window and `probe` show. */
export interface ReachabilitySummary {
  tunnel: TunnelStatus;
  networks: NetworkVerdict[];
  checkedAt: string;
}

/** Tells whether a status counts as fine for the networks reached through it. */
export function isUsable(status: NetworkStatus): boolean {
  return status === 'reachable' || status === 'degraded';
}

/** Tells whether a probe got an answer from the host, even a TCP reset. */
export function answered(outcome: ProbeOutcome): boolean {
  return outcome.status === 'up' || outcome.status === 'closed';
}
