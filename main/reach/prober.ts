import type { ConnectionState } from '../connect/connection-state.ts';
import { describeState } from '../connect/connection-state.ts';
import type { NetworkDefinition } from '../org/schema.ts';
import { mapWithLimit } from './concurrency.ts';
import { findIcmpTool, pingHosts, type IcmpResult, type IcmpTool } from './icmp-probe.ts';
import type { Layer, ProbeOutcome, ProbeRound, ProbeSample, TunnelStatus } from './reachability.ts';
import {
  lookupRoutes,
  runCommand,
  type CommandRunner,
  type RouteDecision,
  type RouteRules,
  type RouteSource,
} from './route-lookup.ts';
import { probeTcp, type TcpProbeResult } from './tcp-probe.ts';
import { withTunnelDevice, type InterfaceList } from './tunnel-identity.ts';

/** One target to probe in every round. */
export interface PlannedProbe {
  key: string;
  layer: Extract<Layer, 'gateway' | 'host' | 'service'>;
  networkId: string;
  address: string;
  port?: number;
  name?: string;
}

type NetworkInput = Pick<NetworkDefinition, 'id' | 'gateway' | 'probes'>;

export interface ProbeRoundOptions {
  networks: NetworkInput[];
  tunnel: TunnelStatus;
  /** Milliseconds each echo request or TCP connect waits for a reply; default 2 000. */
  timeoutMs?: number;
  /** TCP connects (and ping processes, without fping) running at once; default 16. */
  concurrency?: number;
  routeRules?: RouteRules;
  /** Source of kernel routes; by default one `ip -j -batch -` process per round. */
  routeSource?: RouteSource;
  /** fping or ping; found on PATH when omitted, and null when neither is installed. */
  icmpTool?: IcmpTool | null;
  run?: CommandRunner;
  /** Sends the echo requests of a round, such as `FpingProcess.ping`; by default `pingHosts`. */
  pinger?: (addresses: string[], timeoutMs: number) => Promise<Map<string, IcmpResult>>;
  tcp?: (host: string, port: number, timeoutMs: number) => Promise<TcpProbeResult>;
  platform?: NodeJS.Platform;
  /** The machine's interfaces, to find the tunnel's device from its address; `os.networkInterfaces` by default. */
  interfaces?: InterfaceList;
  now?: () => Date;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 2_000;
export const DEFAULT_CONCURRENCY = 16;

/**
 * Lists the probes for every network: its gateway, each probe host (ICMP echo) and each probe
 * port (TCP connect).
 */
export function planProbes(networks: NetworkInput[]): PlannedProbe[] {
  return networks.flatMap((network) => {
    const planned: PlannedProbe[] = [];
    if (network.gateway !== undefined) {
      planned.push({
        key: `${network.id}/gateway/${network.gateway}`,
        layer: 'gateway',
        networkId: network.id,
        address: network.gateway,
      });
    }

    const hosts = new Map<string, string | undefined>();
    for (const probe of network.probes) {
      if (!hosts.has(probe.host) || hosts.get(probe.host) === undefined) {
        hosts.set(probe.host, probe.name);
      }
    }
    for (const [address, name] of hosts) {
      planned.push({
        key: `${network.id}/host/${address}`,
        layer: 'host',
        networkId: network.id,
        address,
        ...(name === undefined ? {} : { name }),
      });
    }

    for (const probe of network.probes) {
      if (probe.port === undefined) continue;
      planned.push({
        key: `${network.id}/service/${probe.host}:${probe.port}`,
        layer: 'service',
        networkId: network.id,
        address: probe.host,
        port: probe.port,
        ...(probe.name === undefined ? {} : { name: probe.name }),
      });
    }
    return planned;
  });
}

/**
 * Converts the driver's state into the tunnel layer of a round. A degraded tunnel counts as up,
 * because its device and routes exist, so the round can show which networks still respond.
 */
export function tunnelStatusOf(state: ConnectionState): TunnelStatus {
  if (state.status === 'connected' || state.status === 'degraded') {
    return { up: true, detail: describeState(state), address: state.tunnelAddress };
  }
  return { up: false, detail: describeState(state) };
}

/**
 * Runs one round: looks up the route of every target, probes only those the route rule allows
 * (the others get `no-route` and nothing is sent), and the VPN gateway when this app's tunnel
 * routes through one. Only routes through this app's tunnel count as the tunnel, identified by
 * its device or, failing that, by its address. Echo requests and TCP connects run in parallel, bounded by `concurrency`.
 */
export async function runProbeRound(options: ProbeRoundOptions): Promise<ProbeRound> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const started = performance.now();
  const run = options.run ?? runCommand;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const tcp = options.tcp ?? probeTcp;
  const icmpTool = options.icmpTool === undefined ? findIcmpTool() : options.icmpTool;

