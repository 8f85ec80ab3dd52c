import { describe, expect, it } from 'vitest';

import type { ConnectionState } from '../connect/connection-state.ts';
import type { NetworkStatus, NetworkVerdict, ReachabilitySummary } from '../reach/reachability.ts';
import { trayModel, type TrayIcon, type TrayMenuItem } from './tray-model.ts';

const CONNECTED: ConnectionState = {
  status: 'connected',
  endpoint: { host: 'fw1.vpn.example.org', port: 1194 },
  tunnelAddress: '192.168.102.2',
  since: '2026-12-04T10:00:00.000Z',
};

const DEGRADED: ConnectionState = {
  status: 'degraded',
  endpoint: { host: 'fw1.vpn.example.org', port: 1194 },
  tunnelAddress: '192.168.102.2',
  since: '2026-12-04T10:00:03.000Z',
  reason: '192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms).',
};

const STATES: Record<ConnectionState['status'], ConnectionState> = {
  disconnected: { status: 'disconnected' },
  connecting: { status: 'connecting', phase: 'authenticating' },
  connected: CONNECTED,
  degraded: DEGRADED,
  reconnecting: { status: 'reconnecting', reason: 'the server restarted' },
  disconnecting: { status: 'disconnecting' },
  error: { status: 'error', kind: 'certificate', message: 'The certificate expired on 2026-11-30' },
};

function verdict(id: string, status: NetworkStatus, latencyMs?: number): NetworkVerdict {
  return {
    networkId: id,
    name: id === 'vlan' ? 'Office VLAN' : 'Azure VNet',
    status,
    ...(latencyMs === undefined ? {} : { latencyMs }),
    explanation: `${id} is ${status}.`,
  };
}

function summary(...networks: NetworkVerdict[]): ReachabilitySummary {
  return {
    tunnel: { up: true, detail: 'Connected' },
    networks,
    checkedAt: '2026-12-04T10:00:05.000Z',
  };
}

const SUMMARIES: Record<string, ReachabilitySummary | undefined> = {
  'no round yet': undefined,
  'no networks': summary(),
  'all reachable': summary(verdict('vlan', 'reachable', 0.4), verdict('azure', 'reachable', 12)),
  'one degraded': summary(verdict('vlan', 'reachable', 0.4), verdict('azure', 'degraded', 12)),
  'one unreachable': summary(verdict('vlan', 'reachable', 0.4), verdict('azure', 'unreachable')),
  'no route': summary(verdict('vlan', 'no-route'), verdict('azure', 'no-route')),
  'one unknown': summary(verdict('vlan', 'reachable', 0.4), verdict('azure', 'unknown')),
};

const PROBLEMS = new Set(['one degraded', 'one unreachable', 'no route']);

// States with a tunnel that exists or is being set up, so it can be stopped or restarted.
const RUNNING = new Set<ConnectionState['status']>([
  'connecting',
  'connected',
  'degraded',
  'reconnecting',
]);

const EXPECTED_ICON: Record<ConnectionState['status'], TrayIcon> = {
  disconnected: 'disconnected',
  connecting: 'connecting',
  connected: 'connected',
  degraded: 'degraded',
  reconnecting: 'connecting',
  disconnecting: 'disconnected',
  error: 'error',
};

function action(menu: TrayMenuItem[], name: string) {
  return menu.find((item) => item.kind === 'action' && item.action === name);
}

