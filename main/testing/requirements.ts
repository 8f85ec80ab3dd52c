import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

import { describe, it } from 'vitest';

/** Something a test suite needs from the machine. */
export type Requirement =
  | 'openssl'
  | 'easyrsa'
  | 'openvpn'
  | 'iproute2'
  | 'root'
  | 'chromium'
  | 'nmcli'
  | 'networkmanager'
  | 'nm-openvpn'
  | 'dbus';

const EXTRA_PATHS = ['/usr/sbin', '/sbin', '/usr/share/easy-rsa', '/usr/lib/NetworkManager'];

const EXECUTABLES: Record<Exclude<Requirement, 'root'>, string[]> = {
  openssl: ['openssl'],
  easyrsa: ['easyrsa'],
  openvpn: ['openvpn'],
  iproute2: ['ip'],
  chromium: ['chromium', 'chromium-browser'],
  nmcli: ['nmcli'],
  networkmanager: ['NetworkManager'],
  'nm-openvpn': ['nm-openvpn-service'],
  dbus: ['dbus-daemon'],
};

const DEBIAN_PACKAGES: Partial<Record<Requirement, string>> = {
  easyrsa: 'easy-rsa',
  nmcli: 'network-manager',
  networkmanager: 'network-manager',
  'nm-openvpn': 'network-manager-openvpn',
  dbus: 'dbus-daemon',
};

/** Finds an executable on PATH or in the system folders where Debian installs the tools. */
export function findExecutable(name: string): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_PATHS];
  for (const folder of folders) {
    if (folder === '') continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** Returns the path of a required tool, or throws when the suite should have been skipped. */
export function toolPath(requirement: Exclude<Requirement, 'root'>): string {
  for (const name of EXECUTABLES[requirement]) {
    const path = findExecutable(name);
    if (path !== undefined) return path;
  }
  throw new Error(`${requirement} is not installed`);
}

/** Explains why a requirement is not met, or returns undefined when it is. */
export function missingReason(requirement: Requirement): string | undefined {
  if (requirement === 'root') {
    return process.getuid?.() === 0 ? undefined : 'needs root (run as root or in CI)';
  }
  const found = EXECUTABLES[requirement].some((name) => findExecutable(name) !== undefined);
  return found ? undefined : `needs ${requirement} (apt-get install ${debianPackage(requirement)})`;
}

function debianPackage(requirement: Requirement): string {
  return DEBIAN_PACKAGES[requirement] ?? requirement;
}

/**
 * Declares a suite that runs only where its requirements are met. A missing requirement is
 * reported as a skipped suite with the reason in its name, unless VPN_ONBOARD_REQUIRE lists
 * it (or is "all"): then the suite fails, so CI cannot pass by skipping.
 */
export function describeWith(requirements: Requirement[], name: string, body: () => void): void {
  const reasons = requirements.flatMap((requirement) => {
    const reason = missingReason(requirement);
    return reason === undefined ? [] : [{ requirement, reason }];
  });

  if (reasons.length === 0) {
    describe(name, body);
    return;
  }

  const required = (process.env.VPN_ONBOARD_REQUIRE ?? '').split(',').map((item) => item.trim());
  const enforced = reasons.filter(
    ({ requirement }) => required.includes('all') || required.includes(requirement),
  );
  const text = reasons.map(({ reason }) => reason).join('; ');

  if (enforced.length > 0) {
    describe(name, () => {
      it('has what it needs', () => {
        throw new Error(`Required by VPN_ONBOARD_REQUIRE but missing: ${text}`);
      });
    });
    return;
  }

  describe.skip(`${name} (skipped: ${text})`, body);
}
