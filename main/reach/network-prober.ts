import type { NetworkDefinition } from '../org/schema.ts';
import { FpingProcess } from './fping-process.ts';
import { findIcmpTool } from './icmp-probe.ts';
import { judgeRound } from './judgement.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, runProbeRound } from './prober.ts';
import type { ProbeRound, ReachabilitySummary, TunnelStatus } from './reachability.ts';
import { RouteLookupProcess } from './route-lookup-process.ts';

export interface NetworkProberOptions {
  networks: NetworkDefinition[];
  /** Returns whether the tunnel is up; called at the start of every round. */
  tunnelStatus: () => TunnelStatus | Promise<TunnelStatus>;
  /** Milliseconds each echo request or TCP connect waits for a reply; default 2 000. */
  timeoutMs?: number;
  /**
   * Keeps one ip process and, with fping, one xargs helper running between rounds, so repeated
   * rounds start no process from Node. `close` ends them.
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
  const fping =
    options.keepHelpers === true && icmpTool?.kind === 'fping'
      ? new FpingProcess(icmpTool.path)
      : undefined;

  // A helper used after close would start a new process that nothing ends, so a round still
  // running at close fails instead.
  let closed = false;
  const whileOpen = <Value>(run: () => Promise<Value>): Promise<Value> =>
    closed ? Promise.reject(new Error('The prober was closed during a round.')) : run();

  return {
    probe: async () =>
      runProbeRound({
        networks: options.networks,
        tunnel: await options.tunnelStatus(),
        timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        routeSource:
          routeLookups === undefined
            ? undefined
            : (addresses) => whileOpen(() => routeLookups.source(addresses)),
        icmpTool: icmpTool ?? null,
        pinger:
          fping === undefined
            ? undefined
            : (addresses, timeoutMs) => whileOpen(() => fping.ping(addresses, timeoutMs)),
      }),
    judge: (round) => judgeRound(options.networks, round),
    close() {
      closed = true;
      routeLookups?.close();
      fping?.close();
    },
  };
}
