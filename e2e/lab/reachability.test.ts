import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { OpenvpnDriver } from '../../main/connect/openvpn-driver.ts';
import { issueTestClient } from '../../main/connect/test-profile.ts';
import type { ProbeRound, ReachabilitySummary } from '../../main/reach/reachability.ts';
import { describeWith, toolPath } from '../../main/testing/requirements.ts';
import { labDown, labUp, type Lab } from './lab-environment.ts';
import { installLabProfile, labOrganisation } from './lab-profile.ts';
import { signalInNamespace } from './namespaces.ts';
import { LAB_ADDRESSES } from './topology.ts';

// Its own prefix and directory, so this file never touches another run's lab.
const PREFIX = 'rch-';
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'vpn-onboard.js');
const INTERVAL_MS = 1_000;
const PROBE_TIMEOUT_MS = 500;
const CLIENT_UPLINKS = ['to-fw1', 'to-fw2'];

interface ProbeOutput {
  reachability: ReachabilitySummary;
  round: ProbeRound;
}

let lab: Lab;
let labDirectory: string;
let dataDir: string;
let organisationPath: string;
let driver: OpenvpnDriver;
const measurements: Record<string, number> = {};

/** Builds the CLI's command line inside the client namespace, where the app would run. */
function cliArguments(args: string[]): string[] {
  return [
    'netns',
    'exec',
    lab.namespace('client'),
    process.execPath,
    CLI,
    ...args,
    '--org',
    organisationPath,
    '--data-dir',
    dataDir,
  ];
}

