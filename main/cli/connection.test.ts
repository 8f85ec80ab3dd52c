import { describe, expect, it } from 'vitest';

import { checkLine, probeTargetsOf, stateLine } from './connection.ts';

describe('cli connection helpers', () => {
  it('collects probe targets that have a port', () => {
    const organisation = {
      networks: [
        {
          id: 'office',
          name: 'Office',
          cidrs: ['192.168.100.0/24'],
          probes: [{ host: '192.168.100.10', port: 80 }, { host: '192.168.100.1' }],
        },
      ],
    };

    expect(probeTargetsOf(organisation)).toEqual([{ host: '192.168.100.10', port: 80 }]);
  });

  it('prints since when a tunnel is connected', () => {
    const line = stateLine({
      status: 'connected',
      endpoint: { host: '198.18.0.1', port: 1194 },
      tunnelAddress: '192.168.102.2',
      since: '2026-12-04T12:00:00.000Z',
    });

    expect(line).toBe(
      'Connected to 198.18.0.1:1194 as 192.168.102.2 since 2026-12-04T12:00:00.000Z',
    );
  });

  it('prints the reason and the time a tunnel turned degraded', () => {
    const line = stateLine({
      status: 'degraded',
      endpoint: { host: '198.18.0.1', port: 1194 },
      tunnelAddress: '192.168.102.2',
      since: '2026-12-04T12:00:03.000Z',
      reason: '192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms).',
    });

    expect(line).toBe(
      'Degraded: connected to 198.18.0.1:1194 as 192.168.102.2, but the tunnel passes no ' +
        'traffic. 192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms). ' +
        'Degraded since 2026-12-04T12:00:03.000Z.',
    );
  });

  it('says a failed check leaves the tunnel degraded', () => {
    const line = checkLine({
      healthy: false,
      bytesInMoved: false,
      probes: [
        {
          target: { host: '192.168.100.10', port: 80 },
          answered: false,
          message: 'no answer within 3000 ms',
        },
      ],
      durationMs: 4_100,
    });

    expect(line).toBe(
      'Tunnel check failed: 192.168.100.10:80: no answer within 3000 ms; byte counters did not ' +
        'move. The tunnel is degraded and is being restarted.',
    );
  });
});
