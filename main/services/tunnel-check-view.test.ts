import { describe, expect, it } from 'vitest';

import type { TunnelCheck } from '../connect/tunnel-check.ts';
import { tunnelCheckView } from './tunnel-check-view.ts';

const organisation = {
  networks: [
    {
      id: 'office',
      name: 'Office VLAN 440',
      cidrs: ['192.168.100.0/24'],
      probes: [{ host: '192.168.100.10', port: 445 }],
    },
  ],
};

function checkOf(probe: TunnelCheck['probes'][number]): TunnelCheck {
  return { healthy: probe.answered, bytesInMoved: probe.answered, probes: [probe], durationMs: 10 };
}

describe('tunnel check view', () => {
  it('marks an answered probe as reached', () => {
    const view = tunnelCheckView(
      checkOf({
        target: { host: '192.168.100.10', port: 445 },
        answered: true,
        message: 'answered in 4 ms',
      }),
      organisation,
    );

    expect(view.probes[0]?.outcome).toBe('reached');
  });

  it('names the network of a target', () => {
    const view = tunnelCheckView(
      checkOf({ target: { host: '192.168.100.10', port: 445 }, answered: true, message: 'ok' }),
      organisation,
    );

    expect(view.probes[0]?.network).toBe('Office VLAN 440');
  });

  it('marks a target outside the tunnel as no route', () => {
    const view = tunnelCheckView(
      checkOf({
        target: { host: '192.168.100.10', port: 445 },
        answered: false,
        message: 'no route via the tunnel to 192.168.100.10 (route goes to eth0)',
      }),
      organisation,
    );

    expect(view.probes[0]?.outcome).toBe('no-route');
  });

  it('marks an unanswered probe as failed', () => {
    const view = tunnelCheckView(
      checkOf({
        target: { host: '192.168.100.99', port: 22 },
        answered: false,
        message: 'no answer within 3000 ms',
      }),
      organisation,
    );

    expect(view.probes[0]).toMatchObject({ outcome: 'failed', network: undefined });
  });

  it('stamps the time of the check', () => {
    const now = new Date('2026-12-04T14:30:00.000Z');

    const view = tunnelCheckView(
      checkOf({ target: { host: '192.168.100.10', port: 445 }, answered: true, message: 'ok' }),
      organisation,
      now,
    );

    expect(view.checkedAt).toBe('2026-12-04T14:30:00.000Z');
  });
});
