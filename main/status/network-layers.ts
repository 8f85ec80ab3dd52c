import type { LayerView } from '../contract/status-state.ts';
import { formatLatency } from '../reach/judgement.ts';
import { answered, type Layer, type ProbeRound, type ProbeSample } from '../reach/reachability.ts';

export const LAYER_LABELS: Record<Layer, string> = {
  tunnel: 'Tunnel',
  'vpn-gateway': 'VPN gateway',
  gateway: 'Gateway',
  host: 'Hosts',
  service: 'Services',
};

interface NetworkInput {
  id: string;
  gateway?: string | undefined;
}

/**
 * Describes each layer of the path to one network in one round: the tunnel, the VPN gateway,
 * the network's gateway, its hosts and their service ports. Pure, like the judgement it sits
 * beside, and it counts a host as up the same way: an echo reply or any TCP response.
 */
export function layersOf(network: NetworkInput, round: ProbeRound): LayerView[] {
  const samples = round.samples.filter((sample) => sample.networkId === network.id);

  return [
    tunnelLayer(round),
    vpnGatewayLayer(round),
    gatewayLayer(network, samples),
    hostLayer(samples),
    serviceLayer(samples),
  ];
}

function tunnelLayer(round: ProbeRound): LayerView {
  return {
    layer: 'tunnel',
    label: LAYER_LABELS.tunnel,
    status: round.tunnel.up ? 'up' : 'down',
    detail: asSentence(round.tunnel.detail),
  };
}

function vpnGatewayLayer(round: ProbeRound): LayerView {
  const sample = round.vpnGateway;
  if (sample === undefined) {
    return {
      layer: 'vpn-gateway',
      label: LAYER_LABELS['vpn-gateway'],
      status: 'unknown',
      detail: round.tunnel.up
        ? 'Not checked: no route goes through a VPN gateway.'
        : 'Not checked while the VPN is down.',
    };
  }
  return echoLayer('vpn-gateway', sample, `The VPN gateway ${sample.address}`);
}

function gatewayLayer(network: NetworkInput, samples: ProbeSample[]): LayerView {
  const sample = samples.find((candidate) => candidate.layer === 'gateway');
  if (network.gateway === undefined || sample === undefined) {
    return {
      layer: 'gateway',
      label: LAYER_LABELS.gateway,
      status: 'unknown',
      detail: 'Not checked: the organisation file names no gateway for this network.',
    };
  }
  return echoLayer('gateway', sample, `The gateway ${sample.address}`);
}

/** Describes a layer with one echo target, such as a gateway. */
function echoLayer(layer: Layer, sample: ProbeSample, subject: string): LayerView {
  const base = { layer, label: LAYER_LABELS[layer] };
  const outcome = sample.outcome;
  switch (outcome.status) {
    case 'up':
      return {
        ...base,
        status: 'up',
        latencyMs: outcome.latencyMs,
        detail: `${subject} replies in ${formatLatency(outcome.latencyMs)}.`,
      };
    case 'closed':
      return { ...base, status: 'up', detail: `${subject} replies.` };
    case 'down':
      return { ...base, status: 'down', detail: `${subject} does not reply: ${outcome.reason}.` };
    case 'no-route':
      return {
        ...base,
        status: 'no-route',
        detail: `${subject} was not probed: ${outcome.reason}.`,
      };
  }
}

