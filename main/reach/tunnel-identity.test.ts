import type { NetworkInterfaceInfo } from 'node:os';

import { describe, expect, it } from 'vitest';

import { foreignTunnelReason, tunnelDeviceFromLog, withTunnelDevice } from './tunnel-identity.ts';

function ipv4(address: string): NetworkInterfaceInfo {
  return {
    address,
    netmask: '255.255.255.0',
    family: 'IPv4',
    mac: '00:00:00:00:00:00',
    internal: false,
    cidr: `${address}/24`,
  };
}

describe('tunnel device from its address', () => {
  it('finds the one interface with the address', () => {
    const interfaces = () => ({ eth0: [ipv4('198.18.0.2')], tun1: [ipv4('192.168.102.2')] });
    const tunnel = withTunnelDevice({ up: true, address: '192.168.102.2' }, interfaces);

    expect(tunnel.device).toBe('tun1');
  });

  it('ignores an address on several interfaces', () => {
    // Two VPNs that both handed out the same address from OpenVPN's default pool.
    const interfaces = () => ({ tun0: [ipv4('10.8.0.6')], tun1: [ipv4('10.8.0.6')] });
    const tunnel = withTunnelDevice({ up: true, address: '10.8.0.6' }, interfaces);

    expect(tunnel.device).toBeUndefined();
  });

  it('ignores an address on no interface', () => {
    const tunnel = withTunnelDevice({ up: true, address: '10.8.0.6' }, () => ({}));

    expect(tunnel.device).toBeUndefined();
  });

  it('keeps a device that is already known', () => {
    const interfaces = () => ({ tun1: [ipv4('10.8.0.6')] });
    const tunnel = withTunnelDevice({ up: true, address: '10.8.0.6', device: 'tun0' }, interfaces);

    expect(tunnel.device).toBe('tun0');
  });

  it('looks up nothing while the tunnel is down', () => {
    const interfaces = () => ({ tun0: [ipv4('10.8.0.6')] });
    const tunnel = withTunnelDevice({ up: false, address: '10.8.0.6' }, interfaces);

    expect(tunnel.device).toBeUndefined();
  });
});

describe('foreign tunnel reason', () => {
  it('accepts the known device alone', () => {
    const tunnel = { up: true, address: '10.8.0.6', device: 'utun3' };

    expect(foreignTunnelReason('utun3', undefined, tunnel)).toBeUndefined();
  });

  it('accepts a matching source address without a known device', () => {
    const tunnel = { up: true, address: '10.8.0.6' };

    expect(foreignTunnelReason('tun0', '10.8.0.6', tunnel)).toBeUndefined();
  });

  it('rejects every device while the tunnel is down', () => {
    const tunnel = { up: false, address: '10.8.0.6', device: 'tun0' };

    expect(foreignTunnelReason('tun0', '10.8.0.6', tunnel)).toBe("which is not this app's tunnel");
  });
});

describe('tunnel device from the openvpn log', () => {
  it('reads the device of a Linux tun', () => {
    // Lines as openvpn 2.6.14 logs them.
    const log = [
      '2026-12-04 10:00:00 TUN/TAP device tun0 opened',
      '2026-12-04 10:00:00 net_addr_v4_add: 192.168.102.2/23 dev tun0',
    ].join('\n');

    expect(tunnelDeviceFromLog(log)).toBe('tun0');
  });

  it('reads a data channel offload device', () => {
    expect(tunnelDeviceFromLog('2026-12-04 10:00:00 DCO device tun3 opened\n')).toBe('tun3');
  });

  it('reads a macOS utun device', () => {
    expect(tunnelDeviceFromLog('2026-12-04 10:00:00 Opened utun device utun4\n')).toBe('utun4');
  });

  it('reads a Windows adapter alias', () => {
    const log =
      '2026-12-04 10:00:00 TAP-WIN32 device [OpenVPN TAP-Windows6] opened: \\\\.\\Global\\{X}.tap\n';

    expect(tunnelDeviceFromLog(log)).toBe('OpenVPN TAP-Windows6');
  });

  it('takes the last device after a restart', () => {
    const log =
      'TUN/TAP device tun0 opened\nSIGUSR1[soft,ping-restart] received\nTUN/TAP device tun1 opened\n';

    expect(tunnelDeviceFromLog(log)).toBe('tun1');
  });

  it('returns undefined for a log without a device', () => {
    expect(tunnelDeviceFromLog('Initialization Sequence Completed\n')).toBeUndefined();
  });
});
