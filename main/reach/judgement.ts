import type { NetworkDefinition } from '../org/schema.ts';
import {
  answered,
  isUsable,
  type NetworkVerdict,
  type ProbeRound,
  type ProbeSample,
  type ReachabilitySummary,
} from './reachability.ts';

type NetworkInput = Pick<NetworkDefinition, 'id' | 'name' | 'gateway' | 'via'>;

/**
 * Judges every network from one round of probes, in layers: the route, the network's gateway,
 * its hosts and their services. A network reached through another is judged with that one, so a
 * failure is placed on the leg that broke. Pure: no I/O, no clock.
 */
export function judgeRound(networks: NetworkInput[], round: ProbeRound): ReachabilitySummary {
  const own = new Map(networks.map((network) => [network.id, judgeOwnLayers(network, round)]));
  const byId = new Map(networks.map((network) => [network.id, network]));
  const final = new Map<string, NetworkVerdict>();

  const resolve = (network: NetworkInput, seen: Set<string>): NetworkVerdict => {
    const done = final.get(network.id);
    if (done !== undefined) return done;

    const verdict = own.get(network.id) as NetworkVerdict;
    const parent = network.via === undefined ? undefined : byId.get(network.via);
    let result = verdict;
    if (verdict.status === 'unreachable') {
      // The schema rejects via loops, so `seen` only guards against an unvalidated file.
      const parentVerdict =
        parent === undefined || seen.has(parent.id)
          ? undefined
          : resolve(parent, new Set([...seen, network.id]));
      result = placeFailure(network, verdict, parentVerdict, round);
    }
    final.set(network.id, result);
    return result;
  };

  return {
    tunnel: round.tunnel,
    networks: networks.map((network) => resolve(network, new Set())),
    checkedAt: round.startedAt,
  };
}

/** Judges a network from its own probes only, before its dependency is considered. */
export function judgeOwnLayers(network: NetworkInput, round: ProbeRound): NetworkVerdict {
  const base = { networkId: network.id, name: network.name };
  const samples = round.samples.filter((sample) => sample.networkId === network.id);
  if (samples.length === 0) {
    return {
      ...base,
      status: 'unknown',
      explanation: `${network.name} has no gateway or probe targets to check.`,
    };
  }

  const routed = samples.filter((sample) => sample.outcome.status !== 'no-route');
  if (routed.length === 0) {
    const first = samples[0]?.outcome;
    const reason = first?.status === 'no-route' ? first.reason : 'no route through the VPN';
    const why = round.tunnel.up ? reason : 'no route through the VPN, because the VPN is down';
    return {
      ...base,
      status: 'no-route',
      brokenLeg: 'tunnel',
      explanation: `${network.name}: ${why}.`,
    };
  }

  const gateway = samples.find((sample) => sample.layer === 'gateway');
  const services = samples.filter((sample) => sample.layer === 'service');
  const hostAddresses = [
    ...new Set(
      samples
        .filter((sample) => sample.layer === 'host' || sample.layer === 'service')
        .map((sample) => sample.address),
    ),
  ];
  // A host counts as alive when it replies to an echo request or to any TCP connect, even with a
  // reset, because many hosts filter ICMP.
  const alive = hostAddresses.filter((address) =>
    samples.some(
      (sample) =>
        sample.address === address && sample.layer !== 'gateway' && answered(sample.outcome),
    ),
  );
  const dead = hostAddresses.filter((address) => !alive.includes(address));
  const failedServices = services.filter((sample) => sample.outcome.status !== 'up');
  const latencyMs = lowestLatency(samples);
  const withLatency = latencyMs === undefined ? {} : { latencyMs };
  const gatewayAnswers = gateway !== undefined && answered(gateway.outcome);
  // Each probe that was sent records the route it took, so a network whose probes all went to a
  // directly connected interface, like an office LAN, is described as reached without the VPN,
  // whether the tunnel is up or not.
  const direct = routed.every((sample) => sample.path === 'direct' || sample.path === 'local');
  const degradedPrefix = direct
    ? `${network.name} is degraded (reached directly, not through the VPN)`
    : `${network.name} is degraded`;

  if (hostAddresses.length === 0) {
    return gatewayAnswers
      ? {
          ...base,
          ...withLatency,
          status: 'reachable',
          explanation: reachableSentence(network.name, latencyMs, direct),
        }
      : {
          ...base,
          status: 'unreachable',
          brokenLeg: 'gateway',
          explanation: `${network.name} is unreachable: its gateway ${network.gateway ?? ''} does not reply.`,
        };
  }

  if (alive.length === 0) {
    if (gateway !== undefined && !gatewayAnswers) {
      return {
        ...base,
        status: 'unreachable',
        brokenLeg: 'gateway',
        explanation: `${network.name} is unreachable: its gateway ${gateway.address} does not reply.`,
      };
    }
    const explanation = gatewayAnswers
      ? `${network.name} is unreachable: its gateway ${gateway?.address ?? ''} replies, but no host behind it does.`
      : `${network.name} is unreachable: no host replies (${dead.map((address) => label(samples, address)).join(', ')}).`;
    return { ...base, status: 'unreachable', brokenLeg: 'host', explanation };
  }

  if (dead.length > 0) {
    const names = dead.map((address) => label(samples, address)).join(', ');
    return {
      ...base,
      ...withLatency,
      status: 'degraded',
      brokenLeg: 'host',
      explanation: `${degradedPrefix}: ${names} ${dead.length === 1 ? 'does' : 'do'} not reply.`,
    };
  }

  if (failedServices.length > 0) {
    const names = failedServices.map(serviceFailure).join(', ');
    return {
      ...base,
      ...withLatency,
      status: 'degraded',
      brokenLeg: 'service',
      explanation: `${degradedPrefix}: ${names}.`,
    };
  }

  return {
    ...base,
    ...withLatency,
    status: 'reachable',
    explanation: reachableSentence(network.name, latencyMs, direct),
  };
}

