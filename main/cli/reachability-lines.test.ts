import { describe, expect, it } from 'vitest';

import type { NetworkVerdict } from '../reach/reachability.ts';
import { summaryLines } from './reachability-lines.ts';

function summaryOf(...networks: NetworkVerdict[]) {
  return { tunnel: { up: true, detail: 'Connected' }, networks, checkedAt: '2026-12-04T10:00:00Z' };
}

describe('reachability lines', () => {
  it('give a reachable network one line with its latency', () => {
    const lines = summaryLines(
      summaryOf({
        networkId: 'vlan',
        name: 'Office VLAN',
        status: 'reachable',
        latencyMs: 0.42,
        explanation: 'Office VLAN is reachable (0.42 ms).',
      }),
    );

    expect(lines).toEqual(['  Office VLAN: reachable, 0.42 ms']);
  });

  it('add the explanation under a problem', () => {
    const explanation =
      'Azure VNet is unreachable while Office VLAN is fine: the link from Office VLAN to Azure VNet is down.';

    const lines = summaryLines(
      summaryOf({ networkId: 'azure', name: 'Azure VNet', status: 'unreachable', explanation }),
    );

    expect(lines).toEqual(['  Azure VNet: unreachable', `    ${explanation}`]);
  });

  it('spell out no route through the VPN', () => {
    const lines = summaryLines(
      summaryOf({
        networkId: 'vlan',
        name: 'Office VLAN',
        status: 'no-route',
        explanation: 'Office VLAN: no route through the VPN.',
      }),
    );

    expect(lines[0]).toBe('  Office VLAN: no route through the VPN');
  });

  it('explain a network reached without the tunnel', () => {
    const explanation = 'Office VLAN is reachable directly, not through the VPN (0.03 ms).';
    const summary = {
      ...summaryOf({
        networkId: 'vlan',
        name: 'Office VLAN',
        status: 'reachable',
        latencyMs: 0.03,
        explanation,
      }),
      tunnel: { up: false, detail: 'Disconnected' },
    };

    expect(summaryLines(summary)).toEqual([
      '  Office VLAN: reachable, 0.03 ms',
      `    ${explanation}`,
    ]);
  });

  it('say when there are no networks', () => {
    expect(summaryLines(summaryOf())).toEqual(['  The organisation file lists no networks.']);
  });
});
