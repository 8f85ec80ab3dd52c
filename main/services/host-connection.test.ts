import { beforeAll, describe, expect, it } from 'vitest';

import type { HelperInstallation } from '../connect/privileged-helper/pkexec-launcher.ts';
import { silentLogger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { createProfileInput } from '../profile/profile-test-input.ts';
import {
  desktopConnection,
  HELPER_MISSING_REASON,
  helperFolderReason,
  NO_DRIVER_REASON,
  OTHER_PLATFORM_REASON,
  PLUGIN_MISSING_REASON,
  type ConnectionProbes,
} from './host-connection.ts';

const HELPER: HelperInstallation = {
  pkexecPath: '/usr/bin/pkexec',
  helperPath: '/usr/lib/vpn-onboard/openvpn-helper',
  openvpnPath: '/usr/sbin/openvpn',
};

const HOME = '/home/jane';
const DEFAULT_DATA_DIR = '/home/jane/.config/VPN Onboard';

let organisation: OrganisationFile;

beforeAll(async () => {
  organisation = (await createProfileInput()).organisation;
});

/** Returns probes with fixed results that record which of them ran; none calls nmcli or pkexec. */
function probes(results: {
  platform?: NodeJS.Platform;
  root?: boolean;
  openvpn?: string;
  networkManager?: boolean;
  plugin?: boolean;
  helper?: HelperInstallation;
}): ConnectionProbes & { called: string[] } {
  const called: string[] = [];
  return {
    called,
    platform: results.platform ?? 'linux',
    isRoot: () => {
      called.push('root');
      return results.root ?? false;
    },
    locateOpenvpn: () => {
      called.push('openvpn');
      return results.openvpn;
    },
    isNetworkManagerRunning: () => {
      called.push('networkmanager');
      return results.networkManager ?? false;
    },
    isOpenvpnPluginInstalled: () => {
      called.push('plugin');
      return results.plugin ?? true;
    },
    findHelperInstallation: () => {
      called.push('helper');
      return results.helper;
    },
    homeFolder: () => HOME,
  };
}

function select(results: Parameters<typeof probes>[0], dataDir = DEFAULT_DATA_DIR) {
  const chosen = probes(results);
  const connection = desktopConnection({ organisation, dataDir, log: silentLogger }, chosen);
  return { connection, called: chosen.called };
}

describe('desktopConnection', () => {
  it('runs openvpn directly as root', () => {
    const { connection, called } = select({
      root: true,
      openvpn: '/usr/sbin/openvpn',
      networkManager: true,
    });

    expect(connection.createConnectionDriver?.().name).toBe('openvpn');
    expect(called).toEqual(['root', 'openvpn']);
  });

  it('says openvpn is missing as root', () => {
    const { connection } = select({ root: true });

    expect(connection.connectionUnavailableReason).toMatch(/openvpn is not installed/);
  });

  it('uses NetworkManager without root', () => {
    const { connection, called } = select({ networkManager: true, helper: HELPER });

    expect(connection.createConnectionDriver?.().name).toBe('networkmanager');
    expect(called).toEqual(['root', 'networkmanager', 'plugin']);
  });

  it('uses the helper without the OpenVPN plugin', () => {
    const { connection, called } = select({ networkManager: true, plugin: false, helper: HELPER });

    expect(connection.createConnectionDriver?.().name).toBe('openvpn');
    expect(called).toEqual(['root', 'networkmanager', 'plugin', 'helper']);
  });

  it('names the missing plugin without the helper', () => {
    const { connection } = select({ networkManager: true, plugin: false });

    expect(connection.connectionUnavailableReason).toBe(
      `${PLUGIN_MISSING_REASON} ${HELPER_MISSING_REASON}`,
    );
    expect(connection.connectionUnavailableReason).toMatch(/apt install network-manager-openvpn/);
    expect(connection.createConnectionDriver).toBeUndefined();
  });

  it.each([
    ['XDG_CONFIG_HOME', '/home/jane/.xdg/VPN Onboard'],
    ['VPN_ONBOARD_HOME', '/srv/vpn-onboard'],
  ])('offers no helper for a data folder from %s', (_variable, dataDir) => {
    const { connection } = select({ helper: HELPER }, dataDir);

    expect(connection.connectionUnavailableReason).toBe(
      helperFolderReason(`${dataDir}/profiles`, `${DEFAULT_DATA_DIR}/profiles`),
    );
    expect(connection.createConnectionDriver).toBeUndefined();
  });

  it('names both problems without plugin and folder', () => {
    const { connection } = select(
      { networkManager: true, plugin: false, helper: HELPER },
      '/srv/vpn-onboard',
    );

    expect(connection.connectionUnavailableReason).toBe(
      `${PLUGIN_MISSING_REASON} ${helperFolderReason('/srv/vpn-onboard/profiles', `${DEFAULT_DATA_DIR}/profiles`)}`,
    );
  });

  it('uses the pkexec helper without NetworkManager', () => {
    const { connection, called } = select({ helper: HELPER });

    expect(connection.createConnectionDriver?.().name).toBe('openvpn');
    expect(called).toEqual(['root', 'networkmanager', 'helper']);
  });

  it('explains what is missing without any of them', () => {
    const { connection } = select({});

    expect(connection.connectionUnavailableReason).toBe(NO_DRIVER_REASON);
    expect(connection.createConnectionDriver).toBeUndefined();
  });

  it.each([['darwin'], ['win32']] as const)('reports %s as not covered yet', (platform) => {
    const { connection, called } = select({ platform, root: true, networkManager: true });

    expect(connection.connectionUnavailableReason).toBe(OTHER_PLATFORM_REASON);
    expect(called).toEqual([]);
  });
});
