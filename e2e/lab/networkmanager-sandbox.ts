import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { NmcliRunner } from '../../main/connect/networkmanager/nmcli-runner.ts';
import type { NmcliOptions } from '../../main/connect/networkmanager/nmcli-runner.ts';
import { namespaceOf } from './namespaces.ts';

/** A NetworkManager with its own system bus, running inside one lab namespace. */
export interface NetworkManagerSandbox {
  /** PID of NetworkManager, inside the namespace. */
  pid: number;
  /** What nmcli needs to reach this NetworkManager from the host namespace. */
  nmcli: NmcliOptions;
  /** HOME for nmcli, where network-manager-openvpn writes the profile's inline blocks. */
  home: string;
  /** The namespace's /sys/class/net, seen through NetworkManager's mount namespace. */
  sysClassNet: string;
  /** NetworkManager's and dbus-daemon's output. */
  logPath: string;
}

// The bus accepts every local client: only this sandbox's NetworkManager, its VPN plugin and
// the test's nmcli ever connect to it. There are no service files, so nothing is started on
// demand (not even the dispatcher that would run the host's dispatcher scripts). It listens at
// the standard path in the private /run too, because NetworkManager starts its VPN plugin
// without DBUS_SYSTEM_BUS_ADDRESS.
function busConfig(socketPath: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socketPath}</listen>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
</busconfig>
`;
}

// Only the namespace's links to the firewalls are managed. DNS, resolv.conf and the host name
// are left alone, because /etc is the host's own even in a private mount namespace.
const NETWORKMANAGER_CONFIG = `[main]
plugins=keyfile
no-auto-default=*
dns=none
rc-manager=unmanaged
hostname-mode=none
auth-polkit=false
[keyfile]
unmanaged-devices=*,except:interface-name:to-fw*
[connectivity]
enabled=false
`;

/**
 * Runs inside `ip netns exec NS unshare -m --propagation private`, so every mount stays in this
 * mount namespace. /run, NetworkManager's state and its configuration folder get empty tmpfs
 * mounts, so nothing of the host's is read or written. /sys is remounted read-only there:
 * NetworkManager 1.42 waits for udev on a writable /sys, and with no udev in the namespace it
 * left every device unmanaged.
 */
function startScript(directory: string, socketPath: string): string {
  return [
    'set -e',
    'mount -t tmpfs -o mode=0755 nmh-run /run',
    'mount -o remount,bind,ro /sys',
    'mkdir -p /run/dbus /run/NetworkManager',
    'mount -t tmpfs -o mode=0755 nmh-state /var/lib/NetworkManager',
    'mount -t tmpfs -o mode=0755 nmh-config /etc/NetworkManager',
    'mkdir -p /etc/NetworkManager/system-connections /etc/NetworkManager/conf.d',
    `cp '${join(directory, 'NetworkManager.conf')}' /etc/NetworkManager/NetworkManager.conf`,
    `dbus-daemon --config-file='${join(directory, 'bus.conf')}' --nofork &`,
    `for attempt in $(seq 100); do [ -S '${socketPath}' ] && break; sleep 0.05; done`,
    // --debug keeps NetworkManager in the foreground and sends its log to the log file.
    'exec NetworkManager --debug --config=/etc/NetworkManager/NetworkManager.conf',
  ].join('\n');
}

/**
 * Starts dbus-daemon and NetworkManager inside `namespace`, with a private mount namespace and
 * a system bus whose socket lies in `directory`, so nmcli reaches it from the host namespace
 * through that file alone. Then it activates a static uplink on to-fw1 with fw1 as its
 * gateway, because NetworkManager starts a VPN only over an active connection of its own.
 * `labDown` stops both daemons with the rest of the namespace's processes.
 */
export async function startNetworkManager(
  namespace: string,
  directory: string,
): Promise<NetworkManagerSandbox> {
  const home = join(directory, 'home');
  const socketPath = join(directory, 'system_bus_socket');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeFile(join(directory, 'bus.conf'), busConfig(socketPath));
  await writeFile(join(directory, 'NetworkManager.conf'), NETWORKMANAGER_CONFIG);

  const busAddress = `unix:path=${socketPath}`;
  const logPath = join(directory, 'networkmanager.log');
  const logFd = openSync(logPath, 'w', 0o600);
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      namespace,
      'unshare',
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      startScript(directory, socketPath),
    ],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress },
    },
  );
  closeSync(logFd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`NetworkManager did not start in ${namespace}.`);

  const nmcli: NmcliOptions = { env: { DBUS_SYSTEM_BUS_ADDRESS: busAddress, HOME: home } };
  await waitUntilRunning(new NmcliRunner(nmcli), namespace, pid, logPath);
  await activateUplink(new NmcliRunner(nmcli));

  return { pid, nmcli, home, sysClassNet: `/proc/${pid}/root/sys/class/net`, logPath };
}

async function waitUntilRunning(
  runner: NmcliRunner,
  namespace: string,
  pid: number,
  logPath: string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const result = await runner.call(['--terse', '--fields', 'RUNNING', 'general'], 5_000);
    if (result.exitCode === 0 && result.stdout.trim() === 'running') {
      if ((await namespaceOf(pid)) !== namespace) {
        throw new Error(`NetworkManager (PID ${pid}) is not running in ${namespace}.`);
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `NetworkManager in ${namespace} did not answer on its bus within 15 s; see ${logPath}.`,
  );
}

async function activateUplink(runner: NmcliRunner): Promise<void> {
  await runner.run([
    'connection',
    'add',
    'type',
    'ethernet',
    'ifname',
    'to-fw1',
    'con-name',
    'nmh-uplink',
    'ipv4.method',
    'manual',
    'ipv4.addresses',
    '198.18.0.2/24',
    'ipv4.gateway',
    '198.18.0.1',
    'ipv6.method',
    'disabled',
  ]);
  await runner.run(['--wait', '15', 'connection', 'up', 'nmh-uplink']);
}
