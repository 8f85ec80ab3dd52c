import { execFile } from 'node:child_process';
import { isIP } from 'node:net';

import type { RoutePath } from './reachability.ts';
import { lookupDarwinRoutes } from './route-lookup-darwin.ts';
import { isOpenVpnAdapter, lookupWindowsRoutes } from './route-lookup-windows.ts';
import { foreignTunnelReason, type TunnelIdentity } from './tunnel-identity.ts';

/**
 * One entry of `ip -j route get ADDRESS`, iproute2 6.1. The macOS and Windows lookups convert
 * their routes to this form, with the interface name or alias as `dev`.
 */
export interface KernelRoute {
  dst: string;
  type?: string;
  gateway?: string;
  dev?: string;
  prefsrc?: string;
}

/** Whether a probe to an address may be sent, and through which interface. */
export type RouteDecision =
  | { allowed: true; path: RoutePath; device: string; gateway?: string }
  | { allowed: false; reason: string };

/**
 * The result of a platform's route lookup for one address: the kernel's route, undefined when
 * the routing table has none, or why the lookup failed.
 */
export type RouteLookupResult = { route: KernelRoute | undefined } | { failure: string };

export interface RouteRules {
  /**
   * Tells whether an interface is the VPN tunnel. By default tun*, tap* and utun* devices, and
   * on Windows the adapters of OpenVPN's drivers (TAP-Windows6, Wintun, Data Channel Offload).
   */
  isTunnelDevice?: (device: string) => boolean;
  /**
   * This app's tunnel. A route through a tunnel device is allowed only when it is this one, so
   * probes never leave through another VPN. Without it, every tunnel-device route is rejected.
   */
  tunnel?: TunnelIdentity;
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
 * Decides whether a probe may follow `route`: through this app's tunnel, to a directly connected
 * interface (no gateway), or to this machine. Anything else would go to a router outside the
 * VPN, such as a cafe's default gateway, or into another VPN's tunnel, so it is rejected and
 * nothing is sent.
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
    const article = route.type === 'unreachable' ? 'an' : 'a';
    return {
      allowed: false,
      reason: `${NO_ROUTE_THROUGH_VPN}: ${address} has ${article} ${route.type} route`,
    };
  }
  if (route.type === 'local') return { allowed: true, path: 'local', device: route.dev };

  if (isTunnelDevice(route.dev)) {
    const foreign = foreignTunnelReason(route.dev, route.prefsrc, rules.tunnel);
    if (foreign !== undefined) {
      return {
        allowed: false,
        reason: `${NO_ROUTE_THROUGH_VPN}: ${address} would go through ${route.dev}, ${foreign}`,
      };
    }
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
  /** Source of kernel routes on Linux; by default one `ip -j -batch -` process per call. */
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
 * Decides for each address whether a probe may be sent, from the kernel's routes: on Linux with
 * `ip route get`, on macOS with `route -n get`, on Windows with `Find-NetRoute`. A route lookup
 * sends no packet. A value that is not an IP address, a failed lookup and any other platform
 * refuse the address, so nothing is probed rather than something leaking.
 *
 * NOTE: the macOS and Windows lookups have only run against outputs written from the tools'
 * documentation (route(8) of macOS, Find-NetRoute of Windows PowerShell 5.1), never on those
 * systems, because the tests run on Linux. Their timeouts are estimates.
 */
export async function lookupRoutes(
  addresses: string[],
  options: LookupOptions = {},
): Promise<Map<string, RouteDecision>> {
  const unique = [...new Set(addresses)];
  const decisions = new Map<string, RouteDecision>();
  if (unique.length === 0) return decisions;

  // Only IP addresses are looked up: iproute2 stops a batch at an argument it cannot parse, and
  // on macOS and Windows the address goes on a command line.
  const valid = unique.filter((address) => isIP(address) !== 0);
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  let rules = options.rules;
  let lookups: Map<string, RouteLookupResult>;
  switch (platform) {
    case 'linux': {
      const source = options.source ?? batchRouteSource(run);
      const routes = await source(valid);
      lookups = new Map(valid.map((address) => [address, { route: routes.get(address) }]));
      break;
    }
    case 'darwin':
      lookups = await lookupDarwinRoutes(valid, run);
      break;
    case 'win32':
      lookups = await lookupWindowsRoutes(valid, run);
      rules = {
        ...options.rules,
        isTunnelDevice: options.rules?.isTunnelDevice ?? isOpenVpnAdapter,
      };
      break;
    default:
      for (const address of unique) {
        decisions.set(address, {
          allowed: false,
          reason: `${NO_ROUTE_THROUGH_VPN}: route lookup is not implemented on ${platform}`,
        });
      }
      return decisions;
  }

  for (const address of unique) {
    decisions.set(address, decideLookup(address, lookups.get(address), rules));
  }
  return decisions;
}

/** Decides from the result of a route lookup. An address without a result has no route. */
function decideLookup(
  address: string,
  lookup: RouteLookupResult | undefined,
  rules: RouteRules | undefined,
): RouteDecision {
  if (isIP(address) === 0) {
    return {
      allowed: false,
      reason: `${NO_ROUTE_THROUGH_VPN}: ${JSON.stringify(address)} is not an IP address, so its route was not looked up`,
    };
  }
  if (lookup !== undefined && 'failure' in lookup) {
    return { allowed: false, reason: `${NO_ROUTE_THROUGH_VPN}: ${lookup.failure}` };
  }
  return decideRoute(address, lookup?.route, rules);
}

/** Runs a command with execFile, without a shell, and never rejects on a non-zero exit. */
export const runCommand: CommandRunner = (command, args, options) =>
  new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { encoding: 'utf8', timeout: options.timeoutMs, killSignal: 'SIGKILL', windowsHide: true },
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
