import { afterEach, describe, expect, it } from 'vitest';

import { RouteCache } from './route-cache.ts';
import type { KernelRoute } from './route-lookup.ts';
import type { TunnelIdentity } from './tunnel-identity.ts';

// A tiny stand-in for `ip monitor`: it prints `ready` once its signal handlers are installed,
// a route event on SIGUSR1, and exits on SIGUSR2.
const MONITOR_SCRIPT = `
process.on('SIGUSR1', () => process.stdout.write('Deleted 10.1.0.0/16 via 10.0.0.1 dev tun0\\n'));
process.on('SIGUSR2', () => process.exit(3));
process.stdout.write('ready\\n');
setInterval(() => undefined, 60_000);
`;
const MONITOR_COMMAND = [process.execPath, '-e', MONITOR_SCRIPT];
const MAX_AGE_MS = 30_000;
const TUNNEL: TunnelIdentity = { up: true, address: '10.8.0.2', device: 'tun0' };

/** A route source that counts its lookups and returns the route in `route` for every address. */
function countingSource() {
  const source = {
    calls: 0,
    route: { dst: '', dev: 'tun0', prefsrc: '10.8.0.2' } as Omit<KernelRoute, 'dst'>,
    lookup: (addresses: string[]) => {
      source.calls += 1;
      const routes = addresses.map((address) => [address, { ...source.route, dst: address }]);
      return Promise.resolve(new Map(routes as [string, KernelRoute][]));
    },
  };
  return source;
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('route cache', () => {
  let cache: RouteCache | undefined;
  let clock = 0;

  afterEach(() => cache?.close());

  /** Starts a cache with the stand-in monitor and waits until the monitor can take signals. */
  async function startCache(source: ReturnType<typeof countingSource>): Promise<RouteCache> {
    clock = 0;
    const started = new RouteCache({
      lookup: (addresses) => source.lookup(addresses),
      monitorCommand: MONITOR_COMMAND,
      maxAgeMs: MAX_AGE_MS,
      now: () => clock,
    });
    cache = started;
    await waitUntil(() => started.eventCount === 1);
    return started;
  }

  it('reuses routes without events', async () => {
    const source = countingSource();
    const routes = await startCache(source);

    await routes.lookup(['10.1.0.5', '10.1.0.6'], TUNNEL);
    clock = MAX_AGE_MS - 1;
    const second = await routes.lookup(['10.1.0.6', '10.1.0.5'], TUNNEL);

    expect(source.calls).toBe(1);
    expect(second.get('10.1.0.6')).toMatchObject({ dst: '10.1.0.6', dev: 'tun0' });
  });

  it('returns only the requested addresses', async () => {
    const source = countingSource();
    const routes = await startCache(source);

    await routes.lookup(['10.1.0.5', '10.1.0.6'], TUNNEL);
    const subset = await routes.lookup(['10.1.0.6'], TUNNEL);

    expect(source.calls).toBe(1);
    expect([...subset.keys()]).toEqual(['10.1.0.6']);
  });

  it('looks up again for an address not looked up before', async () => {
    const source = countingSource();
    const routes = await startCache(source);

    await routes.lookup(['10.1.0.5'], TUNNEL);
    const routesWithNew = await routes.lookup(['10.1.0.5', '10.1.0.7'], TUNNEL);

    expect(source.calls).toBe(2);
    expect(routesWithNew.has('10.1.0.7')).toBe(true);
  });

  it('looks up again after a monitor event', async () => {
    const source = countingSource();
    const routes = await startCache(source);
    await routes.lookup(['10.1.0.5'], TUNNEL);

    source.route = { type: 'unreachable', dev: 'lo' };
    process.kill(routes.monitorPid ?? 0, 'SIGUSR1');
    await waitUntil(() => routes.eventCount === 2);
    const after = await routes.lookup(['10.1.0.5'], TUNNEL);

    expect(source.calls).toBe(2);
    expect(after.get('10.1.0.5')?.type).toBe('unreachable');
  });

  it('looks up again after an event during the lookup', async () => {
    const source = countingSource();
    const routes = await startCache(source);
    const lookup = source.lookup;
    source.lookup = async (addresses) => {
      process.kill(routes.monitorPid ?? 0, 'SIGUSR1');
      await waitUntil(() => routes.eventCount === 2);
      return lookup(addresses);
    };

    await routes.lookup(['10.1.0.5'], TUNNEL);
    source.lookup = lookup;
    await routes.lookup(['10.1.0.5'], TUNNEL);

    expect(source.calls).toBe(2);
  });

  it('looks up again when the tunnel identity changes', async () => {
    const source = countingSource();
    const routes = await startCache(source);
    const changes: TunnelIdentity[] = [
      { ...TUNNEL, device: 'tun1' },
      { ...TUNNEL, device: 'tun1', address: '10.8.0.3' },
      { ...TUNNEL, device: 'tun1', address: '10.8.0.3', up: false },
    ];

    await routes.lookup(['10.1.0.5'], TUNNEL);
    for (const tunnel of changes) await routes.lookup(['10.1.0.5'], tunnel);

    expect(source.calls).toBe(1 + changes.length);
  });

  it('looks up again at the max age', async () => {
    const source = countingSource();
    const routes = await startCache(source);

    await routes.lookup(['10.1.0.5'], TUNNEL);
    clock = MAX_AGE_MS;
    await routes.lookup(['10.1.0.5'], TUNNEL);
    clock = MAX_AGE_MS + 1;
    await routes.lookup(['10.1.0.5'], TUNNEL);

    expect(source.calls).toBe(2);
  });

  it('looks up every round after the monitor exits', async () => {
    const source = countingSource();
    const routes = await startCache(source);
    await routes.lookup(['10.1.0.5'], TUNNEL);

    process.kill(routes.monitorPid ?? 0, 'SIGUSR2');
    await waitUntil(() => !routes.monitoring);
    await routes.lookup(['10.1.0.5'], TUNNEL);
    await routes.lookup(['10.1.0.5'], TUNNEL);

    expect(source.calls).toBe(3);
  });

  it('restarts the monitor a max age after it exits', async () => {
    const source = countingSource();
    const routes = await startCache(source);
    process.kill(routes.monitorPid ?? 0, 'SIGUSR2');
    await waitUntil(() => !routes.monitoring);

    clock = MAX_AGE_MS - 1;
    await routes.lookup(['10.1.0.5'], TUNNEL);
    expect(routes.monitoring).toBe(false);

    clock = MAX_AGE_MS;
    await routes.lookup(['10.1.0.5'], TUNNEL);
    expect(routes.monitoring).toBe(true);
    expect(source.calls).toBe(2);
  });

  it('looks up every round when the monitor cannot start', async () => {
    const source = countingSource();
    cache = new RouteCache({ lookup: source.lookup, monitorCommand: ['/nonexistent/ip'] });
    const routes = cache;
    await waitUntil(() => !routes.monitoring);

    await routes.lookup(['10.1.0.5'], TUNNEL);
    await routes.lookup(['10.1.0.5'], TUNNEL);

    expect(source.calls).toBe(2);
  });

  it('stops a monitor that missed a route change', async () => {
    const source = countingSource();
    const routes = await startCache(source);
    await routes.lookup(['10.1.0.5'], TUNNEL);

    source.route = { dev: 'eth0', gateway: '192.0.2.1' };
    clock = MAX_AGE_MS;
    await routes.lookup(['10.1.0.5'], TUNNEL);
    await routes.lookup(['10.1.0.5'], TUNNEL);

    expect(routes.monitoring).toBe(false);
    expect(source.calls).toBe(3);
  });

  it('keeps a monitor whose routes did not change', async () => {
    const source = countingSource();
    const routes = await startCache(source);
    await routes.lookup(['10.1.0.5'], TUNNEL);

    clock = MAX_AGE_MS;
    await routes.lookup(['10.1.0.5'], TUNNEL);

    expect(routes.monitoring).toBe(true);
  });

  it('reuses nothing from before a failed lookup', async () => {
    const source = countingSource();
    const routes = await startCache(source);
    const otherTunnel = { ...TUNNEL, device: 'tun1' };
    await routes.lookup(['10.1.0.5'], TUNNEL);

    const lookup = source.lookup;
    source.lookup = () => Promise.reject(new Error('ip exited with status 1'));
    await expect(routes.lookup(['10.1.0.5'], otherTunnel)).rejects.toThrow(/ip exited/);
    source.lookup = lookup;
    await routes.lookup(['10.1.0.5'], TUNNEL);

    expect(source.calls).toBe(2);
  });

  it('stops the monitor and rejects lookups after close', async () => {
    const source = countingSource();
    const routes = await startCache(source);
    const pid = routes.monitorPid ?? 0;

    routes.close();

    await expect(routes.lookup(['10.1.0.5'], TUNNEL)).rejects.toThrow(/closed/);
    await waitUntil(() => !isRunning(pid));
    expect(source.calls).toBe(0);
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