  const planned = planProbes(options.networks);
  const tunnel = withTunnelDevice(options.tunnel, options.interfaces);
  const routes = await lookupRoutes(
    planned.map((probe) => probe.address),
    {
      run,
      rules: { ...options.routeRules, tunnel },
      platform: options.platform,
      source: options.routeSource,
    },
  );
  const allowed = (address: string) => routes.get(address)?.allowed === true;
  const vpnGatewayAddress = findVpnGateway(routes);

  const echoAddresses = planned
    .filter((probe) => probe.layer !== 'service' && allowed(probe.address))
    .map((probe) => probe.address);
  if (vpnGatewayAddress !== undefined) echoAddresses.push(vpnGatewayAddress);
  const services = planned.filter((probe) => probe.layer === 'service' && allowed(probe.address));

  const [echoes, connects] = await Promise.all([
    sendEchoRequests(echoAddresses, timeoutMs, icmpTool, run, concurrency, options.pinger),
    mapWithLimit(services, concurrency, async (probe) => {
      const result = await tcp(probe.address, probe.port ?? 0, timeoutMs);
      return [probe.key, result] as const;
    }),
  ]);
  const connectResults = new Map(connects);
  const missingTool = icmpTool === null || icmpTool === undefined;

  const samples: ProbeSample[] = planned.map((probe) => {
    const decision = routes.get(probe.address);
    if (decision === undefined || !decision.allowed) {
      const reason = decision?.reason ?? 'no route through the VPN';
      return { ...probe, outcome: { status: 'no-route', reason } };
    }

    const outcome =
      probe.layer === 'service'
        ? tcpOutcome(connectResults.get(probe.key))
        : icmpOutcome(echoes.get(probe.address), missingTool);
    return { ...probe, path: decision.path, outcome };
  });

  const round: ProbeRound = {
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    tunnel: options.tunnel,
    samples,
  };
  if (vpnGatewayAddress !== undefined) {
    round.vpnGateway = {
      key: `vpn-gateway/${vpnGatewayAddress}`,
      layer: 'vpn-gateway',
      address: vpnGatewayAddress,
      path: 'tunnel',
      outcome: icmpOutcome(echoes.get(vpnGatewayAddress), missingTool),
    };
  }
  return round;
}

function sendEchoRequests(
  addresses: string[],
  timeoutMs: number,
  icmpTool: IcmpTool | null | undefined,
  run: CommandRunner,
  concurrency: number,
  pinger: ProbeRoundOptions['pinger'],
): Promise<Map<string, IcmpResult>> {
  if (icmpTool === null || icmpTool === undefined) {
    return Promise.resolve(new Map<string, IcmpResult>());
  }
  if (pinger !== undefined) return pinger(addresses, timeoutMs);
  return pingHosts(addresses, timeoutMs, icmpTool, run, concurrency);
}

/** Returns the next hop of the tunnel routes, which is the VPN server's tunnel-side address. */
function findVpnGateway(routes: Map<string, RouteDecision>): string | undefined {
  for (const decision of routes.values()) {
    if (decision.allowed && decision.path === 'tunnel' && decision.gateway !== undefined) {
      return decision.gateway;
    }
  }
  return undefined;
}

function icmpOutcome(result: IcmpResult | undefined, missingTool: boolean): ProbeOutcome {
  if (missingTool) {
    return { status: 'down', reason: 'neither fping nor ping is installed; install fping' };
  }
  if (result === undefined) return { status: 'down', reason: 'no echo reply' };
  if (result.ok) return { status: 'up', latencyMs: result.latencyMs };
  return { status: 'down', reason: result.message };
}

/** Converts one TCP connect into a probe outcome. A reset is `closed`, because the host replied. */
export function tcpOutcome(result: TcpProbeResult | undefined): ProbeOutcome {
  if (result === undefined) return { status: 'down', reason: 'not probed' };
  if (result.ok) return { status: 'up', latencyMs: result.latencyMs };
  if (result.reason === 'refused') return { status: 'closed', latencyMs: result.latencyMs };
  if (result.reason === 'unreachable') {
    return { status: 'down', reason: `a router reported it unreachable (${result.message})` };
  }
  return { status: 'down', reason: result.message };
}
