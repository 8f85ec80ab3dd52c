import { describe, expect, it } from 'vitest';

import { judgeOwnLayers, judgeRound } from './judgement.ts';
import type { ProbeOutcome, ProbeRound, ProbeSample, RoutePath } from './reachability.ts';

const VLAN = { id: 'office-vlan', name: 'Office VLAN 440', gateway: '192.168.100.2' };
const AZURE = { id: 'azure', name: 'Azure VNet', gateway: '192.168.200.1', via: 'office-vlan' };
const LEGACY = { id: 'legacy', name: 'Legacy VPN' };

const UP: ProbeOutcome = { status: 'up', latencyMs: 0.8 };
const DOWN: ProbeOutcome = { status: 'down', reason: 'no echo reply' };
const CLOSED: ProbeOutcome = { status: 'closed', latencyMs: 1.1 };
const NO_ROUTE: ProbeOutcome = {
  status: 'no-route',
  reason: 'no route through the VPN: 192.168.100.10 would go via 198.18.0.1 on wlan0',
};

function gateway(networkId: string, address: string, outcome: ProbeOutcome): ProbeSample {
  return { key: `${networkId}/gateway/${address}`, layer: 'gateway', networkId, address, outcome };
}

function host(
  networkId: string,
  address: string,
  outcome: ProbeOutcome,
  name?: string,
): ProbeSample {
  return {
    key: `${networkId}/host/${address}`,
    layer: 'host',
    networkId,
    address,
    outcome,
    ...(name === undefined ? {} : { name }),
  };
}

function service(
  networkId: string,
  address: string,
  port: number,
  outcome: ProbeOutcome,
  name?: string,
): ProbeSample {
  return {
    key: `${networkId}/service/${address}:${port}`,
    layer: 'service',
    networkId,
    address,
    port,
    outcome,
    ...(name === undefined ? {} : { name }),
  };
}

/** Marks samples as sent on `path`, as the prober records for every probe it sends. */
function sentOn(path: RoutePath, samples: ProbeSample[]): ProbeSample[] {
  return samples.map((sample) => ({ ...sample, path }));
}

function round(samples: ProbeSample[], options: Partial<ProbeRound> = {}): ProbeRound {
  return {
    startedAt: '2026-12-04T10:00:00.000Z',
    durationMs: 12,
    tunnel: { up: true, detail: 'Connected' },
    samples,
    ...options,
  };
}

const vlanUp = [
  gateway('office-vlan', '192.168.100.2', UP),
  host('office-vlan', '192.168.100.10', { status: 'up', latencyMs: 0.4 }),
  service('office-vlan', '192.168.100.10', 80, UP),
];

