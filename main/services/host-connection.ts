import { userInfo } from 'node:os';
import { resolve } from 'node:path';

import { probeTargetsOf } from '../cli/connection.ts';
import { NetworkManagerDriver } from '../connect/networkmanager/networkmanager-driver.ts';
import {
  isNetworkManagerRunning,
  isOpenvpnPluginInstalled,
} from '../connect/networkmanager/networkmanager-probe.ts';
import { OpenvpnDriver } from '../connect/openvpn-driver.ts';
import { locateOpenvpn } from '../connect/openvpn-launch.ts';
import { profileFolderOf } from '../connect/privileged-helper/helper-request.ts';
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
  /** Whether network-manager-openvpn is installed, without which nmcli cannot import a profile. */
  isOpenvpnPluginInstalled(): boolean;
  findHelperInstallation(): HelperInstallation | undefined;
  /** The home folder of the user in the user database, which the helper reads too. */
  homeFolder(): string;
}

export const NO_DRIVER_REASON =
  'Connecting without root needs NetworkManager with its OpenVPN plugin (network-manager-openvpn), ' +
  "or pkexec with VPN Onboard's openvpn helper, and neither was found. The .deb package installs " +
  'the helper, but the AppImage cannot, so the AppImage needs NetworkManager. Your profile is ' +
  'installed, so OpenVPN can connect with it.';

export const HELPER_MISSING_REASON =
  "pkexec with VPN Onboard's openvpn helper was not found either; the .deb package installs it.";

export const OTHER_PLATFORM_REASON =
  'Connecting from the app works on Linux only so far; on macOS and Windows, import the ' +
  'installed profile into an OpenVPN client such as Tunnelblick or OpenVPN GUI.';

export const PLUGIN_MISSING_REASON =
  'NetworkManager runs, but its OpenVPN plugin is not installed, so it cannot import the ' +
  'profile. Install the network-manager-openvpn package (Debian and Ubuntu: sudo apt install ' +
  'network-manager-openvpn), then restart the app.';

/** Explains why the helper cannot run profiles from `profileFolder`. */
export function helperFolderReason(profileFolder: string, helperFolder: string): string {
  return (
    `VPN Onboard's openvpn helper starts only profiles in ${helperFolder}, but this app keeps ` +
    `them in ${profileFolder}, because XDG_CONFIG_HOME, VPN_ONBOARD_HOME or HOME points ` +
    'elsewhere. Unset them (HOME: set it to your home folder) and restart the app, then enroll ' +
    'again if the profile is missing there.'
  );
}

const SYSTEM_PROBES: ConnectionProbes = {
  platform: process.platform,
  isRoot: () => process.getuid?.() === 0,
  locateOpenvpn,
  isNetworkManagerRunning: () => isNetworkManagerRunning(),
  isOpenvpnPluginInstalled: () => isOpenvpnPluginInstalled(),
  findHelperInstallation: () => findHelperInstallation(),
  homeFolder: () => userInfo().homedir,
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
 * Without root it uses NetworkManager when that runs with its OpenVPN plugin, else openvpn
 * started as root through pkexec and the helper when both are installed and the helper accepts
 * the app's profile folder. Otherwise it returns the reasons it cannot connect.
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

  const reasons: string[] = [];
  if (probes.isNetworkManagerRunning()) {
    if (probes.isOpenvpnPluginInstalled()) {
      options.log.info('Connecting through NetworkManager');
      return {
        createConnectionDriver: () =>
          new NetworkManagerDriver({ dataDir: options.dataDir, log: options.log }),
      };
    }
    reasons.push(PLUGIN_MISSING_REASON);
  }

  const helper = probes.findHelperInstallation();
  if (helper === undefined) {
    if (reasons.length === 0) return { connectionUnavailableReason: NO_DRIVER_REASON };
    return { connectionUnavailableReason: [...reasons, HELPER_MISSING_REASON].join(' ') };
  }

  // The helper runs as root and trusts only the default profile folder in the caller's home.
  const profileFolder = resolve(options.dataDir, 'profiles');
  const helperFolder = profileFolderOf(probes.homeFolder());
  if (profileFolder !== helperFolder) {
    reasons.push(helperFolderReason(profileFolder, helperFolder));
    return { connectionUnavailableReason: reasons.join(' ') };
  }

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