/** Places an unreachable network's failure, using the network it is reached through. */
function placeFailure(
  network: NetworkInput,
  verdict: NetworkVerdict,
  parent: NetworkVerdict | undefined,
  round: ProbeRound,
): NetworkVerdict {
  if (parent !== undefined && isUsable(parent.status)) {
    // A gateway that replies while its hosts do not puts the break behind it, not on the link.
    if (verdict.brokenLeg === 'host' && network.gateway !== undefined) {
      return {
        ...verdict,
        explanation: `${network.name} is unreachable while ${parent.name} is fine: its gateway ${network.gateway} replies, but no host behind it does.`,
      };
    }
    const gatewayNote =
      verdict.brokenLeg === 'gateway' && network.gateway !== undefined
        ? ` (its gateway ${network.gateway} does not reply)`
        : '';
    return {
      ...verdict,
      brokenLeg: 'link',
      explanation: `${network.name} is unreachable while ${parent.name} is fine: the link from ${parent.name} to ${network.name} is down${gatewayNote}.`,
    };
  }

  if (parent !== undefined) {
    return {
      ...verdict,
      brokenLeg: 'via',
      explanation: `${network.name} is unreachable because ${parent.name}, which it is reached through, is ${parent.status === 'no-route' ? 'not routed through the VPN' : 'unreachable'}.`,
    };
  }

  const vpnGateway = round.vpnGateway;
  if (vpnGateway !== undefined && vpnGateway.outcome.status === 'down') {
    return {
      ...verdict,
      brokenLeg: 'vpn-gateway',
      explanation: `${network.name} is unreachable, and the VPN gateway ${vpnGateway.address} does not reply either, so the VPN server passes no traffic.`,
    };
  }
  return verdict;
}

function reachableSentence(name: string, latencyMs: number | undefined, direct: boolean): string {
  const reachable = direct
    ? `${name} is reachable directly, not through the VPN`
    : `${name} is reachable`;
  return latencyMs === undefined ? `${reachable}.` : `${reachable} (${formatLatency(latencyMs)}).`;
}

function lowestLatency(samples: ProbeSample[]): number | undefined {
  const latencies = samples.flatMap((sample) =>
    sample.outcome.status === 'up' ? [sample.outcome.latencyMs] : [],
  );
  return latencies.length === 0 ? undefined : Math.min(...latencies);
}

function label(samples: ProbeSample[], address: string): string {
  const name = samples.find((sample) => sample.address === address && sample.name)?.name;
  return name === undefined ? address : `${name} (${address})`;
}

function serviceFailure(sample: ProbeSample): string {
  const target = `${sample.name === undefined ? '' : `${sample.name} `}${sample.address}:${sample.port ?? ''}`;
  if (sample.outcome.status === 'closed') return `${target} refuses connections`;
  const reason = sample.outcome.status === 'down' ? ` (${sample.outcome.reason})` : '';
  return `${target} does not respond${reason}`;
}

/** Formats a latency for people: two significant digits below 10 ms, whole milliseconds above. */
export function formatLatency(latencyMs: number): string {
  if (latencyMs >= 10) return `${Math.round(latencyMs)} ms`;
  return `${Number(latencyMs.toPrecision(2))} ms`;
}
