import { beforeAll, describe, expect, it } from 'vitest';

import type { HelperInstallation } from '../connect/privileged-helper/pkexec-launcher.ts';
import { silentLogger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { createProfileInput } from '../profile/profile-test-input.ts';
import {
  desktopConnection,
  NO_DRIVER_REASON,
  OTHER_PLATFORM_REASON,
  type ConnectionProbes,
} from './host-connection.ts';

const HELPER: HelperInstallation = {
  pkexecPath: '/usr/bin/pkexec',
  helperPath: '/usr/lib/vpn-onboard/openvpn-helper',
  openvpnPath: '/usr/sbin/openvpn',
};

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
    findHelperInstallation: () => {
      called.push('helper');
      return results.helper;
    },
  };
}

function select(results: Parameters<typeof probes>[0]) {
  const chosen = probes(results);
  const connection = desktopConnection(
    { organisation, dataDir: '/tmp/vpn-onboard-unused', log: silentLogger },
    chosen,
  );
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
    expect(called).toEqual(['root', 'networkmanager']);
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
