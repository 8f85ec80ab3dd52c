import { describe, expect, it, vi } from 'vitest';

import type { ConnectionState } from '../connect/connection-state.ts';
import type { StatusSnapshot } from '../contract/status-state.ts';
import type { ReachabilitySummary } from '../reach/reachability.ts';
import { followStatus, trayActionHandler, type TrayStatusSource } from './tray-controller.ts';
import type { TrayInputs } from './tray-notices.ts';

const CONNECTED: ConnectionState = {
  status: 'connected',
  endpoint: { host: 'fw1.vpn.example.org', port: 1194 },
  tunnelAddress: '192.168.102.2',
  since: '2026-12-04T10:00:00.000Z',
};

const SUMMARY: ReachabilitySummary = {
  tunnel: { up: true, detail: 'Connected' },
  networks: [{ networkId: 'vlan', name: 'Office VLAN', status: 'reachable', explanation: 'Fine.' }],
  checkedAt: '2026-12-04T10:00:05.000Z',
};

function snapshotWith(connectionState: ConnectionState): StatusSnapshot {
  return {
    revision: 1,
    organisation: { id: 'example', name: 'Example Corp' },
    connectionState,
    probing: false,
  };
}

/** A status source whose snapshot and summary the test sets and then pushes. */
class SettableSource implements TrayStatusSource {
  current = snapshotWith({ status: 'disconnected' });
  latestSummary: ReachabilitySummary | undefined;
  private readonly listeners = new Set<(snapshot: StatusSnapshot) => void>();

  snapshot(): StatusSnapshot {
    return this.current;
  }

  subscribe(listener: (snapshot: StatusSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  summary(): ReachabilitySummary | undefined {
    return this.latestSummary;
  }

  push(state: ConnectionState, summary?: ReachabilitySummary): void {
    this.current = snapshotWith(state);
    this.latestSummary = summary;
    for (const listener of this.listeners) listener(this.current);
  }
}

function actions(state: ConnectionState = CONNECTED) {
  const calls: string[] = [];
  const options = {
    connection: {
      connect: vi.fn(() => {
        calls.push('connect');
        return Promise.resolve();
      }),
      reconnect: vi.fn(() => {
        calls.push('reconnect');
        return Promise.resolve();
      }),
      disconnect: vi.fn(() => {
        calls.push('disconnect');
        return Promise.resolve();
      }),
    },
    state: () => state,
    showWindow: vi.fn(() => calls.push('show')),
    quit: vi.fn(() => calls.push('quit')),
    onError: vi.fn(),
  };
  return { options, calls, handle: trayActionHandler(options) };
}

describe('tray controller', () => {
  it('feeds the current state at once', () => {
    const source = new SettableSource();
    const updates: TrayInputs[] = [];

    followStatus(source, (inputs) => updates.push(inputs));

    expect(updates).toEqual([{ state: { status: 'disconnected' } }]);
  });

  it('feeds each change with the summary', () => {
    const source = new SettableSource();
    const updates: TrayInputs[] = [];
    followStatus(source, (inputs) => updates.push(inputs));

    source.push(CONNECTED, SUMMARY);

    expect(updates[1]).toEqual({ state: CONNECTED, summary: SUMMARY });
  });

  it('stops feeding once unsubscribed', () => {
    const source = new SettableSource();
    const updates: TrayInputs[] = [];
    const stop = followStatus(source, (inputs) => updates.push(inputs));

    stop();
    source.push(CONNECTED, SUMMARY);

    expect(updates).toHaveLength(1);
  });

  it('runs connection actions', async () => {
    const { handle, calls } = actions();

    handle('connect');
    handle('reconnect');
    handle('disconnect');
    handle('open');
    await vi.waitFor(() => expect(calls).toHaveLength(4));

    expect(calls).toEqual(['connect', 'reconnect', 'disconnect', 'show']);
  });

  it('stops a running tunnel before quitting', async () => {
    const { handle, calls } = actions(CONNECTED);

    handle('quit');
    await vi.waitFor(() => expect(calls).toContain('quit'));

    expect(calls).toEqual(['disconnect', 'quit']);
  });

  it('quits without a disconnect when nothing runs', async () => {
    const { handle, calls } = actions({ status: 'disconnected' });

    handle('quit');
    await vi.waitFor(() => expect(calls).toContain('quit'));

    expect(calls).toEqual(['quit']);
  });

  it('quits even when the disconnect fails', async () => {
    const { handle, options } = actions(CONNECTED);
    const failure = new Error('openvpn did not stop');
    options.connection.disconnect.mockImplementation(() => Promise.reject(failure));

    handle('quit');
    await vi.waitFor(() => expect(options.onError).toHaveBeenCalled());

    expect(options.quit).toHaveBeenCalled();
    expect(options.onError).toHaveBeenCalledWith('quit', failure);
  });

  it('reports a failed action', async () => {
    const { handle, options } = actions();
    const failure = new Error('No profile is installed yet');
    options.connection.connect.mockImplementation(() => Promise.reject(failure));

    handle('connect');
    await vi.waitFor(() => expect(options.onError).toHaveBeenCalled());

    expect(options.onError).toHaveBeenCalledWith('connect', failure);
  });
});
