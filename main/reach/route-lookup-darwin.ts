import { isIP } from 'node:net';

import { mapWithLimit } from './concurrency.ts';
import type { CommandRunner, KernelRoute, RouteLookupResult } from './route-lookup.ts';

/** The fields of one `route -n get ADDRESS` output on macOS that decide where a probe goes. */
export interface DarwinRoute {
  routeTo: string;
  destination?: string;
  mask?: string;
  /** An IP address, `link#N` or a MAC address. It is a router only when `flags` has GATEWAY. */
  gateway?: string;
  interface: string;
  flags: string[];
}

export interface DarwinLookupOptions {
  /** `route` processes running at once; default 8. */
  concurrency?: number;
  /** Milliseconds each `route` process may run; default 3 000. */
  timeoutMs?: number;
}

// The full path /sbin/route keeps a program named route elsewhere on PATH from running.
const ROUTE_COMMAND = '/sbin/route';
const DEFAULT_CONCURRENCY = 8;
const DEFAULT_TIMEOUT_MS = 3_000;
// Real output is under 1 KB, so anything far larger did not come from route.
const MAX_OUTPUT_CHARS = 16_384;
const FIELD_LINE = /^\s*(route to|destination|mask|gateway|interface|flags):\s*(.*?)\s*$/;
const FLAGS_VALUE = /^<([A-Z0-9_]+(?:,[A-Z0-9_]+)*)?>$/;
// BSD interface names are at most 15 characters (IFNAMSIZ 16 with the terminating NUL).
const INTERFACE_NAME = /^[A-Za-z][A-Za-z0-9]{0,14}$/;
const LOOPBACK_INTERFACE = /^lo\d+$/;
// route(8) prints "not in table" for ESRCH from the routing socket, and FreeBSD-derived versions
// print "route has not been found".
const NOT_FOUND = /not in table|route has not been found/i;

type FieldName = 'route to' | 'destination' | 'mask' | 'gateway' | 'interface' | 'flags';

/**
 * Parses the output of `route -n get ADDRESS`. Throws on anything but one complete route: a
 * missing `route to:`, `interface:` or `flags:` line, a field given twice, or malformed flags.
 */
export function parseDarwinRoute(stdout: string): DarwinRoute {
  if (stdout.length > MAX_OUTPUT_CHARS) {
    throw new Error(
      `printed ${stdout.length} characters, more than the ${MAX_OUTPUT_CHARS} a route can take`,
    );
  }

  const fields = new Map<FieldName, string>();
  for (const line of stdout.split('\n')) {
    // The metrics table at the end (recvpipe, sendpipe, ...) has no field name and is skipped.
    const match = FIELD_LINE.exec(line);
    if (match === null) continue;

    const name = match[1] as FieldName;
    if (fields.has(name)) throw new Error(`printed the "${name}:" line twice`);
    fields.set(name, match[2] ?? '');
  }

  const routeTo = fields.get('route to');
  const device = fields.get('interface');
  const flags = fields.get('flags');
  if (routeTo === undefined) throw new Error('printed no "route to:" line');
  if (device === undefined) throw new Error('printed no "interface:" line');
  if (flags === undefined) throw new Error('printed no "flags:" line');
  if (!INTERFACE_NAME.test(device)) throw new Error(`printed an invalid interface "${device}"`);
  const flagList = FLAGS_VALUE.exec(flags);
  if (flagList === null) throw new Error(`printed invalid flags "${flags}"`);

  const route: DarwinRoute = {
    routeTo,
    interface: device,
    flags: flagList[1] === undefined ? [] : flagList[1].split(','),
  };
  const destination = fields.get('destination');
  const mask = fields.get('mask');
  const gateway = fields.get('gateway');
  if (destination !== undefined) route.destination = destination;
  if (mask !== undefined) route.mask = mask;
  if (gateway !== undefined) route.gateway = gateway;
  return route;
}

/**
 * Converts a macOS route into the form `decideRoute` reads. The GATEWAY flag, not the gateway
 * line, marks a next hop that is a router, because an on-link route prints `link#N` or a MAC
 * address there. Throws when the route is for another address or its router is not an IP address.
 */
export function darwinKernelRoute(address: string, route: DarwinRoute): KernelRoute {
  if (comparable(route.routeTo) !== comparable(address)) {
    throw new Error(`printed the route to ${route.routeTo} instead`);
  }

  const kernelRoute: KernelRoute = { dst: address, dev: route.interface };
  const flags = new Set(route.flags);
  if (flags.has('REJECT')) {
    kernelRoute.type = 'unreachable';
  } else if (flags.has('BLACKHOLE')) {
    kernelRoute.type = 'blackhole';
  } else if (flags.has('LOCAL') || LOOPBACK_INTERFACE.test(route.interface)) {
    kernelRoute.type = 'local';
  }

  if (flags.has('GATEWAY')) {
    if (route.gateway === undefined || isIP(route.gateway) === 0) {
      throw new Error(`printed the GATEWAY flag with gateway "${route.gateway ?? ''}"`);
    }
    kernelRoute.gateway = route.gateway;
  }
  return kernelRoute;
}

/** Reads the result of one `route -n get ADDRESS` into the route of `address` or a failure. */
export function darwinLookupResult(
  address: string,
  result: { stdout: string; stderr: string; exitCode: number },
): RouteLookupResult {
  if (NOT_FOUND.test(result.stderr)) return { route: undefined };
  if (result.exitCode !== 0) {
    const message = firstLine(result.stderr) || `exit status ${result.exitCode}`;
    return { failure: `could not read the route of ${address}: route -n get failed: ${message}` };
  }

  try {
    return { route: darwinKernelRoute(address, parseDarwinRoute(result.stdout)) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { failure: `could not read the route of ${address}: route -n get ${message}` };
  }
}

/**
 * Looks up the route of each address with one `route -n get` per address, run without a shell.
 * Values that are not IP addresses are never passed to route.
 */
export async function lookupDarwinRoutes(
  addresses: string[],
  run: CommandRunner,
  options: DarwinLookupOptions = {},
): Promise<Map<string, RouteLookupResult>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const entries = await mapWithLimit(
    addresses,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (address): Promise<[string, RouteLookupResult]> => {
      const family = isIP(address);
      if (family === 0) {
        return [address, { failure: `${JSON.stringify(address)} is not an IP address` }];
      }

      const args = ['-n', 'get', family === 6 ? '-inet6' : '-inet', address];
      try {
        const result = await run(ROUTE_COMMAND, args, { timeoutMs });
        return [address, darwinLookupResult(address, result)];
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return [address, { failure: `could not run route -n get for ${address}: ${message}` }];
      }
    },
  );
  return new Map(entries);
}

/** Returns an address in one spelling per IP address, without an IPv6 zone. */
function comparable(address: string): string {
  const [withoutZone = ''] = address.split('%');
  if (isIP(withoutZone) !== 6) return withoutZone;
  return new URL(`http://[${withoutZone}]/`).hostname;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim().slice(0, 200) ?? '';
}
