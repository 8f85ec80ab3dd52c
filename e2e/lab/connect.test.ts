import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';

import { ConnectError } from '../../main/connect/connect-wait.ts';
import type { ConnectionState } from '../../main/connect/connection-state.ts';
import { OpenvpnDriver, type OpenvpnDriverOptions } from '../../main/connect/openvpn-driver.ts';
import type { TunnelCheck } from '../../main/connect/tunnel-check.ts';
import { processRecordPath } from '../../main/connect/process-record.ts';
import { issueTestClient } from '../../main/connect/test-profile.ts';
import { describeWith, toolPath } from '../../main/testing/requirements.ts';
import { labDown, labUp, LAB_HTTP_PORT, type Lab } from './lab-environment.ts';
import { enrollInLab } from './lab-enrollment.ts';
import { installLabProfile } from './lab-profile.ts';
import { pidsIn, signalInNamespace } from './namespaces.ts';
import { LAB_ADDRESSES } from './topology.ts';

const HOUR_MS = 60 * 60 * 1000;
const measurements: Record<string, number> = {};

let lab: Lab;
let dataDir: string;
let driver: OpenvpnDriver;
let profile: string;

const APP_PROCESS = fileURLToPath(new URL('./app-process.ts', import.meta.url));

function newDriver(options: Partial<OpenvpnDriverOptions> = {}): OpenvpnDriver {
  return new OpenvpnDriver({
    dataDir,
    openvpnPath: toolPath('openvpn'),
    commandPrefix: ['ip', 'netns', 'exec', lab.namespace('client')],
    connectTimeoutMs: 20_000,
    // Same runs with or without the ovpn-dco kernel module.
    extraArguments: ['--disable-dco'],
    ...options,
  });
}

/** Resolves with the first state that matches, or rejects after `timeoutMs`. */
function waitForState(
  target: OpenvpnDriver,
  matches: (state: ConnectionState) => boolean,
  timeoutMs: number,
): Promise<ConnectionState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `State did not match within ${timeoutMs} ms; last: ${JSON.stringify(target.state())}`,
        ),
      );
    }, timeoutMs);
    const unsubscribe = target.onState((state) => {
      if (!matches(state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(state);
    });
  });
}

function tunnelAddress(state: ConnectionState): string | undefined {
  return state.status === 'connected' ? state.tunnelAddress : undefined;
}

/** Fetches a lab HTTP host from inside the client namespace and returns the body. */
function httpGet(address: string): Promise<string> {
  const url = `http://${address}:${LAB_HTTP_PORT}/`;
  const script =
    `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) })` +
    '.then((response) => response.text()).then((body) => process.stdout.write(body))';
  return lab.exec('client', [process.execPath, '-e', script]);
}

async function tunDevices(): Promise<unknown[]> {
  return JSON.parse(
    await lab.exec('client', ['ip', '-j', 'link', 'show', 'type', 'tun']),
  ) as unknown[];
}

async function routeDevice(address: string): Promise<string> {
  const [route] = JSON.parse(await lab.exec('client', ['ip', '-j', 'route', 'get', address])) as {
    dev: string;
  }[];
  return route?.dev ?? '';
}

/** Prints the last lines of the client's and the servers' logs when a test fails. */
function printLogsOnFailure(): void {
  onTestFailed(async () => {
    const logs = [
      join(dataDir, 'logs', 'openvpn.log'),
      lab.servers.fw1.logPath,
      lab.servers.fw2.logPath,
    ];
    for (const path of logs) {
      const text = await readFile(path, 'utf8').catch(() => '(missing)');
      console.log(`--- ${path}\n${text.trim().split('\n').slice(-25).join('\n')}`);
    }
  });
}

