import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const PROBE_TIMEOUT_MS = 3_000;

/**
 * Tells whether NetworkManager runs, from `nmcli --terse --fields RUNNING general`. Synchronous,
 * because the desktop app picks its driver once at start-up. nmcli returns within milliseconds,
 * and it is killed after 3 s. Returns false when nmcli is missing or the system bus has no
 * NetworkManager on it.
 */
export function isNetworkManagerRunning(nmcliPath = 'nmcli'): boolean {
  const result = spawnSync(nmcliPath, ['--terse', '--fields', 'RUNNING', 'general'], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: PROBE_TIMEOUT_MS,
  });
  return result.status === 0 && result.stdout.trim() === 'running';
}

/**
 * The folders NetworkManager reads VPN plugin descriptions from: the packaged one, then the
 * administrator's.
 */
export const VPN_PLUGIN_FOLDERS = ['/usr/lib/NetworkManager/VPN', '/etc/NetworkManager/VPN'];

/** The description network-manager-openvpn installs, naming its service and editor. */
export const OPENVPN_PLUGIN_FILE = 'nm-openvpn-service.name';

/**
 * Tells whether NetworkManager's OpenVPN plugin (network-manager-openvpn) is installed, from its
 * service description in one of `folders`. Without it, nmcli cannot import an OpenVPN profile.
 */
export function isOpenvpnPluginInstalled(folders: readonly string[] = VPN_PLUGIN_FOLDERS): boolean {
  return folders.some((folder) => existsSync(join(folder, OPENVPN_PLUGIN_FILE)));
}
