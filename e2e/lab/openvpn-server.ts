import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { ServerCredentials } from '../../main/demo-ca/certificate-authority.ts';

/** What one lab OpenVPN server needs to be configured. */
export interface ServerSettings {
  name: string;
  listenAddress: string;
  /** The VPN pool as `network netmask`, e.g. `192.168.102.0 255.255.254.0`. */
  pool: string;
  /** Routes pushed to clients, each as `network netmask`. */
  pushedRoutes: string[];
  caPem: string;
  credentials: ServerCredentials;
  tlsCryptKey: string;
}

export const LAB_VPN_PORT = 1194;

/**
 * Writes the server configuration. `explicit-exit-notify 2` makes clients move on to their
 * next remote when this server stops (1 would send them back to the same, dead server), and
 * `disable-dco` keeps runs the same with or without the kernel module. `keepalive 1 10` sends
 * a ping every second, well inside the client profile's ping-restart of 3 s, so clients notice
 * a dead link 2 to 3 s after it fails.
 */
export function serverConfig(settings: ServerSettings): string {
  return [
    'dev tun',
    'topology subnet',
    `server ${settings.pool}`,
    `local ${settings.listenAddress}`,
    `port ${LAB_VPN_PORT}`,
    'proto udp',
    ...settings.pushedRoutes.map((route) => `push "route ${route}"`),
    'dh none',
    'keepalive 1 10',
    'explicit-exit-notify 2',
    'disable-dco',
    'verb 3',
    '<ca>',
    settings.caPem.trim(),
    '</ca>',
    '<cert>',
    settings.credentials.certificatePem.trim(),
    '</cert>',
    '<key>',
    settings.credentials.privateKeyPem.trim(),
    '</key>',
    '<tls-crypt>',
    settings.tlsCryptKey.trim(),
    '</tls-crypt>',
    '',
  ].join('\n');
}

/** A running lab server. */
export interface RunningServer {
  pid: number;
  logPath: string;
}

/**
 * Writes the configuration into `directory` and starts openvpn inside `namespace`; resolves
 * once the server logs "Initialization Sequence Completed".
 */
export async function startServer(
  openvpnPath: string,
  namespace: string,
  directory: string,
  settings: ServerSettings,
): Promise<RunningServer> {
  const configPath = join(directory, `${settings.name}.conf`);
  const logPath = join(directory, `${settings.name}.log`);
  await writeFile(configPath, serverConfig(settings), { mode: 0o600 });

  // Started directly (not through a shell) so the PID is openvpn's own: ip netns exec execs it.
  const child = spawn(
    'ip',
    ['netns', 'exec', namespace, openvpnPath, '--config', configPath, '--log', logPath],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = signal ?? `code ${code}`));
  if (child.pid === undefined) throw new Error(`Failed to start openvpn for ${settings.name}`);

  await waitForLog(logPath, 'Initialization Sequence Completed', 10_000, settings.name, () => exit);
  return { pid: child.pid, logPath };
}

/** Waits until a log file contains `text`; fails early when `exited` returns the exit status. */
export async function waitForLog(
  logPath: string,
  text: string,
  timeoutMs: number,
  what: string,
  exited: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let content = '';
  while (Date.now() < deadline) {
    content = await readFile(logPath, 'utf8').catch(() => '');
    if (content.includes(text)) return;

    const exit = exited();
    if (exit !== undefined) {
      throw new Error(`${what} exited (${exit}) before it logged "${text}"; see ${logPath}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const tail = content.trim().split('\n').slice(-5).join('\n');
  throw new Error(`${what} did not log "${text}" within ${timeoutMs} ms; last lines:\n${tail}`);
}
