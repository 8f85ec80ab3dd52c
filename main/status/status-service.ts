import { DISCONNECTED, type ConnectionState } from '../connect/connection-state.ts';
import type { ConnectionDriver } from '../connect/driver.ts';
import {
  MAX_LATENCY_POINTS,
  type NetworkStatusView,
  type StatusSnapshot,
  type Traffic,
} from '../contract/status-state.ts';
import type { Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { createNetworkProber, type NetworkProber } from '../reach/network-prober.ts';
import { planProbes, tunnelStatusOf } from '../reach/prober.ts';
import type {
  NetworkVerdict,
  ProbeRound,
  ReachabilitySummary,
  TunnelStatus,
} from '../reach/reachability.ts';
import { ReachabilityMonitor } from '../reach/reachability-monitor.ts';
import {
  certificateExpiry,
  readInstalledCertificate,
  type InstalledCertificate,
} from './certificate-expiry.ts';
import { latencyHistory } from './latency-history.ts';
import { layersOf } from './network-layers.ts';

/** How often the status window's probes run; the hosts pass these through. */
export interface StatusTuning {
  /** Milliseconds between rounds while the tunnel is up; default 10 000. */
  intervalMs?: number;
  /** Milliseconds between rounds while the tunnel is down; default 60 000. */
  disconnectedIntervalMs?: number;
  /** Milliseconds each echo request or TCP connect waits for a reply; default 2 000. */
  timeoutMs?: number;
  /** Rounds of latency kept per network, at most 60; default 60. */
  historySize?: number;
}

export interface StatusServiceOptions extends StatusTuning {
  organisation: Pick<OrganisationFile, 'organisation' | 'networks'>;
  dataDir: string;
  /** The driver the wizard uses too; absent when this host cannot connect. */
  driver?: ConnectionDriver;
  log: Logger;
  /** Builds the prober from the tunnel's status; by default the real one, with helpers kept. */
  createProber?: (tunnelStatus: () => TunnelStatus) => NetworkProber;
  /** Milliseconds between pushes caused by byte counters alone; default 1 000. */
  trafficIntervalMs?: number;
  /** Fraction of the interval added or removed at random; default 0.1. */
  jitter?: number;
  now?: () => Date;
}

/** The status window's state and actions, shared by the Electron and browser hosts. */
export interface StatusService {
  snapshot(): StatusSnapshot;
  /** Subscribes to state changes; returns the unsubscribe function. */
  subscribe(listener: (snapshot: StatusSnapshot) => void): () => void;
  /** Runs a round of probes now and resolves once its result is in the snapshot. */
  probeNow(): Promise<void>;
  /** Returns the judgement of the latest round, for the tray; undefined before the first. */
  summary(): ReachabilitySummary | undefined;
  /** Reads the installed certificate again, after the wizard installed a new one. */
  refreshCertificate(): Promise<void>;
  /** Stops probing and following the driver; the tunnel stays as it is. */
  close(): void;
}

const DEFAULT_TRAFFIC_INTERVAL_MS = 1_000;

/**
 * Creates the status service: it follows the connection driver, runs the reachability monitor
 * (a round right after every connect, reconnect, failover or disconnect) and reads the
 * certificate's expiry. Without a driver the monitor still runs, with the tunnel down.
 */
export async function createStatusService(options: StatusServiceOptions): Promise<StatusService> {
  const { organisation, driver } = options;
  const organisationId = organisation.organisation.id;
  const log = options.log.child('status');
  const now = options.now ?? (() => new Date());
  const trafficIntervalMs = options.trafficIntervalMs ?? DEFAULT_TRAFFIC_INTERVAL_MS;
  const historyLimit = Math.min(options.historySize ?? MAX_LATENCY_POINTS, MAX_LATENCY_POINTS);
  const listeners = new Set<(snapshot: StatusSnapshot) => void>();
  const networksById = new Map(organisation.networks.map((network) => [network.id, network]));
  const keysByNetwork = probeKeysByNetwork(organisation.networks);
  const changes = new Map<string, StatusChange>();

  let installed: InstalledCertificate | undefined;
  let latestSummary: ReachabilitySummary | undefined;
  let lastPushAt = Number.NEGATIVE_INFINITY;
  let trafficTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let state: StatusSnapshot = {
    revision: 0,
    organisation: { id: organisationId, name: organisation.organisation.name },
    connectionState: DISCONNECTED,
    probing: false,
  };

  const push = () => {
    clearTimeout(trafficTimer);
    trafficTimer = undefined;
    lastPushAt = Date.now();
    for (const listener of listeners) listener(state);
  };

  const update = (patch: Partial<StatusSnapshot>) => {
    state = { ...state, ...patch, revision: state.revision + 1 };
    push();
  };

  // Drivers report counters about once a second. A push for counters alone waits until a second
  // after the previous push, and any other change sends the latest counters along at once.
  const updateTraffic = (traffic: Traffic) => {
    state = { ...state, traffic, revision: state.revision + 1 };
    if (trafficTimer !== undefined) return;

    const wait = lastPushAt + trafficIntervalMs - Date.now();
    if (wait <= 0) {
      push();
      return;
    }
    trafficTimer = setTimeout(push, wait);
  };

  const currentExpiry = () =>
    installed === undefined ? undefined : certificateExpiry(installed, now());

  const readCertificate = async () => {
    try {
      installed = await readInstalledCertificate(options.dataDir, organisationId);
    } catch (error) {
      installed = undefined;
      log.warn('Failed to read the installed certificate', {
        org: organisationId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  const refreshCertificate = async () => {
    const before = JSON.stringify(installed);
    await readCertificate();
    if (closed || JSON.stringify(installed) === before) return;
    update({ certificate: currentExpiry() });
  };

  const prober = (options.createProber ?? defaultProber(options))(() =>
    tunnelStatusOf(state.connectionState),
  );

  const monitor = new ReachabilityMonitor({
    probe: async () => {
      if (!state.probing) update({ probing: true });
      try {
        return await prober.probe();
      } catch (error) {
        update({ probing: false });
        throw error;
      }
    },
    judge: (round) => prober.judge(round),
    intervalMs: options.intervalMs,
    disconnectedIntervalMs: options.disconnectedIntervalMs,
    jitter: options.jitter,
    historySize: historyLimit,
    onError: (error) => {
      if (!closed) log.warn('Probe round failed', { org: organisationId, error: error.message });
    },
  });

  const networkView = (verdict: NetworkVerdict, round: ProbeRound): NetworkStatusView => {
    const fingerprint = `${verdict.status}/${verdict.brokenLeg ?? ''}`;
    const previous = changes.get(verdict.networkId);
    const change = nextChange(previous, fingerprint, round.startedAt);
    changes.set(verdict.networkId, change);

    const network = networksById.get(verdict.networkId);
    const via = network?.via === undefined ? undefined : networksById.get(network.via);
    const keys = keysByNetwork.get(verdict.networkId) ?? [];
    return {
      ...verdict,
      changedAt: change.changedAt,
      statusChanged: change.statusChanged,
      ...(via === undefined ? {} : { viaName: via.name }),
      layers: layersOf(network ?? { id: verdict.networkId }, round),
      history: latencyHistory(keys, (key) => monitor.history(key), historyLimit),
    };
  };

  // The monitor calls this for every round, so latencies and history move even when no
  // status changes. It stores its own judgement only after calling this, so the round is judged
  // again here, which is pure and cheap.
  const showRound = (round: ProbeRound) => {
    const summary = prober.judge(round);
    latestSummary = summary;
    update({
      probing: false,
      certificate: currentExpiry(),
      reachability: {
        checkedAt: summary.checkedAt,
        tunnel: summary.tunnel,
        networks: summary.networks.map((verdict) => networkView(verdict, round)),
      },
    });
  };

  const followState = (connectionState: ConnectionState) => {
    // Counters belong to one tunnel, so they go when it is stopped or started afresh.
    const tunnelExists = 'endpoint' in connectionState;
    update({ connectionState, traffic: tunnelExists ? state.traffic : undefined });
    monitor.connectionChanged(connectionState);
    if (connectionState.status === 'connected') void refreshCertificate();
  };

  await readCertificate();
  // Read after the await, so no state change falls between the read and the subscription.
  state = {
    ...state,
    connectionState: driver?.state() ?? DISCONNECTED,
    certificate: currentExpiry(),
  };

  const unsubscribeRound = monitor.onRound(showRound);
  const unsubscribeState = driver?.onState(followState);
  const unsubscribeBytes = driver?.onBytes((count) => {
    if (!('endpoint' in state.connectionState)) return;
    updateTraffic({
      bytesIn: Math.max(0, Math.round(count.bytesIn)),
      bytesOut: Math.max(0, Math.round(count.bytesOut)),
    });
  });
  monitor.start();
  log.info('Started the status service', {
    org: organisationId,
    driver: driver?.name ?? 'none',
    networks: organisation.networks.length,
  });

  return {
    snapshot: () => state,

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async probeNow() {
      await Promise.all([refreshCertificate(), monitor.probeNow()]);
    },

    summary: () => latestSummary,

    refreshCertificate,

    close() {
      if (closed) return;
      closed = true;
      monitor.stop();
      unsubscribeRound();
      unsubscribeState?.();
      unsubscribeBytes?.();
      prober.close();
      clearTimeout(trafficTimer);
      listeners.clear();
      log.info('Stopped the status service', { org: organisationId });
    },
  };
}

/** The status and broken leg a network last showed, and when that began. */
interface StatusChange {
  fingerprint: string;
  changedAt: string;
  /** False until the fingerprint differs from the network's first check. */
  statusChanged: boolean;
}

/** Keeps `previous` while the fingerprint is unchanged, and starts a change at `at` otherwise. */
function nextChange(
  previous: StatusChange | undefined,
  fingerprint: string,
  at: string,
): StatusChange {
  if (previous === undefined) return { fingerprint, changedAt: at, statusChanged: false };
  if (previous.fingerprint === fingerprint) return previous;
  return { fingerprint, changedAt: at, statusChanged: true };
}

function defaultProber(
  options: StatusServiceOptions,
): (tunnelStatus: () => TunnelStatus) => NetworkProber {
  return (tunnelStatus) =>
    createNetworkProber({
      networks: options.organisation.networks,
      tunnelStatus,
      timeoutMs: options.timeoutMs,
      keepHelpers: true,
    });
}

function probeKeysByNetwork(
  networks: StatusServiceOptions['organisation']['networks'],
): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const probe of planProbes(networks)) {
    keys.set(probe.networkId, [...(keys.get(probe.networkId) ?? []), probe.key]);
  }
  return keys;
}
