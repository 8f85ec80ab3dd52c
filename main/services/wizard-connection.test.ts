import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDemoEnvironment, type DemoEnvironment } from '../browser-host/demo-environment.ts';
import { DISCONNECTED, type ConnectionState } from '../connect/connection-state.ts';
import type { ByteCount } from '../connect/driver.ts';
import type { TunnelCheck } from '../connect/tunnel-check.ts';
import { createLogger } from '../log/logger.ts';
import type { WizardConnectionDriver } from './wizard-connection.ts';
import { createWizardService, type WizardService } from './wizard-service.ts';

const CONNECTED: ConnectionState = {
  status: 'connected',
  endpoint: { host: 'vpn1.example.org', port: 1194 },
  tunnelAddress: '192.168.102.7',
  since: '2026-12-04T14:00:00.000Z',
};

/** A driver that moves through the states a real one reports, with failures set by the test. */
class FakeDriver implements WizardConnectionDriver {
  readonly name = 'fake';
  installedProfile: string | undefined;
  connectFailure: ConnectionState | undefined;
  installFailure: Error | undefined;
  calls: string[] = [];
  recover: (() => Promise<ConnectionState>) | undefined;
  private current: ConnectionState = DISCONNECTED;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly checkListeners = new Set<(check: TunnelCheck) => void>();

  installProfile(profilePath: string): Promise<void> {
    if (this.installFailure !== undefined) return Promise.reject(this.installFailure);
    this.installedProfile = profilePath;
    return Promise.resolve();
  }

  connect(): Promise<ConnectionState> {
    this.calls.push('connect');
    this.set({ status: 'connecting', phase: 'starting' });
    this.set({ status: 'connecting', phase: 'authenticating' });
    if (this.connectFailure !== undefined) {
      this.set(this.connectFailure);
      return Promise.reject(new Error('connect failed'));
    }
    this.set(CONNECTED);
    return Promise.resolve(CONNECTED);
  }

  reconnect(): Promise<ConnectionState> {
    this.calls.push('reconnect');
    this.set({ status: 'reconnecting', reason: 'requested by the user' });
    this.set(CONNECTED);
    return Promise.resolve(CONNECTED);
  }

  disconnect(): Promise<void> {
    this.calls.push('disconnect');
    this.set({ status: 'disconnecting' });
    this.set(DISCONNECTED);
    return Promise.resolve();
  }

