import { describe, expect, it } from 'vitest';

import {
  canConnect,
  canDisconnect,
  canReconnect,
  connectionStateSchema,
  describeState,
  type ConnectionState,
  type ConnectionStatus,
} from './connection-state.ts';

const EXAMPLES: Record<ConnectionStatus, ConnectionState> = {
  disconnected: { status: 'disconnected' },
  connecting: { status: 'connecting', phase: 'authenticating' },
  connected: {
    status: 'connected',
    endpoint: { host: '198.18.0.1', port: 1194 },
    tunnelAddress: '192.168.102.2',
    since: '2026-12-04T13:00:00.000Z',
  },
  degraded: {
    status: 'degraded',
    endpoint: { host: '198.18.0.1', port: 1194 },
    tunnelAddress: '192.168.102.2',
    since: '2026-12-04T13:00:02.000Z',
    reason: '192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms).',
  },
  reconnecting: { status: 'reconnecting', reason: 'the server stopped responding' },
  disconnecting: { status: 'disconnecting' },
  error: { status: 'error', kind: 'certificate', message: 'Certificate expired.' },
};

// Which action each state offers: [connect, reconnect, disconnect].
const ACTIONS: Record<ConnectionStatus, [boolean, boolean, boolean]> = {
  disconnected: [true, false, false],
  connecting: [false, true, true],
  connected: [false, true, true],
  degraded: [false, true, true],
  reconnecting: [false, true, true],
  disconnecting: [false, false, false],
  error: [true, false, false],
};

describe('connection state', () => {
  for (const [status, [connect, reconnect, disconnect]] of Object.entries(ACTIONS)) {
    const state = EXAMPLES[status as ConnectionStatus];

    it(`offers the right actions when ${status}`, () => {
      expect(canConnect(state)).toBe(connect);
      expect(canReconnect(state)).toBe(reconnect);
      expect(canDisconnect(state)).toBe(disconnect);
    });

    it(`validates a ${status} state`, () => {
      expect(connectionStateSchema.parse(state)).toEqual(state);
    });
  }

  it('rejects a connected state without a tunnel address', () => {
    const incomplete = { ...EXAMPLES.connected, tunnelAddress: undefined };
    expect(connectionStateSchema.safeParse(incomplete).success).toBe(false);
  });

  it('rejects a degraded state without a reason', () => {
    const incomplete = { ...EXAMPLES.degraded, reason: undefined };
    expect(connectionStateSchema.safeParse(incomplete).success).toBe(false);
  });

  it('rejects a degraded state without an endpoint', () => {
    const incomplete = { ...EXAMPLES.degraded, endpoint: undefined };
    expect(connectionStateSchema.safeParse(incomplete).success).toBe(false);
  });

  it('rejects an unknown error kind', () => {
    const state = { status: 'error', kind: 'gremlins', message: 'x' };
    expect(connectionStateSchema.safeParse(state).success).toBe(false);
  });

  it('describes a connected state with endpoint and address', () => {
    expect(describeState(EXAMPLES.connected)).toBe('Connected to 198.18.0.1:1194 as 192.168.102.2');
  });

  it('describes a degraded state with endpoint, address and reason', () => {
    expect(describeState(EXAMPLES.degraded)).toBe(
      'Degraded: connected to 198.18.0.1:1194 as 192.168.102.2, but the tunnel passes no ' +
        'traffic. 192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms).',
    );
  });

  it('describes an error with its message', () => {
    expect(describeState(EXAMPLES.error)).toBe('Error: Certificate expired.');
  });
});