describe('network judgement', () => {
  it('finds a network reachable when every layer answers', () => {
    const verdict = judgeOwnLayers(VLAN, round(vlanUp));
    expect(verdict).toEqual({
      networkId: 'office-vlan',
      name: 'Office VLAN 440',
      status: 'reachable',
      latencyMs: 0.4,
      explanation: 'Office VLAN 440 is reachable (0.4 ms).',
    });
  });

  it('blames the gateway when neither it nor a host answers', () => {
    const verdict = judgeOwnLayers(
      VLAN,
      round([
        gateway('office-vlan', '192.168.100.2', DOWN),
        host('office-vlan', '192.168.100.10', DOWN),
      ]),
    );
    expect(verdict.status).toBe('unreachable');
    expect(verdict.brokenLeg).toBe('gateway');
    expect(verdict.explanation).toBe(
      'Office VLAN 440 is unreachable: its gateway 192.168.100.2 does not reply.',
    );
  });

  it('blames the hosts when the gateway answers and they do not', () => {
    const verdict = judgeOwnLayers(
      VLAN,
      round([
        gateway('office-vlan', '192.168.100.2', UP),
        host('office-vlan', '192.168.100.10', DOWN),
      ]),
    );
    expect(verdict.brokenLeg).toBe('host');
    expect(verdict.explanation).toBe(
      'Office VLAN 440 is unreachable: its gateway 192.168.100.2 replies, but no host behind it does.',
    );
  });

  it('names the hosts that do not answer when there is no gateway', () => {
    const verdict = judgeOwnLayers(
      LEGACY,
      round([host('legacy', '192.168.101.5', DOWN, 'Old ERP')]),
    );
    expect(verdict.explanation).toBe(
      'Legacy VPN is unreachable: no host replies (Old ERP (192.168.101.5)).',
    );
  });

  it('counts a host that filters ICMP but answers TCP as alive', () => {
    const verdict = judgeOwnLayers(
      LEGACY,
      round([host('legacy', '192.168.101.5', DOWN), service('legacy', '192.168.101.5', 22, UP)]),
    );
    expect(verdict.status).toBe('reachable');
  });

  it('counts a TCP reset as an answer from the host', () => {
    const verdict = judgeOwnLayers(
      LEGACY,
      round([
        host('legacy', '192.168.101.5', DOWN),
        service('legacy', '192.168.101.5', 22, CLOSED),
      ]),
    );
    expect(verdict.status).toBe('degraded');
    expect(verdict.brokenLeg).toBe('service');
  });

  it('finds a network degraded when one of its hosts is down', () => {
    const verdict = judgeOwnLayers(
      VLAN,
      round([...vlanUp, host('office-vlan', '192.168.100.20', DOWN, 'Printer')]),
    );
    expect(verdict.status).toBe('degraded');
    expect(verdict.brokenLeg).toBe('host');
    expect(verdict.explanation).toBe(
      'Office VLAN 440 is degraded: Printer (192.168.100.20) does not reply.',
    );
  });

  it('finds a network degraded when a service refuses connections', () => {
    const verdict = judgeOwnLayers(
      VLAN,
      round([...vlanUp, service('office-vlan', '192.168.100.10', 445, CLOSED, 'File server')]),
    );
    expect(verdict.explanation).toBe(
      'Office VLAN 440 is degraded: File server 192.168.100.10:445 refuses connections.',
    );
  });

  it('gives the reason a service does not reply', () => {
    const verdict = judgeOwnLayers(
      VLAN,
      round([
        ...vlanUp,
        service('office-vlan', '192.168.100.10', 443, {
          status: 'down',
          reason: 'no answer within 2000 ms',
        }),
      ]),
    );
    expect(verdict.explanation).toBe(
      'Office VLAN 440 is degraded: 192.168.100.10:443 does not respond (no answer within 2000 ms).',
    );
  });

  it('judges a network with only a gateway by the gateway', () => {
    const up = judgeOwnLayers(VLAN, round([gateway('office-vlan', '192.168.100.2', UP)]));
    const down = judgeOwnLayers(VLAN, round([gateway('office-vlan', '192.168.100.2', DOWN)]));
    expect(up.status).toBe('reachable');
    expect(down.status).toBe('unreachable');
  });

  it('reports a network without targets as unknown', () => {
    const verdict = judgeOwnLayers(LEGACY, round([]));
    expect(verdict.status).toBe('unknown');
    expect(verdict.explanation).toBe('Legacy VPN has no gateway or probe targets to check.');
  });

  it('reports no route through the VPN when the route check refused everything', () => {
    const verdict = judgeOwnLayers(VLAN, round([host('office-vlan', '192.168.100.10', NO_ROUTE)]));
    expect(verdict.status).toBe('no-route');
    expect(verdict.explanation).toBe(
      'Office VLAN 440: no route through the VPN: 192.168.100.10 would go via 198.18.0.1 on wlan0.',
    );
  });

  it('says the VPN is down when there is no route and no tunnel', () => {
    const verdict = judgeOwnLayers(
      VLAN,
      round([host('office-vlan', '192.168.100.10', NO_ROUTE)], {
        tunnel: { up: false, detail: 'Disconnected' },
      }),
    );
    expect(verdict.explanation).toBe(
      'Office VLAN 440: no route through the VPN, because the VPN is down.',
    );
  });

  it('judges a directly connected network while the tunnel is down', () => {
    const verdict = judgeOwnLayers(
      VLAN,
      round(vlanUp, { tunnel: { up: false, detail: 'Disconnected' } }),
    );
    expect(verdict.status).toBe('reachable');
  });
});

