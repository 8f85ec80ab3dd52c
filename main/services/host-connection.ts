import { probeTargetsOf } from '../cli/connection.ts';
import { OpenvpnDriver } from '../connect/openvpn-driver.ts';
import { locateOpenvpn } from '../connect/openvpn-launch.ts';
import type { Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import type { WizardConnectionOptions } from './wizard-service.ts';

export interface OpenvpnConnectionOptions {
  organisation: OrganisationFile;
  dataDir: string;
  log: Logger;
  /** The openvpn executable; found on PATH, /usr/sbin or /sbin when omitted. */
  openvpnPath?: string;
}

export const NO_DRIVER_REASON =
  'Connecting needs root or NetworkManager on Linux; the NetworkManager driver is not built yet. Your profile is installed, so OpenVPN can connect with it.';

/**
 * Returns the wizard's connection options for a host that runs openvpn itself, probing the
 * organisation's targets after each connect as the CLI does.
 */
export function openvpnConnection(options: OpenvpnConnectionOptions): WizardConnectionOptions {
  return {
    createConnectionDriver: () =>
      new OpenvpnDriver({
        dataDir: options.dataDir,
        log: options.log,
        openvpnPath: options.openvpnPath,
        probeTargets: probeTargetsOf(options.organisation),
      }),
  };
}

/**
 * Picks the connection for the desktop app: the openvpn driver when this process runs as root on
 * Linux and openvpn is installed, and otherwise the reason it cannot connect.
 */
export function desktopConnection(options: OpenvpnConnectionOptions): WizardConnectionOptions {
  const isRoot = process.getuid?.() === 0;
  if (process.platform !== 'linux' || !isRoot) {
    return { connectionUnavailableReason: NO_DRIVER_REASON };
  }

  const openvpnPath = options.openvpnPath ?? locateOpenvpn();
  if (openvpnPath === undefined) {
    return {
      connectionUnavailableReason:
        'openvpn is not installed (not found on PATH, /usr/sbin or /sbin); install the openvpn package, then restart the app.',
    };
  }
  return openvpnConnection({ ...options, openvpnPath });
}
