import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import type { KernelRoute, RouteSource } from './route-lookup.ts';
import type { TunnelIdentity } from './tunnel-identity.ts';

export const DEFAULT_ROUTE_CACHE_MAX_AGE_MS = 30_000;

// Link events are watched too, because Linux sends no IPv4 route event when a link goes down and
// its routes stop forwarding. iproute2 6.1 ignores -j for `monitor` and prints text, with some
// events on several lines, so every line on either stream counts as an event.
const IP_MONITOR_ARGS = ['monitor', 'route', 'link', 'address'];

export interface RouteCacheOptions {
  /** Looks up the kernel's routes, such as `RouteLookupProcess.source`. */
  lookup: RouteSource;
  /** The command that starts ip, e.g. `['ip']` or `['ip', 'netns', 'exec', NS, 'ip']`. */
  ipCommand?: string[];
  /** The full monitor command, in place of `ipCommand` with `monitor route link address`. */
  monitorCommand?: string[];
  /** Milliseconds a lookup result may be reused while no event arrives; default 30 000. */
  maxAgeMs?: number;
  /** Monotonic clock in milliseconds; `performance.now` by default. */
  now?: () => number;
}

interface CachedRoutes {
  addresses: Set<string>;
  routes: Map<string, KernelRoute>;
  tunnelKey: string;
  /** The cache's generation when the lookup started. */
  generation: number;
  /** When the lookup started. */
  lookedUpAt: number;
}

/**
 * Reuses the kernel routes of the previous round while `ip monitor route link address` reports
 * no change, so a long-running prober does not look up every address every round. A fresh lookup
 * runs after any event, when the tunnel identity changes, when the result is older than the max
 * age, and on every round while the monitor is not running. A monitor that exits is restarted
 * once a max age has passed since its exit.
 *
 * Staleness bound: when the monitor misses a route change, the old route is used for at most
 * `maxAgeMs` after the lookup that read it, because the age runs from that lookup's start whatever
 * the monitor reports. A change may be missed before ip has subscribed, between the monitor's
 * exit and this process handling it, or while ip is stalled. An event still on its way from the kernel when a round starts is not seen,
 * which is the same window a fresh lookup leaves between the lookup and the probe.
 */
export class RouteCache {
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly monitorCommand: string[];
  private monitor: ChildProcess | undefined;
  private stoppedAt = 0;
  private lines = 0;
  // Counts monitor lines, starts and stops. A lookup is reused only while it stays the same.
  private generation = 0;
  private cached: CachedRoutes | undefined;
  private closed = false;

