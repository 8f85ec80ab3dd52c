import type { ConnectingPhase } from '../connection-state.ts';
import { numberedValues } from './terse-output.ts';

/** The result of reading NetworkManager's active connection once. */
export type ActiveObservation =
  | { kind: 'inactive' }
  | { kind: 'connecting'; phase: ConnectingPhase }
  | { kind: 'connected'; tunnelAddress: string }
  | { kind: 'deactivating' }
  | { kind: 'failed'; reason: string };

// NetworkManager's VPN connection states (NMVpnConnectionState in nm-dbus-interface.h) and the
// connect phase each one maps to.
const VPN_PHASES: Readonly<Record<number, ConnectingPhase>> = {
  0: 'starting',
  1: 'starting',
  2: 'authenticating',
  3: 'connecting',
  4: 'assigning-address',
};
const VPN_ACTIVATED = 5;
const VPN_FAILED = 6;
const VPN_DISCONNECTED = 7;

/**
 * Maps the properties of `nmcli --terse connection show --active UUID` to an observation;
 * undefined properties mean the connection is not active. VPN.VPN-STATE reads like
 * "5 - VPN connected"; GENERAL.STATE is activating, activated, deactivating or deactivated.
 */
export function observeActive(properties: Map<string, string> | undefined): ActiveObservation {
  if (properties === undefined) return { kind: 'inactive' };

  const general = properties.get('GENERAL.STATE') ?? '';
  const vpnText = properties.get('VPN.VPN-STATE') ?? '';
  const vpnState = Number.parseInt(vpnText, 10);
  const tunnelAddress = numberedValues(properties, 'IP4.ADDRESS')[0]?.split('/')[0];

  if (general === 'deactivating') return { kind: 'deactivating' };
  if (general === 'deactivated' || vpnState === VPN_DISCONNECTED) return { kind: 'inactive' };
  if (vpnState === VPN_FAILED) return { kind: 'failed', reason: vpnText };

  // A VPN counts as connected only once it has its tunnel address.
  const activated =
    vpnState === VPN_ACTIVATED || (Number.isNaN(vpnState) && general === 'activated');
  if (activated && tunnelAddress !== undefined && tunnelAddress !== '') {
    return { kind: 'connected', tunnelAddress };
  }
  if (activated) return { kind: 'connecting', phase: 'assigning-address' };

  return { kind: 'connecting', phase: VPN_PHASES[vpnState] ?? 'starting' };
}
