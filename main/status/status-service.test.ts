import { createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import type { StatusSnapshot } from '../contract/status-state.ts';
import { EnrollmentStore } from '../enroll/enrollment-store.ts';
import { createLogger } from '../log/logger.ts';
import type { NetworkDefinition } from '../org/schema.ts';
import { createCsr } from '../pki/csr.ts';
import { generateRsaKeyPair } from '../pki/keys.ts';
import { judgeRound } from '../reach/judgement.ts';
import type { NetworkProber } from '../reach/network-prober.ts';
import { planProbes } from '../reach/prober.ts';
import type { ProbeOutcome, ProbeRound, TunnelStatus } from '../reach/reachability.ts';
import { temporaryDirectory, testCa } from '../testing/fixtures.ts';
import { describeWith } from '../testing/requirements.ts';
import { ScriptedDriver } from '../testing/scripted-driver.ts';
import {
  createStatusService,
  type StatusService,
  type StatusServiceOptions,
} from './status-service.ts';

// Addresses of a made-up organisation. The scripted prober below makes up their results, so
// nothing is sent anywhere.
const NETWORKS: NetworkDefinition[] = [
  {
    id: 'office-vlan',
    name: 'Office VLAN',
    cidrs: ['192.168.100.0/24'],
    gateway: '192.168.100.2',
    probes: [{ host: '192.168.100.10', port: 445, name: 'file server' }],
  },
  {
    id: 'azure-vnet',
    name: 'Azure VNet',
    cidrs: ['192.168.200.0/22'],
    probes: [{ host: '192.168.200.4', port: 443, name: 'app VM' }],
    via: 'office-vlan',
  },
];
const ORGANISATION = {
  organisation: { id: 'example', name: 'Example Corp' },
  networks: NETWORKS,
};

const log = createLogger({ sinks: [] });

/** A prober whose targets respond as the test sets, judged by the real judgement. */
class ScriptedProber implements NetworkProber {
  rounds = 0;
  closed = false;
  tunnels: TunnelStatus[] = [];
  /** Outcomes by probe key; a key not listed is up with `latencyMs`. */
  outcomes = new Map<string, ProbeOutcome>();
  latencyMs = 5;
  /** While set, rounds wait for it, so a test can look at the state mid-round. */
  hold: Promise<void> | undefined;

  constructor(private readonly tunnelStatus: () => TunnelStatus) {}

  async probe(): Promise<ProbeRound> {
    this.rounds += 1;
    const tunnel = this.tunnelStatus();
    this.tunnels.push(tunnel);
    await this.hold;
    return {
      startedAt: new Date().toISOString(),
      durationMs: 1,
      tunnel,
      samples: planProbes(NETWORKS).map((probe) => ({
        ...probe,
        outcome: this.outcomes.get(probe.key) ?? { status: 'up', latencyMs: this.latencyMs },
      })),
    };
  }

  judge(round: ProbeRound) {
    return judgeRound(NETWORKS, round);
  }

  close(): void {
    this.closed = true;
  }
}

const OFFICE_GATEWAY = 'office-vlan/gateway/192.168.100.2';
const OFFICE_HOST = 'office-vlan/host/192.168.100.10';
const OFFICE_SERVICE = 'office-vlan/service/192.168.100.10:445';
const AZURE_HOST = 'azure-vnet/host/192.168.200.4';
const AZURE_SERVICE = 'azure-vnet/service/192.168.200.4:443';

function newDriver(connected = false): ScriptedDriver {
  const driver = new ScriptedDriver({
    endpoint: { host: 'vpn1.example.org', port: 1194 },
    tunnelAddress: '192.168.102.7',
  });
  if (connected) driver.set(driver.connectedState());
  return driver;
}

const services: StatusService[] = [];
let dataDir: string;

beforeAll(async () => {
  dataDir = await temporaryDirectory('status-service-');
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

afterEach(() => {
  for (const service of services.splice(0)) service.close();
});

async function open(options: Partial<StatusServiceOptions> = {}) {
  let prober: ScriptedProber | undefined;
  const service = await createStatusService({
    organisation: ORGANISATION,
    dataDir,
    log,
    intervalMs: 10_000,
    disconnectedIntervalMs: 60_000,
    jitter: 0,
    createProber: (tunnelStatus) => (prober = new ScriptedProber(tunnelStatus)),
    ...options,
  });
  services.push(service);
  const pushes: StatusSnapshot[] = [];
  service.subscribe((snapshot) => pushes.push(snapshot));
  return { service, prober: prober!, pushes };
}

function network(service: StatusService, id: string) {
  return service.snapshot().reachability?.networks.find((entry) => entry.networkId === id);
}

describe('status service', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-04T14:00:00.000Z') });
  });
  afterEach(() => vi.useRealTimers());

  it('starts disconnected without a driver', async () => {
    const { service } = await open();
    await vi.advanceTimersByTimeAsync(0);

    expect(service.snapshot().connectionState).toEqual({ status: 'disconnected' });
    expect(service.snapshot().reachability?.tunnel).toEqual({ up: false, detail: 'Disconnected' });
  });

  it('keeps probing without a driver', async () => {
    const { prober } = await open();
    await vi.advanceTimersByTimeAsync(0);

    await vi.advanceTimersByTimeAsync(60_000);

    expect(prober.rounds).toBe(2);
  });

  it('builds a card per network from a round', async () => {
    const { service } = await open({ driver: newDriver(true) });
    await vi.advanceTimersByTimeAsync(0);

    const office = network(service, 'office-vlan');
    expect(office?.status).toBe('reachable');
    expect(office?.latencyMs).toBe(5);
    expect(office?.explanation).toBe('Office VLAN is reachable (5 ms).');
    expect(office?.layers.map((layer) => layer.layer)).toEqual([
      'tunnel',
      'vpn-gateway',
      'gateway',
      'host',
      'service',
    ]);
    expect(office?.layers.map((layer) => layer.status)).toEqual([
      'up',
      'unknown',
      'up',
      'up',
      'up',
    ]);
  });

  it('names the network a network is reached through', async () => {
    const { service } = await open();
    await vi.advanceTimersByTimeAsync(0);

    expect(network(service, 'azure-vnet')?.viaName).toBe('Office VLAN');
    expect(network(service, 'office-vlan')?.viaName).toBeUndefined();
  });

  it('places a broken link in the explanation', async () => {
    const { service, prober } = await open({ driver: newDriver(true) });
    prober.outcomes.set(AZURE_HOST, { status: 'down', reason: 'no echo reply' });
    prober.outcomes.set(AZURE_SERVICE, { status: 'down', reason: 'no answer within 2000 ms' });
    await service.probeNow();

    const azure = network(service, 'azure-vnet');
    expect(azure?.status).toBe('unreachable');
    expect(azure?.brokenLeg).toBe('link');
    expect(azure?.explanation).toContain('while Office VLAN is fine');
  });

  it('follows the driver state', async () => {
    const driver = newDriver();
    const { service } = await open({ driver });

    await driver.connect();

    expect(service.snapshot().connectionState.status).toBe('connected');
  });

  it('probes at once after connect', async () => {
    const driver = newDriver();
    const { prober } = await open({ driver });
    await vi.advanceTimersByTimeAsync(0);
    expect(prober.rounds).toBe(1);

    await driver.connect();
    await vi.advanceTimersByTimeAsync(0);

    expect(prober.rounds).toBe(2);
    expect(prober.tunnels.at(-1)?.up).toBe(true);
  });

  it('probes at once after reconnect', async () => {
    const driver = newDriver(true);
    const { prober } = await open({ driver });
    await vi.advanceTimersByTimeAsync(0);

    await driver.reconnect();
    await vi.advanceTimersByTimeAsync(0);

    expect(prober.rounds).toBe(2);
  });

  it('keeps the change time while the status holds', async () => {
    const { service } = await open({ driver: newDriver(true) });
    await vi.advanceTimersByTimeAsync(0);
    const first = network(service, 'azure-vnet')?.changedAt;

    await vi.advanceTimersByTimeAsync(10_000);

    expect(first).toBe('2026-12-04T14:00:00.000Z');
    expect(network(service, 'azure-vnet')?.changedAt).toBe(first);
  });

  it('marks the first status as unchanged', async () => {
    const { service } = await open({ driver: newDriver(true) });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(10_000);

    expect(network(service, 'azure-vnet')?.statusChanged).toBe(false);
    expect(network(service, 'azure-vnet')?.changedAt).toBe('2026-12-04T14:00:00.000Z');
  });

  it('marks a status change as changed', async () => {
    const { service, prober } = await open({ driver: newDriver(true) });
    await vi.advanceTimersByTimeAsync(0);

    prober.outcomes.set(AZURE_SERVICE, { status: 'closed', latencyMs: 3 });
    await vi.advanceTimersByTimeAsync(10_000);

    expect(network(service, 'azure-vnet')?.statusChanged).toBe(true);
    expect(network(service, 'office-vlan')?.statusChanged).toBe(false);
  });

  it('stays changed after the status returns', async () => {
    const { service, prober } = await open({ driver: newDriver(true) });
    await vi.advanceTimersByTimeAsync(0);
    prober.outcomes.set(AZURE_SERVICE, { status: 'closed', latencyMs: 3 });
    await vi.advanceTimersByTimeAsync(10_000);

    prober.outcomes.delete(AZURE_SERVICE);
    await vi.advanceTimersByTimeAsync(10_000);

    expect(network(service, 'azure-vnet')?.status).toBe('reachable');
    expect(network(service, 'azure-vnet')?.statusChanged).toBe(true);
    expect(network(service, 'azure-vnet')?.changedAt).toBe('2026-12-04T14:00:20.000Z');
  });

  it('moves the change time when the status changes', async () => {
    const { service, prober } = await open({ driver: newDriver(true) });
    await vi.advanceTimersByTimeAsync(0);

    prober.outcomes.set(AZURE_SERVICE, { status: 'closed', latencyMs: 3 });
    await vi.advanceTimersByTimeAsync(10_000);

    expect(network(service, 'azure-vnet')?.status).toBe('degraded');
    expect(network(service, 'azure-vnet')?.changedAt).toBe('2026-12-04T14:00:10.000Z');
    expect(network(service, 'office-vlan')?.changedAt).toBe('2026-12-04T14:00:00.000Z');
  });

  it('moves the change time when the broken leg moves', async () => {
    const { service, prober } = await open({ driver: newDriver(true) });
    prober.outcomes.set(OFFICE_GATEWAY, { status: 'down', reason: 'no echo reply' });
    prober.outcomes.set(OFFICE_HOST, { status: 'down', reason: 'no echo reply' });
    prober.outcomes.set(OFFICE_SERVICE, { status: 'down', reason: 'timed out' });
    await service.probeNow();
    expect(network(service, 'office-vlan')?.brokenLeg).toBe('gateway');

    prober.outcomes.delete(OFFICE_GATEWAY);
    await vi.advanceTimersByTimeAsync(10_000);

    expect(network(service, 'office-vlan')?.status).toBe('unreachable');
    expect(network(service, 'office-vlan')?.brokenLeg).toBe('host');
    expect(network(service, 'office-vlan')?.changedAt).toBe('2026-12-04T14:00:10.000Z');
  });

  it('bounds the latency history', async () => {
    const { service, prober } = await open({ driver: newDriver(true), historySize: 3 });
    await vi.advanceTimersByTimeAsync(0);
    for (let round = 1; round < 5; round++) {
      prober.latencyMs = 5 + round;
      await vi.advanceTimersByTimeAsync(10_000);
    }

    const history = network(service, 'office-vlan')?.history ?? [];
    expect(history.map((point) => point.latencyMs)).toEqual([7, 8, 9]);
    expect(history.at(-1)?.at).toBe('2026-12-04T14:00:40.000Z');
  });

  it('records a round without answers as null', async () => {
    const { service, prober } = await open({ driver: newDriver(true) });
    await vi.advanceTimersByTimeAsync(0);

    prober.outcomes.set(AZURE_HOST, { status: 'down', reason: 'no echo reply' });
    prober.outcomes.set(AZURE_SERVICE, { status: 'down', reason: 'timed out' });
    await vi.advanceTimersByTimeAsync(10_000);

    const history = network(service, 'azure-vnet')?.history ?? [];
    expect(history.map((point) => point.latencyMs)).toEqual([5, null]);
  });

  it('shows probing while a round runs', async () => {
    const { service, prober } = await open();
    await vi.advanceTimersByTimeAsync(0);
    let release: () => void = () => undefined;
    prober.hold = new Promise<void>((resolve) => (release = resolve));

    const probing = service.probeNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(service.snapshot().probing).toBe(true);

    release();
    await probing;
    expect(service.snapshot().probing).toBe(false);
  });

  it('returns the latest summary for the tray', async () => {
    const { service } = await open({ driver: newDriver(true) });
    await vi.advanceTimersByTimeAsync(0);

    expect(service.summary()?.networks.map((verdict) => verdict.status)).toEqual([
      'reachable',
      'reachable',
    ]);
  });

  it('pushes byte counters at most once a second', async () => {
    const driver = newDriver(true);
    const { service, pushes } = await open({ driver });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(5_000);
    pushes.length = 0;

    for (let tick = 1; tick <= 5; tick++) {
      driver.reportBytes({ bytesIn: tick * 1000, bytesOut: tick * 100 });
      await vi.advanceTimersByTimeAsync(150);
    }
    expect(pushes).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(pushes).toHaveLength(2);
    expect(service.snapshot().traffic).toEqual({ bytesIn: 5000, bytesOut: 500 });
  });

  it('sends pending counters with the next change', async () => {
    const driver = newDriver(true);
    const { service, pushes } = await open({ driver });
    await vi.advanceTimersByTimeAsync(0);
    driver.reportBytes({ bytesIn: 2048, bytesOut: 512 });
    expect(pushes.at(-1)?.traffic).toBeUndefined();

    await service.probeNow();
    const afterRound = pushes.length;
    await vi.advanceTimersByTimeAsync(1_000);

    expect(pushes.at(-1)?.traffic).toEqual({ bytesIn: 2048, bytesOut: 512 });
    expect(pushes).toHaveLength(afterRound);
  });

  it('drops the counters when the tunnel goes', async () => {
    const driver = newDriver(true);
    const { service } = await open({ driver });
    driver.reportBytes({ bytesIn: 2048, bytesOut: 512 });

    await driver.disconnect();

    expect(service.snapshot().traffic).toBeUndefined();
  });

  it('ignores counters while disconnected', async () => {
    const driver = newDriver();
    const { service } = await open({ driver });

    driver.reportBytes({ bytesIn: 2048, bytesOut: 512 });

    expect(service.snapshot().traffic).toBeUndefined();
  });

  it('stops probing on close', async () => {
    const { service, prober } = await open();
    await vi.advanceTimersByTimeAsync(0);

    service.close();
    await vi.advanceTimersByTimeAsync(120_000);

    expect(prober.rounds).toBe(1);
    expect(prober.closed).toBe(true);
  });

  it('stops following the driver on close', async () => {
    const driver = newDriver();
    const { service, pushes } = await open({ driver });
    await vi.advanceTimersByTimeAsync(0);
    service.close();
    pushes.length = 0;

    await driver.connect();

    expect(pushes).toEqual([]);
    expect(service.snapshot().connectionState.status).toBe('disconnected');
  });
});

