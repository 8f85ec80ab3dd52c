import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { ConnectionState } from '../connect/connection-state.ts';
import type { TrayModel } from './tray-model.ts';
import type { Notice } from './tray-notices.ts';
import { TrayPresenter } from './tray-presenter.ts';

const CONNECTED: ConnectionState = {
  status: 'connected',
  endpoint: { host: 'fw1.vpn.example.org', port: 1194 },
  tunnelAddress: '192.168.102.2',
  since: '2026-12-04T10:00:00.000Z',
};

function setup() {
  const renders: TrayModel[] = [];
  const notices: Notice[] = [];
  const presenter = new TrayPresenter({
    render: (model) => renders.push(model),
    notify: (notice) => notices.push(notice),
    minRenderIntervalMs: 500,
  });
  return { presenter, renders, notices };
}

describe('tray presenter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('renders the first state at once', () => {
    const { presenter, renders } = setup();

    presenter.update({ state: { status: 'disconnected' } });

    expect(renders.map((model) => model.icon)).toEqual(['disconnected']);
  });

  it('merges a burst into one trailing render', () => {
    const { presenter, renders } = setup();
    presenter.update({ state: { status: 'disconnected' } });

    presenter.update({ state: { status: 'connecting', phase: 'resolving' } });
    presenter.update({ state: { status: 'connecting', phase: 'authenticating' } });
    presenter.update({ state: CONNECTED });
    expect(renders).toHaveLength(1);

    vi.advanceTimersByTime(500);
    expect(renders.map((model) => model.icon)).toEqual(['disconnected', 'connected']);
  });

  it('skips a render equal to the one shown', () => {
    const { presenter, renders } = setup();
    presenter.update({ state: CONNECTED });

    vi.advanceTimersByTime(1_000);
    presenter.update({ state: { ...CONNECTED } });

    expect(renders).toHaveLength(1);
  });

  it('notifies on every change despite the throttle', () => {
    const { presenter, notices } = setup();
    presenter.update({ state: CONNECTED });

    presenter.update({ state: { status: 'reconnecting', reason: 'ping timeout' } });
    presenter.update({ state: CONNECTED });

    expect(notices.map((notice) => notice.title)).toEqual([
      'VPN connection lost, reconnecting',
      'Reconnected to the VPN',
    ]);
  });

  it('drops a scheduled render on dispose', () => {
    const { presenter, renders } = setup();
    presenter.update({ state: { status: 'disconnected' } });
    presenter.update({ state: CONNECTED });

    presenter.dispose();
    vi.advanceTimersByTime(1_000);

    expect(renders).toHaveLength(1);
  });
});
