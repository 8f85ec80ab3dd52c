import { isIP } from 'node:net';
import { win32 } from 'node:path';

import type { CommandRunner, KernelRoute, RouteLookupResult } from './route-lookup.ts';

/** The route object among those `Find-NetRoute -RemoteIPAddress ADDRESS` returns. */
export interface WindowsRoute {
  interfaceAlias: string;
  interfaceIndex?: number;
  nextHop: string;
  destinationPrefix?: string;
}

export interface WindowsLookupOptions {
  /** Milliseconds one PowerShell may run; by default 10 000 plus 250 per address. */
  timeoutMs?: number;
}

interface ScriptLine {
  kind: 'route' | 'error';
  text: string;
}

// Windows PowerShell 5.1 ships with every supported Windows. Its full path keeps a program named
// powershell.exe elsewhere on PATH from running.
const POWERSHELL_PATH = win32.join(
  process.env.SystemRoot ?? 'C:\\Windows',
  'System32',
  'WindowsPowerShell',
  'v1.0',
  'powershell.exe',
);
// Addresses per PowerShell, so one process start serves a whole round of a typical
// organisation, and the command line stays far below Windows' 32 767 characters.
const ADDRESSES_PER_PROCESS = 64;
// PowerShell takes seconds to start on a slow machine, and Find-NetRoute queries WMI per address.
const BASE_TIMEOUT_MS = 10_000;
const TIMEOUT_PER_ADDRESS_MS = 250;
// Only characters of plain IPv4 and IPv6 addresses go into the script: no quotes, no zone.
const SCRIPT_SAFE_ADDRESS = /^[0-9A-Fa-f.:]+$/;
const MAX_LINE_CHARS = 65_536;
// One line of the script's output: the address, "route" or "error", then the JSON or message.
const SCRIPT_LINE = /^(\S+) (route|error)(?: (.*))?$/;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const LOOPBACK_ALIAS = /^Loopback Pseudo-Interface\b/i;
// The adapters OpenVPN 2.6 installs are named "OpenVPN TAP-Windows6", "OpenVPN Wintun" and
// "OpenVPN Data Channel Offload". Older installs keep "TAP-Windows" in a renamed alias.
const OPENVPN_ALIAS = /^OpenVPN\b|TAP-Windows|Wintun|Data Channel Offload/i;

/** Returns whether an interface alias names an OpenVPN adapter. */
export function isOpenVpnAdapter(alias: string): boolean {
  return OPENVPN_ALIAS.test(alias);
}

/**
 * Builds the PowerShell script that runs `Find-NetRoute` for each address and prints one line
 * per address: `ADDRESS route JSON` or `ADDRESS error MESSAGE`. Throws for an address that is not
 * a plain IP address, so nothing else can reach the command line. The script has no double
 * quotes, which Windows command-line quoting would have to escape.
 */
export function buildFindNetRouteScript(addresses: string[]): string {
  for (const address of addresses) {
    if (isIP(address) === 0 || !SCRIPT_SAFE_ADDRESS.test(address)) {
      throw new Error(`${JSON.stringify(address)} is not a plain IP address`);
    }
  }

  const list = addresses.map((address) => `'${address}'`).join(',');
  return [
    "$ErrorActionPreference = 'Stop'",
    // Without a console the encoding cannot be set, so aliases may then lose non-ASCII letters.
    'try { [Console]::OutputEncoding = [System.Text.Encoding]::UTF8 } catch { }',
    `foreach ($address in @(${list})) { try { ` +
      '$json = Find-NetRoute -RemoteIPAddress $address | ' +
      'Select-Object InterfaceAlias,InterfaceIndex,NextHop,DestinationPrefix | ' +
      "ConvertTo-Json -Compress; $address + ' route ' + $json } catch { " +
      "$address + ' error ' + ($_.Exception.Message -replace '\\s+', ' ') } }",
  ].join('; ');
}

/**
 * Parses the JSON of `Find-NetRoute | Select-Object ... | ConvertTo-Json`: an array, or a single
 * object when there was one. The IP address object has no NextHop or DestinationPrefix and is
 * skipped. Throws unless exactly one route remains with an interface alias and an IP next hop.
 */
export function parseFindNetRoute(json: string): WindowsRoute {
  if (json.trim() === '') throw new Error('printed no route');

  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('printed output that is not JSON');
  }

  const entries = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  const routes: WindowsRoute[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error('printed JSON that is not a list of objects');
    }
    const fields = entry as Record<string, unknown>;
    if (typeof fields.NextHop !== 'string' && typeof fields.DestinationPrefix !== 'string') {
      continue;
    }
    routes.push(readRoute(fields));
  }

  const [route] = routes;
  if (route === undefined) throw new Error('printed no route');
  const differs = routes.some(
    (other) => other.interfaceAlias !== route.interfaceAlias || other.nextHop !== route.nextHop,
  );
  if (differs) throw new Error(`printed ${routes.length} different routes`);
  return route;
}

/**
 * Converts a Windows route into the form `decideRoute` reads. A next hop of 0.0.0.0 or :: means
 * the address is on the link, so the probe goes to no router.
 */
export function windowsKernelRoute(address: string, route: WindowsRoute): KernelRoute {
  const kernelRoute: KernelRoute = { dst: address, dev: route.interfaceAlias };
  if (LOOPBACK_ALIAS.test(route.interfaceAlias)) kernelRoute.type = 'local';
  if (!isUnspecified(route.nextHop)) kernelRoute.gateway = route.nextHop;
  return kernelRoute;
}

