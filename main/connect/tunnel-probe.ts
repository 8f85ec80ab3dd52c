import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { probeTcp } from '../reach/tcp-probe.ts';

const execFileAsync = promisify(execFile);

/** A host and TCP port in the organisation's networks, reached through the tunnel. */
export interface ProbeTarget {
  host: string;
  port: number;
}

/** The outcome of one probe through the tunnel. */
export interface TunnelProbeResult {
  target: ProbeTarget;
  answered: boolean;
  /** Why the probe failed, or the connect time when the target accepted the connection. */
  message: string;
}

export interface TunnelProbeOptions {
  /** Command that openvpn runs under. The probe runs under it too, so it uses the same routes. */
  commandPrefix: string[];
  timeoutMs: number;
}

// A TCP connect run in a child process, for when openvpn runs under a command prefix such as
// `ip netns exec`: exit status 0 means the target accepted the connection.
const CONNECT_SCRIPT =
  "const s = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) });" +
  's.setTimeout(Number(process.argv[3]), () => process.exit(1));' +
  "s.once('connect', () => process.exit(0));" +
  "s.once('error', () => process.exit(1));";

/**
 * Opens a TCP connection to `target` only when the kernel routes it through a tun device, so an
 * internal address is never sent to the default route. Linux only, because the route check
 * uses `ip -j route get`.
 */
export async function probeThroughTunnel(
  target: ProbeTarget,
  options: TunnelProbeOptions,
): Promise<TunnelProbeResult> {
  const device = await routeDevice(target.host, options.commandPrefix);
  if (device === undefined || !device.startsWith('tun')) {
    return {
      target,
      answered: false,
      message: `no route via the tunnel to ${target.host} (route goes to ${device ?? 'nowhere'})`,
    };
  }

  if (options.commandPrefix.length === 0) {
    const result = await probeTcp(target.host, target.port, options.timeoutMs);
    return result.ok
      ? { target, answered: true, message: `answered in ${Math.round(result.latencyMs)} ms` }
      : { target, answered: false, message: result.message };
  }

  const [command, ...prefixArguments] = options.commandPrefix;
  const started = performance.now();
  try {
    await execFileAsync(command ?? 'ip', [
      ...prefixArguments,
      process.execPath,
      '-e',
      CONNECT_SCRIPT,
      target.host,
      String(target.port),
      String(options.timeoutMs),
    ]);
    return {
      target,
      answered: true,
      message: `answered in ${Math.round(performance.now() - started)} ms`,
    };
  } catch {
    return { target, answered: false, message: `no answer within ${options.timeoutMs} ms` };
  }
}

async function routeDevice(host: string, commandPrefix: string[]): Promise<string | undefined> {
  const [command, ...prefixArguments] = [...commandPrefix, 'ip'];
  try {
    const { stdout } = await execFileAsync(command ?? 'ip', [
      ...prefixArguments,
      '-j',
      'route',
      'get',
      host,
    ]);
    const [route] = JSON.parse(stdout) as { dev?: string }[];
    return route?.dev;
  } catch {
    return undefined;
  }
}
