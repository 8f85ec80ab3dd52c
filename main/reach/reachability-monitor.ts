import type { ConnectionState } from '../connect/connection-state.ts';
import type { ProbeOutcome, ProbeRound, ReachabilitySummary } from './reachability.ts';

/** One probe result kept in a target's history. */
export interface HistorySample {
  at: string;
  outcome: ProbeOutcome;
}

export interface MonitorOptions {
  /** Runs one round of probes; the monitor never runs two at once. */
  probe: () => Promise<ProbeRound>;
  /** Turns a round into the summary that listeners get. */
  judge: (round: ProbeRound) => ReachabilitySummary;
  /** Milliseconds between rounds while the tunnel is up; default 10 000. */
  intervalMs?: number;
  /** Milliseconds between rounds while the tunnel is down; default 60 000. */
  disconnectedIntervalMs?: number;
  /** Fraction of the interval added or removed at random, so clients do not probe in step; default 0.1. */
  jitter?: number;
  /** Samples kept per target; default 60. */
  historySize?: number;
  random?: () => number;
  /** Called with the error when a round fails; the next round runs on schedule. */
  onError?: (error: Error) => void;
}

export const DEFAULT_INTERVAL_MS = 10_000;
export const DEFAULT_DISCONNECTED_INTERVAL_MS = 60_000;
const DEFAULT_JITTER = 0.1;
const DEFAULT_HISTORY_SIZE = 60;

/**
 * Runs probe rounds on a schedule: every `intervalMs` (with jitter) while the tunnel is up, less
 * often while it is down, and at once when asked or when the connection comes up or changes.
 * Listeners hear of a summary only when a network's status or explanation changed.
 */
export class ReachabilityMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReachabilitySummary> | undefined;
  private rerun = false;
  private started = false;
  private latest: ReachabilitySummary | undefined;
  private latestFingerprint = '';
  private tunnelUp = false;
  private readonly histories = new Map<string, HistorySample[]>();
  private readonly changeListeners = new Set<(summary: ReachabilitySummary) => void>();
  private readonly roundListeners = new Set<(round: ProbeRound) => void>();

  constructor(private readonly options: MonitorOptions) {}

  /** Starts the schedule with an immediate round. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.probeNow().catch(() => undefined);
  }

  stop(): void {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Runs a round now and resolves with its summary. A request during a round runs one more
   * round right after it, so a change that happened mid-round is seen.
   */
  probeNow(): Promise<ReachabilitySummary> {
    if (this.running !== undefined) {
      this.rerun = true;
      return this.running;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.runRound().finally(() => {
      this.running = undefined;
      if (this.rerun) {
        this.rerun = false;
        void this.probeNow().catch(() => undefined);
      } else {
        this.schedule();
      }
    });
    return this.running;
  }

  /** Probes at once after connect, reconnect, failover, a failed tunnel check or disconnect. */
  connectionChanged(state: ConnectionState): void {
    if (!this.started) return;
    if (
      state.status === 'connected' ||
      state.status === 'degraded' ||
      state.status === 'disconnected' ||
      state.status === 'error'
    ) {
      void this.probeNow().catch(() => undefined);
    }
  }

  /** Returns the summary of the last round, if any ran. */
  summary(): ReachabilitySummary | undefined {
    return this.latest;
  }

  /** Returns the samples kept for one target, oldest first. */
  history(key: string): readonly HistorySample[] {
    return this.histories.get(key) ?? [];
  }

  /** Subscribes to summaries that differ from the one before; returns the unsubscribe. */
  onChange(listener: (summary: ReachabilitySummary) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Subscribes to every round, changed or not; returns the unsubscribe. */
  onRound(listener: (round: ProbeRound) => void): () => void {
    this.roundListeners.add(listener);
    return () => this.roundListeners.delete(listener);
  }

  private async runRound(): Promise<ReachabilitySummary> {
    let round: ProbeRound;
    try {
      round = await this.options.probe();
    } catch (error) {
      this.options.onError?.(error as Error);
      throw error;
    }

    this.tunnelUp = round.tunnel.up;
    this.record(round);
    for (const listener of this.roundListeners) listener(round);

    const summary = this.options.judge(round);
    this.latest = summary;
    const fingerprint = fingerprintOf(summary);
    if (fingerprint !== this.latestFingerprint) {
      this.latestFingerprint = fingerprint;
      for (const listener of this.changeListeners) listener(summary);
    }
    return summary;
  }

  private record(round: ProbeRound): void {
    const limit = this.options.historySize ?? DEFAULT_HISTORY_SIZE;
    const samples =
      round.vpnGateway === undefined ? round.samples : [round.vpnGateway, ...round.samples];
    for (const sample of samples) {
      const history = this.histories.get(sample.key) ?? [];
      history.push({ at: round.startedAt, outcome: sample.outcome });
      if (history.length > limit) history.splice(0, history.length - limit);
      this.histories.set(sample.key, history);
    }
  }

  private schedule(): void {
    if (!this.started) return;
    const base = this.tunnelUp
      ? (this.options.intervalMs ?? DEFAULT_INTERVAL_MS)
      : (this.options.disconnectedIntervalMs ?? DEFAULT_DISCONNECTED_INTERVAL_MS);
    const jitter = this.options.jitter ?? DEFAULT_JITTER;
    const random = this.options.random ?? Math.random;
    const delay = Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
    this.timer = setTimeout(() => void this.probeNow().catch(() => undefined), delay);
  }
}

/** Reduces a summary to what listeners count as a change, so a latency move alone is none. */
function fingerprintOf(summary: ReachabilitySummary): string {
  return JSON.stringify({
    tunnel: summary.tunnel.up,
    networks: summary.networks.map((network) => [
      network.networkId,
      network.status,
      network.brokenLeg ?? '',
      network.status === 'reachable' ? '' : network.explanation,
    ]),
  });
}
