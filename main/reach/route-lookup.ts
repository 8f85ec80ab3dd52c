import { execFile } from 'node:child_process';
import { isIP } from 'node:net';

/** One entry of `ip -j route get ADDRESS`, iproute2 6.1. */
export interface KernelRoute {
  dst: string;
  type?: string;
  gateway?: string;
  dev?: string;
  prefsrc?: string;
}

/** Whether a probe to an address may be sent, and through which interface. */
export type RouteDecision =
  | { allowed: true; path: 'tunnel' | 'direct' | 'local'; device: string; gateway?: string }
  | { allowed: false; reason: string };

export interface RouteRules {
  /** Tells whether an interface is the VPN tunnel; by default tun*, tap* and utun* devices. */
  isTunnelDevice?: (device: string) => boolean;
}

/** Runs a command and returns its standard output and error, even when it exits non-zero. */
export type CommandRunner = (
  command: string,
  args: string[],
  options: { input?: string; timeoutMs: number },
) => Promise<{ stdout: string; stderr: string; exitCode: number }>;

const TUNNEL_DEVICE = /^(tun|tap|utun)\d*$/;
const NO_FORWARDING_TYPES = new Set(['unreachable', 'blackhole', 'prohibit', 'throw']);
const ROUTE_LOOKUP_TIMEOUT_MS = 3_000;

export const NO_ROUTE_THROUGH_VPN = 'no route through the VPN';

/**
 * Decides whether a probe may follow `route`: through the tunnel, to a directly connected
 * interface (no gateway), or to this machine. Anything else would go to a router outside the
 * VPN, such as a cafe's default gateway, so it is refused and nothing is sent.
 */
export function decideRoute(
  address: string,
  route: KernelRoute | undefined,
  rules: RouteRules = {},
): RouteDecision {
  const isTunnelDevice = rules.isTunnelDevice ?? ((device) => TUNNEL_DEVICE.test(device));

  if (route === undefined || route.dev === undefined) {
    return { allowed: false, reason: `${NO_ROUTE_THROUGH_VPN}: ${address} has no route` };
  }
  if (route.type !== undefined && NO_FORWARDING_TYPES.has(route.type)) {
    return {
      allowed: false,
      reason: `${NO_ROUTE_THROUGH_VPN}: ${address} has a ${route.type} route`,
    };
  }
  if (route.type === 'local') return { allowed: true, path: 'local', device: route.dev };

  if (isTunnelDevice(route.dev)) {
    return route.gateway === undefined
      ? { allowed: true, path: 'tunnel', device: route.dev }
      : { allowed: true, path: 'tunnel', device: route.dev, gateway: route.gateway };
  }
  if (route.gateway === undefined) return { allowed: true, path: 'direct', device: route.dev };

  return {
    allowed: false,
    reason: `${NO_ROUTE_THROUGH_VPN}: ${address} would go via ${route.gateway} on ${route.dev}`,
  };
}

/**
 * Parses the output of `ip -j -batch -` with one `route get` per line: one JSON array a line.
 * Addresses without a route produce no line (iproute2 prints the error on stderr), so the
 * result is keyed by `dst`.
 */
export function parseRouteLines(stdout: string): Map<string, KernelRoute> {
  const routes = new Map<string, KernelRoute>();
  for (const line of stdout.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;

    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      continue;
    }
    if (!Array.isArray(parsed)) continue;
    for (const entry of parsed as Partial<KernelRoute>[]) {
      if (typeof entry.dst === 'string') routes.set(entry.dst, entry as KernelRoute);
    }
  }
  return routes;
}

/** Returns the kernel's route for each address it has one for, keyed by address. */
export type RouteSource = (addresses: string[]) => Promise<Map<string, KernelRoute>>;

export interface LookupOptions {
  run?: CommandRunner;
  rules?: RouteRules;
  platform?: NodeJS.Platform;
  /** Source of kernel routes; by default one `ip -j -batch -` process per call. */
  source?: RouteSource;
}

/** Builds a route source that starts one `ip -j -force -batch -` per call. */
export function batchRouteSource(run: CommandRunner = runCommand): RouteSource {
  return async (addresses) => {
    const input = addresses.map((address) => `route get ${address}\n`).join('');
    const { stdout } = await run('ip', ['-j', '-force', '-batch', '-'], {
      input,
      timeoutMs: ROUTE_LOOKUP_TIMEOUT_MS,
    });
    return parseRouteLines(stdout);
  };
}

/**
 * Decides for each address whether a probe may be sent, from the kernel's routes. A route lookup
 * queries netlink and sends no packet. Linux only.
 *
 * NOTE: macOS (`route -n get ADDRESS`, whose `interface:` and `gateway:` lines give the same
 * decision) and Windows (`Find-NetRoute -RemoteIPAddress`) are not implemented. There every
 * address is refused, so nothing is probed rather than something leaking.
 */
export async function lookupRoutes(
  addresses: string[],
  options: LookupOptions = {},
): Promise<Map<string, RouteDecision>> {
  const unique = [...new Set(addresses)];
  const decisions = new Map<string, RouteDecision>();
  if (unique.length === 0) return decisions;

  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') {
    for (const address of unique) {
      decisions.set(address, {
        allowed: false,
        reason: `${NO_ROUTE_THROUGH_VPN}: route lookup is not implemented on ${platform}`,
      });
    }
    return decisions;
  }

  // iproute2 stops a batch at an argument it cannot parse, so only IP addresses are looked up.
  const source = options.source ?? batchRouteSource(options.run);
  const routes = await source(unique.filter((address) => isIP(address) !== 0));
  for (const address of unique) {
    decisions.set(address, decideRoute(address, routes.get(address), options.rules));
  }
  return decisions;
}

/** Runs a command with execFile, without a shell, and never rejects on a non-zero exit. */
export const runCommand: CommandRunner = (command, args, options) =>
  new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { encoding: 'utf8', timeout: options.timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        // A failed spawn has a string code such as ENOENT and no exit status.
        let exitCode = 0;
        if (error !== null) exitCode = typeof error.code === 'number' ? error.code : -1;
        resolve({ stdout, stderr: stderr || (error?.message ?? ''), exitCode });
      },
    );
    // A tool that exits before reading its input closes the pipe, which is not an error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
  });
