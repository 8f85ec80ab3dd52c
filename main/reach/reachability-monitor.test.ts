import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { judgeRound } from './judgement.ts';
import { ReachabilityMonitor, type MonitorOptions } from './reachability-monitor.ts';
import type { ProbeOutcome, ProbeRound, ReachabilitySummary } from './reachability.ts';

const NETWORKS = [{ id: 'office-vlan', name: 'Office VLAN' }];

/** A fake network whose host answers or not, with a latency that changes every round. */
function fakeNetwork() {
  const state = { hostUp: true, tunnelUp: true, rounds: 0 };
  const probe = (): Promise<ProbeRound> => {
    state.rounds += 1;
    const outcome: ProbeOutcome = state.hostUp
      ? { status: 'up', latencyMs: state.rounds }
      : { status: 'down', reason: 'no echo reply' };
    return Promise.resolve({
      startedAt: new Date().toISOString(),
      durationMs: 1,
      tunnel: { up: state.tunnelUp, detail: state.tunnelUp ? 'Connected' : 'Disconnected' },
      samples: [
        {
          key: 'office-vlan/host/192.168.100.10',
          layer: 'host',
          networkId: 'office-vlan',
          address: '192.168.100.10',
          outcome,
        },
      ],
    });
  };
  return { state, probe };
}

function newMonitor(probe: () => Promise<ProbeRound>, options: Partial<MonitorOptions> = {}) {
  return new ReachabilityMonitor({
    probe,
    judge: (round) => judgeRound(NETWORKS, round),
    intervalMs: 10_000,
    disconnectedIntervalMs: 60_000,
    jitter: 0.1,
    random: () => 0.5,
    ...options,
  });
}

describe('reachability monitor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs a round at once when started', async () => {
    const network = fakeNetwork();
    const monitor = newMonitor(network.probe);

    monitor.start();
    await vi.advanceTimersByTimeAsync(0);

    expect(network.state.rounds).toBe(1);
    monitor.stop();
  });

  it('runs a round every interval while the tunnel is up', async () => {
    const network = fakeNetwork();
    const monitor = newMonitor(network.probe);

    monitor.start();
    await vi.advanceTimersByTimeAsync(30_000);

    expect(network.state.rounds).toBe(4);
    monitor.stop();
  });

  it('probes less often while the tunnel is down', async () => {
    const network = fakeNetwork();
    network.state.tunnelUp = false;
    const monitor = newMonitor(network.probe);

    monitor.start();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(network.state.rounds).toBe(1);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(network.state.rounds).toBe(2);
    monitor.stop();
  });

  it('spreads rounds by the jitter', async () => {
    const network = fakeNetwork();
    const monitor = newMonitor(network.probe, { random: () => 0 });

    monitor.start();
    await vi.advanceTimersByTimeAsync(8_999);
    expect(network.state.rounds).toBe(1);

    await vi.advanceTimersByTimeAsync(1);
    expect(network.state.rounds).toBe(2);
    monitor.stop();
  });

  it('runs a round at once after connecting', async () => {
    const network = fakeNetwork();
    const monitor = newMonitor(network.probe);
    monitor.start();
    await vi.advanceTimersByTimeAsync(1_000);

    monitor.connectionChanged({
      status: 'connected',
      endpoint: { host: '198.18.0.1', port: 1194 },
      tunnelAddress: '192.168.102.2',
      since: '2026-12-04T10:00:00.000Z',
    });
    await vi.advanceTimersByTimeAsync(0);

    expect(network.state.rounds).toBe(2);
    monitor.stop();
  });

  it('runs a round at once when the tunnel turns degraded', async () => {
    const network = fakeNetwork();
    const monitor = newMonitor(network.probe);
    monitor.start();
    await vi.advanceTimersByTimeAsync(1_000);

    monitor.connectionChanged({
      status: 'degraded',
      endpoint: { host: '198.18.0.1', port: 1194 },
      tunnelAddress: '192.168.102.2',
      since: '2026-12-04T10:00:03.000Z',
      reason: '192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms).',
    });
    await vi.advanceTimersByTimeAsync(0);

    expect(network.state.rounds).toBe(2);
    monitor.stop();
  });

  it('ignores connection phases in between', async () => {
    const network = fakeNetwork();
    const monitor = newMonitor(network.probe);
    monitor.start();
    await vi.advanceTimersByTimeAsync(1_000);

    monitor.connectionChanged({ status: 'reconnecting', reason: 'SIGUSR1' });
    await vi.advanceTimersByTimeAsync(0);

    expect(network.state.rounds).toBe(1);
    monitor.stop();
  });

  it('restarts the interval after a round on demand', async () => {
    const network = fakeNetwork();
    const monitor = newMonitor(network.probe);
    monitor.start();
    await vi.advanceTimersByTimeAsync(9_000);

    await monitor.probeNow();
    await vi.advanceTimersByTimeAsync(9_000);

    expect(network.state.rounds).toBe(2);
    monitor.stop();
  });

  it('never runs two rounds at once', async () => {
    let active = 0;
    let maxActive = 0;
    const network = fakeNetwork();
    const slowProbe = async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setTimeout(resolve, 500));
      active -= 1;
      return network.probe();
    };
    const monitor = newMonitor(slowProbe);

    monitor.start();
    void monitor.probeNow();
    void monitor.probeNow();
    await vi.advanceTimersByTimeAsync(1_000);

    expect(maxActive).toBe(1);
    expect(network.state.rounds).toBe(2);
    monitor.stop();
  });

  it('tells listeners only about changes', async () => {
    const network = fakeNetwork();
    const monitor = newMonitor(network.probe);
    const changes: ReachabilitySummary[] = [];
    monitor.onChange((summary) => changes.push(summary));

    monitor.start();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(changes).toHaveLength(1);

    network.state.hostUp = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(changes).toHaveLength(2);
    expect(changes[1]?.networks[0]?.status).toBe('unreachable');

    network.state.hostUp = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(changes).toHaveLength(3);
    monitor.stop();
  });

  it('keeps a bounded history per target', async () => {
    const network = fakeNetwork();
    const monitor = newMonitor(network.probe, { historySize: 3 });

    monitor.start();
    await vi.advanceTimersByTimeAsync(50_000);

    const history = monitor.history('office-vlan/host/192.168.100.10');
    expect(history.map((sample) => sample.outcome)).toEqual([
      { status: 'up', latencyMs: 4 },
      { status: 'up', latencyMs: 5 },
      { status: 'up', latencyMs: 6 },
    ]);
    monitor.stop();
  });

  it('keeps its schedule after a failed round', async () => {
    const network = fakeNetwork();
    const errors: string[] = [];
    let failNext = true;
    const flakyProbe = () => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('ip: command not found'));
      }
      return network.probe();
    };
    const monitor = newMonitor(flakyProbe, { onError: (error) => errors.push(error.message) });

    monitor.start();
    await vi.advanceTimersByTimeAsync(60_000);

    expect(errors).toEqual(['ip: command not found']);
    expect(network.state.rounds).toBe(1);
    monitor.stop();
  });

  it('stops scheduling when stopped', async () => {
    const network = fakeNetwork();
    const monitor = newMonitor(network.probe);
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);

    monitor.stop();
    await vi.advanceTimersByTimeAsync(100_000);

    expect(network.state.rounds).toBe(1);
  });
});
