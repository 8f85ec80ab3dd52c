import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createDemoCa, type DemoCa } from '../demo-ca/certificate-authority.ts';
import type { ConnectionState } from './connection-state.ts';
import type { ByteCount } from './driver.ts';
import { spawnOpenvpn, type OpenvpnLaunchRequest } from './openvpn-launch.ts';
import { ConnectError } from './connect-wait.ts';
import { OpenvpnDriver, type OpenvpnDriverOptions } from './openvpn-driver.ts';
import type { TunnelCheck } from './tunnel-check.ts';
import {
  processRecordPath,
  readProcessRecord,
  waitForExit,
  writeProcessRecord,
} from './process-record.ts';
import { issueTestClient, minimalProfile } from './test-profile.ts';

const HOUR_MS = 60 * 60 * 1000;

let directory: string;
let ca: DemoCa;
let markerPath: string;
let fakeOpenvpn: string;

/** Writes a profile whose certificate has the given validity and returns its path. */
async function profileWith(name: string, notBefore: Date, notAfter: Date): Promise<string> {
  const credentials = await issueTestClient(ca, 'jane.doe', { notBefore, notAfter });
  const path = join(directory, `${name}.ovpn`);
  await writeFile(path, minimalProfile(credentials, ['remote 198.18.0.1 1194 udp']), {
    mode: 0o600,
  });
  return path;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-driver-'));
  ca = await createDemoCa({ commonName: 'Driver Test CA', keyBits: 2048 });

  // Stands in for openvpn: it leaves a marker, prints an options error and exits.
  markerPath = join(directory, 'openvpn-started');
  fakeOpenvpn = join(directory, 'fake-openvpn');
  await writeFile(
    fakeOpenvpn,
    `#!/bin/sh\ntouch '${markerPath}'\necho "Options error: Unrecognized option: bogus"\nexit 1\n`,
  );
  await chmod(fakeOpenvpn, 0o755);
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('openvpn driver', () => {
  it('never starts openvpn with an expired certificate', async () => {
    const now = Date.now();
    const profile = await profileWith(
      'expired',
      new Date(now - 48 * HOUR_MS),
      new Date(now - HOUR_MS),
    );
    const driver = new OpenvpnDriver({
      dataDir: join(directory, 'data'),
      openvpnPath: fakeOpenvpn,
    });
    await driver.installProfile(profile);

    const attempt = driver.connect();

    await expect(attempt).rejects.toBeInstanceOf(ConnectError);
    await expect(attempt).rejects.toThrow(/^The certificate expired on .* \(1 hour ago\)\./);
    expect(driver.state()).toMatchObject({ status: 'error', kind: 'certificate' });
    expect(existsSync(markerPath)).toBe(false);
  });

  it('never starts openvpn with a certificate not yet valid', async () => {
    const now = Date.now();
    const profile = await profileWith(
      'future',
      new Date(now + 2.5 * HOUR_MS),
      new Date(now + 48 * HOUR_MS),
    );
    const driver = new OpenvpnDriver({
      dataDir: join(directory, 'data'),
      openvpnPath: fakeOpenvpn,
    });
    await driver.installProfile(profile);

    await expect(driver.connect()).rejects.toThrow(
      /^The certificate is not valid until .* \(in 2 hours\)/,
    );
    expect(existsSync(markerPath)).toBe(false);
  });

  it('never starts openvpn when the key does not match', async () => {
    const now = Date.now();
    const validity = { notBefore: new Date(now - HOUR_MS), notAfter: new Date(now + 48 * HOUR_MS) };
    const first = await issueTestClient(ca, 'jane.doe', validity);
    const second = await issueTestClient(ca, 'jane.doe', validity);
    const path = join(directory, 'mismatch.ovpn');
    await writeFile(path, minimalProfile({ ...first, privateKeyPem: second.privateKeyPem }, []));
    const driver = new OpenvpnDriver({
      dataDir: join(directory, 'data'),
      openvpnPath: fakeOpenvpn,
    });
    await driver.installProfile(path);

    await expect(driver.connect()).rejects.toThrow('issued for a different key');
    expect(driver.state()).toMatchObject({ status: 'error', kind: 'certificate' });
    expect(existsSync(markerPath)).toBe(false);
  });

  it('rejects a profile without an inline certificate', async () => {
    const path = join(directory, 'no-cert.ovpn');
    await writeFile(path, 'client\ndev tun\nremote 198.18.0.1\n');
    const driver = new OpenvpnDriver({
      dataDir: join(directory, 'data'),
      openvpnPath: fakeOpenvpn,
    });
    await driver.installProfile(path);

    await expect(driver.connect()).rejects.toThrow('has no inline <cert> block');
    expect(driver.state()).toMatchObject({ status: 'error', kind: 'profile' });
  });

  it('reports openvpn exiting before it opens its management interface', async () => {
    const now = Date.now();
    const profile = await profileWith(
      'valid',
      new Date(now - HOUR_MS),
      new Date(now + 48 * HOUR_MS),
    );
    const dataDir = join(directory, 'exits');
    const driver = new OpenvpnDriver({ dataDir, openvpnPath: fakeOpenvpn });
    await driver.installProfile(profile);

    const attempt = driver.connect();

    await expect(attempt).rejects.toThrow(
      /^openvpn exited with code 1 before it opened its management interface: .*Unrecognized option: bogus/,
    );
    expect(driver.state()).toMatchObject({ status: 'error', kind: 'management' });
    expect(existsSync(markerPath)).toBe(true);
    expect(existsSync(processRecordPath(dataDir))).toBe(false);
    expect(await readFile(join(dataDir, 'logs', 'openvpn.log'), 'utf8')).toContain('bogus');
  });

  it('refuses to connect without a profile', async () => {
    const driver = new OpenvpnDriver({
      dataDir: join(directory, 'data'),
      openvpnPath: fakeOpenvpn,
    });

    await expect(driver.connect()).rejects.toThrow('No profile is installed');
  });

  it('recovers to disconnected when the recorded openvpn is gone', async () => {
    const dataDir = join(directory, 'stale');
    const recordPath = processRecordPath(dataDir);
    await writeProcessRecord(recordPath, {
      version: 1,
      pid: 2 ** 22 + 1,
      socketPath: join(directory, 'gone.sock'),
      socketDirectory: join(directory, 'gone'),
      ownsSocketDirectory: true,
      profilePath: join(directory, 'gone.ovpn'),
      logPath: join(directory, 'gone.log'),
      startedAt: new Date().toISOString(),
    });
    const driver = new OpenvpnDriver({ dataDir, openvpnPath: fakeOpenvpn });

    expect(await driver.recover()).toEqual({ status: 'disconnected' });
    expect(existsSync(recordPath)).toBe(false);
  });
});

const FAKE_OPENVPN = fileURLToPath(new URL('./fake-openvpn.ts', import.meta.url));

describe('openvpn driver with a stand-in openvpn', () => {
  let profile: string;
  let dataDir: string;
  let driver: OpenvpnDriver;

  const FAST_RESTARTS = { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10 };

  function standInOptions(stopTimeoutMs = 2_000): OpenvpnDriverOptions {
    return {
      dataDir,
      openvpnPath: 'openvpn',
      commandPrefix: [process.execPath, '--import', 'tsx', FAKE_OPENVPN],
      connectTimeoutMs: 10_000,
      stopTimeoutMs,
    };
  }

  /** Creates a driver that runs the management-speaking stand-in in `mode`. */
  function standInDriver(mode: string, stopTimeoutMs = 2_000): OpenvpnDriver {
    process.env.FAKE_OPENVPN_MODE = mode;
    return new OpenvpnDriver(standInOptions(stopTimeoutMs));
  }

  beforeAll(async () => {
    const now = Date.now();
    profile = await profileWith('stand-in', new Date(now - HOUR_MS), new Date(now + 48 * HOUR_MS));
  });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(directory, 'stand-in-'));
  });

  afterEach(async () => {
    await driver.disconnect().catch(() => undefined);
    delete process.env.FAKE_OPENVPN_MODE;
  });

  it('connects and reports the endpoint', async () => {
    driver = standInDriver('connect');
    await driver.installProfile(profile);
    const phases: string[] = [];
    driver.onState((state) => {
      if (state.status === 'connecting') phases.push(state.phase);
    });

    const state = await driver.connect();

    expect(state).toMatchObject({
      status: 'connected',
      endpoint: { host: '198.18.0.1', port: 1194 },
      tunnelAddress: '192.168.102.2',
    });
    expect(phases).toEqual([
      'starting',
      'connecting',
      'authenticating',
      'getting-config',
      'assigning-address',
      'adding-routes',
    ]);
  });

  it('records the openvpn process', async () => {
    driver = standInDriver('connect');
    await driver.installProfile(profile);
    await driver.connect();

    const record = await readProcessRecord(processRecordPath(dataDir));

    expect(record?.pid).toBe(driver.pid);
    expect(record?.profilePath).toBe(profile);
    expect((await stat(dirname(record?.socketPath ?? ''))).mode & 0o777).toBe(0o700);
  });

  it('reconnects back to connected', async () => {
    driver = standInDriver('connect');
    await driver.installProfile(profile);
    await driver.connect();
    const reasons: string[] = [];
    driver.onState((state) => {
      if (state.status === 'reconnecting') reasons.push(state.reason);
    });

    const state = await driver.reconnect();

    expect(state.status).toBe('connected');
    expect(reasons).toContain('reconnect requested (SIGUSR1)');
  });

  it('reports byte counters', async () => {
    driver = standInDriver('connect');
    await driver.installProfile(profile);
    await driver.connect();

    const [count] = await new Promise<ByteCount[]>((resolve) => {
      const unsubscribe = driver.onBytes((next) => {
        unsubscribe();
        resolve([next]);
      });
    });

    expect(count?.bytesIn).toBeGreaterThan(0);
  });

  it('disconnects and removes the record', async () => {
    driver = standInDriver('connect');
    await driver.installProfile(profile);
    await driver.connect();
    const pid = driver.pid ?? 0;

    await driver.disconnect();

    expect(driver.state()).toEqual({ status: 'disconnected' });
    expect(await waitForExit(pid, 1_000)).toBe(true);
    expect(existsSync(processRecordPath(dataDir))).toBe(false);
  });

  it('kills openvpn that ignores SIGTERM', async () => {
    driver = standInDriver('ignore-sigterm', 300);
    await driver.installProfile(profile);
    await driver.connect();
    const pid = driver.pid ?? 0;

    await driver.disconnect();

    expect(await waitForExit(pid, 1_000)).toBe(true);
    expect(driver.state()).toEqual({ status: 'disconnected' });
  });

  /** Raises EPERM as process.kill does for a process of another user, such as a root openvpn. */
  function notPermitted(pid: number): void {
    throw Object.assign(new Error(`kill ${pid} EPERM`), { code: 'EPERM' });
  }

  it('stops a root openvpn through its management interface', async () => {
    process.env.FAKE_OPENVPN_MODE = 'connect';
    driver = new OpenvpnDriver({ ...standInOptions(), signalProcess: notPermitted });
    await driver.installProfile(profile);
    await driver.connect();
    const pid = driver.pid ?? 0;

    await driver.disconnect();

    expect(driver.state()).toEqual({ status: 'disconnected' });
    expect(await waitForExit(pid, 1_000)).toBe(true);
    expect(existsSync(processRecordPath(dataDir))).toBe(false);
  });

  describe('with a root openvpn that ignores SIGTERM', () => {
    let pid: number;
    let launches: number;

    beforeEach(async () => {
      process.env.FAKE_OPENVPN_MODE = 'ignore-sigterm';
      launches = 0;
      driver = new OpenvpnDriver({
        ...standInOptions(300),
        signalProcess: notPermitted,
        launcher: (request) => {
          launches += 1;
          return spawnOpenvpn(request);
        },
      });
      await driver.installProfile(profile);
      await driver.connect();
      pid = driver.pid ?? 0;
      await driver.disconnect();
    });

    afterEach(async () => {
      if (!(await waitForExit(pid, 0))) process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 1_000);
    });

    it('reports the PID and how to stop it', () => {
      const state = driver.state();

      const message = state.status === 'error' ? state.message : '';

      expect(state).toMatchObject({ status: 'error', kind: 'management' });
      expect(message).toContain(`openvpn (PID ${pid}) runs as root`);
      expect(message).toContain(`sudo kill ${pid}`);
    });

    it('keeps the process record', async () => {
      expect((await readProcessRecord(processRecordPath(dataDir)))?.pid).toBe(pid);
      expect(driver.pid).toBe(pid);
      expect(await waitForExit(pid, 100)).toBe(false);
    });

    it('starts no second openvpn', async () => {
      await expect(driver.connect()).rejects.toThrow(`openvpn (PID ${pid}) runs as root`);
      expect(launches).toBe(1);
    });

    it('takes the openvpn over after an app restart', async () => {
      await driver.detach();
      const restarted = new OpenvpnDriver({
        ...standInOptions(300),
        signalProcess: notPermitted,
        launcher: (request) => {
          launches += 1;
          return spawnOpenvpn(request);
        },
      });
      await restarted.installProfile(profile);

      try {
        expect(await restarted.connect()).toMatchObject({ status: 'connected' });
        expect(restarted.pid).toBe(pid);
        expect(launches).toBe(1);
      } finally {
        await restarted.disconnect();
      }
    });

    it('connects again once the process is gone', async () => {
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 1_000);
      process.env.FAKE_OPENVPN_MODE = 'connect';

      expect(await driver.connect()).toMatchObject({ status: 'connected' });
      expect(launches).toBe(2);
      await driver.disconnect();
    });
  });

  it('reports an exit the launcher explains', async () => {
    const launcher = Object.assign(() => spawn('sh', ['-c', 'exit 126'], { detached: true }), {
      explainExit: (code: number | null) =>
        code === 126
          ? { kind: 'auth-failed' as const, message: 'The prompt was cancelled.' }
          : undefined,
    });
    driver = new OpenvpnDriver({ ...standInOptions(), launcher });
    await driver.installProfile(profile);

    await expect(driver.connect()).rejects.toThrow('The prompt was cancelled.');
    expect(driver.state()).toEqual({
      status: 'error',
      kind: 'auth-failed',
      message: 'The prompt was cancelled.',
    });
  });

  it('reattaches after the app restarts', async () => {
    const first = standInDriver('connect');
    await first.installProfile(profile);
    await first.connect();
    await first.detach();

    driver = standInDriver('connect');
    const state = await driver.recover();

    expect(state).toMatchObject({ status: 'connected', tunnelAddress: '192.168.102.2' });
    expect(driver.pid).toBe(first.pid);
  });

  it('takes over a running openvpn on connect', async () => {
    const first = standInDriver('connect');
    await first.installProfile(profile);
    await first.connect();
    await first.detach();

    driver = standInDriver('connect');
    await driver.installProfile(profile);
    const state = await driver.connect();

    expect(state.status).toBe('connected');
    expect(driver.pid).toBe(first.pid);
  });

  it('stops openvpn when a password is requested', async () => {
    driver = standInDriver('password');
    await driver.installProfile(profile);

    const attempt = driver.connect();

    await expect(attempt).rejects.toThrow(
      "openvpn asked for a password (Need 'Private Key' password)",
    );
    expect(driver.state()).toMatchObject({ status: 'error', kind: 'openvpn-exited' });
  });

  it('reports a fatal error with its message', async () => {
    driver = standInDriver('fatal');
    await driver.installProfile(profile);

    const attempt = driver.connect();

    await expect(attempt).rejects.toThrow(
      'openvpn exited unexpectedly: Cannot open TUN/TAP dev /dev/net/tun: No such device.',
    );
    expect(existsSync(processRecordPath(dataDir))).toBe(false);
  });

  it('restarts openvpn that exits after connecting', async () => {
    driver = new OpenvpnDriver({ ...standInOptions(), restartPolicy: FAST_RESTARTS });
    await driver.installProfile(profile);
    await driver.connect();
    const pid = driver.pid ?? 0;
    const reasons: string[] = [];
    driver.onState((state) => {
      if (state.status === 'reconnecting') reasons.push(state.reason);
    });
    const reconnected = new Promise((resolve) =>
      driver.onState((state) => state.status === 'connected' && resolve(state)),
    );

    process.kill(pid, 'SIGKILL');
    await reconnected;

    expect(reasons[0]).toMatch(/^openvpn exited unexpectedly .*; restart 1 of 2 in \d+ ms$/);
    expect(driver.pid).not.toBe(pid);
  });

  it('reports an error when the restarted openvpn fails', async () => {
    driver = new OpenvpnDriver({ ...standInOptions(), restartPolicy: FAST_RESTARTS });
    await driver.installProfile(profile);
    await driver.connect();
    const failed = new Promise((resolve) =>
      driver.onState((state) => state.status === 'error' && resolve(state)),
    );

    process.env.FAKE_OPENVPN_MODE = 'fatal';
    process.kill(driver.pid ?? 0, 'SIGKILL');

    expect(await failed).toMatchObject({
      status: 'error',
      kind: 'openvpn-exited',
      message: expect.stringContaining('Cannot open TUN/TAP dev') as unknown,
    });
  });

  it('rejects connect while connected', async () => {
    driver = standInDriver('connect');
    await driver.installProfile(profile);
    await driver.connect();

    await expect(driver.connect()).rejects.toThrow('Cannot connect while the tunnel is Connected');
  });

  it('starts openvpn through the launcher it is given', async () => {
    const requests: OpenvpnLaunchRequest[] = [];
    driver = new OpenvpnDriver({
      ...standInOptions(),
      launcher: (request) => {
        requests.push(request);
        return spawnOpenvpn(request);
      },
    });
    await driver.installProfile(profile);

    await driver.connect();

    expect(requests).toHaveLength(1);
    expect(requests[0]?.args.slice(0, 2)).toEqual(['--config', profile]);
    expect(requests[0]?.args).toContain('--management-hold');
    expect(requests[0]?.logPath).toBe(join(dataDir, 'logs', 'openvpn.log'));
    expect(driver.pid).toBeGreaterThan(0);
  });

  it('reports a launcher that raises', async () => {
    driver = new OpenvpnDriver({
      ...standInOptions(),
      launcher: () => {
        throw new Error('pkexec was dismissed');
      },
    });
    await driver.installProfile(profile);

    await expect(driver.connect()).rejects.toThrow('Failed to start openvpn: pkexec was dismissed');
    expect(driver.state()).toMatchObject({ status: 'error', kind: 'management' });
    expect(existsSync(processRecordPath(dataDir))).toBe(false);
  });
});

