import { describe, expect, it } from 'vitest';

import type { ProbeOutcome, ProbeRound, ProbeSample } from '../reach/reachability.ts';
import { layersOf } from './network-layers.ts';

const OFFICE = { id: 'office-vlan', gateway: '192.168.100.2' };

function sample(
  layer: ProbeSample['layer'],
  address: string,
  outcome: ProbeOutcome,
  extra: Partial<ProbeSample> = {},
): ProbeSample {
  const port = extra.port === undefined ? '' : `:${extra.port}`;
  return {
    key: `office-vlan/${layer}/${address}${port}`,
    layer,
    networkId: 'office-vlan',
    address,
    outcome,
    ...extra,
  };
}

function round(samples: ProbeSample[], extra: Partial<ProbeRound> = {}): ProbeRound {
  return {
    startedAt: '2026-12-04T14:00:00.000Z',
    durationMs: 3,
    tunnel: { up: true, detail: 'Connected to vpn1.example.org:1194 as 192.168.102.7' },
    samples,
    ...extra,
  };
}

const UP = (latencyMs: number): ProbeOutcome => ({ status: 'up', latencyMs });
const DOWN: ProbeOutcome = { status: 'down', reason: 'no echo reply' };
const NO_ROUTE: ProbeOutcome = {
  status: 'no-route',
  reason: 'no route through the VPN: 192.168.100.10 would go via 192.168.1.1 on wlan0',
};

function layer(layers: ReturnType<typeof layersOf>, name: string) {
  return layers.find((entry) => entry.layer === name);
}

describe('network layers', () => {
  it('lists the five layers in path order', () => {
    const layers = layersOf(OFFICE, round([]));

    expect(layers.map((entry) => entry.label)).toEqual([
      'Tunnel',
      'VPN gateway',
      'Gateway',
      'Hosts',
      'Services',
    ]);
  });

  it('takes the tunnel from the round', () => {
    const layers = layersOf(OFFICE, round([], { tunnel: { up: false, detail: 'Disconnected' } }));

    expect(layer(layers, 'tunnel')).toMatchObject({ status: 'down', detail: 'Disconnected.' });
  });

  it('shows the VPN gateway with its latency', () => {
    const vpnGateway = { ...sample('vpn-gateway', '10.8.0.1', UP(12.4)), networkId: undefined };

    const layers = layersOf(OFFICE, round([], { vpnGateway }));

    expect(layer(layers, 'vpn-gateway')).toMatchObject({
      status: 'up',
      latencyMs: 12.4,
      detail: 'The VPN gateway 10.8.0.1 replies in 12 ms.',
    });
  });

  it('leaves the VPN gateway unchecked off the tunnel', () => {
    const layers = layersOf(OFFICE, round([]));

    expect(layer(layers, 'vpn-gateway')?.status).toBe('unknown');
  });

  it('reports a silent gateway as down', () => {
    const layers = layersOf(OFFICE, round([sample('gateway', '192.168.100.2', DOWN)]));

    expect(layer(layers, 'gateway')).toMatchObject({
      status: 'down',
      detail: 'The gateway 192.168.100.2 does not reply: no echo reply.',
    });
  });

  it('leaves the gateway unchecked when none is named', () => {
    const layers = layersOf({ id: 'office-vlan' }, round([]));

    expect(layer(layers, 'gateway')?.status).toBe('unknown');
  });

  it('counts a host that only answers TCP as up', () => {
    const layers = layersOf(
      OFFICE,
      round([
        sample('host', '192.168.100.10', DOWN, { name: 'file server' }),
        sample('service', '192.168.100.10', { status: 'closed', latencyMs: 1 }, { port: 445 }),
      ]),
    );

    expect(layer(layers, 'host')).toMatchObject({
      status: 'up',
      detail: 'file server (192.168.100.10) replies.',
    });
  });

  it('names the hosts that do not reply', () => {
    const layers = layersOf(
      OFFICE,
      round([
        sample('host', '192.168.100.10', UP(2), { name: 'file server' }),
        sample('host', '192.168.100.11', DOWN, { name: 'printer' }),
      ]),
    );

    expect(layer(layers, 'host')).toMatchObject({
      status: 'down',
      latencyMs: 2,
      detail: 'printer (192.168.100.11) does not reply. 1 of 2 hosts reply.',
    });
  });

  it('reports refused ports as closed', () => {
    const layers = layersOf(
      OFFICE,
      round([
        sample('service', '192.168.100.10', UP(3), { port: 443, name: 'intranet' }),
        sample('service', '192.168.100.10', { status: 'closed', latencyMs: 1 }, { port: 445 }),
      ]),
    );

    expect(layer(layers, 'service')).toMatchObject({
      status: 'closed',
      latencyMs: 3,
      detail: '192.168.100.10:445 refuses connections.',
    });
  });

  it('counts the ports that refuse', () => {
    const closed: ProbeOutcome = { status: 'closed', latencyMs: 1 };
    const layers = layersOf(
      OFFICE,
      round([
        sample('host', '192.168.100.10', UP(2)),
        sample('service', '192.168.100.10', closed, { port: 443 }),
        sample('service', '192.168.100.10', closed, { port: 445 }),
      ]),
    );

    const services = layer(layers, 'service');
    expect(services?.status).toBe('closed');
    expect(services?.ports).toEqual({ total: 2, refused: 2 });
    expect(services?.latencyMs).toBeUndefined();
  });

  it('counts no refusal when every port accepts', () => {
    const layers = layersOf(
      OFFICE,
      round([sample('service', '192.168.100.10', UP(3), { port: 443 })]),
    );

    expect(layer(layers, 'service')?.ports).toEqual({ total: 1, refused: 0 });
  });

  it('reports a silent port as down over a refused one', () => {
    const layers = layersOf(
      OFFICE,
      round([
        sample('service', '192.168.100.10', { status: 'closed', latencyMs: 1 }, { port: 445 }),
        sample('service', '192.168.100.11', { status: 'down', reason: 'timed out' }, { port: 22 }),
      ]),
    );

    expect(layer(layers, 'service')).toMatchObject({
      status: 'down',
      ports: { total: 2, refused: 1 },
      detail:
        '192.168.100.10:445 refuses connections; 192.168.100.11:22 does not respond (timed out).',
    });
  });

  it('reports unrouted targets as no route', () => {
    const layers = layersOf(
      OFFICE,
      round([
        sample('host', '192.168.100.10', NO_ROUTE),
        sample('service', '192.168.100.10', NO_ROUTE, { port: 445 }),
      ]),
    );

    expect(layer(layers, 'host')).toMatchObject({
      status: 'no-route',
      detail: `Not probed: ${NO_ROUTE.status === 'no-route' ? NO_ROUTE.reason : ''}.`,
    });
    expect(layer(layers, 'service')?.status).toBe('no-route');
  });

  it('ignores samples of other networks', () => {
    const other = { ...sample('host', '192.168.200.4', DOWN), networkId: 'azure-vnet' };

    const layers = layersOf(OFFICE, round([sample('host', '192.168.100.10', UP(1)), other]));

    expect(layer(layers, 'host')?.status).toBe('up');
  });
});