describe('status service certificate', () => {
  let certificateDir: string;
  const notAfter = new Date('2027-01-10T12:00:00.000Z');

  beforeAll(async () => {
    certificateDir = await temporaryDirectory('status-certificate-');
    const ca = await testCa();
    const keyPair = await generateRsaKeyPair(2048);
    const csr = createCsr(keyPair, { commonName: 'dana@example.org' });
    const issued = ca.signClientCsr(csr.pem, {
      notBefore: new Date('2026-01-10T12:00:00.000Z'),
      notAfter,
    });
    const store = new EnrollmentStore(certificateDir, 'example');
    await store.prepare();
    await store.writeCertificate(issued.certificatePem);
  });

  afterAll(async () => {
    await rm(certificateDir, { recursive: true, force: true });
  });

  it('is absent before one is installed', async () => {
    const { service } = await open();

    expect(service.snapshot().certificate).toBeUndefined();
  });

  it('shows the expiry of the installed one', async () => {
    const { service } = await open({
      dataDir: certificateDir,
      now: () => new Date('2026-12-31T18:00:00.000Z'),
    });

    expect(service.snapshot().certificate).toEqual({
      subject: 'CN=dana@example.org',
      notAfter: notAfter.toISOString(),
      daysLeft: 9,
    });
  });

  it('counts down the days left with each round', async () => {
    let now = new Date('2026-12-31T18:00:00.000Z');
    const { service } = await open({ dataDir: certificateDir, now: () => now });

    now = new Date('2027-01-09T18:00:00.000Z');
    await service.probeNow();

    expect(service.snapshot().certificate?.daysLeft).toBe(0);
  });
});