function hostLayer(samples: ProbeSample[]): LayerView {
  const base = { layer: 'host' as const, label: LAYER_LABELS.host };
  const hosts = samples.filter((sample) => sample.layer === 'host');
  if (hosts.length === 0) {
    return {
      ...base,
      status: 'unknown',
      detail: 'Not checked: the organisation file names no hosts for this network.',
    };
  }
  const unrouted = noRouteLayer(base, hosts);
  if (unrouted !== undefined) return unrouted;

  const services = samples.filter((sample) => sample.layer === 'service');
  const isAlive = (host: ProbeSample) =>
    answered(host.outcome) ||
    services.some((service) => service.address === host.address && answered(service.outcome));
  const dead = hosts.filter((host) => !isAlive(host));
  const latencyMs = lowestLatency(hosts);
  const withLatency = latencyMs === undefined ? {} : { latencyMs };

  if (dead.length === 0) {
    const [only] = hosts;
    const detail =
      hosts.length === 1 && only !== undefined
        ? `${hostLabel(only)} replies.`
        : `All ${hosts.length} hosts reply.`;
    return { ...base, ...withLatency, status: 'up', detail };
  }

  const names = dead.map(hostLabel).join(', ');
  const verb = dead.length === 1 ? 'does' : 'do';
  const others =
    dead.length === hosts.length
      ? ''
      : ` ${hosts.length - dead.length} of ${hosts.length} hosts reply.`;
  return {
    ...base,
    ...withLatency,
    status: 'down',
    detail: `${names} ${verb} not reply.${others}`,
  };
}

function serviceLayer(samples: ProbeSample[]): LayerView {
  const base = { layer: 'service' as const, label: LAYER_LABELS.service };
  const services = samples.filter((sample) => sample.layer === 'service');
  if (services.length === 0) {
    return {
      ...base,
      status: 'unknown',
      detail: 'Not checked: the organisation file names no service ports for this network.',
    };
  }
  const unrouted = noRouteLayer(base, services);
  if (unrouted !== undefined) return unrouted;

  const failed = services.filter((sample) => sample.outcome.status !== 'up');
  const refused = failed.filter((sample) => sample.outcome.status === 'closed').length;
  const ports = { total: services.length, refused };
  const latencyMs = lowestLatency(services);
  const withLatency = latencyMs === undefined ? {} : { latencyMs };

  if (failed.length === 0) {
    const [only] = services;
    const detail =
      services.length === 1 && only !== undefined
        ? `${serviceLabel(only)} accepts connections.`
        : `All ${services.length} ports accept connections.`;
    return { ...base, ...withLatency, ports, status: 'up', detail };
  }

  const refusedOnly = refused === failed.length;
  const detail = `${failed.map(serviceFailure).join('; ')}.`;
  return { ...base, ...withLatency, ports, status: refusedOnly ? 'closed' : 'down', detail };
}

/** Returns a no-route layer when no target of the layer was routed, so none was probed. */
function noRouteLayer(
  base: Pick<LayerView, 'layer' | 'label'>,
  samples: ProbeSample[],
): LayerView | undefined {
  const reasons = samples.flatMap((sample) =>
    sample.outcome.status === 'no-route' ? [sample.outcome.reason] : [],
  );
  if (reasons.length < samples.length) return undefined;
  return { ...base, status: 'no-route', detail: `Not probed: ${reasons[0]}.` };
}

function lowestLatency(samples: ProbeSample[]): number | undefined {
  const latencies = samples.flatMap((sample) =>
    sample.outcome.status === 'up' ? [sample.outcome.latencyMs] : [],
  );
  return latencies.length === 0 ? undefined : Math.min(...latencies);
}

function hostLabel(sample: ProbeSample): string {
  return sample.name === undefined ? sample.address : `${sample.name} (${sample.address})`;
}

function serviceLabel(sample: ProbeSample): string {
  const target = `${sample.address}:${sample.port ?? ''}`;
  return sample.name === undefined ? target : `${sample.name} ${target}`;
}

function serviceFailure(sample: ProbeSample): string {
  const outcome = sample.outcome;
  switch (outcome.status) {
    case 'closed':
      return `${serviceLabel(sample)} refuses connections`;
    case 'down':
      return `${serviceLabel(sample)} does not respond (${outcome.reason})`;
    case 'no-route':
      return `${serviceLabel(sample)} was not probed (${outcome.reason})`;
    case 'up':
      return `${serviceLabel(sample)} accepts connections`;
  }
}

/** Ends `text` with a full stop unless it already ends with punctuation. */
function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