describe('tray model', () => {
  for (const [status, state] of Object.entries(STATES) as [
    ConnectionState['status'],
    ConnectionState,
  ][]) {
    for (const [summaryName, reach] of Object.entries(SUMMARIES)) {
      describe(`${status} with ${summaryName}`, () => {
        const model = trayModel(state, reach);

        it('picks the icon', () => {
          const expected =
            status === 'connected' && PROBLEMS.has(summaryName)
              ? 'degraded'
              : EXPECTED_ICON[status];
          expect(model.icon).toBe(expected);
        });

        it('offers connect or disconnect from the shared predicates', () => {
          const canStop = RUNNING.has(status);
          expect(action(model.menu, 'disconnect') !== undefined).toBe(canStop);
          expect(action(model.menu, 'connect') !== undefined).toBe(!canStop);
        });

        it('enables connect only when nothing runs', () => {
          const connect = action(model.menu, 'connect');
          if (connect?.kind !== 'action') return;
          expect(connect.enabled).toBe(status === 'disconnected' || status === 'error');
        });

        it('enables reconnect only with a tunnel', () => {
          const reconnect = action(model.menu, 'reconnect');
          const enabled = reconnect?.kind === 'action' && reconnect.enabled;
          expect(enabled).toBe(RUNNING.has(status));
        });

        it('always offers open and quit', () => {
          expect(action(model.menu, 'open')).toMatchObject({ enabled: true });
          expect(action(model.menu, 'quit')).toMatchObject({ enabled: true });
        });

        it('shows one line per network', () => {
          const lines = model.menu.filter(
            (item) => item.kind === 'label' && item.id.startsWith('network:'),
          );
          expect(lines).toHaveLength(reach?.networks.length ?? 0);
        });

        it('starts the menu and tooltip with the status line', () => {
          const first = model.menu[0];
          expect(first?.kind).toBe('label');
          expect(
            model.tooltip.startsWith(`VPN Onboard: ${first?.kind === 'label' ? first.label : ''}`),
          ).toBe(true);
        });
      });
    }
  }

  it('shows the latency of a reachable network', () => {
    const model = trayModel(CONNECTED, SUMMARIES['all reachable']);
    const labels = model.menu.flatMap((item) => (item.kind === 'label' ? [item.label] : []));
    expect(labels).toContain('Office VLAN: reachable, 0.4 ms');
    expect(labels).toContain('Azure VNet: reachable, 12 ms');
  });

  it('counts problems in the status line', () => {
    const model = trayModel(CONNECTED, SUMMARIES['one unreachable']);
    expect(model.menu[0]).toEqual({
      kind: 'label',
      id: 'status',
      label: 'Connected; 1 of 2 networks with problems',
    });
  });

  it('puts the explanation of each problem in the tooltip', () => {
    const model = trayModel(CONNECTED, SUMMARIES['one unreachable']);
    expect(model.tooltip).toBe(
      'VPN Onboard: Connected; 1 of 2 networks with problems\nazure is unreachable.',
    );
  });

  it('says no route through the VPN for an unrouted network', () => {
    const model = trayModel({ status: 'disconnected' }, SUMMARIES['no route']);
    const labels = model.menu.flatMap((item) => (item.kind === 'label' ? [item.label] : []));
    expect(labels).toContain('Office VLAN: no route through the VPN');
  });

  it('puts the reason of a degraded tunnel in the tooltip', () => {
    const model = trayModel(DEGRADED, undefined);
    expect(model.tooltip).toBe(
      'VPN Onboard: Connected to fw1.vpn.example.org, but no traffic passes\n' +
        '192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms).',
    );
  });

  it('keeps the menu line of a degraded tunnel short', () => {
    const model = trayModel(DEGRADED, SUMMARIES['all reachable']);
    expect(model.menu[0]).toEqual({
      kind: 'label',
      id: 'status',
      label: 'Connected to fw1.vpn.example.org, but no traffic passes',
    });
  });

  it('lists network problems of a degraded tunnel after the reason', () => {
    const model = trayModel(DEGRADED, SUMMARIES['one unreachable']);
    expect(model.tooltip.split('\n')).toEqual([
      'VPN Onboard: Connected to fw1.vpn.example.org, but no traffic passes',
      '192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms).',
      'azure is unreachable.',
    ]);
  });

  it('shows the error message while in error', () => {
    const model = trayModel(STATES.error, undefined);
    expect(model.tooltip).toBe('VPN Onboard: Error: The certificate expired on 2026-11-30');
  });

  it('does not count a network without targets as a problem', () => {
    const model = trayModel(CONNECTED, SUMMARIES['one unknown']);
    expect(model.icon).toBe('connected');
  });

  it('uses the app name it is given', () => {
    expect(trayModel(STATES.disconnected, undefined, 'Example VPN').tooltip).toBe(
      'Example VPN: Disconnected',
    );
  });
});
