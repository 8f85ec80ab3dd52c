import { spawnSync } from 'node:child_process';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { describeWith } from '../testing/requirements.ts';
import { RouteCache } from './route-cache.ts';
import { RouteLookupProcess } from './route-lookup-process.ts';

const NAMESPACE = `rcache-${process.pid}`;
const TUNNEL = { up: true, address: '10.77.0.1', device: 'v0' };
const TARGET = '10.88.0.5';

function ip(args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr.trim()}`);
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeWith(['root', 'iproute2'], 'route cache in a network namespace', () => {
  const command = ['ip', 'netns', 'exec', NAMESPACE, 'ip'];
  let lookups: RouteLookupProcess | undefined;
  let cache: RouteCache | undefined;
  let lookupCount = 0;

  beforeAll(() => {
    ip(['netns', 'add', NAMESPACE]);
    lookups = new RouteLookupProcess(command);
    const source = lookups.source;
    cache = new RouteCache({
      lookup: (addresses) => {
        lookupCount += 1;
        return source(addresses);
      },
      ipCommand: command,
    });
  });

  afterAll(() => {
    cache?.close();
    lookups?.close();
    ip(['netns', 'del', NAMESPACE]);
  });

  it('sees a route added after a reused lookup', async () => {
    const routes = cache!;
    // Without IPv6, no link-local address arrives seconds later to end reuse during the test.
    ip(['netns', 'exec', NAMESPACE, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
    // Both ends of the veth pair stay inside the namespace. The monitor reports the link and
    // address changes, which shows that it has subscribed.
    ip(['-n', NAMESPACE, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    ip(['-n', NAMESPACE, 'addr', 'add', '10.77.0.1/24', 'dev', 'v0']);
    ip(['-n', NAMESPACE, 'link', 'set', 'v1', 'up']);
    ip(['-n', NAMESPACE, 'link', 'set', 'v0', 'up']);
    await waitUntil(() => routes.eventCount > 0);
    // Lets the last events of bringing the links up arrive, so they end no reuse below.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const before = await routes.lookup([TARGET], TUNNEL);
    const reused = await routes.lookup([TARGET], TUNNEL);
    expect(before.has(TARGET)).toBe(false);
    expect(reused.has(TARGET)).toBe(false);
    expect(lookupCount).toBe(1);

    const events = routes.eventCount;
    ip(['-n', NAMESPACE, 'route', 'add', '10.88.0.0/16', 'via', '10.77.0.2']);
    await waitUntil(() => routes.eventCount > events);
    const after = await routes.lookup([TARGET], TUNNEL);

    expect(lookupCount).toBe(2);
    expect(after.get(TARGET)).toMatchObject({ dev: 'v0', gateway: '10.77.0.2' });
  });
});
