import { afterEach, describe, expect, it } from 'vitest';

import { RouteLookupProcess } from './route-lookup-process.ts';

describe.skipIf(process.platform !== 'linux')('route lookup process', () => {
  let lookups: RouteLookupProcess | undefined;

  afterEach(() => lookups?.close());

  it('looks up routes with one ip process', async () => {
    lookups = new RouteLookupProcess();
    const first = await lookups.source(['127.0.0.1', '127.0.0.2']);
    const pid = lookups.pid;
    const second = await lookups.source(['127.0.0.3']);

    expect(first.get('127.0.0.2')).toMatchObject({ type: 'local', dev: 'lo' });
    expect(second.get('127.0.0.3')).toMatchObject({ type: 'local' });
    expect(lookups.pid).toBe(pid);
  });

  it('serialises lookups made at once', async () => {
    lookups = new RouteLookupProcess();
    const [first, second] = await Promise.all([
      lookups.source(['127.0.0.1']),
      lookups.source(['127.0.0.2']),
    ]);

    expect([...first.keys()]).toEqual(['127.0.0.1']);
    expect([...second.keys()]).toEqual(['127.0.0.2']);
  });

  it('fails a batch that ip aborts and recovers', async () => {
    lookups = new RouteLookupProcess();
    // iproute2 exits on an argument it cannot parse, even with -force.
    await expect(lookups.source(['not-an-address'])).rejects.toThrow(/ip exited/);

    const routes = await lookups.source(['127.0.0.1']);
    expect(routes.has('127.0.0.1')).toBe(true);
  });

  it('never returns the end-of-batch lookup', async () => {
    lookups = new RouteLookupProcess();
    const routes = await lookups.source(['0.0.0.0', '127.0.0.1']);
    expect([...routes.keys()]).toEqual(['127.0.0.1']);
  });

  it('starts a new ip after the old one exits', async () => {
    lookups = new RouteLookupProcess();
    await lookups.source(['127.0.0.1']);
    const pid = lookups.pid ?? 0;
    process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const routes = await lookups.source(['127.0.0.1']);
    expect(routes.has('127.0.0.1')).toBe(true);
    expect(lookups.pid).not.toBe(pid);
  });

  it('rejects when ip cannot be started', async () => {
    lookups = new RouteLookupProcess(['/nonexistent/ip']);
    await expect(lookups.source(['127.0.0.1'])).rejects.toThrow(/ENOENT/);
  });
});
