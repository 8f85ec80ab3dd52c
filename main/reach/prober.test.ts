import { createServer, type Server } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findIcmpTool } from './icmp-probe.ts';
import { planProbes, runProbeRound, tunnelStatusOf } from './prober.ts';
import type { CommandRunner } from './route-lookup.ts';

const NETWORKS = [
  {
    id: 'office-vlan',
    gateway: '192.168.100.2',
    probes: [
      { host: '192.168.100.10', port: 80, name: 'Web server' },
      { host: '192.168.100.10', port: 445 },
    ],
  },
];

/** Builds a runner whose `ip -batch` returns a route through `dev` for every address, and whose fping gets replies. */
function routedThrough(dev: string, prefsrc: string, sent: string[] = []): CommandRunner {
  return (command, args, options) => {
    if (command === 'ip') {
      const lines = (options.input ?? '')
        .trim()
        .split('\n')
        .map((line) => line.replace('route get ', ''))
        .map((dst) => JSON.stringify([{ dst, gateway: '192.168.102.1', dev, prefsrc }]));
      return Promise.resolve({ stdout: lines.join('\n'), stderr: '', exitCode: 0 });
    }
    const hosts = args.filter((arg) => arg.startsWith('192.'));
    sent.push(...hosts);
    const stderr = hosts
      .map((host) => `${host} : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.5/0.5/0.5`)
      .join('\n');
    return Promise.resolve({ stdout: '', stderr, exitCode: 0 });
  };
}

const NO_INTERFACES = () => ({});

describe('probe plan', () => {
  it('lists the gateway, each host once and each port', () => {
    expect(planProbes(NETWORKS).map((probe) => probe.key)).toEqual([
      'office-vlan/gateway/192.168.100.2',
      'office-vlan/host/192.168.100.10',
      'office-vlan/service/192.168.100.10:80',
      'office-vlan/service/192.168.100.10:445',
    ]);
  });

  it('names a host after its first named probe', () => {
    const host = planProbes(NETWORKS).find((probe) => probe.layer === 'host');
    expect(host?.name).toBe('Web server');
  });
});

describe('tunnel status', () => {
  it('is up while degraded', () => {
    const degraded = tunnelStatusOf({
      status: 'degraded',
      endpoint: { host: '198.18.0.1', port: 1194 },
      tunnelAddress: '192.168.102.2',
      since: '2026-12-04T10:00:00.000Z',
      reason: '192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms).',
    });

    expect(degraded.up).toBe(true);
    expect(degraded.address).toBe('192.168.102.2');
  });

  it('is down while disconnected or connecting', () => {
    expect(tunnelStatusOf({ status: 'disconnected' })).toEqual({
      up: false,
      detail: 'Disconnected',
    });
    expect(tunnelStatusOf({ status: 'connecting', phase: 'resolving' }).up).toBe(false);
  });
});