function probeOnce(): Promise<ProbeOutput> {
  return new Promise((resolve, reject) => {
    const args = cliArguments(['probe', '--json', '--timeout', String(PROBE_TIMEOUT_MS)]);
    execFile('ip', args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`probe failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as ProbeOutput);
    });
  });
}

/** Streams `probe --watch --json`; `next` resolves with the first change that matches. */
function watchProbe() {
  const args = cliArguments([
    'probe',
    '--watch',
    '--json',
    '--interval',
    String(INTERVAL_MS / 1000),
    '--timeout',
    String(PROBE_TIMEOUT_MS),
  ]);
  const child: ChildProcess = spawn('ip', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const outputs: ProbeOutput[] = [];
  const waiters: {
    matches: (output: ProbeOutput) => boolean;
    resolve: (output: ProbeOutput) => void;
  }[] = [];

  createInterface({ input: child.stdout! }).on('line', (line) => {
    const output = JSON.parse(line) as ProbeOutput;
    outputs.push(output);
    for (const waiter of [...waiters]) {
      if (!waiter.matches(output)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(output);
    }
  });

  const next = (matches: (output: ProbeOutput) => boolean, timeoutMs: number) =>
    new Promise<ProbeOutput>((resolve, reject) => {
      const found = outputs.find(matches);
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(
        () => reject(new Error(`No matching probe output within ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.push({
        matches,
        resolve: (output) => {
          clearTimeout(timer);
          resolve(output);
        },
      });
    });

  const stop = async () => {
    // ip netns exec runs node in place, so the child's PID is the CLI's.
    if (child.pid !== undefined && child.exitCode === null) {
      await signalInNamespace(lab.namespace('client'), child.pid, 'SIGTERM');
      await once(child, 'exit');
    }
  };

  return { outputs, next, stop };
}

function statusOf(output: ProbeOutput, networkId: string) {
  return output.reachability.networks.find((network) => network.networkId === networkId);
}

/**
 * Counts IPv4 packets towards the internal networks (192.168.0.0/16) that leave the client's
 * non-tunnel interfaces: an htb class on each uplink takes exactly those packets, so ARP and
 * other traffic do not move its counter. (This kernel has neither act_gact nor u32 hit counters.)
 */
async function countInternalPackets(): Promise<void> {
  const tc = (args: string[]) => lab.exec('client', ['tc', ...args]);
  for (const device of CLIENT_UPLINKS) {
    await tc(['qdisc', 'add', 'dev', device, 'root', 'handle', '1:', 'htb', 'default', '10']);
    await tc([
      'class',
      'add',
      'dev',
      device,
      'parent',
      '1:',
      'classid',
      '1:10',
      'htb',
      'rate',
      '1gbit',
    ]);
    await tc([
      'class',
      'add',
      'dev',
      device,
      'parent',
      '1:',
      'classid',
      '1:20',
      'htb',
      'rate',
      '1gbit',
    ]);
    await tc([
      'filter',
      'add',
      'dev',
      device,
      'parent',
      '1:',
      'protocol',
      'ip',
      'prio',
      '1',
      'u32',
      'match',
      'ip',
      'dst',
      '192.168.0.0/16',
      'flowid',
      '1:20',
    ]);
  }
}

async function internalPackets(): Promise<number> {
  let total = 0;
  for (const device of CLIENT_UPLINKS) {
    const output = await lab.exec('client', [
      'tc',
      '-s',
      'class',
      'show',
      'dev',
      device,
      'classid',
      '1:20',
    ]);
    const match = /Sent \d+ bytes (\d+) pkt/.exec(output);
    if (match?.[1] === undefined)
      throw new Error(`No packet counter in tc output for ${device}: ${output}`);
    total += Number(match[1]);
  }
  return total;
}

describeWith(['root', 'openvpn', 'iproute2'], 'reachability in the network lab', () => {
  beforeAll(async () => {
    labDirectory = await mkdtemp(join(tmpdir(), 'vpn-onboard-rch-lab-'));
    lab = await labUp({
      prefix: PREFIX,
      directory: labDirectory,
      openvpnPath: toolPath('openvpn'),
    });

    dataDir = await mkdtemp(join(tmpdir(), 'vpn-onboard-rch-data-'));
    const credentials = await issueTestClient(lab.ca, 'jane.doe');
    const profile = await installLabProfile(lab, dataDir, credentials);
    const organisation = labOrganisation(lab);
    organisation.networks[0]!.gateway = '192.168.100.2';
    organisationPath = join(dataDir, 'lab-organisation.json');
    await writeFile(organisationPath, JSON.stringify(organisation), { mode: 0o600 });

    driver = new OpenvpnDriver({
      dataDir,
      openvpnPath: toolPath('openvpn'),
      commandPrefix: ['ip', 'netns', 'exec', lab.namespace('client')],
      connectTimeoutMs: 20_000,
      extraArguments: ['--disable-dco'],
    });
    await driver.installProfile(profile);
    await driver.connect();
  });

  afterAll(async () => {
    await driver?.disconnect().catch(() => undefined);
    await labDown({ prefix: PREFIX, directory: labDirectory });
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    console.log('Reachability measurements (ms):', measurements);
  });

  it('reaches every network with latencies', async () => {
    const output = await probeOnce();

    expect(output.reachability.networks.map((network) => network.status)).toEqual([
      'reachable',
      'reachable',
    ]);
    expect(output.round.vpnGateway?.outcome.status).toBe('up');
    for (const sample of output.round.samples) {
      expect(sample.outcome, sample.key).toMatchObject({ status: 'up' });
      expect(
        sample.outcome.status === 'up' && sample.outcome.latencyMs,
        sample.key,
      ).toBeGreaterThan(0);
    }
  });

  it('places a broken link to the cloud network and sees it recover', async () => {
    const watcher = watchProbe();
    try {
      await watcher.next(
        (output) => statusOf(output, 'azure-vnet')?.status === 'reachable',
        10_000,
      );

      const linkDown = performance.now();
      await lab.exec('fw1', ['ip', 'link', 'set', 'to-azure', 'down']);
      const broken = await watcher.next(
        (output) => statusOf(output, 'azure-vnet')?.status === 'unreachable',
        2 * INTERVAL_MS + 2 * PROBE_TIMEOUT_MS + 1_000,
      );
      measurements.detectDown = Math.round(performance.now() - linkDown);

      expect(statusOf(broken, 'office-vlan')?.status).toBe('reachable');
      expect(statusOf(broken, 'azure-vnet')?.brokenLeg).toBe('link');
      expect(statusOf(broken, 'azure-vnet')?.explanation).toBe(
        'Azure VNet (lab) is unreachable while Office VLAN (lab) is fine: the link from ' +
          'Office VLAN (lab) to Azure VNet (lab) is down.',
      );
      // At worst the link goes down just after a round sent its requests, so the next round
      // (one interval later, give or take 10 % jitter) waits one timeout and reports it.
      expect(measurements.detectDown).toBeLessThan(2 * INTERVAL_MS);

      const linkUp = performance.now();
      await lab.exec('fw1', ['ip', 'link', 'set', 'to-azure', 'up']);
      await watcher.next(
        (output) =>
          output.reachability.checkedAt > broken.reachability.checkedAt &&
          statusOf(output, 'azure-vnet')?.status === 'reachable',
        10_000,
      );
      measurements.detectRecovery = Math.round(performance.now() - linkUp);
    } finally {
      await lab.exec('fw1', ['ip', 'link', 'set', 'to-azure', 'up']).catch(() => undefined);
      await watcher.stop();
    }
  });

  it('sends nothing towards internal networks while disconnected', async () => {
    await driver.disconnect();
    // Like a cafe's router: a default route that would carry internal addresses away.
    await lab.exec('client', ['ip', 'route', 'add', 'default', 'via', LAB_ADDRESSES.fw1]);
    await countInternalPackets();

    const output = await probeOnce();
    const leaked = await internalPackets();

    expect(output.reachability.tunnel.up).toBe(false);
    for (const network of output.reachability.networks) {
      expect(network.status, network.networkId).toBe('no-route');
      expect(network.explanation, network.networkId).toContain('no route through the VPN');
    }
    for (const sample of output.round.samples) {
      expect(sample.outcome, sample.key).toEqual({
        status: 'no-route',
        reason: `no route through the VPN: ${sample.address} would go via ${LAB_ADDRESSES.fw1} on to-fw1`,
      });
    }
    expect(leaked).toBe(0);

    // The counters do see a probe that ignores the route rule, so the check above can fail.
    await lab
      .exec('client', ['ping', '-n', '-c1', '-W', '0.3', LAB_ADDRESSES.vlanHost])
      .catch(() => undefined);
    expect(await internalPackets()).toBe(1);
  });
});