  constructor(private readonly options: RouteCacheOptions) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_ROUTE_CACHE_MAX_AGE_MS;
    this.now = options.now ?? (() => performance.now());
    this.monitorCommand = options.monitorCommand ?? [
      ...(options.ipCommand ?? ['ip']),
      ...IP_MONITOR_ARGS,
    ];
    this.startMonitor();
  }

  /** The number of lines the monitor has printed, each of which ends reuse. */
  get eventCount(): number {
    return this.lines;
  }

  /** Whether the monitor runs, so results may be reused. */
  get monitoring(): boolean {
    return this.monitor !== undefined;
  }

  /** The PID of the monitor, for CPU accounting, or undefined while none runs. */
  get monitorPid(): number | undefined {
    return this.monitor?.pid;
  }

  /**
   * Returns the kernel's route for each address, from the previous lookup when it is still
   * valid for these addresses and this tunnel, or else from a fresh lookup.
   */
  async lookup(addresses: string[], tunnel: TunnelIdentity): Promise<Map<string, KernelRoute>> {
    if (this.closed) throw new Error('The route cache was closed.');

    // Lets the event loop read what the monitor has already printed, so an event printed
    // before this round started ends reuse.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.monitor === undefined && this.now() - this.stoppedAt >= this.maxAgeMs) {
      this.startMonitor();
    }

    const tunnelKey = identityKey(tunnel);
    const cached = this.cached;
    if (cached !== undefined && this.isReusable(cached, addresses, tunnelKey)) {
      return pick(cached.routes, addresses);
    }
    return this.refresh(addresses, tunnelKey);
  }

  /** Stops the monitor and rejects every later lookup. */
  close(): void {
    this.closed = true;
    this.cached = undefined;
    const monitor = this.monitor;
    this.monitor = undefined;
    monitor?.kill('SIGTERM');
  }

  private isReusable(cached: CachedRoutes, addresses: string[], tunnelKey: string): boolean {
    if (this.monitor === undefined) return false;
    if (cached.generation !== this.generation) return false;
    if (cached.tunnelKey !== tunnelKey) return false;
    if (this.now() - cached.lookedUpAt >= this.maxAgeMs) return false;
    return addresses.every((address) => cached.addresses.has(address));
  }

  private async refresh(addresses: string[], tunnelKey: string): Promise<Map<string, KernelRoute>> {
    const previous = this.cached;
    const generation = this.generation;
    const lookedUpAt = this.now();
    const monitored = this.monitor !== undefined;
    // A failed lookup leaves nothing to reuse.
    this.cached = undefined;

    const routes = await this.options.lookup(addresses);
    const cached = { addresses: new Set(addresses), routes, tunnelKey, generation, lookedUpAt };
    if (!this.closed) this.cached = cached;

    // A refresh due only to age that finds a changed route means the monitor missed an event,
    // so it is stopped, and rounds look up every address until it restarts.
    const quiet =
      monitored && previous?.generation === generation && generation === this.generation;
    if (quiet && previous.tunnelKey === tunnelKey && routesDiffer(previous, cached)) {
      this.stopMonitor();
    }
    return routes;
  }

  private startMonitor(): void {
    const [program = 'ip', ...args] = this.monitorCommand;
    // NOTE: ip monitor never reads its input, so unlike the ip batch it does not exit when this
    // process is killed without `close`. It exits on its next event, when writing to the closed
    // pipe fails, and lingers in a namespace that sees no more events.
    const monitor = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.monitor = monitor;
    // A lookup made while no monitor ran may have missed changes, so it is never reused.
    this.generation += 1;

    const onLine = () => {
      if (this.monitor !== monitor) return;
      this.lines += 1;
      this.generation += 1;
    };
    createInterface({ input: monitor.stdout }).on('line', onLine);
    createInterface({ input: monitor.stderr }).on('line', onLine);
    monitor.on('error', () => this.onMonitorStopped(monitor));
    monitor.on('exit', () => this.onMonitorStopped(monitor));
  }

  private stopMonitor(): void {
    const monitor = this.monitor;
    if (monitor === undefined) return;
    this.onMonitorStopped(monitor);
    monitor.kill('SIGKILL');
  }

  private onMonitorStopped(monitor: ChildProcess): void {
    if (this.monitor !== monitor) return;
    this.monitor = undefined;
    this.stoppedAt = this.now();
    // Changes made while no monitor runs go unreported, so nothing looked up before counts.
    this.generation += 1;
  }
}

function identityKey(tunnel: TunnelIdentity): string {
  return JSON.stringify([tunnel.up, tunnel.address ?? null, tunnel.device ?? null]);
}

function pick(routes: Map<string, KernelRoute>, addresses: string[]): Map<string, KernelRoute> {
  const picked = new Map<string, KernelRoute>();
  for (const address of addresses) {
    const route = routes.get(address);
    if (route !== undefined) picked.set(address, route);
  }
  return picked;
}

/** Compares the fields a route decision reads, for the addresses both lookups contain. */
function routesDiffer(previous: CachedRoutes, next: CachedRoutes): boolean {
  for (const address of next.addresses) {
    if (!previous.addresses.has(address)) continue;
    if (decisionFields(previous.routes.get(address)) !== decisionFields(next.routes.get(address))) {
      return true;
    }
  }
  return false;
}

function decisionFields(route: KernelRoute | undefined): string {
  if (route === undefined) return 'none';
  return JSON.stringify([route.type, route.dev, route.gateway, route.prefsrc]);
}