describe('openvpn driver with a tunnel that passes nothing', () => {
  let profile: string;
  let dataDir: string;
  let driver: OpenvpnDriver;

  // Routed through lo, never a tun device, so each check fails without sending anything.
  const UNROUTED_TARGET = { host: '127.0.0.1', port: 9 };
  const ONE_RESTART = { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 };

  function checkedDriver(): OpenvpnDriver {
    process.env.FAKE_OPENVPN_MODE = 'connect';
    return new OpenvpnDriver({
      dataDir,
      openvpnPath: 'openvpn',
      commandPrefix: [process.execPath, '--import', 'tsx', FAKE_OPENVPN],
      connectTimeoutMs: 10_000,
      stopTimeoutMs: 2_000,
      restartPolicy: ONE_RESTART,
      probeTargets: [UNROUTED_TARGET],
      probeTimeoutMs: 200,
    });
  }

  /** Resolves with the states seen until the `count`-th degraded state. */
  function statesUntilDegraded(target: OpenvpnDriver, count: number): Promise<ConnectionState[]> {
    const seen: ConnectionState[] = [];
    return new Promise((resolve) => {
      const unsubscribe = target.onState((state) => {
        seen.push(state);
        if (seen.filter((each) => each.status === 'degraded').length < count) return;
        unsubscribe();
        resolve(seen);
      });
    });
  }

  beforeAll(async () => {
    const now = Date.now();
    profile = await profileWith('checked', new Date(now - HOUR_MS), new Date(now + 48 * HOUR_MS));
  });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(directory, 'checked-'));
    driver = checkedDriver();
    await driver.installProfile(profile);
  });

  afterEach(async () => {
    await driver.disconnect().catch(() => undefined);
    delete process.env.FAKE_OPENVPN_MODE;
  });

  it('reports degraded with the reason', async () => {
    const states = statesUntilDegraded(driver, 1);

    await driver.connect();
    const degraded = (await states).at(-1);

    expect(degraded).toMatchObject({
      status: 'degraded',
      endpoint: { host: '198.18.0.1', port: 1194 },
      tunnelAddress: '192.168.102.2',
      reason: expect.stringMatching(
        /^127\.0\.0\.1:9 did not answer through the tunnel \(no route via the tunnel to 127\.0\.0\.1/,
      ) as unknown,
    });
  });

  it('reports the failed check once degraded', async () => {
    const statusAtCheck = new Promise<string>((resolve) =>
      driver.onTunnelCheck(() => resolve(driver.state().status)),
    );
    const checks: TunnelCheck[] = [];
    driver.onTunnelCheck((check) => checks.push(check));

    await driver.connect();

    expect(await statusAtCheck).toBe('degraded');
    expect(checks[0]).toMatchObject({ healthy: false });
    expect(checks[0]?.probes[0]).toMatchObject({ target: UNROUTED_TARGET, answered: false });
  });

  it('restarts a degraded tunnel with the reason', async () => {
    const states = statesUntilDegraded(driver, 2);

    await driver.connect();
    const statuses = (await states).map((state) => state.status);
    const reconnecting = (await states).find((state) => state.status === 'reconnecting');

    expect(statuses.slice(-5)).toEqual([
      'connected',
      'degraded',
      'reconnecting',
      'connected',
      'degraded',
    ]);
    expect(reconnecting).toMatchObject({
      reason: expect.stringMatching(
        /^the tunnel passed no traffic; restart 1 of 1\. 127\.0\.0\.1:9 did not answer/,
      ) as unknown,
    });
  });

  it('stays degraded after the last restart', async () => {
    const states = statesUntilDegraded(driver, 2);
    await driver.connect();
    await states;
    const later: string[] = [];
    driver.onState((state) => later.push(state.status));

    // A restart would follow the degraded state at once; one check takes well under this.
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    expect(later).toEqual([]);
    expect(driver.state().status).toBe('degraded');
  });

  it('reconnects a degraded tunnel on request', async () => {
    const states = statesUntilDegraded(driver, 2);
    await driver.connect();
    await states;

    const state = await driver.reconnect();

    expect(state.status).toBe('connected');
  });

  it('disconnects a degraded tunnel', async () => {
    const states = statesUntilDegraded(driver, 1);
    await driver.connect();
    await states;
    const pid = driver.pid ?? 0;

    await driver.disconnect();

    expect(driver.state()).toEqual({ status: 'disconnected' });
    expect(await waitForExit(pid, 1_000)).toBe(true);
  });
});
