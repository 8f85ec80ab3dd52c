import { afterEach, describe, expect, it } from 'vitest';

import { FpingProcess } from './fping-process.ts';
import { findIcmpTool } from './icmp-probe.ts';

const tool = findIcmpTool();

describe.skipIf(tool?.kind !== 'fping')('fping process', () => {
  let fping: FpingProcess | undefined;

  afterEach(() => fping?.close());

  it('pings loopback addresses with one helper', async () => {
    fping = new FpingProcess(tool?.path ?? 'fping');
    const first = await fping.ping(['127.0.0.1', '127.0.0.2'], 500);
    const pid = fping.pid;
    const second = await fping.ping(['127.0.0.3'], 500);

    expect(first.get('127.0.0.1')).toMatchObject({ ok: true });
    expect(first.get('127.0.0.2')).toMatchObject({ ok: true });
    expect(second.get('127.0.0.3')).toMatchObject({ ok: true });
    expect(fping.pid).toBe(pid);
  });

  it('serialises rounds made at once', async () => {
    fping = new FpingProcess(tool?.path ?? 'fping');
    const [first, second] = await Promise.all([
      fping.ping(['127.0.0.1'], 500),
      fping.ping(['127.0.0.2'], 500),
    ]);

    expect([...first.keys()]).toEqual(['127.0.0.1']);
    expect([...second.keys()]).toEqual(['127.0.0.2']);
  });

  it('leaves out values that are not IP addresses', async () => {
    fping = new FpingProcess(tool?.path ?? 'fping');
    const results = await fping.ping(['-t1', '127.0.0.1'], 500);

    expect([...results.keys()]).toEqual(['127.0.0.1']);
  });

  it('starts a new helper after the old one exits', async () => {
    fping = new FpingProcess(tool?.path ?? 'fping');
    await fping.ping(['127.0.0.1'], 500);
    const pid = fping.pid ?? 0;
    process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const results = await fping.ping(['127.0.0.1'], 500);
    expect(results.get('127.0.0.1')).toMatchObject({ ok: true });
    expect(fping.pid).not.toBe(pid);
  });

  it('reports an address fping printed nothing for', async () => {
    // A path that is not fping makes xargs start nothing useful, so the round times out.
    fping = new FpingProcess('/bin/true');
    const results = await fping.ping(['127.0.0.1'], 100);

    expect(results.get('127.0.0.1')).toEqual({
      ok: false,
      reason: 'error',
      message: 'fping printed no result',
    });
  });
});