  state(): ConnectionState {
    return this.current;
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onBytes(_listener: (count: ByteCount) => void): () => void {
    return () => undefined;
  }

  onTunnelCheck(listener: (check: TunnelCheck) => void): () => void {
    this.checkListeners.add(listener);
    return () => this.checkListeners.delete(listener);
  }

  reportCheck(check: TunnelCheck): void {
    for (const listener of this.checkListeners) listener(check);
  }

  set(state: ConnectionState): void {
    this.current = state;
    for (const listener of this.stateListeners) listener(state);
  }
}

let demo: DemoEnvironment;
let directory: string;
let enrolledDir: string;
const services: WizardService[] = [];
const log = createLogger({ sinks: [] });

beforeAll(async () => {
  demo = await startDemoEnvironment({ method: 'est' });
  directory = await mkdtemp(join(tmpdir(), 'wizard-connection-'));
  enrolledDir = join(directory, 'enrolled');

  const enrolling = await open(enrolledDir, new FakeDriver());
  await enrolling.saveIdentity({ name: 'Dana Example', email: 'dana@example.org' });
  await enrolling.createRequest();
  await enrolling.submitEst({ username: demo.username, password: demo.password });
  await enrolling.goTo('connect');
});

afterAll(async () => {
  for (const service of services) service.close();
  await demo.close();
  await rm(directory, { recursive: true, force: true });
});

async function open(dataDir: string, driver?: FakeDriver): Promise<WizardService> {
  const base = { organisation: demo.organisation, dataDir, host: 'browser' as const, log };
  const service = await createWizardService(
    driver === undefined
      ? { ...base, connectionUnavailableReason: 'No driver in this test.' }
      : { ...base, createConnectionDriver: () => driver },
  );
  services.push(service);
  return service;
}

/** Opens a service on the enrolled data directory and records every connection status it shows. */
async function openEnrolled(driver: FakeDriver) {
  const service = await open(enrolledDir, driver);
  const statuses: string[] = [];
  service.subscribe((snapshot) => statuses.push(snapshot.connectionState.status));
  return { service, statuses };
}

describe('wizard connection', () => {
  it('is available when a driver is given', async () => {
    const { service } = await openEnrolled(new FakeDriver());

    expect(service.snapshot().connection).toEqual({ available: true });
    expect(service.snapshot().connectionState).toEqual(DISCONNECTED);
  });

  it('explains why it is unavailable without a driver', async () => {
    const service = await open(enrolledDir);

    expect(service.snapshot().connection).toEqual({
      available: false,
      reason: 'No driver in this test.',
    });
  });

  it('shows the reason when connect is called without a driver', async () => {
    const service = await open(enrolledDir);

    await service.connect();

    expect(service.snapshot().error?.step).toBe('connect');
    expect(service.snapshot().error?.message).toContain('No driver in this test.');
  });

  it('connects with the installed profile', async () => {
    const driver = new FakeDriver();
    const { service } = await openEnrolled(driver);

    await service.connect();

    expect(driver.installedProfile).toBe(service.snapshot().profilePath);
    expect(service.snapshot().connectionState).toEqual(CONNECTED);
  });

  it('follows every state into the snapshot', async () => {
    const driver = new FakeDriver();
    const { service, statuses } = await openEnrolled(driver);

    await service.connect();
    await service.disconnect();

    expect(statuses).toContain('connecting');
    expect(statuses).toContain('connected');
    expect(statuses).toContain('disconnecting');
    expect(statuses.at(-1)).toBe('disconnected');
  });

  it('shows a state change the driver makes on its own', async () => {
    const driver = new FakeDriver();
    const { service } = await openEnrolled(driver);
    await service.connect();

    driver.set({ status: 'reconnecting', reason: 'the server restarted' });

    expect(service.snapshot().connectionState).toEqual({
      status: 'reconnecting',
      reason: 'the server restarted',
    });
  });

  it('rejects connect while connected', async () => {
    const driver = new FakeDriver();
    const { service } = await openEnrolled(driver);
    await service.connect();

    await service.connect();

    expect(driver.calls).toEqual(['connect']);
    expect(service.snapshot().error?.message).toBe(
      'Cannot connect while the tunnel is connected; use Reconnect or Disconnect instead.',
    );
  });

  it('rejects reconnect while disconnected', async () => {
    const driver = new FakeDriver();
    const { service } = await openEnrolled(driver);

    await service.reconnect();

    expect(driver.calls).toEqual([]);
    expect(service.snapshot().error?.step).toBe('connect');
    expect(service.snapshot().error?.message).toContain('Cannot reconnect');
  });

  it('rejects disconnect while disconnected', async () => {
    const driver = new FakeDriver();
    const { service } = await openEnrolled(driver);

    await service.disconnect();

    expect(driver.calls).toEqual([]);
    expect(service.snapshot().error?.message).toContain('Cannot disconnect');
  });

  it('reconnects a connected tunnel', async () => {
    const driver = new FakeDriver();
    const { service, statuses } = await openEnrolled(driver);
    await service.connect();

    await service.reconnect();

    expect(driver.calls).toEqual(['connect', 'reconnect']);
    expect(statuses).toContain('reconnecting');
    expect(service.snapshot().connectionState.status).toBe('connected');
    expect(service.snapshot().error).toBeUndefined();
  });

  it('shows a failed connect in the error state', async () => {
    const driver = new FakeDriver();
    driver.connectFailure = {
      status: 'error',
      kind: 'timeout',
      message: 'No VPN server completed the connection within 30 s.',
    };
    const { service } = await openEnrolled(driver);

    await service.connect();

    expect(service.snapshot().connectionState).toEqual(driver.connectFailure);
    expect(service.snapshot().error).toBeUndefined();
  });

  it('allows connect again after a failure', async () => {
    const driver = new FakeDriver();
    driver.connectFailure = { status: 'error', kind: 'auth-failed', message: 'rejected' };
    const { service } = await openEnrolled(driver);
    await service.connect();
    driver.connectFailure = undefined;

    await service.connect();

    expect(service.snapshot().connectionState.status).toBe('connected');
  });

  it('shows a failure that left no error state', async () => {
    const driver = new FakeDriver();
    driver.installFailure = new Error('Profile not found at /nowhere; enroll again.');
    const { service } = await openEnrolled(driver);

    await service.connect();

    expect(service.snapshot().error).toEqual({
      step: 'connect',
      message: 'Profile not found at /nowhere; enroll again.',
    });
  });

  it('refuses to connect before a profile is installed', async () => {
    const driver = new FakeDriver();
    const service = await open(join(directory, 'fresh'), driver);

    await service.connect();

    expect(driver.calls).toEqual([]);
    expect(service.snapshot().error?.message).toContain('No profile is installed yet');
  });

  it('shows each probe of the tunnel check', async () => {
    const driver = new FakeDriver();
    const { service } = await openEnrolled(driver);
    await service.connect();

    driver.reportCheck({
      healthy: false,
      bytesInMoved: false,
      durationMs: 1200,
      probes: [
        {
          target: { host: '192.0.2.10', port: 445 },
          answered: false,
          message: 'no route via the tunnel to 192.0.2.10 (route goes to eth0)',
        },
        { target: { host: '192.0.2.11', port: 22 }, answered: false, message: 'timed out' },
        { target: { host: '192.0.2.12', port: 443 }, answered: true, message: 'answered in 3 ms' },
      ],
    });

    const probes = service.snapshot().tunnelCheck?.probes ?? [];
    expect(probes.map((probe) => probe.outcome)).toEqual(['no-route', 'failed', 'reached']);
  });

  it('drops the tunnel check on disconnect', async () => {
    const driver = new FakeDriver();
    const { service } = await openEnrolled(driver);
    await service.connect();
    driver.reportCheck({ healthy: true, bytesInMoved: true, durationMs: 900, probes: [] });

    await service.disconnect();

    expect(service.snapshot().tunnelCheck).toBeUndefined();
  });

  it('reattaches to a running tunnel', async () => {
    const driver = new FakeDriver();
    driver.recover = () => {
      driver.set(CONNECTED);
      return Promise.resolve(CONNECTED);
    };
    const { service } = await openEnrolled(driver);

    await service.connect();

    expect(service.snapshot().connectionState).toEqual(CONNECTED);
    expect(driver.calls).toEqual([]);
  });

  it('stops following the driver once closed', async () => {
    const driver = new FakeDriver();
    const { service } = await openEnrolled(driver);
    service.close();

    driver.set(CONNECTED);

    expect(service.snapshot().connectionState).toEqual(DISCONNECTED);
  });
});