describeWith(['iproute2'], 'status service on loopback', () => {
  let listener: Server;
  let openPort: number;
  let closedPort: number;

  beforeAll(async () => {
    listener = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    openPort = (listener.address() as { port: number }).port;

    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    closedPort = (spare.address() as { port: number }).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  });

  it('judges a real round against loopback listeners', async () => {
    const service = await createStatusService({
      organisation: {
        organisation: { id: 'loop', name: 'Loopback' },
        networks: [
          {
            id: 'loop',
            name: 'Loopback',
            cidrs: ['127.0.0.0/8'],
            probes: [
              { host: '127.0.0.1', port: openPort, name: 'web' },
              { host: '127.0.0.1', port: closedPort, name: 'mail' },
            ],
          },
        ],
      },
      dataDir,
      driver: newDriver(true),
      log,
      timeoutMs: 1_000,
    });
    services.push(service);

    await service.probeNow();

    const loop = network(service, 'loop');
    expect(loop?.status).toBe('degraded');
    expect(loop?.layers.find((layer) => layer.layer === 'host')?.status).toBe('up');
    expect(loop?.layers.find((layer) => layer.layer === 'service')).toMatchObject({
      status: 'closed',
      detail: `mail 127.0.0.1:${closedPort} refuses connections.`,
    });
  });
});