describe('network judgement of direct routes', () => {
  const tunnelDown = { tunnel: { up: false, detail: 'Disconnected' } };

  it('says a reachable network answers directly', () => {
    const verdict = judgeOwnLayers(VLAN, round(sentOn('direct', vlanUp), tunnelDown));

    expect(verdict.status).toBe('reachable');
    expect(verdict.latencyMs).toBe(0.4);
    expect(verdict.explanation).toBe(
      'Office VLAN 440 is reachable directly, not through the VPN (0.4 ms).',
    );
  });

  it('says so for a network judged by its gateway alone', () => {
    const verdict = judgeOwnLayers(
      VLAN,
      round(
        sentOn('direct', [
          gateway('office-vlan', '192.168.100.2', { status: 'up', latencyMs: 0.03 }),
        ]),
        tunnelDown,
      ),
    );

    expect(verdict.status).toBe('reachable');
    expect(verdict.explanation).toBe(
      'Office VLAN 440 is reachable directly, not through the VPN (0.03 ms).',
    );
  });

  it('names a refused service of a direct network', () => {
    const verdict = judgeOwnLayers(
      LEGACY,
      round(
        sentOn('direct', [
          host('legacy', '192.168.101.5', DOWN),
          service('legacy', '192.168.101.5', 22, { status: 'up', latencyMs: 2 }),
          service('legacy', '192.168.101.5', 23, CLOSED),
        ]),
        tunnelDown,
      ),
    );

    expect(verdict.status).toBe('degraded');
    expect(verdict.explanation).toBe(
      'Legacy VPN is degraded (reached directly, not through the VPN): 192.168.101.5:23 refuses connections.',
    );
  });

  it('says a degraded network answers directly', () => {
    const verdict = judgeOwnLayers(
      VLAN,
      round(
        sentOn('direct', [...vlanUp, host('office-vlan', '192.168.100.20', DOWN, 'Printer')]),
        tunnelDown,
      ),
    );

    expect(verdict.status).toBe('degraded');
    expect(verdict.explanation).toBe(
      'Office VLAN 440 is degraded (reached directly, not through the VPN): Printer (192.168.100.20) does not reply.',
    );
  });

  it('says directly while the tunnel is up', () => {
    const verdict = judgeOwnLayers(VLAN, round(sentOn('direct', vlanUp)));

    expect(verdict.explanation).toBe(
      'Office VLAN 440 is reachable directly, not through the VPN (0.4 ms).',
    );
  });

  it('says directly for this machine', () => {
    const verdict = judgeOwnLayers(VLAN, round(sentOn('local', vlanUp), tunnelDown));

    expect(verdict.explanation).toBe(
      'Office VLAN 440 is reachable directly, not through the VPN (0.4 ms).',
    );
  });

  it('keeps the plain sentence through the tunnel', () => {
    const verdict = judgeOwnLayers(VLAN, round(sentOn('tunnel', vlanUp)));

    expect(verdict.explanation).toBe('Office VLAN 440 is reachable (0.4 ms).');
  });

  it('keeps the plain sentence for mixed paths', () => {
    const [first, ...rest] = vlanUp;
    const samples = [
      ...sentOn('direct', first === undefined ? [] : [first]),
      ...sentOn('tunnel', rest),
    ];
    const verdict = judgeOwnLayers(VLAN, round(samples));

    expect(verdict.explanation).toBe('Office VLAN 440 is reachable (0.4 ms).');
  });

  it('does not say directly from the tunnel state alone', () => {
    // Samples without a recorded path, such as a round read from an older version.
    const verdict = judgeOwnLayers(VLAN, round(vlanUp, tunnelDown));

    expect(verdict.explanation).toBe('Office VLAN 440 is reachable (0.4 ms).');
  });

  it('adds nothing to a network that does not answer', () => {
    const verdict = judgeOwnLayers(
      VLAN,
      round(
        [
          gateway('office-vlan', '192.168.100.2', DOWN),
          host('office-vlan', '192.168.100.10', DOWN),
        ],
        tunnelDown,
      ),
    );

    expect(verdict.explanation).toBe(
      'Office VLAN 440 is unreachable: its gateway 192.168.100.2 does not reply.',
    );
  });

  it('says directly for every network of a round', () => {
    const samples = [
      ...vlanUp,
      gateway('azure', '192.168.200.1', UP),
      host('azure', '192.168.200.4', { status: 'up', latencyMs: 3 }),
    ];
    const summary = judgeRound([VLAN, AZURE], round(sentOn('direct', samples), tunnelDown));

    expect(summary.networks.map((network) => network.explanation)).toEqual([
      'Office VLAN 440 is reachable directly, not through the VPN (0.4 ms).',
      'Azure VNet is reachable directly, not through the VPN (0.8 ms).',
    ]);
  });
});

