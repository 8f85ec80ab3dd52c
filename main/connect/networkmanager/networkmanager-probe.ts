import { spawnSync } from 'node:child_process';

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
