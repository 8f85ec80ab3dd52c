import { describe, expect, it } from 'vitest';

import { observeActive } from './active-state.ts';
import { parseTerseProperties } from './terse-output.ts';

// Lines of `nmcli --terse connection show --active UUID` from nmcli 1.42.4 in the test lab.
function active(general: string, vpnState: string, address?: string) {
  const lines = [
    'GENERAL.NAME:vpn-onboard-lab',
    `GENERAL.STATE:${general}`,
    'GENERAL.VPN:yes',
    ...(address === undefined ? [] : [`IP4.ADDRESS[1]:${address}`]),
    'VPN.GATEWAY:198.18.0.1:1194:udp, 198.18.1.1:1194:udp',
    `VPN.VPN-STATE:${vpnState}`,
  ];
  return parseTerseProperties(lines.join('\n') + '\n');
}

describe('observeActive', () => {
  it('reads no output as inactive', () => {
    expect(observeActive(undefined)).toEqual({ kind: 'inactive' });
  });

  it('reads a connected VPN with its address', () => {
    const observation = observeActive(active('activated', '5 - VPN connected', '192.168.102.2/23'));

    expect(observation).toEqual({ kind: 'connected', tunnelAddress: '192.168.102.2' });
  });

  it('waits for the address before connected', () => {
    const observation = observeActive(active('activated', '5 - VPN connected'));

    expect(observation).toEqual({ kind: 'connecting', phase: 'assigning-address' });
  });

  it.each([
    ['1 - VPN connecting (prepare)', 'starting'],
    ['2 - VPN connecting (need authentication)', 'authenticating'],
    ['3 - VPN connecting', 'connecting'],
    ['4 - VPN connecting (getting IP configuration)', 'assigning-address'],
  ])('maps VPN state %s to a phase', (vpnState, phase) => {
    expect(observeActive(active('activating', vpnState))).toEqual({ kind: 'connecting', phase });
  });

  it('reads a failed VPN with its reason', () => {
    const observation = observeActive(active('activated', '6 - VPN connection failed'));

    expect(observation).toEqual({ kind: 'failed', reason: '6 - VPN connection failed' });
  });

  it('reads a disconnected VPN as inactive', () => {
    expect(observeActive(active('activated', '7 - VPN disconnected'))).toEqual({
      kind: 'inactive',
    });
  });

  it('reads deactivating', () => {
    expect(observeActive(active('deactivating', '5 - VPN connected', '192.168.102.2/23'))).toEqual({
      kind: 'deactivating',
    });
  });

  it('falls back to GENERAL.STATE without a VPN state', () => {
    const properties = parseTerseProperties(
      'GENERAL.STATE:activated\nIP4.ADDRESS[1]:10.8.0.2/24\n',
    );

    expect(observeActive(properties)).toEqual({ kind: 'connected', tunnelAddress: '10.8.0.2' });
  });
});
