import { describe, expect, it } from 'vitest';

import type { ConnectionState } from '../connect/connection-state.ts';
import type { NetworkStatus, ReachabilitySummary } from '../reach/reachability.ts';
import { noticesBetween, type TrayInputs } from './tray-notices.ts';

const FIRST: ConnectionState = {
  status: 'connected',
  endpoint: { host: 'fw1.vpn.example.org', port: 1194 },
  tunnelAddress: '192.168.102.2',
  since: '2026-12-04T10:00:00.000Z',
};

const SECOND: ConnectionState = {
  status: 'connected',
  endpoint: { host: 'fw2.vpn.example.org', port: 1194 },
  tunnelAddress: '192.168.103.6',
  since: '2026-12-04T10:05:00.000Z',
};

function summary(vlan: NetworkStatus, azure: NetworkStatus): ReachabilitySummary {
  return {
    tunnel: { up: true, detail: 'Connected' },
    networks: [
      { networkId: 'vlan', name: 'Office VLAN', status: vlan, explanation: `VLAN ${vlan}.` },
      { networkId: 'azure', name: 'Azure VNet', status: azure, explanation: `Azure ${azure}.` },
    ],
    checkedAt: '2026-12-04T10:00:05.000Z',
  };
}

function inputs(state: ConnectionState, reach?: ReachabilitySummary): TrayInputs {
  return reach === undefined ? { state } : { state, summary: reach };
}

function titles(previous: TrayInputs | undefined, next: TrayInputs): string[] {
  return noticesBetween(previous, next).map((notice) => notice.title);
}

describe('tray notices', () => {
  it('stay quiet on the first inputs', () => {
    expect(titles(undefined, inputs(FIRST))).toEqual([]);
  });

  it('announce a connect', () => {
    const notices = noticesBetween(
      inputs({ status: 'connecting', phase: 'authenticating' }),
      inputs(FIRST),
    );

    expect(notices).toEqual([
      {
        key: 'connection',
        title: 'Connected to the VPN',
        body: 'fw1.vpn.example.org:1194, address 192.168.102.2',
      },
    ]);
  });

  it('announce a lost tunnel with its reason', () => {
    const notices = noticesBetween(
      inputs(FIRST),
      inputs({ status: 'reconnecting', reason: 'the server stopped answering' }),
    );

    expect(notices.map((notice) => notice.body)).toEqual(['the server stopped answering']);
  });

  it('say reconnected after reconnecting', () => {
    const previous = inputs({ status: 'reconnecting', reason: 'ping timeout' });

    expect(titles(previous, inputs(SECOND))).toEqual(['Reconnected to the VPN']);
  });

  it('announce a tunnel passing nothing', () => {
    const degraded: ConnectionState = {
      ...FIRST,
      status: 'degraded',
      reason: '192.168.100.10:80 did not answer through the tunnel.',
    };

    const notices = noticesBetween(inputs(FIRST), inputs(degraded));

    expect(notices.map((notice) => notice.title)).toEqual(['VPN connected but passing no traffic']);
    expect(notices.map((notice) => notice.body)).toEqual([
      '192.168.100.10:80 did not answer through the tunnel.',
    ]);
  });

  it('announce a move to another server', () => {
    expect(titles(inputs(FIRST), inputs(SECOND))).toEqual(['VPN moved to another server']);
  });

  it('announce an error with its message', () => {
    const failed: ConnectionState = {
      status: 'error',
      kind: 'timeout',
      message: 'No server answered.',
    };

    expect(noticesBetween(inputs(FIRST), inputs(failed)).map((notice) => notice.body)).toEqual([
      'No server answered.',
    ]);
  });

  it('stay quiet on a requested disconnect', () => {
    const disconnecting = inputs({ status: 'disconnecting' });

    expect(titles(inputs(FIRST), disconnecting)).toEqual([]);
    expect(titles(disconnecting, inputs({ status: 'disconnected' }))).toEqual([]);
  });

  it('announce a tunnel that stopped on its own', () => {
    expect(titles(inputs(FIRST), inputs({ status: 'disconnected' }))).toEqual(['VPN disconnected']);
  });

  it('announce a network going down with its explanation', () => {
    const notices = noticesBetween(
      inputs(FIRST, summary('reachable', 'reachable')),
      inputs(FIRST, summary('reachable', 'unreachable')),
    );

    expect(notices).toEqual([
      { key: 'network:azure', title: 'Azure VNet is unreachable', body: 'Azure unreachable.' },
    ]);
  });

  it('announce a network coming back', () => {
    const previous = inputs(FIRST, summary('reachable', 'unreachable'));

    expect(titles(previous, inputs(FIRST, summary('reachable', 'reachable')))).toEqual([
      'Azure VNet is reachable again',
    ]);
  });

  it('treat a degraded network as usable', () => {
    const previous = inputs(FIRST, summary('reachable', 'reachable'));

    expect(titles(previous, inputs(FIRST, summary('reachable', 'degraded')))).toEqual([]);
  });

  it('ignore networks that were not judged', () => {
    const previous = inputs(FIRST, summary('reachable', 'unknown'));

    expect(titles(previous, inputs(FIRST, summary('reachable', 'unreachable')))).toEqual([]);
    expect(titles(inputs(FIRST, summary('reachable', 'reachable')), previous)).toEqual([]);
  });

  it('ignore network changes while not connected', () => {
    const previous = inputs({ status: 'disconnected' }, summary('reachable', 'reachable'));
    const next = inputs({ status: 'disconnected' }, summary('no-route', 'no-route'));

    expect(titles(previous, next)).toEqual([]);
  });
});
