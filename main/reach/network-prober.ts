import type { NetworkDefinition } from '../org/schema.ts';
import { FpingProcess } from './fping-process.ts';
import { findIcmpTool } from './icmp-probe.ts';
import { judgeRound } from './judgement.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, runProbeRound } from './prober.ts';
import type { ProbeRound, ReachabilitySummary, TunnelStatus } from './reachability.ts';
import { RouteCache } from './route-cache.ts';
import { RouteLookupProcess } from './route-lookup-process.ts';
import type { RouteSource } from './route-lookup.ts';

export interface NetworkProberOptions {
  networks: NetworkDefinition[];
  /** Returns whether the tunnel is up; called at the start of every round. */
  tunnelStatus: () => TunnelStatus | Promise<TunnelStatus>;
  /** Milliseconds each echo request or TCP connect waits for a reply; default 2 000. */
  timeoutMs?: number;
  /**
   * Keeps one ip process and, with fping, one xargs helper running between rounds, so repeated
   * rounds start no process from Node. On Linux an `ip monitor` also runs, so a round reuses the
   * previous round's routes until a route, link or address changes. `close` ends them.
   */
  keepHelpers?: boolean;
}

/** The probe and judge functions a `ReachabilityMonitor` runs for one organisation's networks. */
export interface NetworkProber {
  probe(): Promise<ProbeRound>;
  judge(round: ProbeRound): ReachabilitySummary;
  /** Ends the helper processes, if any. With helpers, a round after this fails. */
  close(): void;
}

/**
 * Builds the prober for an organisation's networks, with fping (or ping) found on PATH. The
 * `probe` command, the status window and the tray share it, so they judge the same way.
 */
export function createNetworkProber(options: NetworkProberOptions): NetworkProber {
  const icmpTool = findIcmpTool();
  const routeLookups = options.keepHelpers === true ? new RouteLookupProcess() : undefined;
  const routeCache =
    routeLookups !== undefined && process.platform === 'linux'
      ? new RouteCache({ lookup: routeLookups.source })
      : undefined;
  const fping =
    options.keepHelpers === true && icmpTool?.kind === 'fping'
      ? new FpingProcess(icmpTool.path)
      : undefined;

  // A helper used after close would start a new process that nothing ends, so a round still
  // running at close fails instead.
  let closed = false;
  const whileOpen = <Value>(run: () => Promise<Value>): Promise<Value> =>
    closed ? Promise.reject(new Error('The prober was closed during a round.')) : run();

  const routeSourceFor = (tunnel: TunnelStatus): RouteSource | undefined => {
    if (routeCache !== undefined) {
      return (addresses) => whileOpen(() => routeCache.lookup(addresses, tunnel));
    }
    if (routeLookups !== undefined) {
      return (addresses) => whileOpen(() => routeLookups.source(addresses));
    }
    return undefined;
  };

  return {
    probe: async () => {
      const tunnel = await options.tunnelStatus();
      return runProbeRound({
        networks: options.networks,
        tunnel,
        timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        routeSource: routeSourceFor(tunnel),
        icmpTool: icmpTool ?? null,
        pinger:
          fping === undefined
            ? undefined
            : (addresses, timeoutMs) => whileOpen(() => fping.ping(addresses, timeoutMs)),
      });
    },
    judge: (round) => judgeRound(options.networks, round),
    close() {
      closed = true;
      routeCache?.close();
      routeLookups?.close();
      fping?.close();
    },
  };
}