describeWith(['root', 'openvpn', 'iproute2'], 'openvpn driver in the network lab', () => {
  beforeAll(async () => {
    lab = await labUp({ openvpnPath: toolPath('openvpn') });
    dataDir = await mkdtemp(join(tmpdir(), 'vpn-onboard-lab-data-'));
    driver = newDriver();
  });

  afterAll(async () => {
    await driver?.disconnect().catch(() => undefined);
    await labDown({ prefix: lab?.prefix });
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    console.log('Lab measurements (ms):', measurements);
  });

  it('enrolls over EST from inside the client namespace, then connects', async () => {
    printLogsOnFailure();
    const { result } = await enrollInLab(lab, dataDir);
    if (result.status !== 'installed') throw new Error(`Enrollment ended ${result.status}.`);
    profile = result.profilePath;
    await driver.installProfile(profile);

    const started = performance.now();
    const state = await driver.connect();
    measurements.connect = Math.round(performance.now() - started);

    expect(await readFile(lab.est.logPath, 'utf8')).toMatch(
      /^EST POST \/\.well-known\/est\/simpleenroll 200 /m,
    );
    expect(state).toMatchObject({
      status: 'connected',
      endpoint: { host: LAB_ADDRESSES.fw1, port: 1194 },
    });
    expect(tunnelAddress(state)).toMatch(/^192\.168\.10[23]\./);
  });

  it('routes internal networks through the tunnel', async () => {
    printLogsOnFailure();
    expect(await routeDevice(LAB_ADDRESSES.vlanHost)).toMatch(/^tun/);
    expect(await routeDevice(LAB_ADDRESSES.azureHost)).toMatch(/^tun/);
  });

  it('reaches hosts behind the first server', async () => {
    printLogsOnFailure();
    const vlan = await httpGet(LAB_ADDRESSES.vlanHost);
    const azure = await httpGet(LAB_ADDRESSES.azureHost);

    expect(vlan).toBe('vlan');
    expect(azure).toBe('azure');
  });

  it('reports byte counters that move', async () => {
    printLogsOnFailure();
    const counts: number[] = [];
    const unsubscribe = driver.onBytes(({ bytesIn }) => counts.push(bytesIn));

    // openvpn reports counters once a second; on a loaded machine a report can come late, so
    // wait for reports (bounded) rather than for a fixed time. The requests go after the first
    // report, so the traffic falls between two reports.
    const waitForReports = async (count: number) => {
      const deadline = Date.now() + 15_000;
      while (counts.length < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await waitForReports(1);
    for (let request = 0; request < 3; request++) await httpGet(LAB_ADDRESSES.vlanHost);
    await waitForReports(counts.length + 1);
    unsubscribe();

    expect(counts.length).toBeGreaterThan(1);
    expect(counts.at(-1)).toBeGreaterThan(counts[0] ?? 0);
  });

  it('reconnects back to connected within 1.5 s', async () => {
    printLogsOnFailure();
    const seen: string[] = [];
    const unsubscribe = driver.onState((state) => seen.push(state.status));

    const started = performance.now();
    const state = await driver.reconnect();
    measurements.reconnect = Math.round(performance.now() - started);
    unsubscribe();

    expect(state.status).toBe('connected');
    expect(seen).toContain('reconnecting');
    expect(measurements.reconnect).toBeLessThan(1_500);
  });

  it('fails over to the second server when the first stops', async () => {
    printLogsOnFailure();
    const onSecond = waitForState(
      driver,
      (state) => state.status === 'connected' && state.endpoint.host === LAB_ADDRESSES.fw2,
      15_000,
    );

    const started = performance.now();
    await lab.signalServer('fw1', 'SIGTERM');
    const state = await onSecond;
    measurements.failoverSigterm = Math.round(performance.now() - started);
    expect(measurements.failoverSigterm).toBeLessThan(1_000);

    expect(tunnelAddress(state)).toMatch(/^192\.168\.10[45]\./);
    expect(await httpGet(LAB_ADDRESSES.vlanHost)).toBe('vlan');
  });

  it('fails over when the second server loses its link', async () => {
    printLogsOnFailure();
    await lab.restartServer('fw1');
    const onFirst = waitForState(
      driver,
      (state) => state.status === 'connected' && state.endpoint.host === LAB_ADDRESSES.fw1,
      15_000,
    );

    const started = performance.now();
    await lab.setUplink('fw2', false);
    const state = await onFirst.finally(() => lab.setUplink('fw2', true));
    measurements.failoverLinkDown = Math.round(performance.now() - started);

    expect(tunnelAddress(state)).toMatch(/^192\.168\.10[23]\./);
    // Bounded by the profile's timers: up to ping-restart (3 s) after the server's last
    // keepalive, then one server-poll-timeout (1 s) on the dead server, which openvpn 2.6.14
    // retries first ("Preserving recently used remote address").
    expect(measurements.failoverLinkDown).toBeLessThan(5_000);
  });

  it('fails over when the first server is killed', async () => {
    printLogsOnFailure();
    const onSecond = waitForState(
      driver,
      (state) => state.status === 'connected' && state.endpoint.host === LAB_ADDRESSES.fw2,
      15_000,
    );

    const started = performance.now();
    await lab.signalServer('fw1', 'SIGKILL');
    await onSecond;
    measurements.failoverSigkill = Math.round(performance.now() - started);

    expect(await httpGet(LAB_ADDRESSES.vlanHost)).toBe('vlan');
  });

  it('reattaches to a running openvpn after the app restarts', async () => {
    printLogsOnFailure();
    const pid = driver.pid;
    await driver.detach();

    driver = newDriver();
    const state = await driver.recover();

    expect(state).toMatchObject({ status: 'connected', endpoint: { host: LAB_ADDRESSES.fw2 } });
    expect(driver.pid).toBe(pid);
  });

  it('disconnects with no openvpn and no tun device left', async () => {
    printLogsOnFailure();
    const started = performance.now();
    // A second click while disconnecting waits for the same stop.
    await Promise.all([driver.disconnect(), driver.disconnect()]);
    measurements.disconnect = Math.round(performance.now() - started);

    expect(driver.state()).toEqual({ status: 'disconnected' });
    expect(await pidsIn(lab.namespace('client'))).toEqual([]);
    expect(await tunDevices()).toEqual([]);
    expect(existsSync(processRecordPath(dataDir))).toBe(false);
  });

  it('restarts openvpn after it is killed', async () => {
    printLogsOnFailure();
    await lab.restartServer('fw1');
    await driver.connect();
    const pid = driver.pid ?? 0;
    const reasons: string[] = [];
    const unsubscribe = driver.onState((state) => {
      if (state.status === 'reconnecting') reasons.push(state.reason);
    });
    const onReconnected = waitForState(driver, (state) => state.status === 'connected', 10_000);

    const started = performance.now();
    await signalInNamespace(lab.namespace('client'), pid, 'SIGKILL');
    await onReconnected.finally(unsubscribe);
    measurements.restartAfterSigkill = Math.round(performance.now() - started);

    expect(reasons[0]).toMatch(/^openvpn exited unexpectedly .*; restart 1 of 5 in \d+ ms$/);
    expect(driver.pid).not.toBe(pid);
    expect(existsSync(processRecordPath(dataDir))).toBe(true);
  });

  it('reports openvpn exiting when restarts are off', async () => {
    printLogsOnFailure();
    await driver.disconnect();
    driver = newDriver({ restartPolicy: { maxAttempts: 0, initialDelayMs: 0, maxDelayMs: 0 } });
    await driver.installProfile(profile);
    await driver.connect();
    const onError = waitForState(driver, (state) => state.status === 'error', 10_000);

    await signalInNamespace(lab.namespace('client'), driver.pid ?? 0, 'SIGKILL');
    const state = await onError;

    expect(state).toMatchObject({ status: 'error', kind: 'openvpn-exited' });
    expect(existsSync(processRecordPath(dataDir))).toBe(false);
  });

  it('restarts a tunnel that passes nothing', async () => {
    printLogsOnFailure();
    const checked = newDriver({
      probeTargets: [{ host: LAB_ADDRESSES.vlanHost, port: LAB_HTTP_PORT }],
      probeTimeoutMs: 1_000,
    });
    await checked.installProfile(profile);
    const checks: TunnelCheck[] = [];
    checked.onTunnelCheck((check) => checks.push(check));
    const states: ConnectionState[] = [];
    checked.onState((state) => states.push(state));
    const onRestart = waitForState(
      checked,
      (state) => state.status === 'reconnecting' && state.reason.includes('passed no traffic'),
      15_000,
    );

    // fw1 keeps its tunnel up but stops forwarding, so nothing reaches the VLAN.
    await lab.exec('fw1', ['sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    try {
      await checked.connect();
      await onRestart;
    } finally {
      await lab.exec('fw1', ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    }
    const healthy = new Promise<TunnelCheck>((resolve) =>
      checked.onTunnelCheck((check) => check.healthy && resolve(check)),
    );
    await healthy;
    const statusAfterHealthyCheck = checked.state().status;
    await checked.disconnect();

    const degraded = states.findIndex((state) => state.status === 'degraded');
    expect(states[degraded]).toMatchObject({
      status: 'degraded',
      endpoint: { host: LAB_ADDRESSES.fw1, port: 1194 },
      reason: expect.stringContaining(
        `${LAB_ADDRESSES.vlanHost}:${LAB_HTTP_PORT} did not answer through the tunnel`,
      ) as unknown,
    });
    expect(states[degraded + 1]).toMatchObject({
      status: 'reconnecting',
      reason: expect.stringMatching(/^the tunnel passed no traffic; restart 1 of 5\. /) as unknown,
    });
    expect(checks[0]).toMatchObject({ healthy: false });
    expect(checks.at(-1)).toMatchObject({ healthy: true, bytesInMoved: true });
    expect(statusAfterHealthyCheck).toBe('connected');
    expect(checked.state()).toEqual({ status: 'disconnected' });
  });

  it('stays degraded once the restarts are used up', async () => {
    printLogsOnFailure();
    const checked = newDriver({
      probeTargets: [{ host: LAB_ADDRESSES.vlanHost, port: LAB_HTTP_PORT }],
      probeTimeoutMs: 500,
      restartPolicy: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 },
    });
    await checked.installProfile(profile);
    const statuses: string[] = [];
    checked.onState((state) => statuses.push(state.status));
    let degradedCount = 0;
    const onSecondDegraded = waitForState(
      checked,
      (state) => state.status === 'degraded' && ++degradedCount === 2,
      20_000,
    );

    // Neither firewall forwards, so the restart cannot fix the tunnel by failing over.
    await lab.exec('fw1', ['sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    await lab.exec('fw2', ['sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    let statusLater: string;
    try {
      await checked.connect();
      await onSecondDegraded;
      // A restart would follow the degraded state within milliseconds.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      statusLater = checked.state().status;
    } finally {
      await lab.exec('fw1', ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
      await lab.exec('fw2', ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
      await checked.disconnect();
    }

    expect(statusLater).toBe('degraded');
    expect(statuses.filter((status) => status === 'reconnecting')).toHaveLength(1);
    expect(await pidsIn(lab.namespace('client'))).toEqual([]);
  });

  it('survives a crash of the app', async () => {
    printLogsOnFailure();
    // The app itself runs inside the client namespace here, and openvpn with it.
    const app = spawn(
      'ip',
      [
        'netns',
        'exec',
        lab.namespace('client'),
        process.execPath,
        '--import',
        'tsx',
        APP_PROCESS,
        dataDir,
        profile,
        toolPath('openvpn'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [firstLine] = (await once(app.stdout, 'data')) as [Buffer];
    expect(JSON.parse(firstLine.toString())).toMatchObject({ status: 'connected' });

    app.kill('SIGKILL');
    await once(app, 'exit');
    driver = newDriver();
    const state = await driver.recover();

    expect(state).toMatchObject({ status: 'connected', endpoint: { host: LAB_ADDRESSES.fw1 } });
    await driver.disconnect();
    expect(await pidsIn(lab.namespace('client'))).toEqual([]);
    expect(await tunDevices()).toEqual([]);
  });

  it('never starts openvpn with an expired certificate', async () => {
    printLogsOnFailure();
    const now = Date.now();
    const expired = await issueTestClient(lab.ca, 'jane.doe', {
      notBefore: new Date(now - 48 * HOUR_MS),
      notAfter: new Date(now - HOUR_MS),
    });
    const expiredDriver = newDriver();
    await expiredDriver.installProfile(await installLabProfile(lab, dataDir, expired, 'expired'));

    const attempt = expiredDriver.connect();

    await expect(attempt).rejects.toBeInstanceOf(ConnectError);
    await expect(attempt).rejects.toThrow(/^The certificate expired on .* \(1 hour ago\)/);
    expect(await pidsIn(lab.namespace('client'))).toEqual([]);
  });
});
