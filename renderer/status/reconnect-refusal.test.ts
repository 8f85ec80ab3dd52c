import { describe, expect, it } from 'vitest';

import { DISCONNECTED, type ConnectionState } from '../../main/connect/connection-state.ts';
import { reconnectRefusal, type ReconnectContext } from './reconnect-refusal.ts';

const CONNECTED: ConnectionState = {
  status: 'connected',
  endpoint: { host: 'vpn1.example.org', port: 1194 },
  tunnelAddress: '192.168.102.7',
  since: '2026-12-04T14:00:00.000Z',
};

function context(patch: Partial<ReconnectContext> = {}): ReconnectContext {
  return {
    state: CONNECTED,
    connection: { available: true },
    host: 'electron',
    linked: true,
    ...patch,
  };
}

describe('reconnect refusal', () => {
  it('allows a reconnect while connected', () => {
    expect(reconnectRefusal(context())).toBeUndefined();
  });

  it('allows a reconnect while connecting', () => {
    const state: ConnectionState = { status: 'connecting', phase: 'authenticating' };

    expect(reconnectRefusal(context({ state }))).toBeUndefined();
  });

  it('points to Connect while disconnected', () => {
    expect(reconnectRefusal(context({ state: DISCONNECTED }))).toBe(
      'Not connected, so there is nothing to reconnect. Use Connect.',
    );
  });

  it('points to Connect after an error', () => {
    const state: ConnectionState = {
      status: 'error',
      kind: 'auth-failed',
      message: 'TLS handshake failed',
    };

    expect(reconnectRefusal(context({ state }))).toMatch(/Use Connect\.$/);
  });

  it('asks to wait while disconnecting', () => {
    const state: ConnectionState = { status: 'disconnecting' };

    expect(reconnectRefusal(context({ state }))).toMatch(/^Disconnecting/);
  });

  it('names the preview when the browser host cannot connect', () => {
    const connection = {
      available: false as const,
      reason: 'This browser preview cannot start the VPN.',
    };

    expect(reconnectRefusal(context({ state: DISCONNECTED, connection, host: 'browser' }))).toBe(
      'This preview cannot start the VPN, so there is nothing to reconnect.',
    );
  });

  it('names the app when the desktop host cannot connect', () => {
    const connection = { available: false as const, reason: 'openvpn is not installed.' };

    expect(reconnectRefusal(context({ state: DISCONNECTED, connection }))).toMatch(
      /^The app cannot start the VPN/,
    );
  });

  it('asks for a reload once the link to the app is lost', () => {
    expect(reconnectRefusal(context({ linked: false }))).toMatch(/Reload the page\.$/);
  });
});
