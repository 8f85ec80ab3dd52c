import { describe, expect, it } from 'vitest';

import { probeTargetsOf, stateLine } from './connection.ts';

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
});