describe('round judgement with dependencies', () => {
  const azureDown = [
    gateway('azure', '192.168.200.1', DOWN),
    host('azure', '192.168.200.4', DOWN),
    service('azure', '192.168.200.4', 80, { status: 'down', reason: 'no answer within 2000 ms' }),
  ];

  it('places the failure on the link behind a network that is fine', () => {
    const summary = judgeRound([VLAN, AZURE], round([...vlanUp, ...azureDown]));
    const azure = summary.networks[1];

    expect(azure?.status).toBe('unreachable');
    expect(azure?.brokenLeg).toBe('link');
    expect(azure?.explanation).toBe(
      'Azure VNet is unreachable while Office VLAN 440 is fine: the link from Office VLAN 440 ' +
        'to Azure VNet is down (its gateway 192.168.200.1 does not reply).',
    );
  });

  it('leaves the network it is reached through as it is', () => {
    const summary = judgeRound([VLAN, AZURE], round([...vlanUp, ...azureDown]));
    expect(summary.networks[0]?.status).toBe('reachable');
  });

  it('places the failure behind the gateway when the gateway answers', () => {
    const samples = [
      ...vlanUp,
      gateway('azure', '192.168.200.1', UP),
      host('azure', '192.168.200.4', DOWN),
    ];
    const summary = judgeRound([VLAN, AZURE], round(samples));
    expect(summary.networks[1]?.brokenLeg).toBe('host');
    expect(summary.networks[1]?.explanation).toBe(
      'Azure VNet is unreachable while Office VLAN 440 is fine: its gateway 192.168.200.1 ' +
        'replies, but no host behind it does.',
    );
  });

  it('blames the network it is reached through when that is down too', () => {
    const samples = [
      gateway('office-vlan', '192.168.100.2', DOWN),
      host('office-vlan', '192.168.100.10', DOWN),
      ...azureDown,
    ];
    const summary = judgeRound([VLAN, AZURE], round(samples));
    expect(summary.networks[1]?.brokenLeg).toBe('via');
    expect(summary.networks[1]?.explanation).toBe(
      'Azure VNet is unreachable because Office VLAN 440, which it is reached through, is unreachable.',
    );
  });

  it('resolves a chain of dependencies in any order', () => {
    const branch = { id: 'branch', name: 'Branch office', via: 'azure' };
    const samples = [
      gateway('office-vlan', '192.168.100.2', DOWN),
      host('office-vlan', '192.168.100.10', DOWN),
      ...azureDown,
      host('branch', '10.20.0.5', DOWN),
    ];
    const summary = judgeRound([branch, AZURE, VLAN], round(samples));
    expect(summary.networks.map((network) => network.brokenLeg)).toEqual(['via', 'via', 'gateway']);
  });

  it('blames the VPN gateway when it does not reply either', () => {
    const samples = [
      gateway('office-vlan', '192.168.100.2', DOWN),
      host('office-vlan', '192.168.100.10', DOWN),
    ];
    const vpnGateway: ProbeSample = {
      key: 'vpn-gateway/192.168.102.1',
      layer: 'vpn-gateway',
      address: '192.168.102.1',
      outcome: DOWN,
    };
    const summary = judgeRound([VLAN], round(samples, { vpnGateway }));
    expect(summary.networks[0]?.brokenLeg).toBe('vpn-gateway');
    expect(summary.networks[0]?.explanation).toBe(
      'Office VLAN 440 is unreachable, and the VPN gateway 192.168.102.1 does not reply ' +
        'either, so the VPN server passes no traffic.',
    );
  });

  it('keeps the tunnel status and the round time', () => {
    const summary = judgeRound([VLAN], round(vlanUp));
    expect(summary.tunnel).toEqual({ up: true, detail: 'Connected' });
    expect(summary.checkedAt).toBe('2026-12-04T10:00:00.000Z');
  });

  it('says a dependency without a route is not routed through the VPN', () => {
    const samples = [host('office-vlan', '192.168.100.10', NO_ROUTE), ...azureDown];
    const summary = judgeRound([VLAN, AZURE], round(samples));
    expect(summary.networks[1]?.explanation).toBe(
      'Azure VNet is unreachable because Office VLAN 440, which it is reached through, is not ' +
        'routed through the VPN.',
    );
  });
});
