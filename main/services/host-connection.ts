import { probeTargetsOf } from '../cli/connection.ts';
import { NetworkManagerDriver } from '../connect/networkmanager/networkmanager-driver.ts';
import { isNetworkManagerRunning } from '../connect/networkmanager/networkmanager-probe.ts';
import { OpenvpnDriver } from '../connect/openvpn-driver.ts';
import { locateOpenvpn } from '../connect/openvpn-launch.ts';
import {
  findHelperInstallation,
  pkexecLauncher,
  type HelperInstallation,
} from '../connect/privileged-helper/pkexec-launcher.ts';
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

/** The checks the desktop app runs to pick its connection driver; tests pass their own. */
export interface ConnectionProbes {
  platform: NodeJS.Platform;
  isRoot(): boolean;
  locateOpenvpn(): string | undefined;
  isNetworkManagerRunning(): boolean;
  findHelperInstallation(): HelperInstallation | undefined;
}

export const NO_DRIVER_REASON =
  'Connecting without root needs NetworkManager with its OpenVPN plugin (network-manager-openvpn), ' +
  "or pkexec with VPN Onboard's openvpn helper, and neither was found. The .deb package installs " +
  'the helper, but the AppImage cannot, so the AppImage needs NetworkManager. Your profile is ' +
  'installed, so OpenVPN can connect with it.';

export const OTHER_PLATFORM_REASON =
  'Connecting from the app works on Linux only so far; on macOS and Windows, import the ' +
  'installed profile into an OpenVPN client such as Tunnelblick or OpenVPN GUI.';

const SYSTEM_PROBES: ConnectionProbes = {
  platform: process.platform,
  isRoot: () => process.getuid?.() === 0,
  locateOpenvpn,
  isNetworkManagerRunning: () => isNetworkManagerRunning(),
  findHelperInstallation: () => findHelperInstallation(),
};

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
 * Picks the connection for the desktop app on Linux. As root the app runs openvpn directly.
 * Without root it uses NetworkManager when that runs, else openvpn started as root through
 * pkexec and the helper when both are installed. Otherwise it returns the reason it cannot
 * connect.
 */
export function desktopConnection(
  options: OpenvpnConnectionOptions,
  probes: ConnectionProbes = SYSTEM_PROBES,
): WizardConnectionOptions {
  if (probes.platform !== 'linux') return { connectionUnavailableReason: OTHER_PLATFORM_REASON };

  if (probes.isRoot()) {
    const openvpnPath = options.openvpnPath ?? probes.locateOpenvpn();
    if (openvpnPath === undefined) {
      return {
        connectionUnavailableReason:
          'openvpn is not installed (not found on PATH, /usr/sbin or /sbin); install the openvpn package, then restart the app.',
      };
    }
    return openvpnConnection({ ...options, openvpnPath });
  }

  if (probes.isNetworkManagerRunning()) {
    options.log.info('Connecting through NetworkManager');
    return {
      createConnectionDriver: () =>
        new NetworkManagerDriver({ dataDir: options.dataDir, log: options.log }),
    };
  }

  const helper = probes.findHelperInstallation();
  if (helper !== undefined) {
    options.log.info('Connecting through pkexec and the openvpn helper', {
      helper: helper.helperPath,
    });
    return {
      createConnectionDriver: () =>
        new OpenvpnDriver({
          dataDir: options.dataDir,
          log: options.log,
          openvpnPath: helper.openvpnPath,
          launcher: pkexecLauncher(helper),
          probeTargets: probeTargetsOf(options.organisation),
        }),
    };
  }

  return { connectionUnavailableReason: NO_DRIVER_REASON };
}
