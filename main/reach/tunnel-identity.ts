import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isIP } from 'node:net';

import type { TunnelStatus } from './reachability.ts';

/** The fields that identify this app's tunnel, so another VPN's tunnel device is not taken for it. */
export type TunnelIdentity = Pick<TunnelStatus, 'up' | 'address' | 'device'>;

/** Lists the machine's interfaces by name, like `os.networkInterfaces`. */
export type InterfaceList = () => NodeJS.Dict<NetworkInterfaceInfo[]>;

// Lines openvpn logs when it opens the tunnel device. The Linux lines are the format strings in
// the openvpn 2.6.14 binary.
// NOTE: the macOS (utun) and Windows (adapter alias in brackets) patterns have not been checked
// against openvpn output, so on those systems `probe` may find no device and reject tunnel routes.
const DEVICE_OPENED_LINES = [
  /\b(?:TUN\/TAP|DCO) device (\S+) opened/,
  /\bOpened utun device (\S+)/,
  /\bdevice \[([^\]]+)\] opened/,
];

/**
 * Explains why a route through the tunnel-like device `device` is not this app's tunnel, or
 * returns undefined when it is. A known device decides alone, because two VPNs can hand out the
 * same address. Without one, the route's source address must be the tunnel address.
 */
export function foreignTunnelReason(
  device: string,
  sourceAddress: string | undefined,
  tunnel: TunnelIdentity | undefined,
): string | undefined {
  if (tunnel === undefined) {
    return `but this app's tunnel is not known, so ${device} may belong to another VPN`;
  }
  if (!tunnel.up) return "which is not this app's tunnel";

  if (tunnel.device !== undefined) {
    if (device === tunnel.device) return undefined;
    return `which is not this app's tunnel (${tunnel.device})`;
  }

  if (tunnel.address !== undefined) {
    if (sourceAddress !== undefined && sameAddress(sourceAddress, tunnel.address)) {
      return undefined;
    }
    const source =
      sourceAddress === undefined ? 'no source address' : `source address ${sourceAddress}`;
    return `which is not this app's tunnel: the route has ${source}, and the tunnel has ${tunnel.address}`;
  }

  return `but neither the device nor the address of this app's tunnel is known, so ${device} may belong to another VPN`;
}

/**
 * Adds the device of this app's tunnel when only its address is known: the one interface that
 * has that address. With none or several such interfaces the device stays unknown, so the route's
 * source address decides.
 */
export function withTunnelDevice(
  tunnel: TunnelIdentity,
  interfaces: InterfaceList = networkInterfaces,
): TunnelIdentity {
  if (!tunnel.up || tunnel.device !== undefined || tunnel.address === undefined) return tunnel;

  const address = tunnel.address;
  const owners = Object.entries(interfaces()).filter(([, entries]) =>
    (entries ?? []).some((entry) => sameAddress(entry.address, address)),
  );
  const [owner] = owners;
  if (owner === undefined || owners.length > 1) return tunnel;
  return { ...tunnel, device: owner[0] };
}

/**
 * Finds the tunnel device in an openvpn log: the last device openvpn reported opening, or
 * undefined when the log names none.
 */
export function tunnelDeviceFromLog(log: string): string | undefined {
  let device: string | undefined;
  for (const line of log.split('\n')) {
    for (const pattern of DEVICE_OPENED_LINES) {
      const match = pattern.exec(line);
      if (match?.[1] !== undefined) device = match[1];
    }
  }
  return device;
}

/** Tells whether two spellings name the same IP address, ignoring an IPv6 zone. */
export function sameAddress(left: string, right: string): boolean {
  return canonical(left) === canonical(right);
}

function canonical(address: string): string {
  const [withoutZone = ''] = address.split('%');
  if (isIP(withoutZone) !== 6) return withoutZone;
  return new URL(`http://[${withoutZone}]/`).hostname;
}
