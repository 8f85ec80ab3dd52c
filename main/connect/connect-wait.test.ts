import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ConnectError, waitForConnectedState } from './connect-wait.ts';
import type { ConnectionState } from './connection-state.ts';

const CONNECTED: ConnectionState = {
  status: 'connected',
  endpoint: { host: 'fw1.vpn.example.org', port: 1194 },
  tunnelAddress: '192.168.102.2',
  since: '2026-12-04T10:00:00.000Z',
};

/** A state source the test pushes states into, counting its listeners. */
function stateSource() {
  const listeners = new Set<(state: ConnectionState) => void>();
  return {
    listeners,
    onState: (listener: (state: ConnectionState) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push: (state: ConnectionState) => {
      for (const listener of [...listeners]) listener(state);
    },
  };
}

describe('wait for connected state', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves with the connected state', async () => {
    const source = stateSource();
    const waiting = waitForConnectedState(source.onState, 1_000, () =>
      Promise.resolve(new Error('timed out')),
    );

    source.push({ status: 'connecting', phase: 'authenticating' });
    source.push(CONNECTED);

    await expect(waiting).resolves.toEqual(CONNECTED);
    expect(source.listeners.size).toBe(0);
  });

  it('rejects an error state as ConnectError', async () => {
    const source = stateSource();
    const waiting = waitForConnectedState(source.onState, 1_000, () =>
      Promise.resolve(new Error('timed out')),
    );

    source.push({ status: 'error', kind: 'auth-failed', message: 'The server rejected the key.' });

    await expect(waiting).rejects.toBeInstanceOf(ConnectError);
    await expect(waiting).rejects.toThrow('The server rejected the key.');
  });

  it('rejects a disconnect before connecting', async () => {
    const source = stateSource();
    const waiting = waitForConnectedState(source.onState, 1_000, () =>
      Promise.resolve(new Error('timed out')),
    );

    source.push({ status: 'disconnected' });

    await expect(waiting).rejects.toThrow('disconnected before it came up');
  });

  it('rejects with the timeout error and stops listening', async () => {
    const source = stateSource();
    const onTimeout = vi.fn(() => Promise.resolve(new Error('No server answered.')));
    const waiting = waitForConnectedState(source.onState, 1_000, onTimeout);
    const outcome = expect(waiting).rejects.toThrow('No server answered.');

    await vi.advanceTimersByTimeAsync(1_000);

    await outcome;
    expect(onTimeout).toHaveBeenCalledTimes(1);
    expect(source.listeners.size).toBe(0);
  });
});
