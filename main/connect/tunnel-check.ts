import type { ByteCount } from './driver.ts';
import {
  probeThroughTunnel,
  type ProbeTarget,
  type TunnelProbeOptions,
  type TunnelProbeResult,
} from './tunnel-probe.ts';

/** The verdict on a tunnel that openvpn reports as connected. */
export interface TunnelCheck {
  /** True when a probe target accepted a connection and the byte counters moved. */
  healthy: boolean;
  bytesInMoved: boolean;
  probes: TunnelProbeResult[];
  durationMs: number;
}

export interface TunnelCheckOptions extends TunnelProbeOptions {
  targets: ProbeTarget[];
  /** Resolves with the next byte counters openvpn reports, or undefined when none come. */
  nextByteCount(): Promise<ByteCount | undefined>;
}

/**
 * Checks that a connected tunnel passes traffic: probes the targets one after another until one
 * accepts a connection, and compares the byte counters reported before and after. openvpn
 * reports counters about once a second, so a check takes one to two seconds plus the probes.
 */
export async function checkTunnel(options: TunnelCheckOptions): Promise<TunnelCheck> {
  const started = performance.now();
  const before = await options.nextByteCount();

  const probes: TunnelProbeResult[] = [];
  for (const target of options.targets) {
    const result = await probeThroughTunnel(target, options);
    probes.push(result);
    if (result.answered) break;
  }

  const after = await options.nextByteCount();
  const bytesInMoved =
    before !== undefined && after !== undefined && after.bytesIn > before.bytesIn;

  return {
    healthy: bytesInMoved && probes.some((probe) => probe.answered),
    bytesInMoved,
    probes,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Describes why a check failed in one sentence, for the degraded state and the log. */
export function describeFailedCheck(check: TunnelCheck): string {
  if (check.probes.some((probe) => probe.answered)) {
    return "A probe target answered, but openvpn's byte counters did not move.";
  }

  const [first, ...others] = check.probes;
  if (first === undefined) return 'No probe target was checked.';

  const target = `${first.target.host}:${first.target.port}`;
  const plural = others.length === 1 ? '' : 's';
  const also = others.length === 0 ? '' : `, nor did ${others.length} more probe target${plural}`;
  return `${target} did not answer through the tunnel (${first.message})${also}.`;
}