describe('probe round', () => {
  it('sends nothing to an address routed outside the VPN', async () => {
    const commands: string[] = [];
    const connects: string[] = [];
    // Recorded: every internal address goes via a default gateway on wlan0.
    const run: CommandRunner = (command, _args, options) => {
      commands.push(command);
      const lines = (options.input ?? '')
        .trim()
        .split('\n')
        .map((line) => line.replace('route get ', ''))
        .map((dst) => JSON.stringify([{ dst, gateway: '192.168.1.1', dev: 'wlan0' }]));
      return Promise.resolve({ stdout: lines.join('\n'), stderr: '', exitCode: 0 });
    };

    const round = await runProbeRound({
      networks: NETWORKS,
      tunnel: { up: false, detail: 'Disconnected' },
      run,
      icmpTool: { kind: 'fping', path: '/usr/bin/fping' },
      tcp: (host, port) => {
        connects.push(`${host}:${port}`);
        return Promise.resolve({ ok: true, latencyMs: 1 });
      },
      platform: 'linux',
    });

    expect(commands).toEqual(['ip']);
    expect(connects).toEqual([]);
    expect(round.samples.map((sample) => sample.outcome.status)).toEqual([
      'no-route',
      'no-route',
      'no-route',
      'no-route',
    ]);
    expect(round.vpnGateway).toBeUndefined();
  });

  it('probes the VPN gateway that tunnel routes go through', async () => {
    const run = routedThrough('tun0', '192.168.102.2');

    const round = await runProbeRound({
      networks: NETWORKS,
      tunnel: { up: true, detail: 'Connected', address: '192.168.102.2' },
      run,
      interfaces: NO_INTERFACES,
      icmpTool: { kind: 'fping', path: '/usr/bin/fping' },
      tcp: (_host, port) =>
        Promise.resolve(
          port === 80
            ? { ok: true, latencyMs: 0.7 }
            : { ok: false, latencyMs: 0.2, reason: 'refused', message: 'ECONNREFUSED' },
        ),
      platform: 'linux',
    });

    expect(round.vpnGateway).toMatchObject({
      address: '192.168.102.1',
      outcome: { status: 'up', latencyMs: 0.5 },
    });
    expect(round.samples.map((sample) => sample.outcome.status)).toEqual([
      'up',
      'up',
      'up',
      'closed',
    ]);
    expect(round.samples.map((sample) => sample.path)).toEqual([
      'tunnel',
      'tunnel',
      'tunnel',
      'tunnel',
    ]);
  });

  it('sends nothing through a foreign tunnel while ours is down', async () => {
    const sent: string[] = [];
    const connects: string[] = [];

    const round = await runProbeRound({
      networks: NETWORKS,
      tunnel: { up: false, detail: 'Disconnected' },
      run: routedThrough('tun0', '10.64.0.5', sent),
      interfaces: NO_INTERFACES,
      icmpTool: { kind: 'fping', path: '/usr/bin/fping' },
      tcp: (host, port) => {
        connects.push(`${host}:${port}`);
        return Promise.resolve({ ok: true, latencyMs: 1 });
      },
      platform: 'linux',
    });

    expect(sent).toEqual([]);
    expect(connects).toEqual([]);
    expect(round.vpnGateway).toBeUndefined();
    expect(round.samples[0]?.outcome).toEqual({
      status: 'no-route',
      reason:
        "no route through the VPN: 192.168.100.2 would go through tun0, which is not this app's tunnel",
    });
    expect(round.samples[0]?.path).toBeUndefined();
  });

  it('finds our tunnel device from its address', async () => {
    // Both VPNs' routes name the same source address, but only tun1 has it.
    const interfaces = () => ({
      tun1: [
        {
          address: '192.168.102.2',
          netmask: '255.255.254.0',
          family: 'IPv4' as const,
          mac: '00:00:00:00:00:00',
          internal: false,
          cidr: '192.168.102.2/23',
        },
      ],
    });

    const round = await runProbeRound({
      networks: NETWORKS,
      tunnel: { up: true, detail: 'Connected', address: '192.168.102.2' },
      run: routedThrough('tun0', '192.168.102.2'),
      interfaces,
      icmpTool: { kind: 'fping', path: '/usr/bin/fping' },
      tcp: () => Promise.resolve({ ok: true, latencyMs: 1 }),
      platform: 'linux',
    });

    expect(round.samples[0]?.outcome).toEqual({
      status: 'no-route',
      reason:
        "no route through the VPN: 192.168.100.2 would go through tun0, which is not this app's tunnel (tun1)",
    });
  });

  describe('on loopback', () => {
    let server: Server;
    let port: number;

    beforeAll(async () => {
      server = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it.skipIf(findIcmpTool() === undefined || process.platform !== 'linux')(
      'measures real echo and connect latencies',
      async () => {
        const round = await runProbeRound({
          networks: [{ id: 'loop', gateway: '127.0.0.1', probes: [{ host: '127.0.0.1', port }] }],
          tunnel: { up: true, detail: 'Connected' },
          timeoutMs: 1_000,
        });

        for (const sample of round.samples) {
          expect(sample.outcome.status, sample.key).toBe('up');
          expect(sample.path, sample.key).toBe('local');
        }
      },
    );
  });
});
