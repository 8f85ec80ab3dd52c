import { describe, expect, it } from 'vitest';

import { NoticeLimiter } from './notice-limiter.ts';
import type { Notice } from './tray-notices.ts';

const AZURE_DOWN: Notice = {
  key: 'network:azure',
  title: 'Azure VNet is unreachable',
  body: 'Down.',
};
const AZURE_UP: Notice = {
  key: 'network:azure',
  title: 'Azure VNet is reachable again',
  body: 'Up.',
};
const VLAN_DOWN: Notice = {
  key: 'network:vlan',
  title: 'Office VLAN is unreachable',
  body: 'Down.',
};
const LOST: Notice = { key: 'connection', title: 'VPN connection lost, reconnecting', body: 'x' };
const BACK: Notice = { key: 'connection', title: 'Reconnected to the VPN', body: 'y' };

describe('notice limiter', () => {
  it('lets the first notice through unchanged', () => {
    const limiter = new NoticeLimiter();

    expect(limiter.admit(AZURE_DOWN, 0)).toEqual(AZURE_DOWN);
  });

  it('holds a flapping network within the gap', () => {
    const limiter = new NoticeLimiter({ perKeyGapMs: 60_000 });
    limiter.admit(AZURE_DOWN, 0);

    expect(limiter.admit(AZURE_UP, 10_000)).toBeUndefined();
    expect(limiter.admit(AZURE_DOWN, 59_999)).toBeUndefined();
  });

  it('counts held notices in the next one', () => {
    const limiter = new NoticeLimiter({ perKeyGapMs: 60_000 });
    limiter.admit(AZURE_DOWN, 0);
    limiter.admit(AZURE_UP, 10_000);
    limiter.admit(AZURE_DOWN, 20_000);

    const next = limiter.admit(AZURE_UP, 60_000);

    expect(next?.body).toBe('Up.\n2 earlier changes not shown; open the window for details.');
  });

  it('keys networks separately', () => {
    const limiter = new NoticeLimiter();
    limiter.admit(AZURE_DOWN, 0);

    expect(limiter.admit(VLAN_DOWN, 1_000)).toEqual(VLAN_DOWN);
  });

  it('lets connection notices skip the per-key gap', () => {
    const limiter = new NoticeLimiter();
    limiter.admit(LOST, 0);

    expect(limiter.admit(BACK, 800)).toEqual(BACK);
  });

  it('caps notices per window', () => {
    const limiter = new NoticeLimiter({ maxPerWindow: 3, windowMs: 30_000 });
    for (const time of [0, 1, 2]) limiter.admit({ ...LOST, title: `n${time}` }, time);

    expect(limiter.admit(BACK, 29_999)).toBeUndefined();
    expect(limiter.admit(BACK, 30_001)?.title).toBe('Reconnected to the VPN');
  });
});