/**
 * Reads the lines the script of `buildFindNetRouteScript` printed into a lookup result for each
 * of `addresses`. An address without exactly one line of its own fails.
 */
export function parseFindNetRouteLines(
  stdout: string,
  addresses: string[],
): Map<string, RouteLookupResult> {
  const lines = new Map<string, ScriptLine[]>();
  for (const line of stdout.split(/\r?\n/)) {
    const match = SCRIPT_LINE.exec(line);
    const address = match?.[1];
    if (address === undefined || !addresses.includes(address)) continue;

    const kind = match?.[2] === 'route' ? 'route' : 'error';
    lines.set(address, [...(lines.get(address) ?? []), { kind, text: match?.[3] ?? '' }]);
  }

  const lookups = new Map<string, RouteLookupResult>();
  for (const address of addresses) {
    lookups.set(address, lookupResultFor(address, stdout, lines.get(address) ?? []));
  }
  return lookups;
}

/**
 * Looks up the route of each address with `Find-NetRoute` in Windows PowerShell, one process per
 * 64 addresses and one process at a time, so a round costs one PowerShell start.
 */
export async function lookupWindowsRoutes(
  addresses: string[],
  run: CommandRunner,
  options: WindowsLookupOptions = {},
): Promise<Map<string, RouteLookupResult>> {
  const lookups = new Map<string, RouteLookupResult>();
  const safe: string[] = [];
  for (const address of addresses) {
    if (isIP(address) !== 0 && SCRIPT_SAFE_ADDRESS.test(address)) {
      safe.push(address);
    } else {
      lookups.set(address, {
        failure: `${JSON.stringify(address)} is not a plain IP address, so PowerShell was not asked for its route`,
      });
    }
  }

  // One PowerShell at a time: each start costs far more CPU than the lookups themselves.
  for (let start = 0; start < safe.length; start += ADDRESSES_PER_PROCESS) {
    const chunk = safe.slice(start, start + ADDRESSES_PER_PROCESS);
    for (const [address, lookup] of await lookupChunk(chunk, run, options)) {
      lookups.set(address, lookup);
    }
  }
  return lookups;
}

async function lookupChunk(
  addresses: string[],
  run: CommandRunner,
  options: WindowsLookupOptions,
): Promise<Map<string, RouteLookupResult>> {
  const script = buildFindNetRouteScript(addresses);
  const timeoutMs =
    options.timeoutMs ?? BASE_TIMEOUT_MS + TIMEOUT_PER_ADDRESS_MS * addresses.length;

  let result: { stdout: string; stderr: string; exitCode: number };
  try {
    result = await run(POWERSHELL_PATH, ['-NoProfile', '-NonInteractive', '-Command', script], {
      timeoutMs,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return new Map(
      addresses.map((address) => [
        address,
        { failure: `could not run PowerShell for the route of ${address}: ${message}` },
      ]),
    );
  }

  const lookups = parseFindNetRouteLines(result.stdout, addresses);
  for (const [address, lookup] of lookups) {
    lookups.set(address, withProcessError(lookup, result.stderr, result.exitCode));
  }
  return lookups;
}

function lookupResultFor(address: string, stdout: string, lines: ScriptLine[]): RouteLookupResult {
  const prefix = `could not read the route of ${address}: `;
  const [line] = lines;
  if (line === undefined) {
    const problem =
      stdout.trim() === '' ? 'PowerShell printed nothing' : 'PowerShell printed no line for it';
    return { failure: prefix + problem };
  }
  if (lines.length > 1) {
    return { failure: `${prefix}PowerShell printed ${lines.length} lines for it` };
  }

  if (line.text.length > MAX_LINE_CHARS) {
    return { failure: `${prefix}Find-NetRoute printed ${line.text.length} characters` };
  }
  if (line.kind === 'error') {
    return { failure: `${prefix}Find-NetRoute failed: ${line.text.slice(0, 200)}` };
  }

  try {
    return { route: windowsKernelRoute(address, parseFindNetRoute(line.text)) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { failure: `${prefix}Find-NetRoute ${message}` };
  }
}

function readRoute(fields: Record<string, unknown>): WindowsRoute {
  const alias = fields.InterfaceAlias;
  const nextHop = fields.NextHop;
  if (typeof alias !== 'string' || alias.trim() === '' || alias.length > 256) {
    throw new Error('printed a route without a valid InterfaceAlias');
  }
  if (CONTROL_CHARACTER.test(alias)) {
    throw new Error('printed an InterfaceAlias with control characters');
  }
  if (typeof nextHop !== 'string' || isIP(nextHop) === 0) {
    throw new Error(`printed a route on ${alias} without an IP NextHop`);
  }

  const route: WindowsRoute = { interfaceAlias: alias, nextHop };
  if (typeof fields.InterfaceIndex === 'number') route.interfaceIndex = fields.InterfaceIndex;
  if (typeof fields.DestinationPrefix === 'string') {
    route.destinationPrefix = fields.DestinationPrefix;
  }
  return route;
}

function isUnspecified(address: string): boolean {
  if (isIP(address) === 4) return address === '0.0.0.0';
  return /^[0:]+$/.test(address);
}

function withProcessError(
  lookup: RouteLookupResult,
  stderr: string,
  exitCode: number,
): RouteLookupResult {
  if (!('failure' in lookup) || exitCode === 0) return lookup;
  const message = stderr.trim().split(/\r?\n/)[0]?.slice(0, 200) || `exit status ${exitCode}`;
  return { failure: `${lookup.failure} (PowerShell: ${message})` };
}
