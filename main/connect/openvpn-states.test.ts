import { describe, expect, it } from 'vitest';

import type { ConnectionState } from './connection-state.ts';
import { parseState } from './management-parser.ts';
import { phaseOf, reconnectReason, stateAfter } from './openvpn-states.ts';

const CONNECTING: ConnectionState = { status: 'connecting', phase: 'starting' };
const RECONNECTING: ConnectionState = { status: 'reconnecting', reason: 'reconnect requested' };

describe('openvpn states', () => {
  it('maps connect steps to phases', () => {
    expect(phaseOf('RESOLVE')).toBe('resolving');
    expect(phaseOf('WAIT')).toBe('connecting');
    expect(phaseOf('AUTH')).toBe('authenticating');
    expect(phaseOf('GET_CONFIG')).toBe('getting-config');
    expect(phaseOf('ASSIGN_IP')).toBe('assigning-address');
    expect(phaseOf('ADD_ROUTES')).toBe('adding-routes');
  });

  it('has no phase for final states', () => {
    expect(phaseOf('CONNECTED')).toBeUndefined();
    expect(phaseOf('RECONNECTING')).toBeUndefined();
    expect(phaseOf('EXITING')).toBeUndefined();
  });

  it('explains a known reconnect reason', () => {
    expect(reconnectReason('ping-restart')).toBe('the server stopped responding (ping-restart)');
  });

  it('explains a server poll timeout', () => {
    expect(reconnectReason('server_poll')).toBe('the server did not respond in time (server_poll)');
  });

  it('keeps an unknown reconnect reason', () => {
    expect(reconnectReason('frobnicated')).toBe('openvpn restarted the connection (frobnicated)');
  });

  it('explains an empty reconnect reason', () => {
    expect(reconnectReason('')).toBe('openvpn restarted the connection');
  });

  it('turns CONNECTED into the connected state', () => {
    const state = parseState('1796389961,CONNECTED,SUCCESS,192.168.102.2,198.18.0.1,1194,,,');

    expect(stateAfter(CONNECTING, state)).toEqual({
      status: 'connected',
      endpoint: { host: '198.18.0.1', port: 1194 },
      tunnelAddress: '192.168.102.2',
      since: new Date(1796389961 * 1000).toISOString(),
    });
  });

  it('turns RECONNECTING into the reconnecting state', () => {
    const state = parseState('1796389961,RECONNECTING,ping-restart,,,,,');

    expect(stateAfter(CONNECTING, state)).toEqual({
      status: 'reconnecting',
      reason: 'the server stopped responding (ping-restart)',
    });
  });

  it('keeps the reason of a restart the driver sent', () => {
    const echo = parseState('1796389961,RECONNECTING,SIGUSR1,,,,,');

    expect(stateAfter(RECONNECTING, echo)).toBeUndefined();
  });

  it('reports a SIGUSR1 that the driver did not send', () => {
    const connected = stateAfter(
      CONNECTING,
      parseState('1796389961,CONNECTED,SUCCESS,192.168.102.2,198.18.0.1,1194,,,'),
    );
    const state = parseState('1796389962,RECONNECTING,SIGUSR1,,,,,');

    expect(stateAfter(connected ?? CONNECTING, state)).toEqual({
      status: 'reconnecting',
      reason: 'reconnect requested (SIGUSR1)',
    });
  });

  it('advances the phase while connecting', () => {
    const state = parseState('1796389961,AUTH,,,,,,');

    expect(stateAfter(CONNECTING, state)).toEqual({
      status: 'connecting',
      phase: 'authenticating',
    });
  });

  it('keeps the reconnect reason during connect steps', () => {
    expect(stateAfter(RECONNECTING, parseState('1796389961,AUTH,,,,,,'))).toBeUndefined();
  });

  it('ignores EXITING', () => {
    expect(stateAfter(CONNECTING, parseState('1796389961,EXITING,SIGTERM,,,,,'))).toBeUndefined();
  });
});
